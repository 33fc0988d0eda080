/// @file sim/workloads/replay_loop.h
/// @brief sim::ReplayLoop: a recorded Binance slice looped in time, generated frame by frame at
/// replay time (never stored), with the msg ids of the ticks each generated frame decodes to.
///
/// The transformation (deterministic, also in README "The 24-hour replay"): let the slice have
/// frames at offsets o_0 = 0 .. o_last, trade ids t_min..t_max and book-ticker update ids
/// u_min..u_max. The period is o_last + 1 s, rounded up to whole seconds. Loop k (k = 0, 1, ...)
/// replays every frame at o + k * period with, in the frame text:
///   - trade `t` + k * (t_max - t_min + 1), book-ticker `u` + k * (u_max - u_min + 1): ids stay
///     unique and increasing, and trade ids stay contiguous across a loop boundary (no gap);
///   - trade `E` and `T` (ms) + k * period: event times move with the replay;
///   - prices, quantities and every other byte unchanged.
/// Frames whose looped offset is at or past `loop_to` are not generated. Without looping
/// (`loop_to` 0) the slice plays once, frame texts untouched.
///
/// Tick i of the looped replay is base tick i % n of loop i / n (n = base ticks), so the
/// oracle's state is a bit per tick, not a copy of the replay. Not thread-safe; immutable once
/// built.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sim {

/// One recorded frame of the base slice.
struct GatewayReplayFrame {
  std::int64_t offset_us = 0;      // recorded time since the first frame fed
  std::string stream;              // "btcusdt@trade"
  std::string record;              // the recording line's `msg`
  std::vector<std::size_t> ticks;  // indexes into the base ticks
};

/// A judged tick of the base slice: its subject and its msg id `<prefix><number>`.
struct GatewayReplayTick {
  std::string subject;
  std::string id_prefix;  // "binance:BTCUSDT:trade:"
  std::uint64_t number = 0;
};

class ReplayLoop {
 public:
  ReplayLoop() = default;
  /// `frames` sorted by offset, their ticks indexing `ticks`; `loop_to_us` 0: play once.
  ReplayLoop(std::vector<GatewayReplayFrame> frames, std::vector<GatewayReplayTick> ticks,
             std::int64_t loop_to_us);

  std::size_t frame_count() const { return frame_count_; }
  std::size_t tick_count() const { return loops_ * ticks_.size(); }
  std::size_t base_frame_count() const { return frames_.size(); }
  std::int64_t period_us() const { return period_us_; }

  std::int64_t offset_us(std::size_t frame) const;
  const std::string& stream(std::size_t frame) const { return base(frame).stream; }
  /// The frame's text as loop `frame / base frames` sends it, into `out` (replaced; a buffer
  /// reused across frames saves an allocation per frame).
  void record(std::size_t frame, std::string& out) const;
  /// Calls `f(tick index)` for each judged tick the frame decodes to.
  template <typename F>
  void for_each_tick(std::size_t frame, F&& f) const {
    const std::size_t loop = frame / frames_.size();
    for (std::size_t t : base(frame).ticks) f(loop * ticks_.size() + t);
  }

  const std::string& subject(std::size_t tick) const {
    return ticks_[tick % ticks_.size()].subject;
  }
  std::string msg_id(std::size_t tick) const;
  /// The tick a stored msg id names, or nullopt when the replay has no such tick. `hint`, the
  /// tick expected next (ticks are mostly stored in replay order), is checked first.
  std::optional<std::size_t> find(std::string_view msg_id, std::size_t hint = 0) const;
  /// Divides every offset by `speed` (> 0), as the workload's `speed` param asks.
  void scale(double speed) { speed_ = speed; }

 private:
  // A number in a base frame's text that the loop shifts.
  struct Patch {
    std::size_t pos = 0;
    std::size_t len = 0;
    std::uint64_t value = 0;
    bool time = false;  // ms field (else an id)
    bool trade = false;
  };

  const GatewayReplayFrame& base(std::size_t frame) const {
    return frames_[frame % frames_.size()];
  }
  std::uint64_t id_shift(bool trade, std::size_t loop) const;

  std::vector<GatewayReplayFrame> frames_;
  std::vector<GatewayReplayTick> ticks_;
  // The judge looks up every stored tick: ids are split into their few distinct prefixes
  // and a number, so a lookup hashes an integer instead of building and comparing a string.
  struct PrefixIndex {
    std::string prefix;  // "binance:BTCUSDT:trade:"
    bool trade = false;
    std::unordered_map<std::uint64_t, std::size_t> by_number;  // base number -> base tick
  };

  std::vector<std::vector<Patch>> patches_;  // by base frame
  std::vector<PrefixIndex> base_index_;
  std::int64_t period_us_ = 0;
  double speed_ = 1;
  std::size_t loops_ = 1;
  std::size_t frame_count_ = 0;
  std::uint64_t trade_min_ = 0, trade_span_ = 0, book_min_ = 0, book_span_ = 0;
};

}  // namespace sim
