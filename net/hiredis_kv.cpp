#include "net/hiredis_kv.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <signal.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <charconv>
#include <cstdint>
#include <map>
#include <vector>

namespace net {
namespace {

namespace asio = boost::asio;
using core::Errc;
using core::KvReply;

struct Endpoint {
  std::string host;
  int port = 6379;
  int db = 0;
};

bool parse_number(std::string_view text, int* out) {
  const auto r = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && r.ec == std::errc() && r.ptr == text.data() + text.size();
}

core::Result<Endpoint> parse_url(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  std::string_view rest(url);
  if (rest.substr(0, kScheme.size()) != kScheme) {
    return core::make_error(Errc::kConfig, "kv url '{}' does not start with redis://", url);
  }
  rest.remove_prefix(kScheme.size());
  Endpoint ep;
  const auto slash = rest.find('/');
  if (slash != std::string_view::npos) {
    if (!parse_number(rest.substr(slash + 1), &ep.db) || ep.db < 0) {
      return core::make_error(Errc::kConfig, "kv url '{}': bad database number", url);
    }
    rest = rest.substr(0, slash);
  }
  const auto colon = rest.rfind(':');
  if (colon != std::string_view::npos) {
    if (!parse_number(rest.substr(colon + 1), &ep.port) || ep.port <= 0 || ep.port > 65535) {
      return core::make_error(Errc::kConfig, "kv url '{}': bad port", url);
    }
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return core::make_error(Errc::kConfig, "kv url '{}': no host", url);
  ep.host = std::string(rest);
  return ep;
}

KvReply convert(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      return {std::string(r->str, r->len)};
    case REDIS_REPLY_INTEGER:
      return {static_cast<std::int64_t>(r->integer)};
    case REDIS_REPLY_ARRAY: {
      std::vector<KvReply> items;
      items.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i) items.push_back(convert(r->element[i]));
      return {std::move(items)};
    }
    case REDIS_REPLY_ERROR:
      return {core::KvError{std::string(r->str, r->len)}};
    default:
      return {};
  }
}

}  // namespace

struct HiredisKv::Impl : std::enable_shared_from_this<Impl> {
  /// One hiredis connection of the pool, with its own socket watch and reconnect backoff.
  struct Conn {
    Impl* owner;
    std::size_t index;
    redisAsyncContext* ac = nullptr;
    bool connected = false;
    std::unique_ptr<asio::posix::stream_descriptor> socket;
    std::uint64_t generation = 0;  // bumped per connection: stale Asio handlers ignore themselves
    bool want_read = false, want_write = false, read_armed = false, write_armed = false;
    std::int64_t backoff_ms;
    core::TimerId reconnect_timer = 0;
    std::size_t in_flight = 0;

    bool connecting() const { return ac != nullptr && !connected; }
    void connect();
    void schedule_reconnect();
    void arm(bool read);
    void watch(bool read, bool on) {
      (read ? want_read : want_write) = on;
      if (on) arm(read);
    }
    void forget_socket() {
      want_read = want_write = read_armed = write_armed = false;
      ++generation;
      if (socket) socket->release();  // hiredis closes the fd itself
      socket.reset();
    }
  };
  struct Pending {
    std::string label;  // "GET", "script rate_limit": names the request in errors
    core::KvReplyCallback done;
    core::TimerId timer = 0;
    Conn* conn = nullptr;
  };

  Impl(AsioClock& c, core::KvOptions o)
      : clock(c), options(std::move(o)), endpoint(parse_url(options.url)) {
    if (endpoint && options.max_connections < 1) {
      endpoint = core::make_error(Errc::kConfig, "kv max_connections {} is not >= 1",
                                  options.max_connections);
    }
  }

  AsioClock& clock;
  core::KvOptions options;
  core::Result<Endpoint> endpoint;
  bool closing = false;
  std::vector<std::unique_ptr<Conn>> conns;  // grows up to max_connections, never shrinks
  std::map<std::uint64_t, Pending> pending;
  std::uint64_t next_id = 1;

  Conn& add_conn() {
    conns.push_back(
        std::make_unique<Conn>(Conn{this, conns.size(), nullptr, false, nullptr, 0, false, false,
                                    false, false, options.reconnect_backoff_ms_min, 0, 0}));
    conns.back()->connect();
    return *conns.back();
  }
  /// The connection for the next command; nullptr when none is up or coming up.
  Conn* pick();
  void send(std::vector<std::string> argv, std::string label, core::KvReplyCallback done);
  void complete(std::uint64_t id, core::Result<KvReply> result);
  void shutdown();

  static Conn* of(const redisAsyncContext* c) { return static_cast<Conn*>(c->data); }
  static void on_connect(const redisAsyncContext* c, int status);
  static void on_disconnect(const redisAsyncContext* c, int status);
  static void on_reply(redisAsyncContext* c, void* reply, void* privdata);
};

