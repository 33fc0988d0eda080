#include "sim/sim_http_server.h"

#include <list>

#include <fmt/format.h>

#include "sim/detail/http1_wire.h"
#include "sim/detail/sim_ws_session.h"

namespace sim {

namespace {

using detail::Http1Message;
using detail::Http1Parser;
using detail::SimWsSession;

/// Beast's suggested server timeouts: a ping after half the idle time, a drop after all of it.
constexpr std::int64_t kWsServerPingUs = 150'000'000;

class Conn;

/// Shared with every connection, so a connection (or a responder) can outlive the server.
struct ServerState {
  core::Clock& clock;
  SimNetwork& net;
  std::string host;
  core::HttpServerOptions options;
  core::HttpServer::Handler handler;
  core::HttpServer::WsHandler ws_handler;
  std::uint64_t accepted = 0;
  std::int64_t ws_ping_us = 0;  // set_ws_ping; 0: kWsServerPingUs keepalive
  std::int64_t ws_pong_timeout_us = 0;
  std::optional<std::uint16_t> port;
  std::list<std::weak_ptr<Conn>> conns;
};

core::HttpRequest to_core(Http1Message&& m, const std::string& peer) {
  return core::HttpRequest{std::move(m.method), std::move(m.target), std::move(m.headers),
                           std::move(m.body), peer};
}

/// One accepted stream: HTTP requests one at a time, then perhaps a WebSocket session.
/// Owned by the stream's handlers (and by responders still out), like a Beast session.
class Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(std::shared_ptr<ServerState> server, ConnId id, std::string peer)
      : server_(std::move(server)),
        id_(id),
        remote_(fmt::format("{}#{}", peer, id)),
        peer_(std::move(peer)),
        parser_(Http1Parser::Kind::kRequest, server_->options.body_bytes_max) {}

  void start() {
    auto self = shared_from_this();
    server_->net.set_handlers(id_, {[self](std::string_view bytes) {
                                      auto keep = self;  // the stream may drop this closure
                                      keep->on_data(bytes);
                                    },
                                    [self](const core::Status& why) {
                                      auto keep = self;
                                      keep->on_closed(why);
                                    }});
    arm_idle();
  }

  /// Server stopped: drop the connection (a WebSocket reports 1006 on this side).
  void abort() {
    if (ws_) return ws_->fail("server stopped");
    close_stream();
  }

 private:
  void on_data(std::string_view bytes) {
    if (ws_) return ws_->receive(bytes);
    parser_.feed(bytes);
    parse_next();
  }

  void on_closed(const core::Status& why) {
    closed_ = true;
    server_->clock.cancel(idle_timer_);
    if (ws_) ws_->stream_closed(why);
  }

  void parse_next() {
    if (busy_ || closed_ || ws_) return;
    switch (parser_.parse()) {
      case Http1Parser::State::kNeedMore:
        return;
      case Http1Parser::State::kMalformed:
        return reply_and_close(400, "malformed request: " + parser_.error() + "\n");
      case Http1Parser::State::kTooLarge:
        return reply_and_close(413, "request body too large\n");
      case Http1Parser::State::kDone:
        break;
    }
    server_->clock.cancel(idle_timer_);  // the handler may answer much later
    Http1Message req = parser_.take();
    if (detail::is_websocket_upgrade(req) && server_->ws_handler) return upgrade(std::move(req));
    dispatch(std::move(req));
  }

  void dispatch(Http1Message req) {
    busy_ = true;
    const bool keep_alive = detail::keep_alive(req);
    const bool head = req.method == "HEAD";
    core::HttpResponder responder(
        [self = shared_from_this(), keep_alive, head](core::HttpResponse res) {
          self->write(res, head, keep_alive);
        },
        [self = shared_from_this()] { self->reset_stream(); });
    if (!server_->handler) return responder.respond({404, {}, "no handler\n"});
    server_->handler(to_core(std::move(req), peer_), std::move(responder));
  }

  void upgrade(Http1Message req) {
    const auto key = core::find_header(req.headers, "sec-websocket-key");
    if (!key || core::find_header(req.headers, "sec-websocket-version") != "13") {
      return reply_and_close(400, "websocket upgrade without a key or version 13\n");
    }
    send(
        fmt::format("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    "Connection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
                    core::ws_accept_for(*key)));
    if (closed_) return;
    ws_ = std::make_shared<SimWsSession>(server_->clock, server_->net, SimWsSession::Role::kServer,
                                         remote_, server_->options.body_bytes_max);
    ws_->start(id_);
    if (server_->ws_ping_us > 0)
      ws_->set_ping_schedule(server_->ws_ping_us, server_->ws_pong_timeout_us);
    else
      ws_->set_keepalive(kWsServerPingUs);
    const std::string rest = parser_.take_rest();
    auto session = ws_;  // the handler may stop the server, which drops ws_'s owner
    server_->ws_handler(to_core(std::move(req), peer_), session);
    if (!rest.empty()) session->receive(rest);
  }

