/// @file sim/detail/sim_ws_session.h
/// @brief Private to sim/: `SimWsSession`, one open WebSocket over a SimNetwork stream as a
/// core::WsSession (RFC 6455 frames, close handshake, pings, a single end report). Shared by
/// SimHttpServer (server role) and SimWsClient (client role), the twin of net's WsPump.
///
/// The session does not own the stream's handlers: its owner routes the stream's bytes and its
/// end here (receive, stream_closed) after the HTTP upgrade. Every callback runs on the clock's
/// loop; on_close is posted, so it never runs inside close() or fail(). Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/ports/clock.h"
#include "core/ports/ws.h"
#include "core/ws_wire.h"
#include "sim/sim_network.h"

namespace sim::detail {

using core::kWsCloseProtocolError;
using core::kWsCloseTooBig;
using core::ws_close_payload;
using core::ws_encode_frame;
using core::ws_parse_close;
using core::WsCloseInfo;
using core::WsFrame;
using core::WsFrameParser;
using core::WsOpcode;

class SimWsSession final : public core::WsSessionBase,
                           public std::enable_shared_from_this<SimWsSession> {
 public:
  enum class Role { kClient, kServer };

  /// `remote` is "host:port" of the peer, for logs and error texts.
  SimWsSession(core::Clock& clock, SimNetwork& net, Role role, std::string remote,
               std::size_t message_bytes_max);
  /// Cancels no timers: they hold the session weakly, and the clock may be going away first.
  ~SimWsSession() override = default;
  SimWsSession(const SimWsSession&) = delete;
  SimWsSession& operator=(const SimWsSession&) = delete;

  /// The upgrade is done on `conn`: the session is open. No-op once it has ended.
  void start(ConnId conn);
  /// A ping after `interval_us` without traffic, a drop (1006) after twice that. 0: never.
  void set_keepalive(std::int64_t interval_us);
  /// Instead of set_keepalive: a ping every `interval_us` whatever the traffic, and a drop
  /// (1006) once `pong_timeout_us` pass without a pong (Binance's server pings).
  void set_ping_schedule(std::int64_t interval_us, std::int64_t pong_timeout_us);
  /// Bytes the stream delivered after the upgrade.
  void receive(std::string_view bytes);
  /// The stream ended: without a finished close handshake that is 1006 with its text.
  void stream_closed(const core::Status& why);
  /// Drops the connection without a close handshake: on_close(kWsCloseAbnormal, reason).
  void fail(std::string reason);

  core::Status send_text(std::string text) override;
  void close(int code, std::string reason) override;
  bool is_open() const override { return state_ == State::kOpen; }

 private:
  enum class State { kConnecting, kOpen, kClosed };

  bool send_frame(WsOpcode opcode, std::string_view payload);
  void handle(WsFrame frame);
  void handle_close(std::string_view payload);
  void protocol_error(int code, const std::string& why);
  void arm_keepalive();
  void arm_ping_schedule();
  void finish(int code, std::string reason);

  static constexpr std::int64_t kCloseTimeoutUs = 5'000'000;

  core::Clock& clock_;
  SimNetwork& net_;
  Role role_;
  WsFrameParser parser_;
  std::size_t message_max_;
  ConnId conn_ = 0;
  State state_ = State::kConnecting;
  std::optional<WsCloseInfo> close_sent_;  // what we sent, once we did
  std::optional<std::string> partial_;     // a fragmented message being assembled
  std::uint64_t mask_state_ = 0;
  std::int64_t keepalive_us_ = 0;
  std::int64_t last_rx_us_ = 0;
  bool ping_out_ = false;
  std::int64_t ping_every_us_ = 0;  // > 0: set_ping_schedule
  std::int64_t pong_timeout_us_ = 0;
  std::int64_t last_pong_us_ = 0;
  std::int64_t next_ping_us_ = 0;
  core::TimerId keepalive_timer_ = 0;
  core::TimerId close_timer_ = 0;
};

}  // namespace sim::detail
