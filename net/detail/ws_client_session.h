/// @file net/detail/ws_client_session.h
/// @brief Private to net/: `WsClientSession<Stream>`, the client's side of one WebSocket
/// connection over a dialed stream (plain TCP or TLS) as a core::WsSession: the opening
/// handshake, the read loop, an ordered write queue, pings, and the close handshake.
///
/// Why not Beast's websocket::stream here: it completes one read per frame, each a posted
/// handler and so a loop turn with its own epoll_wait. A market feed at full speed brings
/// dozens of small frames per socket read; this reads whatever the socket has (up to 64 KiB)
/// and hands every whole frame in it to on_message in the same turn. Beast still writes and
/// parses the upgrade's HTTP; what the server sends after its 101 stays in our buffer.
///
/// UTF-8 of text frames is not checked here: every consumer parses the text as JSON, and
/// simdjson validates UTF-8 as it does. Loop thread only.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/version.hpp>

#include "core/ports/ws.h"
#include "core/ws_wire.h"
#include "net/detail/dial.h"

namespace net::detail {

template <class Stream>
class WsClientSession final : public core::WsSessionBase,
                              public std::enable_shared_from_this<WsClientSession<Stream>> {
 public:
  /// Room for a socket read: a burst of frames at full speed fits in a few.
  static constexpr std::size_t kReadChunk = 64 * 1024;
  /// After our close frame, how long the server has to answer with its own.
  static constexpr std::chrono::seconds kCloseTimeout{5};

  /// `ping_interval` > 0: ping a server idle that long, drop one silent for twice that.
  template <class... Args>
  WsClientSession(std::uint64_t message_bytes_max, std::chrono::microseconds ping_interval,
                  Args&&... args)
      : stream_(std::forward<Args>(args)...),
        message_bytes_max_(message_bytes_max),
        ping_interval_(ping_interval),
        keepalive_timer_(stream_.get_executor()),
        close_timer_(stream_.get_executor()),
        rng_(std::random_device{}()) {}

  Stream& stream() { return stream_; }
  void set_remote(std::string remote) { remote_ = std::move(remote); }

  /// The stream is dialed: sends the upgrade for `host` and `target`, checks the server's 101
  /// and its Sec-WebSocket-Accept, then opens the session and calls `on_open`. A refusal
  /// ends the session with kWsCloseAbnormal naming what the server answered.
  void upgrade(const std::string& host, const std::string& target, std::function<void()> on_open) {
    namespace http = boost::beast::http;
    std::array<std::uint8_t, 16> nonce{};
    for (auto& b : nonce) b = static_cast<std::uint8_t>(rng_());
    key_ = core::ws_key_from(nonce);
    auto req = std::make_shared<http::request<http::empty_body>>(http::verb::get, target, 11);
    req->set(http::field::host, host);
    req->set(http::field::upgrade, "websocket");
    req->set(http::field::connection, "Upgrade");
    req->set(http::field::sec_websocket_key, key_);
    req->set(http::field::sec_websocket_version, "13");
    req->set(http::field::user_agent, BOOST_BEAST_VERSION_STRING);  // as Beast's handshake did
    http::async_write(stream_, *req,
                      [self = this->shared_from_this(), req, on_open = std::move(on_open)](
                          boost::beast::error_code ec, std::size_t) mutable {
                        if (ec) return self->fail_upgrade(ec.message());
                        self->read_upgrade_answer(std::move(on_open));
                      });
  }

  /// Drops the connection without a close handshake; on_close(kWsCloseAbnormal, reason).
  void fail(std::string reason) {
    close_socket();
    finish(core::kWsCloseAbnormal, std::move(reason));
  }

  core::Status send_text(std::string text) override {
    if (state_ != State::kOpen || close_sent_) {
      return core::make_error(core::Errc::kUnavailable, "websocket to {} is not open", remote_);
    }
    queue_frame(core::WsOpcode::kText, text);
    return core::Status::ok();
  }

  std::size_t queued_bytes() const override { return pending_.size() + inflight_.size(); }

  void close(int code, std::string reason) override {
    if (state_ == State::kClosed || close_sent_) return;
    if (state_ == State::kConnecting) return fail("closed by this side before open");
    close_request_ = core::WsCloseInfo{code, std::move(reason)};
    queue_frame(core::WsOpcode::kClose, core::ws_close_payload(code, close_request_->reason));
    close_sent_ = true;
    close_timer_.expires_after(kCloseTimeout);
    close_timer_.async_wait([weak = this->weak_from_this()](boost::beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self || self->state_ == State::kClosed) return;
      self->fail("no close frame from " + self->remote_ + " in answer to ours");
    });
  }

