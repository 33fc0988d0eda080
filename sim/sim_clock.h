/// @file sim/sim_clock.h
/// @brief sim::SimClock: virtual time for core::Clock. One queue ordered by (due, insertion).
///
/// Time moves only when the loop is driven (run_for/run_until/run_next) and jumps straight
/// to the next due event, so a simulated day takes as long as its events do. Nothing here
/// reads the machine's clock. Single-threaded: `post` too must be called on the driving thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <utility>

#include "core/ports/clock.h"

namespace sim {

class SimClock final : public core::Clock {
 public:
  /// Virtual origin: monotonic time starts at 0, wall time at `wall_origin_us`.
  explicit SimClock(std::int64_t wall_origin_us = kDefaultWallOriginUs);

  std::int64_t now_us() const override { return now_us_; }
  std::int64_t wall_us() const override { return wall_origin_us_ + now_us_; }
  core::TimerId call_after(std::int64_t delay_us, std::function<void()> fn) override;
  bool cancel(core::TimerId id) override;
  void post(std::function<void()> fn) override;
  void run_for(std::int64_t duration_us) override;
  bool run_until(const std::function<bool()>& done, std::int64_t timeout_us) override;

  /// Runs the earliest event if it is due at or before `deadline_us`; false if none is.
  bool run_next(std::int64_t deadline_us);
  std::size_t pending() const { return queue_.size(); }
  std::uint64_t events_run() const { return events_run_; }

  /// 2026-01-01T00:00:00Z: a fixed origin so traces do not depend on the day they ran.
  static constexpr std::int64_t kDefaultWallOriginUs = 1'767'225'600'000'000;

 private:
  struct Key {
    std::int64_t due_us;
    std::uint64_t seq;
    bool operator<(const Key& o) const {
      return due_us != o.due_us ? due_us < o.due_us : seq < o.seq;
    }
  };

  std::int64_t wall_origin_us_;
  std::int64_t now_us_ = 0;
  std::uint64_t next_seq_ = 1;
  std::uint64_t events_run_ = 0;
  std::map<Key, std::function<void()>> queue_;
  std::map<core::TimerId, Key> timers_;  // pending timers by id (id == seq)
};

}  // namespace sim
