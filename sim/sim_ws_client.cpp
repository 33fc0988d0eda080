#include "sim/sim_ws_client.h"

#include <array>

#include <fmt/format.h>

#include "core/rng.h"
#include "sim/detail/http1_wire.h"
#include "sim/detail/sim_ws_session.h"

namespace sim {

namespace {

using detail::Http1Parser;
using detail::SimWsSession;

/// As BeastWsClient: the upgrade must be done within this long.
constexpr std::int64_t kHandshakeTimeoutUs = 30'000'000;
constexpr std::size_t kHandshakeBytesMax = 64 * 1024;

/// One connection: the dial and upgrade, then the open session it feeds.
class Dial : public std::enable_shared_from_this<Dial> {
 public:
  Dial(core::Clock& clock, SimNetwork& net, core::Url url, std::string key,
       std::shared_ptr<SimWsSession> session, std::function<void()> on_open)
      : clock_(clock),
        net_(net),
        url_(std::move(url)),
        key_(std::move(key)),
        session_(std::move(session)),
        on_open_(std::move(on_open)),
        parser_(Http1Parser::Kind::kResponse, kHandshakeBytesMax) {}

  SimWsSession& session() { return *session_; }

  void start(const std::string& from, std::int64_t ping_interval_us) {
    ping_interval_us_ = ping_interval_us;
    timer_ = clock_.call_after(kHandshakeTimeoutUs, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->abandon("websocket handshake timed out");
    });
    net_.connect(
        from, url_.host, url_.port,
        [self = shared_from_this()](core::Result<ConnId> conn) { self->on_connect(conn); });
  }

  /// Ends the connection before or after the upgrade; on_close(1006, reason) unless muted.
  void abandon(std::string reason) {
    if (ended_) return;
    ended_ = true;
    clock_.cancel(timer_);
    if (!upgraded_ && conn_ != 0) net_.reset(conn_);
    session_->fail(std::move(reason));
  }

  /// Ends the connection without reporting it (client destroyed or reconnecting).
  void drop() {
    session_->on_message(nullptr);
    session_->on_close(nullptr);
    abandon("client dropped the connection");
  }

  bool upgraded() const { return upgraded_; }

 private:
  std::string where() const { return fmt::format("{}:{}", url_.host, url_.port); }

  void on_connect(core::Result<ConnId> conn) {
    if (conn && ended_) return net_.close(*conn);
    if (ended_) return;
    if (!conn) return abandon(fmt::format("connect {}: {}", where(), conn.status().message));
    conn_ = *conn;
    auto self = shared_from_this();
    net_.set_handlers(conn_, {[self](std::string_view bytes) {
                                auto keep = self;  // the stream may drop this closure
                                keep->on_bytes(bytes);
                              },
                              [self](const core::Status& why) {
                                auto keep = self;
                                keep->on_stream_closed(why);
                              }});
    const core::HttpRequest upgrade{"GET",
                                    url_.target.empty() ? "/" : url_.target,
                                    {{"Upgrade", "websocket"},
                                     {"Connection", "Upgrade"},
                                     {"Sec-WebSocket-Key", key_},
                                     {"Sec-WebSocket-Version", "13"}},
                                    ""};
    core::Status sent = net_.send(conn_, detail::write_request(url_, upgrade));
    if (!sent) abandon(fmt::format("websocket upgrade at {}: {}", where(), sent.message));
  }

  void on_bytes(std::string_view bytes) {
    if (ended_ && !upgraded_) return;
    if (upgraded_) return session_->receive(bytes);
    parser_.feed(bytes);
    const Http1Parser::State state = parser_.parse();
    if (state == Http1Parser::State::kNeedMore) return;
    if (state != Http1Parser::State::kDone) {
      return abandon(fmt::format("websocket upgrade at {}: {}", where(), parser_.error()));
    }
    const detail::Http1Message res = parser_.take();
    if (res.status != 101) {
      return abandon(fmt::format("websocket upgrade at {}: answered HTTP {}", where(), res.status));
    }
    if (core::find_header(res.headers, "sec-websocket-accept") != core::ws_accept_for(key_)) {
      return abandon(fmt::format("websocket upgrade at {}: wrong Sec-WebSocket-Accept", where()));
    }
    upgraded_ = true;
    clock_.cancel(timer_);
    session_->start(conn_);
    session_->set_keepalive(ping_interval_us_);
    const std::string rest = parser_.take_rest();
    if (session_->is_open() && on_open_) on_open_();
    if (!rest.empty()) session_->receive(rest);
  }