  bool is_open() const override { return state_ == State::kOpen; }

 private:
  enum class State { kConnecting, kOpen, kClosed };
  using Clock = std::chrono::steady_clock;

  void fail_upgrade(const std::string& what) {
    fail("websocket upgrade at " + remote_ + ": " + what);
  }

  void read_upgrade_answer(std::function<void()> on_open) {
    namespace http = boost::beast::http;
    answer_.emplace();
    http::async_read_header(stream_, buffer_, *answer_,
                            [self = this->shared_from_this(), on_open = std::move(on_open)](
                                boost::beast::error_code ec, std::size_t) {
                              if (self->state_ != State::kConnecting) return;
                              if (ec) return self->fail_upgrade(ec.message());
                              if (auto refusal = self->refusal(); !refusal.empty())
                                return self->fail_upgrade(refusal);
                              self->open(on_open);
                            });
  }

  /// What is wrong with the server's answer to the upgrade, "" when it accepted.
  std::string refusal() {
    namespace http = boost::beast::http;
    const auto& res = answer_->get();
    if (res.result() != http::status::switching_protocols) {
      return "the server answered " + std::to_string(res.result_int()) + " " +
             std::string(res.reason());
    }
    if (!boost::beast::iequals(res[http::field::upgrade], "websocket"))
      return "the 101 answer has no Upgrade: websocket";
    if (res[http::field::sec_websocket_accept] != core::ws_accept_for(key_))
      return "the 101 answer's Sec-WebSocket-Accept does not match our key";
    if (!res[http::field::sec_websocket_extensions].empty())
      return "the server chose an extension this client did not offer";
    return "";
  }

  void open(const std::function<void()>& on_open) {
    answer_.reset();
    boost::beast::get_lowest_layer(stream_).expires_never();  // the handshake timeout ends
    state_ = State::kOpen;
    last_heard_ = Clock::now();
    arm_keepalive();
    if (on_open) on_open();
    // Frames that came with the 101 are already in the buffer.
    if (take_frames()) read_more();
  }

  void read_more() {
    auto space = buffer_.prepare(kReadChunk);
    auto done = [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t n) {
      self->on_read(ec, n);
    };
    if constexpr (std::is_same_v<Stream, PlainStream>) {
      // The socket itself: basic_stream's timeout machinery is off after the handshake.
      boost::beast::get_lowest_layer(stream_).socket().async_read_some(space, std::move(done));
    } else {
      stream_.async_read_some(space, std::move(done));
    }
  }

  void on_read(boost::beast::error_code ec, std::size_t n) {
    if (state_ == State::kClosed) return;
    if (ec) return fail("read from " + remote_ + ": " + ec.message());
    buffer_.commit(n);
    last_heard_ = Clock::now();
    if (take_frames()) read_more();
  }

  /// Handles every whole frame in the buffer; false once reading should stop (the session
  /// ended, or the server's close frame came).
  bool take_frames() {
    while (state_ == State::kOpen && !close_received_) {
      const auto data = buffer_.data();
      const std::string_view bytes(static_cast<const char*>(data.data()), data.size());
      const core::WsParsed parsed = core::ws_parse_frame(bytes, false, message_bytes_max_);
      if (!parsed.error.empty()) {
        fail("from " + remote_ + ": " + parsed.error);
        return false;
      }
      if (!parsed.frame) return true;
      handle(*parsed.frame, parsed.consumed);
    }
    return false;
  }

  /// Consumes the frame's bytes from the buffer before any callback runs.
  void handle(const core::WsFrameView& frame, std::size_t size) {
    switch (frame.opcode) {
      case core::WsOpcode::kText:
      case core::WsOpcode::kBinary:
        if (in_message_) return fail_protocol("a new message inside a fragmented one", size);
        if (frame.fin) {
          // One reused string per session: a fresh one per frame was an allocation per tick.
          text_.assign(frame.payload);
          buffer_.consume(size);
          return deliver(text_);
        }
        in_message_ = true;
        message_.assign(frame.payload);
        return buffer_.consume(size);
      case core::WsOpcode::kContinuation:
        if (!in_message_) return fail_protocol("a continuation frame outside a message", size);
        if (message_.size() + frame.payload.size() > message_bytes_max_)
          return fail_protocol(
              "a message over the limit of " + std::to_string(message_bytes_max_) + " bytes", size);
        message_.append(frame.payload);
        buffer_.consume(size);
        if (!frame.fin) return;
        in_message_ = false;
        return deliver(message_);
      case core::WsOpcode::kPing:
        if (!close_sent_) queue_frame(core::WsOpcode::kPong, frame.payload);
        return buffer_.consume(size);
      case core::WsOpcode::kPong:
        return buffer_.consume(size);
      case core::WsOpcode::kClose:
        return on_close_frame(frame.payload, size);
    }
  }

