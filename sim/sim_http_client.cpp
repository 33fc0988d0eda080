#include "sim/sim_http_client.h"

#include <list>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "sim/detail/http1_wire.h"

namespace sim {

namespace {

using detail::Http1Parser;
using Done = std::function<void(core::Result<core::HttpResponse>)>;

class Exchange;

/// One stream to an origin. While a request runs on it, `exchange` gets its bytes and its end.
struct ClientConn {
  ConnId id = 0;
  std::string key;
  bool open = true;
  std::int64_t idle_since_us = 0;
  std::shared_ptr<Exchange> exchange;
};

struct ClientState {
  core::Clock& clock;
  SimNetwork& net;
  std::string host;
  core::HttpClientOptions options;
  std::map<std::string, std::vector<std::shared_ptr<ClientConn>>> idle;  // by origin key
  std::list<std::weak_ptr<Exchange>> in_flight;
  bool stopped = false;
};

std::string origin_key(const core::Url& origin) {
  return fmt::format("{}://{}:{}", origin.scheme, origin.host, origin.port);
}

void unpool(ClientState& client, const std::shared_ptr<ClientConn>& conn) {
  auto it = client.idle.find(conn->key);
  if (it != client.idle.end()) std::erase(it->second, conn);
}

std::shared_ptr<ClientConn> take_idle(ClientState& client, const std::string& key) {
  auto it = client.idle.find(key);
  if (it == client.idle.end()) return nullptr;
  std::vector<std::shared_ptr<ClientConn>>& pool = it->second;
  while (!pool.empty()) {
    std::shared_ptr<ClientConn> conn = pool.back();
    pool.pop_back();
    if (conn->open && client.clock.now_us() - conn->idle_since_us <= client.options.idle_keep_us) {
      return conn;
    }
    client.net.close(conn->id);
  }
  return nullptr;
}

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(std::shared_ptr<ClientState> client, const core::Url& origin, core::HttpRequest req,
           Done done)
      : client_(std::move(client)),
        origin_(origin),
        where_(origin_key(origin)),
        wire_(detail::write_request(origin, req)),
        parser_(Http1Parser::Kind::kResponse, client_->options.body_bytes_max),
        done_(std::move(done)) {
    if (req.method == "HEAD") parser_.skip_body();  // its answer announces a body it lacks
  }

  void start(std::int64_t timeout_us) {
    if (finished_) return;
    timer_ = client_->clock.call_after(
        timeout_us, [self = shared_from_this(), timeout_us] { self->on_timeout(timeout_us); });
    conn_ = take_idle(*client_, where_);
    if (conn_) return send();
    open_new();
  }

  /// Client destroyed: end quietly, `done` is not called.
  void abort() { finish(core::make_error(core::Errc::kCancelled, "client destroyed")); }

  void on_data(std::string_view bytes) {
    parser_.feed(bytes);
    switch (parser_.parse()) {
      case Http1Parser::State::kNeedMore:
        return;
      case Http1Parser::State::kMalformed:
      case Http1Parser::State::kTooLarge:
        return finish(core::make_in_doubt(core::Errc::kProtocol, "bad response from {}: {}", where_,
                                          parser_.error()));
      case Http1Parser::State::kDone:
        break;
    }
    detail::Http1Message res = parser_.take();
    std::shared_ptr<ClientConn> conn = std::move(conn_);
    conn->exchange.reset();
    if (detail::keep_alive(res) && parser_.take_rest().empty()) {
      conn->idle_since_us = client_->clock.now_us();
      client_->idle[conn->key].push_back(conn);
    } else {
      client_->net.close(conn->id);
      conn->open = false;
    }
    finish(core::HttpResponse{res.status, std::move(res.headers), std::move(res.body)});
  }

  void on_stream_closed(const core::Status& why) {
    conn_->exchange.reset();
    conn_.reset();
    if (why) {
      return finish(core::make_in_doubt(core::Errc::kUnavailable,
                                        "{} closed the connection before answering", where_));
    }
    finish(core::make_in_doubt(core::Errc::kUnavailable, "read from {}: {}", where_, why.message));
  }

 private:
  void open_new() {
    client_->net.connect(
        client_->host, origin_.host, origin_.port,
        [self = shared_from_this()](core::Result<ConnId> conn) { self->on_connect(conn); });
  }

