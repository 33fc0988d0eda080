#include "net/nats_bus.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <list>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include <nats/nats.h>

#include "core/log.h"
#include "core/subject.h"
#include "net/detail/nats_loop.h"

// nats.c's own constructor for a message it received: `buf` holds `hdrLen` bytes of encoded
// headers, then the data. Exported by libnats (3.4.1) but not declared in nats.h; the
// header block is sent as given (it is never parsed unless read back).
extern "C" natsStatus natsMsg_create(natsMsg** newMsg, const char* subject, int subjLen,
                                     const char* reply, int replyLen, const char* buf, int bufLen,
                                     int hdrLen);
// What natsMsg_Destroy hands to nats.c's garbage-collector thread, which then frees it there:
// a lock, often a wake-up, and a free on another thread per message. Called directly on
// the loop for the messages this bus owns outright (created by publish, or taken from a
// synchronous subscription). Exported by libnats (3.4.1), not declared in nats.h.
extern "C" void natsMsg_free(void* object);

namespace net {
namespace {

using core::BusState;
using core::Errc;

/// Core mode: how often publish looks at nats.c's buffered bytes (the bound may be passed by
/// this many messages).
constexpr int kBacklogCheckEvery = 64;

/// True when `text` holds one of `chars`: plain loops, since string_view::find_first_of
/// calls memchr once per character of the text (3% of the gateway's CPU on its headers).
bool has_any(std::string_view text, std::string_view chars) {
  for (const char c : text)
    for (const char x : chars)
      if (c == x) return true;
  return false;
}

core::Status nats_error(natsStatus s, std::string_view what) {
  const Errc code = [s] {
    switch (s) {
      case NATS_INSUFFICIENT_BUFFER:
      case NATS_CONNECTION_CLOSED:
      case NATS_CONNECTION_DISCONNECTED:
      case NATS_NOT_YET_CONNECTED:
      case NATS_NO_SERVER:
      case NATS_STALE_CONNECTION:
        return Errc::kUnavailable;
      case NATS_INVALID_SUBJECT:
      case NATS_INVALID_ARG:
        return Errc::kInvalidArgument;
      case NATS_MAX_PAYLOAD:
        return Errc::kResourceExhausted;
      default:
        return Errc::kIo;
    }
  }();
  return core::make_error(code, "nats {}: {} ({})", what, natsStatus_GetText(s),
                          nats_GetLastError(nullptr));
}

/// Copies `msg` into `m`, reusing the capacity of its strings.
void copy_message(natsMsg* msg, core::BusMessage& m) {
  m.subject = natsMsg_GetSubject(msg);
  if (const char* reply = natsMsg_GetReply(msg))
    m.reply = reply;
  else
    m.reply.clear();
  if (const char* data = natsMsg_GetData(msg))
    m.data.assign(data, static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
  else
    m.data.clear();
  m.headers.clear();
  const char** keys = nullptr;
  int key_count = 0;
  if (natsMsgHeader_Keys(msg, &keys, &key_count) == NATS_OK) {
    for (int k = 0; k < key_count; ++k) {
      const char** values = nullptr;
      int value_count = 0;
      if (natsMsgHeader_Values(msg, keys[k], &values, &value_count) != NATS_OK) continue;
      for (int v = 0; v < value_count; ++v) m.headers.push_back({keys[k], values[v]});
      std::free(static_cast<void*>(values));
    }
    std::free(static_cast<void*>(keys));
  }
  std::stable_sort(m.headers.begin(), m.headers.end(),
                   [](const core::Header& a, const core::Header& b) { return a.name < b.name; });
}

}  // namespace

/// What nats.c threads may touch: the clock (post is thread-safe), the liveness flag and
/// the count of connections whose closed callback has run. Everything else is loop-only.
struct Bridge {
  explicit Bridge(NatsBus::Impl* i) : impl(i) {}
  NatsBus::Impl* impl;
  std::mutex mu;
  std::condition_variable cv;
  std::uint64_t closed_count = 0;
};

struct NatsBus::Impl {
  Impl(AsioClock& c, core::BusOptions o) : clock(c), options(std::move(o)) {}
  AsioClock& clock;
  core::BusOptions options;
  core::log::Logger log{"nats_bus"};
  Bridge bridge{this};
  // The socket's I/O runs on the loop; after each read, the messages it parsed wait in the
  // (synchronous) subscriptions and are handed over at once: no nats.c thread in between.
  detail::NatsLoop loop{clock.io_context(), [this] { deliver(); }};
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);  // loop-only
  natsOptions* opts = nullptr;
  natsConnection* nc = nullptr;  // null only when a new cycle failed to start one
  std::uint64_t started = 0;     // connections created (each closes exactly once)
  core::TimerId cycle_timer = 0;
  std::string inbox_base;
  std::uint64_t next_inbox = 1;
  std::string subject_buf;  // publish's NUL-terminated subject, reused
  std::string reply_buf;    // ... and reply
  bool connected = false;   // as seen by the loop
  bool ever_connected = false;
  struct Sub {
    std::string subject;
    std::string queue;
    std::function<void(const core::BusMessage&)> on_message;
    natsSubscription* sub = nullptr;  // null between a close and the next cycle
  };
  core::SubscriptionId next_sub = 1;
  std::map<core::SubscriptionId, Sub> subs;
  core::StateHandlerId next_handler = 1;
  std::map<core::StateHandlerId, std::function<void(BusState)>> handlers;

