#include "net/beast_ws_client.h"

#include <chrono>

#include <boost/asio/post.hpp>

#include "net/asio_clock.h"
#include "net/detail/beast_util.h"
#include "net/detail/dial.h"
#include "net/detail/ws_client_session.h"

namespace net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

constexpr std::chrono::seconds kHandshakeTimeout{30};

/// Resolve, connect, TLS (for wss), then the upgrade; on_open once the session is open.
/// Any failure ends the session with kWsCloseAbnormal and the error text.
template <class Stream>
void dial(const std::shared_ptr<detail::WsClientSession<Stream>>& session, const core::Url& url,
          std::function<void()> on_open) {
  session->set_remote(url.host + ":" + std::to_string(url.port));
  beast::get_lowest_layer(session->stream()).expires_after(kHandshakeTimeout);
  auto resolver = std::make_shared<tcp::resolver>(session->stream().get_executor());
  detail::async_dial(*resolver, url, session->stream(),
                     [session, resolver, url, on_open = std::move(on_open)](core::Status status) {
                       if (!status) return session->fail(status.message);
                       session->upgrade(detail::host_header(url), url.target, on_open);
                     });
}

}  // namespace

struct BeastWsClient::Impl {
  asio::io_context& io;
  core::WsClientOptions options;
  std::shared_ptr<asio::ssl::context> tls;  // made on the first wss connect
  std::shared_ptr<core::WsSession> session;
  std::function<void()> drop;  // ends the current connection without reporting it

  template <class Stream, class... Args>
  void open(const core::Url& url, core::WsHandlers handlers, Args&&... args) {
    auto s = std::make_shared<detail::WsClientSession<Stream>>(
        options.message_bytes_max, std::chrono::microseconds(options.ping_interval_us),
        std::forward<Args>(args)...);
    s->on_message(std::move(handlers.on_text));
    s->on_close(std::move(handlers.on_close));
    session = s;
    drop = [weak = std::weak_ptr<detail::WsClientSession<Stream>>(s)] {
      if (auto p = weak.lock()) {
        p->on_message(nullptr);
        p->on_close(nullptr);
        p->fail("client destroyed");
      }
    };
    dial(s, url, std::move(handlers.on_open));
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