  void reply_and_close(int status, std::string text) {
    write({status, {{"Content-Type", "text/plain"}}, std::move(text)}, false, false);
  }

  void write(const core::HttpResponse& res, bool head, bool keep_alive) {
    if (closed_) return;
    keep_alive = keep_alive && !detail::header_has_token(res.headers, "connection", "close");
    send(detail::write_response(res, head, keep_alive));
    busy_ = false;
    if (!keep_alive) return close_stream();
    arm_idle();
    parse_next();
  }

  void send(std::string bytes) {
    if (!server_->net.send(id_, std::move(bytes))) closed_ = true;  // reset: nothing to answer
  }

  void reset_stream() {
    if (closed_) return;
    closed_ = true;
    server_->clock.cancel(idle_timer_);
    server_->net.reset(id_);
  }

  void close_stream() {
    if (closed_) return;
    closed_ = true;
    server_->clock.cancel(idle_timer_);
    server_->net.close(id_);
  }

  void arm_idle() {
    server_->clock.cancel(idle_timer_);
    idle_timer_ =
        server_->clock.call_after(server_->options.idle_timeout_us, [weak = weak_from_this()] {
          auto self = weak.lock();
          if (self && !self->busy_ && !self->ws_) {
            self->close_stream();
          }
        });
  }

  std::shared_ptr<ServerState> server_;
  ConnId id_;
  std::string remote_;  // "host#conn", for logs
  std::string peer_;    // the client host's name: HttpRequest::peer
  Http1Parser parser_;
  bool busy_ = false;  // a request is with the handler
  bool closed_ = false;
  core::TimerId idle_timer_ = 0;
  std::shared_ptr<SimWsSession> ws_;
};

bool names_this_host(const std::string& wanted, const std::string& own) {
  return wanted == own || wanted.empty() || wanted == "0.0.0.0" || wanted == "::" ||
         wanted == "127.0.0.1" || wanted == "localhost";
}

}  // namespace

struct SimHttpServer::Impl {
  std::shared_ptr<ServerState> state;
};

SimHttpServer::SimHttpServer(core::Clock& clock, SimNetwork& net, std::string host,
                             core::HttpServerOptions options)
    : impl_(std::make_unique<Impl>(Impl{std::make_shared<ServerState>(
          ServerState{clock, net, std::move(host), options, {}, {}, 0, 0, 0, {}, {}})})) {}

SimHttpServer::~SimHttpServer() {
  stop();
}

core::Result<std::uint16_t> SimHttpServer::listen(const std::string& host, std::uint16_t port) {
  ServerState& state = *impl_->state;
  if (!names_this_host(host, state.host)) {
    return core::make_error(core::Errc::kUnavailable,
                            "listen on {}:{}: this server lives on simulated host '{}'", host, port,
                            state.host);
  }
  if (state.port) {
    return core::make_error(core::Errc::kUnavailable, "listen on {}:{}: already listening on {}",
                            host, port, *state.port);
  }
  auto on_accept = [weak = std::weak_ptr<ServerState>(impl_->state), &net = state.net](
                       ConnId conn, const std::string& peer) {
    auto server = weak.lock();
    if (!server) return net.reset(conn);
    ++server->accepted;
    auto session = std::make_shared<Conn>(server, conn, peer);
    server->conns.remove_if([](const std::weak_ptr<Conn>& w) { return w.expired(); });
    server->conns.push_back(session);
    session->start();
  };
  for (std::uint32_t p = port == 0 ? kFirstAutoPort : port; p <= 65535; ++p) {
    core::Status bound = state.net.listen(state.host, static_cast<std::uint16_t>(p), on_accept);
    if (bound) {
      state.port = static_cast<std::uint16_t>(p);
      return *state.port;
    }
    if (port != 0 || bound.code != core::Errc::kAlreadyExists) {
      return core::make_error(core::Errc::kUnavailable, "listen on {}:{}: {}", state.host, p,
                              bound.message);
    }
  }
  return core::make_error(core::Errc::kUnavailable, "listen on {}: no free port", state.host);
}

void SimHttpServer::set_ws_ping(std::int64_t interval_us, std::int64_t pong_timeout_us) {
  impl_->state->ws_ping_us = interval_us;
  impl_->state->ws_pong_timeout_us = pong_timeout_us;
}

void SimHttpServer::set_handler(Handler handler) {
  impl_->state->handler = std::move(handler);
}

void SimHttpServer::set_ws_handler(WsHandler handler) {
  impl_->state->ws_handler = std::move(handler);
}

void SimHttpServer::stop() {
  ServerState& state = *impl_->state;
  if (state.port) state.net.unlisten(state.host, *state.port);
  state.port.reset();
  std::list<std::weak_ptr<Conn>> conns = std::move(state.conns);
  state.conns.clear();
  for (auto& weak : conns) {
    if (auto conn = weak.lock()) conn->abort();
  }
}

std::uint64_t SimHttpServer::connections_accepted() const {
  return impl_->state->accepted;
}

}  // namespace sim