  // State changes nats.c threads hand to the loop, in arrival order (one post per batch).
  struct Event {
    BusState state = BusState::kConnected;
    natsConnection* from = nullptr;  // tells events of a connection already replaced apart
  };
  std::mutex mailbox_mu;
  std::vector<Event> mailbox;   // under mailbox_mu
  std::vector<Event> draining;  // loop-only
  core::BusMessage delivered;   // loop-only: the message being handed over, reused

  // Called from nats.c threads (and from the loop for a synchronous connect).
  void post_state(BusState state, natsConnection* from) {
    bool first = false;
    {
      std::lock_guard lock(mailbox_mu);
      first = mailbox.empty();
      mailbox.push_back(Event{state, from});
    }
    if (first)
      clock.post([this, alive = alive] {
        if (*alive) drain();
      });
  }
  void drain() {
    {
      std::lock_guard lock(mailbox_mu);
      draining.swap(mailbox);
    }
    const std::shared_ptr<bool> token = alive;
    for (Event& e : draining) {
      if (e.from == nc) handle_state(e.state);
      if (!*token) return;  // a handler destroyed the bus: touch nothing of it
    }
    draining.clear();
  }

  // After a read on the loop: hands over what the read put in each subscription. A handler
  // may unsubscribe (any id) or destroy the bus, so the walk goes by id.
  void deliver() {
    const std::shared_ptr<bool> token = alive;
    for (auto it = subs.begin(); it != subs.end();) {
      const core::SubscriptionId id = it->first;
      natsSubscription* sub = it->second.sub;
      int count = 0;
      if (sub != nullptr && natsSubscription_GetPending(sub, &count, nullptr) != NATS_OK) count = 0;
      for (; count > 0; --count) {
        natsMsg* msg = nullptr;
        if (natsSubscription_NextMsg(&msg, sub, 0) != NATS_OK) break;
        copy_message(msg, delivered);
        natsMsg_free(msg);
        it->second.on_message(delivered);
        if (!*token) return;
        it = subs.find(id);
        if (it == subs.end() || it->second.sub != sub) break;
      }
      it = subs.upper_bound(id);
    }
  }

  void handle_state(BusState state) {
    // A later cycle's first connect is a reconnect for everyone listening.
    if (state == BusState::kConnected && ever_connected) state = BusState::kReconnected;
    connected = state == BusState::kConnected || state == BusState::kReconnected;
    ever_connected = ever_connected || connected;
    if (state == BusState::kClosed) schedule_cycle();
    // Copy: a handler may add or remove handlers.
    auto snapshot = handlers;
    for (auto& [id, h] : snapshot) {
      if (*alive && handlers.count(id) > 0) h(state);
    }
  }

