/// @file sim/mockex/stream_hub.h
/// @brief `StreamHub`: Binance market-stream websocket sessions on the mock's port: raw
/// `/ws/<stream>`, combined `/stream?streams=a/b` (`{"stream":..,"data":..}`), the control
/// methods SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY on any
/// connection, fan-out of payloads by stream name, and scripted disconnects for tests.
///
/// Faults (faults.h, `use_faults`): stalled streams withhold frames, `stream_gap_next` skips
/// whole events (every subscriber misses the same update ids / trade ids), and
/// `stream_latency_ms` delivers each market-stream frame that much later, in order per session
/// (control replies are not delayed).
///
/// Stream names are matched as sent (Binance lowercases symbols: "btcusdt@trade"). Sessions
/// are served in connection order, each session's frames in publish order. Runs on the loop
/// thread of the HttpServer that hands it sessions; sessions' callbacks hold only a weak token,
/// so the hub may be destroyed before them. Pings are answered by the HttpServer adapter.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/http.h"
#include "core/ports/clock.h"
#include "core/ports/ws.h"
#include "sim/mockex/faults.h"

namespace sim::mockex {

class StreamHub {
 public:
  StreamHub() = default;
  ~StreamHub();
  StreamHub(const StreamHub&) = delete;
  StreamHub& operator=(const StreamHub&) = delete;

  /// Takes a session upgraded on `/ws[/<stream>]` or `/stream?streams=...`; false (the caller
  /// closes it) for any other path.
  bool accept(const core::HttpRequest& upgrade, std::shared_ptr<core::WsSession> session);
  /// Sends `payload` (the unwrapped event) to every session subscribed to `stream`.
  void publish(std::string_view stream, std::string_view payload);
  bool has_subscribers(std::string_view stream) const;

  /// Closes every session now (code 1006-like drop is the client's view; we send 1001).
  void drop_all();
  /// Drops every session once `frames` more frames have been sent in total (0 = off).
  void drop_after_frames(std::uint64_t frames);
  /// Reads (and counts down) `faults` on every publish from now on; `count` runs once per
  /// injected gap ("stream_gap") and delayed frame ("stream_latency"). While
  /// `streams_stalled`, frames are withheld (dropped, not queued) and sessions stay open, as a
  /// stalled exchange stream looks. `clock` and `faults` must outlive the hub.
  void use_faults(core::Clock& clock, Faults& faults, std::function<void(const char*)> count);
  std::uint64_t frames_withheld() const { return frames_withheld_; }

  /// Runs after every new stream subscription (the url's streams or a SUBSCRIBE).
  void on_subscribe(std::function<void()> fn) { on_subscribe_ = std::move(fn); }

  std::size_t session_count() const { return sessions_.size(); }
  std::uint64_t frames_sent() const { return frames_sent_; }
  /// The longest send queue of any session (core::WsSession::queued_bytes).
  std::size_t max_queued_bytes() const;

 private:
  struct Session {
    std::shared_ptr<core::WsSession> ws;
    bool combined = false;
    std::vector<std::string> streams;                          // in subscription order
    std::deque<std::pair<std::int64_t, std::string>> delayed;  // (due us, frame), due order
    core::TimerId timer = 0;                                   // 0: none armed
  };

  void on_text(std::uint64_t id, const std::string& text);
  void subscribe(std::uint64_t id, const std::string& stream);
  void unsubscribe(std::uint64_t id, const std::string& stream);
  void remove(std::uint64_t id);
  void send(Session& s, std::uint64_t id, std::string_view stream, std::string_view payload);
  /// Sends `id`'s delayed frames that are due, in `delay_us`.
  void arm_delayed(Session& s, std::uint64_t id, std::int64_t delay_us);
  void send_delayed(std::uint64_t id);

  std::map<std::uint64_t, Session> sessions_;
  std::map<std::string, std::set<std::uint64_t>, std::less<>> by_stream_;
  std::uint64_t next_id_ = 1;
  std::vector<std::uint64_t> fanout_;  // publish's scratch copy of a stream's sessions
  std::uint64_t frames_sent_ = 0;
  std::uint64_t drop_at_frames_ = 0;  // 0 = off
  core::Clock* clock_ = nullptr;
  Faults* faults_ = nullptr;
  std::function<void(const char*)> count_fault_;
  std::uint64_t frames_withheld_ = 0;
  std::function<void()> on_subscribe_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace sim::mockex
