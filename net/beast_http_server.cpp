#include "net/beast_http_server.h"

#include <chrono>
#include <functional>
#include <list>
#include <optional>
#include <type_traits>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "net/asio_clock.h"
#include "net/detail/beast_util.h"
#include "net/detail/coalescing_stream.h"
#include "net/detail/ws_pump.h"

namespace net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {

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
  std::int64_t ws_ping_us = 0;  // set_ws_ping; 0: Beast's suggested keepalive
  std::int64_t ws_pong_timeout_us = 0;
  /// Set by use_tls: every connection is TLS (https and wss).
  std::shared_ptr<asio::ssl::context> tls;
  /// Live HTTP and websocket sessions, each with what stop() does to it.
  struct Live {
    std::weak_ptr<void> alive;
    std::function<void()> stop;
  };
  std::list<Live> sessions;

  template <class T, class Fn>
  void track(const std::shared_ptr<T>& session, Fn stop) {
    sessions.remove_if([](const Live& l) { return l.alive.expired(); });
    sessions.push_back({session, [weak = std::weak_ptr<T>(session), stop] {
                          if (auto s = weak.lock()) stop(*s);
                        }});
  }
};

using ServerImpl = std::shared_ptr<ServerState>;
using Request = http::request<http::string_body>;

/// One connection over `Stream`: beast::tcp_stream, or TlsStream after the TLS handshake.
template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(tcp::socket socket, ServerImpl server)
      : remote_(endpoint_text(socket)),
        peer_(peer_address(socket)),
        stream_(make_stream(std::move(socket), *server)),
        server_(std::move(server)) {}

  void start() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      lowest().expires_after(std::chrono::microseconds(server_->options.idle_timeout_us));
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->abort();  // not TLS, or a bad client
                                self->read_next();
                              });
    } else {
      read_next();
    }
  }

  void read_next() {
    parser_.emplace();
    parser_->body_limit(server_->options.body_bytes_max);
    lowest().expires_after(std::chrono::microseconds(server_->options.idle_timeout_us));
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void abort() {
    beast::error_code ignored;
    lowest().socket().close(ignored);
  }

  /// Linger 0: the close sends RST, so the client sees a reset, not an orderly end.
  void reset() {
    beast::error_code ignored;
    lowest().socket().set_option(asio::socket_base::linger(true, 0), ignored);
    lowest().socket().close(ignored);
  }

 private:
  static Stream make_stream(tcp::socket socket, const ServerState& server) {
    if constexpr (std::is_same_v<Stream, TlsStream>)
      return Stream(beast::tcp_stream(std::move(socket)), *server.tls);
    else
      return Stream(std::move(socket));
  }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

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
    lowest().expires_never();  // the handler may answer much later
    const bool keep_alive = req.keep_alive();
    const bool head = req.method() == http::verb::head;
    const unsigned version = req.version();
    core::HttpResponder responder(
        [self = this->shared_from_this(), keep_alive, head, version](core::HttpResponse res) {
          self->write(std::move(res), version, keep_alive, head);
        },
        [self = this->shared_from_this()] { self->reset(); });
    if (!server_->handler) return responder.respond({404, {}, "no handler\n"});
    core::HttpRequest request = detail::to_core(req);
    request.peer = peer_;
    server_->handler(std::move(request), std::move(responder));
  }

  void upgrade(Request req) {
    // Coalesced writes: a feed's burst of frames leaves in one socket write, not one each.
    auto ws =
        std::make_shared<detail::WsPump<detail::CoalescingStream<Stream>>>(std::move(stream_));
    ws->set_remote(remote_);
    beast::get_lowest_layer(ws->stream()).expires_never();
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.keep_alive_pings = true;
    if (server_->ws_ping_us > 0) {  // WsPump::ping_every keeps the connection instead
      timeouts.idle_timeout = websocket::stream_base::none();
      timeouts.keep_alive_pings = false;
    }
    ws->stream().set_option(timeouts);
    ws->stream().read_message_max(server_->options.body_bytes_max);
    auto shared_req = std::make_shared<Request>(std::move(req));
    ws->stream().async_accept(
        *shared_req, [ws, shared_req, server = server_, peer = peer_](beast::error_code ec) {
          if (ec) return;  // the peer went away during the handshake
          server->track(ws, [](auto& s) { s.fail("server stopped"); });
          ws->start();
          if (server->ws_ping_us > 0)
            ws->ping_every(std::chrono::microseconds(server->ws_ping_us),
                           std::chrono::microseconds(server->ws_pong_timeout_us));
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
        [self = this->shared_from_this(), out, keep_alive](beast::error_code ec, std::size_t) {
          if (ec || !keep_alive) return self->shut_down();
          self->read_next();
        });
  }

  void shut_down() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      // close_notify first, so TLS clients see an orderly end, bounded by the idle timeout.
      lowest().expires_after(std::chrono::microseconds(server_->options.idle_timeout_us));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        self->lowest().socket().close(ignored);
      });
    } else {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      lowest().socket().close(ignored);
    }
  }

  std::string remote_;
  std::string peer_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  ServerImpl server_;
};

template <class Stream>
void start_session(const ServerImpl& self, tcp::socket socket) {
  auto session = std::make_shared<HttpSession<Stream>>(std::move(socket), self);
  self->track(session, [](auto& s) { s.abort(); });
  session->start();
}

void accept_next(const ServerImpl& self) {
  self->acceptor.async_accept([self](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
    if (!ec) {
      ++self->accepted;
      if (self->tls)
        start_session<TlsStream>(self, std::move(socket));
      else
        start_session<beast::tcp_stream>(self, std::move(socket));
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

void BeastHttpServer::set_ws_ping(std::int64_t interval_us, std::int64_t pong_timeout_us) {
  impl_->state->ws_ping_us = interval_us;
  impl_->state->ws_pong_timeout_us = pong_timeout_us;
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
  auto sessions = std::move(impl_->state->sessions);
  impl_->state->sessions.clear();
  for (auto& live : sessions) live.stop();
}

core::Status BeastHttpServer::use_tls(const std::string& cert_file, const std::string& key_file) {
  namespace ssl = asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  beast::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) return detail::error_status(core::Errc::kConfig, "TLS certificate " + cert_file, ec);
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) return detail::error_status(core::Errc::kConfig, "TLS private key " + key_file, ec);
  impl_->state->tls = std::move(ctx);
  return core::Status::ok();
}

std::uint64_t BeastHttpServer::connections_accepted() const {
  return impl_->state->accepted;
}

}  // namespace net