  // nats.c closed the connection on its own (reconnect attempts used up): never give up,
  // start a fresh connection after the usual pause.
  void schedule_cycle() {
    log.warn("nats gave up reconnecting; new connection cycle soon",
             {{"url", options.url}, {"name", options.name}, {"cycle", started + 1}});
    cycle_timer = clock.call_after(options.reconnect_wait_us, [this, alive = alive] {
      if (!*alive) return;
      cycle_timer = 0;
      start_cycle();
    });
  }

  void start_cycle() {
    for (auto& [id, sub] : subs) {
      natsSubscription_Destroy(sub.sub);
      sub.sub = nullptr;
    }
    natsConnection_Destroy(nc);
    nc = nullptr;
    if (core::Status st = connect(); !st) {
      log.warn("nats connection cycle failed to start", {{"error", st.to_string()}});
      schedule_cycle();
      return;
    }
    for (auto& [id, sub] : subs) {
      if (core::Status st = attach(sub); !st) {
        log.warn("nats resubscribe failed", {{"subject", sub.subject}, {"error", st.to_string()}});
      }
    }
  }

  // With retry-on-failed-connect and a connected callback, nats.c returns at once with
  // NATS_NOT_YET_CONNECTED when the server is down and connects in the background.
  core::Status connect() {
    natsConnection* fresh = nullptr;
    const natsStatus s = natsConnection_Connect(&fresh, opts);
    if (s != NATS_OK && s != NATS_NOT_YET_CONNECTED) return nats_error(s, "connect");
    nc = fresh;
    ++started;
    if (s == NATS_OK) {
      connected = true;
      post_state(BusState::kConnected, nc);
    }
    return core::Status::ok();
  }

  // Subscribes `sub` on the current connection. A closed (or missing) connection is not an
  // error: the next cycle attaches it.
  core::Status attach(Sub& sub) {
    if (nc == nullptr) return core::Status::ok();
    natsStatus s = sub.queue.empty()
                       ? natsConnection_SubscribeSync(&sub.sub, nc, sub.subject.c_str())
                       : natsConnection_QueueSubscribeSync(&sub.sub, nc, sub.subject.c_str(),
                                                           sub.queue.c_str());
    if (s == NATS_OK) s = natsSubscription_SetPendingLimits(sub.sub, -1, -1);
    if (s == NATS_OK) return core::Status::ok();
    natsSubscription_Destroy(sub.sub);
    sub.sub = nullptr;
    if (s == NATS_CONNECTION_CLOSED) return core::Status::ok();
    return nats_error(s, fmt::format("subscribe to {}", sub.subject));
  }

  core::Status configure();

