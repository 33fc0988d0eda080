/// @file sim/sim_clock.h
/// @brief sim::SimClock: virtual time for core::Clock. One queue ordered by (due, insertion).
///
/// Time moves only when the loop is driven (run_for/run_until/run_next) and jumps straight
/// to the next due event, so a simulated day takes as long as its events do. Nothing here
/// reads the machine's clock. Single-threaded: `post` too must be called on the driving thread.
///
/// The queue is a binary heap of small (due, seq, slot) entries; callbacks sit in a reused slot
/// table, so scheduling allocates nothing beyond what std::function needs for a large capture.
/// A cancelled entry stays in the heap until it comes up and is skipped (its slot's
/// generation no longer matches), while the callback itself is destroyed at once.
/// Every event has an owner (SimHostClock uses one per simulated process) so that a crash can
/// cancel all of a process's work at once; the world's own events belong to `kWorld`.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/ports/clock.h"

namespace sim {

class SimClock final : public core::Clock {
 public:
  using Owner = std::uint32_t;
  static constexpr Owner kWorld = 0;

  /// Virtual origin: monotonic time starts at 0, wall time at `wall_origin_us`.
  explicit SimClock(std::int64_t wall_origin_us = kDefaultWallOriginUs);

  std::int64_t now_us() const override { return now_us_; }
  std::int64_t wall_us() const override { return wall_origin_us_ + now_us_; }
  core::TimerId call_after(std::int64_t delay_us, std::function<void()> fn) override {
    return schedule(kWorld, delay_us, std::move(fn));
  }
  /// Cancels a pending event of any owner.
  bool cancel(core::TimerId id) override { return cancel_if(id, nullptr); }
  void post(std::function<void()> fn) override { schedule(kWorld, 0, std::move(fn)); }
  void run_for(std::int64_t duration_us) override;
  bool run_until(const std::function<bool()>& done, std::int64_t timeout_us) override;

  /// A new owner id for `schedule` (never kWorld).
  Owner add_owner() { return ++last_owner_; }
  /// call_after on behalf of `owner`.
  core::TimerId schedule(Owner owner, std::int64_t delay_us, std::function<void()> fn);
  /// Cancels `id` only if `owner` scheduled it; true if it was pending.
  bool cancel_owned(Owner owner, core::TimerId id) { return cancel_if(id, &owner); }
  /// Cancels every pending event of `owner`.
  void cancel_all(Owner owner);
  /// Pending events of `owner` (a scan: for tests).
  std::size_t pending(Owner owner) const;

  /// Runs the earliest event if it is due at or before `deadline_us`; false if none is.
  bool run_next(std::int64_t deadline_us);
  std::size_t pending() const { return live_; }
  std::uint64_t events_run() const { return events_run_; }

  /// 2026-01-01T00:00:00Z: a fixed origin so traces do not depend on the day they ran.
  static constexpr std::int64_t kDefaultWallOriginUs = 1'767'225'600'000'000;

 private:
  struct Entry {
    std::int64_t due_us;
    std::uint64_t seq;  // insertion order: FIFO among equal due times
    std::uint32_t slot;
    std::uint32_t gen;
  };
  struct Slot {
    std::function<void()> fn;
    std::uint32_t gen = 0;  // bumped on every reuse, so stale heap entries and ids miss
    Owner owner = kWorld;
    bool live = false;
  };

  bool cancel_if(core::TimerId id, const Owner* owner);
  void release(std::uint32_t slot);
  // Pops entries whose event was cancelled; true if a live one is on top.
  bool skip_cancelled();

  std::int64_t wall_origin_us_;
  std::int64_t now_us_ = 0;
  std::uint64_t next_seq_ = 1;
  std::uint64_t events_run_ = 0;
  std::size_t live_ = 0;
  Owner last_owner_ = kWorld;
  std::vector<Entry> heap_;  // min-heap on (due_us, seq)
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
};

}  // namespace sim
