#include "net/beast_http_server.h"

#include <chrono>
#include <list>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "net/asio_clock.h"
#include "net/detail/beast_util.h"
#include "net/detail/ws_pump.h"

namespace net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using WsServerSession = detail::WsPump<beast::tcp_stream>;

namespace {

class HttpSession;

std::string endpoint_text(const tcp::socket& socket) {
  beast::error_code ec;
  const tcp::endpoint ep = socket.remote_endpoint(ec);
  return ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
}

std::string peer_address(const tcp::socket& socket) {
  beast::error_code ec;
  const tcp::endpoint ep = socket.remote_endpoint(ec);
  return ec ? std::string() : ep.address().to_string();
}

/// Shared with every session, so a session can outlive the server object.
struct ServerState {
  ServerState(asio::io_context& io, core::HttpServerOptions opts) : acceptor(io), options(opts) {}

  tcp::acceptor acceptor;
  core::HttpServerOptions options;
  core::HttpServer::Handler handler;
  core::HttpServer::WsHandler ws_handler;
  std::uint64_t accepted = 0;
  std::list<std::weak_ptr<HttpSession>> http_sessions;
  std::list<std::weak_ptr<WsServerSession>> ws_sessions;
};

using ServerImpl = std::shared_ptr<ServerState>;
using Request = http::request<http::string_body>;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, ServerImpl server)
      : remote_(endpoint_text(socket)),
        peer_(peer_address(socket)),
        stream_(std::move(socket)),
        server_(std::move(server)) {}

  void read_next() {
    parser_.emplace();
    parser_->body_limit(server_->options.body_bytes_max);
    stream_.expires_after(std::chrono::microseconds(server_->options.idle_timeout_us));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void abort() {
    beast::error_code ignored;
    stream_.socket().close(ignored);
  }

  /// Linger 0: the close sends RST, so the client sees a reset, not an orderly end.
  void reset() {
    beast::error_code ignored;
    stream_.socket().set_option(asio::socket_base::linger(true, 0), ignored);
    stream_.socket().close(ignored);
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) return reply_and_close(413, "request body too large\n");
    if (ec == http::error::end_of_stream || ec == http::error::partial_message) return abort();
    if (ec && ec.category() == http::make_error_code(http::error::bad_method).category()) {
      return reply_and_close(400, "malformed request: " + ec.message() + "\n");
    }
    if (ec) return abort();  // timeout, reset, server stop
    Request req = parser_->release();
    if (websocket::is_upgrade(req) && server_->ws_handler) return upgrade(std::move(req));
    dispatch(req);
  }

  void dispatch(const Request& req) {
    stream_.expires_never();  // the handler may answer much later
    const bool keep_alive = req.keep_alive();
    const bool head = req.method() == http::verb::head;
    const unsigned version = req.version();
    core::HttpResponder responder(
        [self = shared_from_this(), keep_alive, head, version](core::HttpResponse res) {
          self->write(std::move(res), version, keep_alive, head);
        },
        [self = shared_from_this()] { self->reset(); });
    if (!server_->handler) return responder.respond({404, {}, "no handler\n"});
    core::HttpRequest request = detail::to_core(req);
    request.peer = peer_;
    server_->handler(std::move(request), std::move(responder));
  }

  void upgrade(Request req) {
    auto ws = std::make_shared<WsServerSession>(std::move(stream_));
    ws->set_remote(remote_);
    beast::get_lowest_layer(ws->stream()).expires_never();
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.keep_alive_pings = true;
    ws->stream().set_option(timeouts);
    ws->stream().read_message_max(server_->options.body_bytes_max);
    auto shared_req = std::make_shared<Request>(std::move(req));
    ws->stream().async_accept(
        *shared_req, [ws, shared_req, server = server_, peer = peer_](beast::error_code ec) {
          if (ec) return;  // the peer went away during the handshake
          server->ws_sessions.push_back(ws);
          ws->start();
          core::HttpRequest request = detail::to_core(*shared_req);
          request.peer = peer;
          server->ws_handler(std::move(request), ws);
        });
  }

  void reply_and_close(int status, std::string text) {
    write({status, {{"Content-Type", "text/plain"}}, std::move(text)}, 11, false, false);
  }

  void write(core::HttpResponse res, unsigned version, bool keep_alive, bool head) {
    auto out = std::make_shared<http::response<http::string_body>>();
    out->version(version);
    out->result(static_cast<unsigned>(res.status));
    for (const core::Header& h : res.headers) out->insert(h.name, h.value);
    out->body() = std::move(res.body);
    if (out->find(http::field::content_length) == out->end()) out->prepare_payload();
    if (head) out->body().clear();  // Content-Length still tells the size of the GET answer
    keep_alive = keep_alive && out->keep_alive();
    out->keep_alive(keep_alive);
    http::async_write(
        stream_, *out,
        [self = shared_from_this(), out, keep_alive](beast::error_code ec, std::size_t) {
          if (ec || !keep_alive) return self->shut_down();
          self->read_next();
        });
  }

  void shut_down() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  std::string remote_;
  std::string peer_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  ServerImpl server_;
};

template <class T>
void prune(std::list<std::weak_ptr<T>>& list) {
  list.remove_if([](const std::weak_ptr<T>& w) { return w.expired(); });
}

void accept_next(const ServerImpl& self) {
  self->acceptor.async_accept([self](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
    if (!ec) {
      ++self->accepted;
      auto session = std::make_shared<HttpSession>(std::move(socket), self);
      prune(self->http_sessions);
      prune(self->ws_sessions);
      self->http_sessions.push_back(session);
      session->read_next();
    }
    accept_next(self);
  });
}

}  // namespace

struct BeastHttpServer::Impl {
  ServerImpl state;
};

BeastHttpServer::BeastHttpServer(AsioClock& clock, core::HttpServerOptions options)
    : impl_(std::make_unique<Impl>(
          Impl{std::make_shared<ServerState>(clock.io_context(), options)})) {}

BeastHttpServer::~BeastHttpServer() {
  stop();
}

core::Result<std::uint16_t> BeastHttpServer::listen(const std::string& host, std::uint16_t port) {
  const std::string where = host + ":" + std::to_string(port);
  beast::error_code ec;
  const asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) return detail::error_status(core::Errc::kUnavailable, "listen on " + where, ec);
  const tcp::endpoint endpoint(address, port);
  tcp::acceptor& acceptor = impl_->state->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor.close(ignored);
    return detail::error_status(core::Errc::kUnavailable, "listen on " + where, ec);
  }
  accept_next(impl_->state);
  return acceptor.local_endpoint().port();
}

void BeastHttpServer::set_handler(Handler handler) {
  impl_->state->handler = std::move(handler);
}

void BeastHttpServer::set_ws_handler(WsHandler handler) {
  impl_->state->ws_handler = std::move(handler);
}

void BeastHttpServer::stop() {
  beast::error_code ignored;
  impl_->state->acceptor.close(ignored);
  for (auto& weak : impl_->state->http_sessions) {
    if (auto s = weak.lock()) s->abort();
  }
  for (auto& weak : impl_->state->ws_sessions) {
    if (auto s = weak.lock()) s->fail("server stopped");
  }
  impl_->state->http_sessions.clear();
  impl_->state->ws_sessions.clear();
}

std::uint64_t BeastHttpServer::connections_accepted() const {
  return impl_->state->accepted;
}

}  // namespace net