  // A message for subject_buf / reply_buf with `headers` in wire form ("NATS/1.0", then a
  // "Name: value" line each, then an empty line) ahead of `data`, as nats.c builds a message
  // it received: it goes out as is. natsMsg_Create plus natsMsgHeader_Add per header cost a
  // header hash map, a copy of every name and value and an encoding at each publish.
  core::Status raw_message(natsMsg** msg, const core::Headers& headers, std::string_view data) {
    frame_buf.assign("NATS/1.0\r\n");
    for (const core::Header& h : headers) {
      if (h.name.empty() || has_any(h.name, ": \r\n") || has_any(h.value, "\r\n")) {
        return core::make_error(Errc::kInvalidArgument,
                                "publish to {}: bad header '{}' (empty, or ':', space or line "
                                "break in the name, or a line break in the value)",
                                subject_buf, h.name);
      }
      frame_buf.append(h.name).append(": ").append(h.value).append("\r\n");
    }
    frame_buf.append("\r\n");
    const auto header_len = static_cast<int>(frame_buf.size());
    frame_buf.append(data);
    const natsStatus s =
        natsMsg_create(msg, subject_buf.data(), static_cast<int>(subject_buf.size()),
                       reply_buf.data(), static_cast<int>(reply_buf.size()), frame_buf.data(),
                       static_cast<int>(frame_buf.size()), header_len);
    return s == NATS_OK ? core::Status::ok() : nats_error(s, "message");
  }
  std::string frame_buf;  // raw_message's headers and data, reused
  /// Core mode: publishes since nats.c's buffered bytes were last looked at, and whether
  /// they were over the bound then (each look takes the connection's lock).
  int unchecked_publishes = 0;
  bool backlogged = false;
};

namespace {

void on_connected(natsConnection* nc, void* closure) {
  static_cast<Bridge*>(closure)->impl->post_state(BusState::kConnected, nc);
}
void on_disconnected(natsConnection* nc, void* closure) {
  static_cast<Bridge*>(closure)->impl->post_state(BusState::kDisconnected, nc);
}
void on_reconnected(natsConnection* nc, void* closure) {
  static_cast<Bridge*>(closure)->impl->post_state(BusState::kReconnected, nc);
}
void on_closed(natsConnection* nc, void* closure) {
  auto* bridge = static_cast<Bridge*>(closure);
  // Post under the lock: the destructor frees Impl once it sees the count, so the post
  // (which reads Impl) must be done by then.
  std::lock_guard lock(bridge->mu);
  bridge->impl->post_state(BusState::kClosed, nc);
  ++bridge->closed_count;
  bridge->cv.notify_all();
}

}  // namespace

core::Status NatsBus::Impl::configure() {
  natsStatus s = natsOptions_Create(&opts);
  if (s == NATS_OK) s = natsOptions_SetURL(opts, options.url.c_str());
  if (s == NATS_OK) s = natsOptions_SetName(opts, options.name.c_str());
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, options.max_reconnect_attempts);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts, options.reconnect_wait_us / 1000);
  if (s == NATS_OK) {
    s = natsOptions_SetReconnectBufSize(opts,
                                        static_cast<int>(options.effective_reconnect_buf_bytes()));
  }
  if (s == NATS_OK) s = natsOptions_SetDisconnectedCB(opts, on_disconnected, &bridge);
  if (s == NATS_OK) s = natsOptions_SetReconnectedCB(opts, on_reconnected, &bridge);
  if (s == NATS_OK) s = natsOptions_SetClosedCB(opts, on_closed, &bridge);
  if (s == NATS_OK) s = natsOptions_SetRetryOnFailedConnect(opts, true, on_connected, &bridge);
  if (s == NATS_OK) s = natsOptions_SetSendAsap(opts, options.send_asap);
  if (s == NATS_OK) s = loop.install(opts);
  return s == NATS_OK ? core::Status::ok() : nats_error(s, "options");
}

NatsBus::NatsBus(AsioClock& clock, core::BusOptions options)
    : impl_(std::make_unique<Impl>(clock, std::move(options))) {
  Impl& im = *impl_;
  core::Status st = im.configure();
  if (!st) throw std::runtime_error(st.to_string());  // bad options are a bug in the caller
  natsInbox* inbox = nullptr;
  natsInbox_Create(&inbox);
  im.inbox_base = inbox;
  natsInbox_Destroy(inbox);
  st = im.connect();
  if (!st) throw std::runtime_error(st.to_string());
}

NatsBus::~NatsBus() {
  Impl& im = *impl_;
  *im.alive = false;
  im.clock.cancel(im.cycle_timer);
  for (auto& [id, sub] : im.subs) {
    if (sub.sub != nullptr) natsSubscription_Unsubscribe(sub.sub);
  }
  if (im.nc != nullptr) {
    natsConnection_Close(im.nc);
    // The closed callback is the last thing nats.c runs with our closures (a connection
    // closed earlier already counted, and closing it again calls nothing).
    std::unique_lock lock(im.bridge.mu);
    im.bridge.cv.wait_for(lock, std::chrono::seconds(5),
                          [&] { return im.bridge.closed_count >= im.started; });
  }
  for (auto& [id, sub] : im.subs) natsSubscription_Destroy(sub.sub);
  natsConnection_Destroy(im.nc);
  natsOptions_Destroy(im.opts);
}