  void on_stream_closed(const core::Status& why) {
    if (upgraded_) return session_->stream_closed(why);
    conn_ = 0;  // gone already: nothing to reset
    abandon(fmt::format("websocket upgrade at {}: connection closed: {}", where(),
                        why ? "by the peer" : why.message));
  }

  core::Clock& clock_;
  SimNetwork& net_;
  core::Url url_;
  std::string key_;
  std::shared_ptr<SimWsSession> session_;
  std::function<void()> on_open_;
  Http1Parser parser_;
  std::int64_t ping_interval_us_ = 0;
  core::TimerId timer_ = 0;
  ConnId conn_ = 0;
  bool upgraded_ = false;
  bool ended_ = false;
};

}  // namespace

struct SimWsClient::Impl {
  core::Clock& clock;
  SimNetwork& net;
  std::string host;
  core::WsClientOptions options;
  std::uint64_t dials = 0;
  std::shared_ptr<Dial> dial;

  /// A Sec-WebSocket-Key that differs per dial and depends only on the host and the count.
  std::string next_key() {
    core::Rng rng(core::stable_hash64(host) + ++dials);
    std::array<std::uint8_t, 16> bytes{};
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng.next_u64());
    return core::ws_key_from(bytes);
  }
};

SimWsClient::SimWsClient(core::Clock& clock, SimNetwork& net, std::string host,
                         core::WsClientOptions options)
    : impl_(std::make_unique<Impl>(Impl{clock, net, std::move(host), std::move(options), 0, {}})) {}

SimWsClient::~SimWsClient() {
  if (impl_->dial) impl_->dial->drop();
}

void SimWsClient::connect(const std::string& url_text, core::WsHandlers handlers) {
  core::Result<core::Url> url = core::parse_url(url_text);
  if (url && url->scheme != "ws" && url->scheme != "wss") {
    url =
        core::make_error(core::Errc::kInvalidArgument, "url '{}' is not ws:// or wss://", url_text);
  }
  if (!url) {
    impl_->clock.post([on_close = std::move(handlers.on_close), message = url.status().message] {
      if (on_close) on_close(core::kWsCloseAbnormal, message);
    });
    return;
  }
  if (impl_->dial) impl_->dial->drop();
  auto session = std::make_shared<SimWsSession>(
      impl_->clock, impl_->net, SimWsSession::Role::kClient,
      fmt::format("{}:{}", url->host, url->port), impl_->options.message_bytes_max);
  session->on_message(std::move(handlers.on_text));
  session->on_close(std::move(handlers.on_close));
  impl_->dial = std::make_shared<Dial>(impl_->clock, impl_->net, *url, impl_->next_key(),
                                       std::move(session), std::move(handlers.on_open));
  impl_->dial->start(impl_->host, impl_->options.ping_interval_us);
}

core::Status SimWsClient::send_text(std::string text) {
  if (!impl_->dial) {
    return core::make_error(core::Errc::kUnavailable, "websocket client never connected");
  }
  return impl_->dial->session().send_text(std::move(text));
}

void SimWsClient::close(int code, std::string reason) {
  if (!impl_->dial) return;
  if (!impl_->dial->upgraded()) return impl_->dial->abandon("closed by this side before open");
  impl_->dial->session().close(code, std::move(reason));
}

bool SimWsClient::is_open() const {
  return impl_->dial && impl_->dial->session().is_open();
}

}  // namespace sim