  void on_connect(core::Result<ConnId> id) {
    if (id && finished_) return client_->net.close(*id);
    if (finished_) return;
    if (!id) {
      return finish(
          core::make_error(id.status().code, "connect {}: {}", where_, id.status().message));
    }
    conn_ = std::make_shared<ClientConn>(ClientConn{*id, where_, true, 0, nullptr});
    auto weak_client = std::weak_ptr<ClientState>(client_);
    client_->net.set_handlers(
        *id, {[conn = conn_, weak_client](std::string_view bytes) {
                if (auto exchange = conn->exchange) return exchange->on_data(bytes);
                auto client = weak_client.lock();  // bytes on an idle connection: not HTTP
                conn->open = false;
                if (client) {
                  unpool(*client, conn);
                  client->net.close(conn->id);
                }
              },
              [conn = conn_, weak_client](const core::Status& why) {
                auto keep = conn;  // this closure is being destroyed by the stream
                keep->open = false;
                if (auto exchange = keep->exchange) return exchange->on_stream_closed(why);
                if (auto client = weak_client.lock()) unpool(*client, keep);
              }});
    send();
  }

  void send() {
    write_started_ = true;
    conn_->exchange = shared_from_this();
    core::Status sent = client_->net.send(conn_->id, std::move(wire_));
    if (!sent) {
      finish(
          core::make_in_doubt(core::Errc::kUnavailable, "write to {}: {}", where_, sent.message));
    }
  }

  void on_timeout(std::int64_t timeout_us) {
    timer_ = 0;
    if (write_started_) {
      return finish(core::make_in_doubt(core::Errc::kTimeout, "no response from {} within {} us",
                                        where_, timeout_us));
    }
    finish(core::make_error(core::Errc::kTimeout, "connecting to {} took over {} us", where_,
                            timeout_us));
  }

  void finish(core::Result<core::HttpResponse> result) {
    if (finished_) return;
    finished_ = true;
    client_->clock.cancel(timer_);
    if (conn_) {  // an unfinished exchange leaves the connection unusable
      conn_->exchange.reset();
      conn_->open = false;
      client_->net.reset(conn_->id);
      conn_.reset();
    }
    Done done = std::move(done_);
    if (!client_->stopped) done(std::move(result));
  }

  std::shared_ptr<ClientState> client_;
  core::Url origin_;
  std::string where_;
  std::string wire_;
  Http1Parser parser_;
  Done done_;
  core::TimerId timer_ = 0;
  std::shared_ptr<ClientConn> conn_;
  bool write_started_ = false;
  bool finished_ = false;
};

}  // namespace

struct SimHttpClient::Impl {
  std::shared_ptr<ClientState> state;
};

SimHttpClient::SimHttpClient(core::Clock& clock, SimNetwork& net, std::string host,
                             core::HttpClientOptions options)
    : impl_(std::make_unique<Impl>(Impl{std::make_shared<ClientState>(
          ClientState{clock, net, std::move(host), std::move(options), {}, {}, false})})) {}

SimHttpClient::~SimHttpClient() {
  ClientState& state = *impl_->state;
  state.stopped = true;
  for (auto& weak : state.in_flight) {
    if (auto exchange = weak.lock()) exchange->abort();
  }
  for (auto& [key, pool] : state.idle) {
    for (auto& conn : pool) state.net.close(conn->id);
  }
  state.idle.clear();
}

void SimHttpClient::request(const core::Url& origin, core::HttpRequest request,
                            std::int64_t timeout_us, Done done) {
  ClientState& state = *impl_->state;
  if (origin.scheme != "http" && origin.scheme != "https") {
    core::Status bad = core::make_error(core::Errc::kInvalidArgument,
                                        "origin scheme '{}' is not http or https", origin.scheme);
    state.clock.post([bad, done = std::move(done)] { done(bad); });
    return;
  }
  auto exchange =
      std::make_shared<Exchange>(impl_->state, origin, std::move(request), std::move(done));
  state.in_flight.remove_if([](const std::weak_ptr<Exchange>& w) { return w.expired(); });
  state.in_flight.push_back(exchange);
  state.clock.post([exchange, timeout_us] { exchange->start(timeout_us); });
}

}  // namespace sim
