/// @file sim/sim_host_clock.h
/// @brief sim::SimHostClock: one simulated process's view of the world's SimClock.
///
/// Every host ("process") in SimWorld gets its own Clock so that a crash can take its work
/// with it: `halt()` cancels every timer and posted callback the host still had pending and
/// drops whatever is scheduled on it afterwards, so nothing fires into destroyed objects. The
/// host's wall clock may be skewed (`set_skew_us`); its monotonic clock is the world's.
#pragma once

#include <cstdint>

#include "sim/sim_clock.h"

namespace sim {

class SimHostClock final : public core::Clock {
 public:
  explicit SimHostClock(SimClock& world) : world_(world), owner_(world.add_owner()) {}
  ~SimHostClock() override { halt(); }
  SimHostClock(const SimHostClock&) = delete;
  SimHostClock& operator=(const SimHostClock&) = delete;

  std::int64_t now_us() const override { return world_.now_us(); }
  std::int64_t wall_us() const override { return world_.wall_us() + skew_us_; }
  core::TimerId call_after(std::int64_t delay_us, std::function<void()> fn) override;
  bool cancel(core::TimerId id) override;
  void post(std::function<void()> fn) override { call_after(0, std::move(fn)); }
  void run_for(std::int64_t duration_us) override { world_.run_for(duration_us); }
  bool run_until(const std::function<bool()>& done, std::int64_t timeout_us) override {
    return world_.run_until(done, timeout_us);
  }

  void set_skew_us(std::int64_t skew_us) { skew_us_ = skew_us; }
  std::int64_t skew_us() const { return skew_us_; }
  /// The host crashed: nothing pending runs, nothing scheduled later is kept.
  void halt();
  bool halted() const { return halted_; }
  std::size_t pending() const { return world_.pending(owner_); }

 private:
  SimClock& world_;
  std::int64_t skew_us_ = 0;
  SimClock::Owner owner_;  // the world clock's events scheduled through this host
  bool halted_ = false;
};

}  // namespace sim
