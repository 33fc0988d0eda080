#include "sim/detail/sim_ws_session.h"

#include <algorithm>

#include <fmt/format.h>

namespace sim::detail {

namespace {

/// splitmix64: masking keys only need to vary, and must not depend on anything but the run.
std::uint64_t next_mix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

SimWsSession::SimWsSession(core::Clock& clock, SimNetwork& net, Role role, std::string remote,
                           std::size_t message_bytes_max)
    : clock_(clock),
      net_(net),
      role_(role),
      parser_(role == Role::kServer, message_bytes_max),
      message_max_(message_bytes_max) {
  remote_ = std::move(remote);
}

void SimWsSession::start(ConnId conn) {
  if (state_ != State::kConnecting) return;
  state_ = State::kOpen;
  conn_ = conn;
  mask_state_ = conn;
  last_rx_us_ = clock_.now_us();
  arm_keepalive();
}

void SimWsSession::set_keepalive(std::int64_t interval_us) {
  keepalive_us_ = interval_us;
  arm_keepalive();
}

void SimWsSession::set_ping_schedule(std::int64_t interval_us, std::int64_t pong_timeout_us) {
  keepalive_us_ = 0;
  ping_every_us_ = interval_us;
  pong_timeout_us_ = pong_timeout_us;
  last_pong_us_ = clock_.now_us();
  next_ping_us_ = last_pong_us_ + interval_us;
  arm_ping_schedule();
}

void SimWsSession::arm_ping_schedule() {
  clock_.cancel(keepalive_timer_);
  keepalive_timer_ = 0;
  if (ping_every_us_ <= 0 || state_ != State::kOpen) return;
  const std::int64_t due = std::min(next_ping_us_, last_pong_us_ + pong_timeout_us_);
  keepalive_timer_ = clock_.call_after(
      std::max<std::int64_t>(0, due - clock_.now_us()),
      [weak = std::weak_ptr<SimWsSession>(shared_from_this())] {
        auto self = weak.lock();
        if (!self || self->state_ != State::kOpen) return;
        self->keepalive_timer_ = 0;
        const std::int64_t now = self->clock_.now_us();
        if (now - self->last_pong_us_ >= self->pong_timeout_us_) {
          return self->fail(
              fmt::format("no pong from {} for {} us", self->remote_, now - self->last_pong_us_));
        }
        if (now >= self->next_ping_us_) {
          self->next_ping_us_ += self->ping_every_us_;
          if (!self->send_frame(WsOpcode::kPing, "")) return;
        }
        self->arm_ping_schedule();
      });
}

void SimWsSession::arm_keepalive() {
  clock_.cancel(keepalive_timer_);
  keepalive_timer_ = 0;
  if (keepalive_us_ <= 0 || state_ != State::kOpen) return;
  keepalive_timer_ =
      clock_.call_after(keepalive_us_, [weak = std::weak_ptr<SimWsSession>(shared_from_this())] {
        auto self = weak.lock();
        if (!self || self->state_ != State::kOpen) return;
        self->keepalive_timer_ = 0;
        const std::int64_t silent_us = self->clock_.now_us() - self->last_rx_us_;
        if (silent_us >= 2 * self->keepalive_us_) {
          return self->fail(fmt::format("no traffic from {} for {} us", self->remote_, silent_us));
        }
        if (silent_us >= self->keepalive_us_ && !self->ping_out_) {
          self->ping_out_ = true;
          if (!self->send_frame(WsOpcode::kPing, "")) return;
        }
        self->arm_keepalive();
      });
}

bool SimWsSession::send_frame(WsOpcode opcode, std::string_view payload) {
  std::optional<std::uint32_t> mask;
  if (role_ == Role::kClient) mask = static_cast<std::uint32_t>(next_mix(mask_state_));
  core::Status sent = net_.send(conn_, ws_encode_frame(opcode, payload, mask));
  if (sent) return true;
  fail(sent.message);
  return false;
}

core::Status SimWsSession::send_text(std::string text) {
  if (state_ != State::kOpen || close_sent_) {
    return core::make_error(core::Errc::kUnavailable, "websocket to {} is not open", remote_);
  }
  if (!send_frame(WsOpcode::kText, text)) {
    return core::make_error(core::Errc::kUnavailable, "websocket to {} dropped while sending",
                            remote_);
  }
  return core::Status::ok();
}

void SimWsSession::close(int code, std::string reason) {
  if (state_ == State::kClosed || close_sent_) return;
  if (state_ == State::kConnecting) return fail("closed by this side before open");
  close_sent_ = WsCloseInfo{code, std::move(reason)};
  if (!send_frame(WsOpcode::kClose, ws_close_payload(code, close_sent_->reason))) return;
  close_timer_ = clock_.call_after(kCloseTimeoutUs, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->fail("close handshake timed out");
  });
}

void SimWsSession::receive(std::string_view bytes) {
  if (state_ != State::kOpen) return;
  last_rx_us_ = clock_.now_us();
  ping_out_ = false;
  parser_.feed(bytes);
  auto keep = shared_from_this();  // a handler may drop the last other owner
  while (state_ == State::kOpen) {
    const WsFrameParser::State st = parser_.parse();
    if (st == WsFrameParser::State::kNeedMore) return;
    if (st == WsFrameParser::State::kError)
      return protocol_error(parser_.error_code(), parser_.error());
    handle(parser_.take());
  }
}

void SimWsSession::handle(WsFrame frame) {
  switch (frame.opcode) {
    case WsOpcode::kPing:
      send_frame(WsOpcode::kPong, frame.payload);
      return;
    case WsOpcode::kPong:
      last_pong_us_ = clock_.now_us();
      return;
    case WsOpcode::kClose:
      return handle_close(frame.payload);
    case WsOpcode::kContinuation:
      if (!partial_) return protocol_error(kWsCloseProtocolError, "continuation without a start");
      partial_->append(frame.payload);
      break;
    case WsOpcode::kText:
    case WsOpcode::kBinary:
      if (partial_)
        return protocol_error(kWsCloseProtocolError, "new message inside a fragmented one");
      partial_ = std::move(frame.payload);
      break;
  }
  if (partial_->size() > message_max_) {
    return protocol_error(kWsCloseTooBig, fmt::format("message over {} bytes", message_max_));
  }
  if (!frame.fin) return;
  std::string text = std::move(*partial_);
  partial_.reset();
  if (on_message_) on_message_(text);
}

void SimWsSession::handle_close(std::string_view payload) {
  std::optional<WsCloseInfo> info = ws_parse_close(payload);
  if (!info) return protocol_error(kWsCloseProtocolError, "close frame of one byte");
  if (!close_sent_) {
    close_sent_ = *info;  // echo the peer's code, as Beast does
    const std::string echo = info->code == 1005 ? "" : ws_close_payload(info->code, info->reason);
    send_frame(WsOpcode::kClose, echo);
    if (state_ != State::kOpen) return;
  } else if (info->code == 1005) {
    info = close_sent_;  // the peer's frame carried none: report ours
  }
  net_.close(conn_);
  finish(info->code, std::move(info->reason));
}

void SimWsSession::protocol_error(int code, const std::string& why) {
  const std::string text = fmt::format("websocket from {}: {}", remote_, why);
  if (!close_sent_ && !send_frame(WsOpcode::kClose, ws_close_payload(code, why))) return;
  net_.close(conn_);  // after the close frame, so the peer learns why
  finish(core::kWsCloseAbnormal, text);
}

void SimWsSession::stream_closed(const core::Status& why) {
  if (state_ == State::kClosed) return;
  finish(
      core::kWsCloseAbnormal,
      why ? fmt::format("{} closed the connection without a close frame", remote_) : why.message);
}

void SimWsSession::fail(std::string reason) {
  if (state_ == State::kClosed) return;
  if (conn_ != 0) net_.reset(conn_);
  finish(core::kWsCloseAbnormal, std::move(reason));
}

void SimWsSession::finish(int code, std::string reason) {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  clock_.cancel(keepalive_timer_);
  clock_.cancel(close_timer_);
  keepalive_timer_ = close_timer_ = 0;
  on_message_ = nullptr;
  clock_.post([on_close = std::move(on_close_), code, reason = std::move(reason)] {
    if (on_close) on_close(code, reason);
  });
  on_close_ = nullptr;
}

}  // namespace sim::detail
