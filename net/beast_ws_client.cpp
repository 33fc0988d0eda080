#include "net/beast_ws_client.h"

#include <chrono>

#include <boost/asio/post.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "net/asio_clock.h"
#include "net/detail/beast_util.h"
#include "net/detail/dial.h"
#include "net/detail/ws_pump.h"

namespace net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

constexpr std::chrono::seconds kHandshakeTimeout{30};

websocket::stream_base::timeout timeouts_for(const core::WsClientOptions& options) {
  websocket::stream_base::timeout t{};
  t.handshake_timeout = kHandshakeTimeout;
  t.idle_timeout = websocket::stream_base::none();
  t.keep_alive_pings = options.ping_interval_us > 0;
  if (t.keep_alive_pings) t.idle_timeout = std::chrono::microseconds(2 * options.ping_interval_us);
  return t;
}

/// Resolve, connect, TLS (for wss), then the upgrade; on_open once the session is open.
/// Any failure ends the pump with kWsCloseAbnormal and the error text.
template <class NextLayer>
void dial(const std::shared_ptr<detail::WsPump<NextLayer>>& pump, const core::Url& url,
          const core::WsClientOptions& options, std::function<void()> on_open) {
  pump->set_remote(url.host + ":" + std::to_string(url.port));
  pump->stream().set_option(timeouts_for(options));
  pump->stream().read_message_max(options.message_bytes_max);
  beast::get_lowest_layer(pump->stream()).expires_after(kHandshakeTimeout);
  auto resolver = std::make_shared<tcp::resolver>(pump->stream().get_executor());
  detail::async_dial(
      *resolver, url, pump->stream().next_layer(),
      [pump, resolver, url, on_open = std::move(on_open)](core::Status status) {
        if (!status) return pump->fail(status.message);
        beast::get_lowest_layer(pump->stream()).expires_never();  // websocket timeouts rule now
        pump->stream().async_handshake(
            detail::host_header(url), url.target, [pump, on_open](beast::error_code ec) {
              if (ec)
                return pump->fail("websocket upgrade at " + pump->remote() + ": " + ec.message());
              pump->start();
              if (pump->is_open() && on_open) on_open();
            });
      });
}

}  // namespace

struct BeastWsClient::Impl {
  asio::io_context& io;
  core::WsClientOptions options;
  std::shared_ptr<asio::ssl::context> tls;  // made on the first wss connect
  std::shared_ptr<core::WsSession> session;
  std::function<void()> drop;  // ends the current connection without reporting it

  template <class NextLayer, class... Args>
  void open(const core::Url& url, core::WsHandlers handlers, Args&&... args) {
    auto pump = std::make_shared<detail::WsPump<NextLayer>>(std::forward<Args>(args)...);
    pump->on_message(std::move(handlers.on_text));
    pump->on_close(std::move(handlers.on_close));
    session = pump;
    drop = [weak = std::weak_ptr<detail::WsPump<NextLayer>>(pump)] {
      if (auto p = weak.lock()) {
        p->on_message(nullptr);
        p->on_close(nullptr);
        p->fail("client destroyed");
      }
    };
    dial(pump, url, options, std::move(handlers.on_open));
  }
};

BeastWsClient::BeastWsClient(AsioClock& clock, core::WsClientOptions options)
    : impl_(std::make_unique<Impl>(Impl{clock.io_context(), std::move(options), {}, {}, {}})) {}

BeastWsClient::~BeastWsClient() {
  if (impl_->drop) impl_->drop();
}

void BeastWsClient::connect(const std::string& url_text, core::WsHandlers handlers) {
  auto report = [this, &handlers](const core::Status& status) {
    asio::post(impl_->io, [on_close = std::move(handlers.on_close), message = status.message] {
      if (on_close) on_close(core::kWsCloseAbnormal, message);
    });
  };
  core::Result<core::Url> url = core::parse_url(url_text);
  if (url && url->scheme != "ws" && url->scheme != "wss") {
    url =
        core::make_error(core::Errc::kInvalidArgument, "url '{}' is not ws:// or wss://", url_text);
  }
  if (!url) return report(url.status());
  if (impl_->drop) impl_->drop();
  if (!url->tls()) {
    return impl_->open<detail::PlainStream>(*url, std::move(handlers), impl_->io);
  }
  if (!impl_->tls) {
    auto ctx = detail::make_client_tls(impl_->options.ca_file);
    if (!ctx) return report(ctx.status());
    impl_->tls = *ctx;
  }
  impl_->open<detail::TlsStream>(*url, std::move(handlers), impl_->io, *impl_->tls);
}

core::Status BeastWsClient::send_text(std::string text) {
  if (!impl_->session) {
    return core::make_error(core::Errc::kUnavailable, "websocket client never connected");
  }
  return impl_->session->send_text(std::move(text));
}

void BeastWsClient::close(int code, std::string reason) {
  if (impl_->session) impl_->session->close(code, std::move(reason));
}

bool BeastWsClient::is_open() const {
  return impl_->session && impl_->session->is_open();
}

}  // namespace net