void HiredisKv::Impl::Conn::connect() {
  const Impl& o = *owner;
  if (o.closing || !o.endpoint) return;
  ac = redisAsyncConnect(o.endpoint->host.c_str(), o.endpoint->port);
  if (ac == nullptr || ac->err) {
    if (ac) redisAsyncFree(ac);
    ac = nullptr;
    return schedule_reconnect();
  }
  ac->data = this;
  ++generation;
  socket = std::make_unique<asio::posix::stream_descriptor>(owner->clock.io_context(), ac->c.fd);
  ac->ev.data = this;
  ac->ev.addRead = [](void* p) { static_cast<Conn*>(p)->watch(true, true); };
  ac->ev.delRead = [](void* p) { static_cast<Conn*>(p)->watch(true, false); };
  ac->ev.addWrite = [](void* p) { static_cast<Conn*>(p)->watch(false, true); };
  ac->ev.delWrite = [](void* p) { static_cast<Conn*>(p)->watch(false, false); };
  ac->ev.cleanup = [](void* p) { static_cast<Conn*>(p)->forget_socket(); };
  redisAsyncSetDisconnectCallback(ac, &Impl::on_disconnect);
  redisAsyncSetConnectCallback(ac, &Impl::on_connect);  // arms the first write: the connect
  if (o.endpoint->db != 0) {
    const std::string db = std::to_string(o.endpoint->db);
    const char* argv[] = {"SELECT", db.c_str()};
    const std::size_t lens[] = {6, db.size()};
    redisAsyncCommandArgv(ac, nullptr, nullptr, 2, argv, lens);
  }
}

void HiredisKv::Impl::Conn::schedule_reconnect() {
  if (owner->closing || reconnect_timer != 0) return;
  std::weak_ptr<Impl> weak = owner->shared_from_this();
  reconnect_timer = owner->clock.call_after(backoff_ms * 1000, [weak, i = index] {
    if (auto self = weak.lock()) {
      self->conns[i]->reconnect_timer = 0;
      self->conns[i]->connect();
    }
  });
  backoff_ms = std::min(backoff_ms * 2, owner->options.reconnect_backoff_ms_max);
}

void HiredisKv::Impl::Conn::arm(bool read) {
  bool& armed = read ? read_armed : write_armed;
  if (armed || !socket) return;
  armed = true;
  std::weak_ptr<Impl> weak = owner->shared_from_this();
  const auto wait =
      read ? asio::posix::stream_descriptor::wait_read : asio::posix::stream_descriptor::wait_write;
  socket->async_wait(
      wait, [weak, i = index, read, gen = generation](const boost::system::error_code& ec) {
        auto self = weak.lock();
        if (!self || ec) return;
        Conn& c = *self->conns[i];
        if (gen != c.generation) return;
        (read ? c.read_armed : c.write_armed) = false;
        if (!(read ? c.want_read : c.want_write) || c.ac == nullptr) return;
        if (read) {
          redisAsyncHandleRead(c.ac);
        } else {
          redisAsyncHandleWrite(c.ac);
        }
        // hiredis may have dropped the connection (generation moved on) or still want more.
        if (gen == c.generation && (read ? c.want_read : c.want_write)) c.arm(read);
      });
}

void HiredisKv::Impl::on_connect(const redisAsyncContext* c, int status) {
  Conn* conn = of(c);
  if (status != REDIS_OK) {  // hiredis frees the context when this returns
    conn->ac = nullptr;
    conn->connected = false;
    return conn->schedule_reconnect();
  }
  conn->connected = true;
  conn->backoff_ms = conn->owner->options.reconnect_backoff_ms_min;
}

void HiredisKv::Impl::on_disconnect(const redisAsyncContext* c, int /*status*/) {
  Conn* conn = of(c);
  conn->ac = nullptr;
  conn->connected = false;
  conn->schedule_reconnect();
}

void HiredisKv::Impl::on_reply(redisAsyncContext* c, void* reply, void* privdata) {
  Conn* conn = of(c);
  Impl* self = conn->owner;
  const auto id = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(privdata));
  auto it = self->pending.find(id);
  if (it == self->pending.end()) return;  // timed out already
  const std::string& label = it->second.label;
  if (reply == nullptr) {
    // Freed with the connection: it may have been written before the server went away.
    return self->complete(id, core::Status{Errc::kUnavailable,
                                           fmt::format("kv {}: connection to {}:{} lost", label,
                                                       self->endpoint->host, self->endpoint->port),
                                           conn->connected});
  }
  KvReply converted = convert(static_cast<const redisReply*>(reply));
  if (const auto* err = std::get_if<core::KvError>(&converted.value)) {
    return self->complete(id, core::make_error(Errc::kRejected, "kv {}: {}", label, err->message));
  }
  self->complete(id, std::move(converted));
}

