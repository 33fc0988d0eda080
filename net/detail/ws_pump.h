/// @file net/detail/ws_pump.h
/// @brief Private to net/: `WsPump<NextLayer>`, the server's side of one open Beast WebSocket
/// connection as a core::WsSession (read loop, close handshake, single end report), for
/// BeastHttpServer. Loop thread only. (The client's side is net/detail/ws_client_session.h.)
///
/// Text frames are framed here and appended to the CoalescingStream at once, without a Beast
/// write op per message: a burst of frames then costs no loop turn each. Server frames are
/// unmasked and this server negotiates no compression, so the frame is just a header and the
/// text; Beast still writes the control frames (ping, pong, close), each whole and in order
/// with ours.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "core/ports/ws.h"
#include "core/ws_wire.h"
#include "net/detail/coalescing_stream.h"

namespace net::detail {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

template <class NextLayer>
class WsPump final : public core::WsSessionBase,
                     public std::enable_shared_from_this<WsPump<NextLayer>> {
 public:
  template <class... Args>
  explicit WsPump(Args&&... args) : ws_(std::forward<Args>(args)...) {}

  websocket::stream<NextLayer>& stream() { return ws_; }
  void set_remote(std::string remote) { remote_ = std::move(remote); }

  /// The handshake is done: mark open, start reading. No-op when the connection already
  /// ended (closed while connecting).
  void start() {
    if (state_ != State::kConnecting) return;
    state_ = State::kOpen;
    read_next();
  }

  /// Server role, after start(): a ping every `interval` whatever the traffic, and fail()
  /// once `pong_timeout` passes without a pong (Binance's server pings). Replaces Beast's
  /// idle timeout, which the caller turns off.
  void ping_every(std::chrono::microseconds interval, std::chrono::microseconds pong_timeout) {
    ping_interval_ = interval;
    pong_timeout_ = pong_timeout;
    last_pong_ = std::chrono::steady_clock::now();
    next_ping_ = last_pong_ + interval;
    ping_timer_.emplace(ws_.get_executor());
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::pong) last_pong_ = std::chrono::steady_clock::now();
    });
    arm_ping();
  }

  /// Drops the connection without a close handshake; on_close(kWsCloseAbnormal, reason).
  void fail(std::string reason) {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    finish(core::kWsCloseAbnormal, std::move(reason));
  }

  core::Status send_text(std::string text) override {
    if (state_ != State::kOpen || close_request_) {
      return core::make_error(core::Errc::kUnavailable, "websocket to {} is not open", remote_);
    }
    return send_framed(text);
  }

  std::size_t queued_bytes() const override { return ws_.next_layer().queued_bytes(); }

  void close(int code, std::string reason) override {
    if (state_ == State::kClosed || close_request_) return;
    if (state_ == State::kConnecting) return fail("closed by this side before open");
    close_request_ = websocket::close_reason(static_cast<websocket::close_code>(code),
                                             beast::string_view(reason.data(), reason.size()));
    ws_.async_close(*close_request_, [self = this->shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail(ec.message());
      self->finish_with_reason();
    });
  }

  bool is_open() const override { return state_ == State::kOpen; }

 private:
  enum class State { kConnecting, kOpen, kClosed };

  void arm_ping() {
    if (state_ != State::kOpen) return;
    ping_timer_->expires_at(std::min(next_ping_, last_pong_ + pong_timeout_));
    ping_timer_->async_wait([weak = this->weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self || self->state_ != State::kOpen) return;
      const auto now = std::chrono::steady_clock::now();
      if (now - self->last_pong_ >= self->pong_timeout_) return self->fail("no pong in time");
      if (now >= self->next_ping_) {
        self->next_ping_ += self->ping_interval_;
        if (!self->ping_in_flight_ && !self->close_request_) {
          self->ping_in_flight_ = true;
          self->ws_.async_ping({}, [self](beast::error_code) { self->ping_in_flight_ = false; });
        }
      }
      self->arm_ping();
    });
  }

  /// A final, unmasked text frame appended to the coalescing stream.
  core::Status send_framed(std::string_view text) {
    char header[core::kWsMaxHeaderBytes];
    const std::size_t size =
        core::ws_frame_header(header, core::WsOpcode::kText, text.size(), std::nullopt);
    if (ws_.next_layer().append(std::string_view(header, size), text)) return core::Status::ok();
    fail("socket write failed");
    return core::make_error(core::Errc::kUnavailable, "websocket to {} failed", remote_);
  }

  void read_next() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    if (ec == websocket::error::closed) return finish_with_reason();
    if (ec && close_request_) return;  // our close handshake reports the end
    if (ec) return fail(ec.message());
    // One reused string per session: a fresh one per frame was an allocation per tick.
    const auto data = buffer_.data();
    text_.assign(static_cast<const char*>(data.data()), data.size());
    buffer_.consume(buffer_.size());
    if (on_message_ && state_ == State::kOpen) on_message_(text_);
    if (state_ == State::kOpen) read_next();
  }

  /// The peer's close code and reason, or ours when the peer's frame carried none.
  void finish_with_reason() {
    websocket::close_reason reason = ws_.reason();
    if (reason.code == websocket::close_code::none && close_request_) reason = *close_request_;
    finish(reason.code, std::string(reason.reason.data(), reason.reason.size()));
  }

  /// The single end report, posted so it never runs inside close() or fail(). Clears the
  /// callbacks, which may hold this session.
  void finish(int code, std::string reason) {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    if (ping_timer_) ping_timer_->cancel();
    on_message_ = nullptr;
    boost::asio::post(ws_.get_executor(),
                      [on_close = std::move(on_close_), code, reason = std::move(reason)] {
                        if (on_close) on_close(code, reason);
                      });
    on_close_ = nullptr;
  }

  websocket::stream<NextLayer> ws_;
  beast::flat_buffer buffer_;
  std::string text_;  // the message handed to on_message_
  std::optional<websocket::close_reason> close_request_;
  std::optional<boost::asio::steady_timer> ping_timer_;  // set by ping_every
  std::chrono::microseconds ping_interval_{0};
  std::chrono::microseconds pong_timeout_{0};
  std::chrono::steady_clock::time_point last_pong_, next_ping_;
  bool ping_in_flight_ = false;
  State state_ = State::kConnecting;
};

}  // namespace net::detail