core::Status NatsBus::publish(std::string_view subject, std::string_view data,
                              const core::Headers& headers, std::string_view reply) {
  Impl& im = *impl_;
  if (!core::subject_valid(subject, false)) {
    return core::make_error(Errc::kInvalidArgument, "publish: bad subject '{}'", subject);
  }
  if (im.nc == nullptr || (im.options.jetstream && !im.connected)) {
    return core::make_error(Errc::kUnavailable, "publish to {}: not connected", subject);
  }
  // Core mode while connected: nats.c would buffer without bound for a nats-server that
  // reads slower than we publish (JetStream mode is bounded by its outbox's in-flight limit).
  // Looked at every kBacklogCheckEvery publishes, and at each one while over the bound.
  if (!im.options.jetstream && im.connected &&
      (im.backlogged || ++im.unchecked_publishes >= kBacklogCheckEvery)) {
    im.unchecked_publishes = 0;
    const int waiting = natsConnection_Buffered(im.nc);
    im.backlogged = waiting > im.options.reconnect_buf_bytes;
    if (im.backlogged) {
      return core::make_error(Errc::kResourceExhausted,
                              "publish to {}: {} bytes already wait for nats-server", subject,
                              waiting);
    }
  }
  // The hot path of every tick: the subject goes through a reused buffer (nats.c wants it
  // NUL-terminated), a message without headers skips building a natsMsg, and one with
  // headers gets them already encoded (no header map: one allocation, see raw_message).
  im.subject_buf.assign(subject);
  im.reply_buf.assign(reply);
  const char* subj = im.subject_buf.c_str();
  const char* rep = reply.empty() ? nullptr : im.reply_buf.c_str();
  natsStatus s = NATS_OK;
  const auto size = static_cast<int>(data.size());
  if (headers.empty() && rep == nullptr) {
    s = natsConnection_Publish(im.nc, subj, data.data(), size);
  } else if (headers.empty()) {
    s = natsConnection_PublishRequest(im.nc, subj, rep, data.data(), size);
  } else {
    natsMsg* msg = nullptr;
    if (core::Status st = im.raw_message(&msg, headers, data); !st) return st;
    s = natsConnection_PublishMsg(im.nc, msg);  // copies it into the write buffer
    natsMsg_free(msg);
  }
  return s == NATS_OK ? core::Status::ok()
                      : nats_error(s, fmt::format("publish to {}", im.subject_buf));
}

core::Result<core::SubscriptionId> NatsBus::subscribe(
    std::string_view subject, std::string_view queue_group,
    std::function<void(const core::BusMessage&)> on_message) {
  Impl& im = *impl_;
  if (!core::subject_valid(subject, true)) {
    return core::make_error(Errc::kInvalidArgument, "subscribe: bad subject '{}'", subject);
  }
  const core::SubscriptionId id = im.next_sub++;
  Impl::Sub sub{std::string(subject), std::string(queue_group), std::move(on_message)};
  if (core::Status st = im.attach(sub); !st) return st;
  im.subs.emplace(id, std::move(sub));
  return id;
}

core::Status NatsBus::unsubscribe(core::SubscriptionId id) {
  Impl& im = *impl_;
  auto it = im.subs.find(id);
  if (it == im.subs.end()) {
    return core::make_error(Errc::kNotFound, "unsubscribe: no subscription {}", id);
  }
  if (it->second.sub != nullptr) natsSubscription_Unsubscribe(it->second.sub);
  natsSubscription_Destroy(it->second.sub);
  im.subs.erase(it);  // messages already posted find no subscription and are dropped
  return core::Status::ok();
}

std::string NatsBus::new_inbox() {
  return fmt::format("{}.{}", impl_->inbox_base, impl_->next_inbox++);
}

std::uint64_t NatsBus::connection_cycles() const {
  return impl_->started;
}

bool NatsBus::connected() const {
  return impl_->connected;
}

core::StateHandlerId NatsBus::on_state(std::function<void(core::BusState)> handler) {
  const core::StateHandlerId id = impl_->next_handler++;
  impl_->handlers.emplace(id, std::move(handler));
  return id;
}

void NatsBus::remove_state_handler(core::StateHandlerId id) {
  impl_->handlers.erase(id);
}

}  // namespace net