HiredisKv::Impl::Conn* HiredisKv::Impl::pick() {
  Conn* best = nullptr;
  Conn* connecting = nullptr;
  for (auto& c : conns) {
    if (c->connected && (best == nullptr || c->in_flight < best->in_flight)) best = c.get();
    if (connecting == nullptr && c->connecting()) connecting = c.get();
  }
  // Every connection busy: open one more, which takes commands once it is up. Meanwhile the
  // command waits behind others rather than fail on a connection that may not come up.
  if (best != nullptr && best->in_flight > 0 && connecting == nullptr &&
      conns.size() < static_cast<std::size_t>(options.max_connections)) {
    add_conn();
  }
  return best != nullptr ? best : connecting;  // hiredis buffers commands until connected
}

void HiredisKv::Impl::send(std::vector<std::string> argv, std::string label,
                           core::KvReplyCallback done) {
  auto fail_soon = [this, &done](core::Status status) {
    clock.post([done = std::move(done), status = std::move(status)] { done(status); });
  };
  if (!endpoint) return fail_soon(endpoint.status());
  Conn* conn = pick();
  if (conn == nullptr) {
    return fail_soon(core::make_error(Errc::kUnavailable, "kv {}: not connected to {}:{}", label,
                                      endpoint->host, endpoint->port));
  }
  std::vector<const char*> ptrs;
  std::vector<std::size_t> lens;
  for (const auto& a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  const std::uint64_t id = next_id++;
  void* privdata = reinterpret_cast<void*>(static_cast<std::uintptr_t>(id));
  if (redisAsyncCommandArgv(conn->ac, &Impl::on_reply, privdata, static_cast<int>(argv.size()),
                            ptrs.data(), lens.data()) != REDIS_OK) {
    return fail_soon(core::make_error(Errc::kUnavailable, "kv {}: connection is closing", label));
  }
  std::weak_ptr<Impl> weak = shared_from_this();
  const std::int64_t timeout_ms = options.command_timeout_ms;
  const core::TimerId timer = clock.call_after(timeout_ms * 1000, [weak, id, label, timeout_ms] {
    if (auto self = weak.lock()) {
      self->complete(id, core::make_in_doubt(Errc::kTimeout, "kv {}: no reply within {} ms", label,
                                             timeout_ms));
    }
  });
  ++conn->in_flight;
  pending.emplace(id, Pending{std::move(label), std::move(done), timer, conn});
}

void HiredisKv::Impl::complete(std::uint64_t id, core::Result<KvReply> result) {
  auto it = pending.find(id);
  if (it == pending.end()) return;
  Pending p = std::move(it->second);
  pending.erase(it);
  clock.cancel(p.timer);
  --p.conn->in_flight;
  if (closing) return;
  // Posted, so user code never runs inside hiredis (it may issue or destroy from there).
  clock.post([done = std::move(p.done), result = std::move(result)]() mutable {
    done(std::move(result));
  });
}

void HiredisKv::Impl::shutdown() {
  closing = true;
  for (auto& [id, p] : pending) clock.cancel(p.timer);
  for (auto& c : conns) {
    if (c->reconnect_timer) clock.cancel(c->reconnect_timer);
    if (c->ac) redisAsyncFree(c->ac);  // runs on_reply(nullptr) for each pending: dropped
    c->ac = nullptr;
  }
  pending.clear();
}

HiredisKv::HiredisKv(AsioClock& clock, core::KvOptions options)
    : impl_(std::make_shared<Impl>(clock, std::move(options))) {
  // hiredis writes with write(2): a server that went away must not kill us with SIGPIPE.
  struct sigaction current {};
  if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    ::signal(SIGPIPE, SIG_IGN);
  }
  impl_->add_conn();
}

HiredisKv::~HiredisKv() {
  impl_->shutdown();
}

void HiredisKv::command(std::vector<std::string> argv, core::KvReplyCallback on_reply) {
  std::string label = argv.empty() ? std::string() : argv[0];
  impl_->send(std::move(argv), std::move(label), std::move(on_reply));
}

void HiredisKv::eval(const core::KvScript& script, std::vector<std::string> keys,
                     std::vector<std::string> args, core::KvReplyCallback on_reply) {
  auto build = [&](const std::string& verb, const std::string& body) {
    std::vector<std::string> argv{verb, body, std::to_string(keys.size())};
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  };
  std::vector<std::string> with_sha = build("EVALSHA", script.sha1_hex());
  std::vector<std::string> with_source = build("EVAL", script.source());
  std::string label = "script " + script.name();
  std::weak_ptr<Impl> weak = impl_;
  impl_->send(std::move(with_sha), label,
              [weak, label, with_source = std::move(with_source),
               on_reply = std::move(on_reply)](core::Result<KvReply> r) mutable {
                auto self = weak.lock();
                const bool unknown = !r && r.status().code == Errc::kRejected &&
                                     r.status().message.find("NOSCRIPT") != std::string::npos;
                if (!self || !unknown) return on_reply(std::move(r));
                self->send(std::move(with_source), label, std::move(on_reply));
              });
}

bool HiredisKv::connected() const {
  return connections() > 0;
}

std::size_t HiredisKv::connections() const {
  return static_cast<std::size_t>(std::count_if(impl_->conns.begin(), impl_->conns.end(),
                                                [](const auto& c) { return c->connected; }));
}

}  // namespace net