  void fail_protocol(const std::string& what, std::size_t size) {
    buffer_.consume(size);
    fail("from " + remote_ + ": " + what);
  }

  void deliver(const std::string& text) {
    if (on_message_) on_message_(text);
  }

  /// The server's close frame: echo it (when we did not start the close), then end with its
  /// code and reason (ours when it carried none and we started).
  void on_close_frame(std::string_view payload, std::size_t size) {
    auto close = core::ws_parse_close(payload);
    if (!close) return fail_protocol("a close frame with a 1-byte payload", size);
    if (payload.empty() && close_request_) close = close_request_;
    buffer_.consume(size);
    close_received_ = true;
    if (!close_sent_) {
      queue_frame(core::WsOpcode::kClose,
                  payload.empty() ? std::string() : core::ws_close_payload(close->code, ""));
      close_sent_ = true;
    }
    peer_close_ = std::move(*close);
    end_if_closed();
  }

  /// Both close frames are through and ours is on the wire: the connection is done.
  void end_if_closed() {
    if (!close_received_ || writing_ || !pending_.empty() || state_ == State::kClosed) return;
    close_socket();
    finish(peer_close_->code, std::move(peer_close_->reason));
  }

  void queue_frame(core::WsOpcode opcode, std::string_view payload) {
    core::ws_append_frame(pending_, opcode, payload, static_cast<std::uint32_t>(rng_()));
    write_next();
  }

  /// Everything queued since the last write leaves in the next one.
  void write_next() {
    if (writing_ || pending_.empty() || state_ != State::kOpen) return;
    writing_ = true;
    inflight_.swap(pending_);
    boost::asio::async_write(
        stream_, boost::asio::buffer(inflight_),
        [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
          self->writing_ = false;
          self->inflight_.clear();
          if (self->state_ == State::kClosed) return;
          if (ec) return self->fail("write to " + self->remote_ + ": " + ec.message());
          self->write_next();
          self->end_if_closed();
        });
  }

  void arm_keepalive() {
    if (ping_interval_.count() <= 0) return;
    keepalive_timer_.expires_after(ping_interval_);
    keepalive_timer_.async_wait([weak = this->weak_from_this()](boost::beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self || self->state_ != State::kOpen) return;
      const auto silent = Clock::now() - self->last_heard_;
      if (silent >= 2 * self->ping_interval_)
        return self->fail(
            "nothing from " + self->remote_ + ", not even a pong, for " +
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(silent).count()) +
            " ms");
      if (silent >= self->ping_interval_ && !self->close_sent_)
        self->queue_frame(core::WsOpcode::kPing, {});
      self->arm_keepalive();
    });
  }

  void close_socket() {
    boost::beast::error_code ignored;
    boost::beast::get_lowest_layer(stream_).socket().close(ignored);
  }

  /// The single end report, posted so it never runs inside close() or fail(). Clears the
  /// callbacks, which may hold this session.
  void finish(int code, std::string reason) {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    pending_.clear();
    keepalive_timer_.cancel();
    close_timer_.cancel();
    on_message_ = nullptr;
    boost::asio::post(stream_.get_executor(),
                      [on_close = std::move(on_close_), code, reason = std::move(reason)] {
                        if (on_close) on_close(code, reason);
                      });
    on_close_ = nullptr;
  }

  Stream stream_;
  const std::uint64_t message_bytes_max_;
  const std::chrono::microseconds ping_interval_;
  boost::asio::steady_timer keepalive_timer_;
  boost::asio::steady_timer close_timer_;
  std::mt19937 rng_;  // mask keys and the handshake nonce
  std::string key_;   // our Sec-WebSocket-Key
  // The header of the answer to the upgrade: a refusal's body is not worth waiting for.
  std::optional<boost::beast::http::response_parser<boost::beast::http::empty_body>> answer_;
  boost::beast::flat_buffer buffer_;  // bytes read and not yet handled
  std::string text_;                  // the unfragmented message handed to on_message_
  std::string message_;               // a fragmented message being put together
  bool in_message_ = false;
  std::string pending_;   // frames queued, not yet written
  std::string inflight_;  // frames being written
  bool writing_ = false;
  bool close_sent_ = false;
  bool close_received_ = false;
  std::optional<core::WsCloseInfo> close_request_;  // ours
  std::optional<core::WsCloseInfo> peer_close_;
  Clock::time_point last_heard_;
  State state_ = State::kConnecting;
};

}  // namespace net::detail
