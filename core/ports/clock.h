/// @file core/ports/clock.h
/// @brief The event loop a service shard runs on: time, timers and posted work.
///
/// Implemented by net::AsioClock (Boost.Asio io_context, real time) and sim::SimClock (virtual
/// time, one queue ordered by (due time, insertion)). Conventions for every method:
/// - times are integers in microseconds; `now_us` is monotonic, `wall_us` is Unix time and
///   may jump (or be skewed in sim);
/// - callbacks run on the loop's thread, one at a time, never inside the call that scheduled
///   them; a callback scheduled for the same due time as another runs after it (FIFO);
/// - `post` is the one method other threads may call (net adapters use it to hand library
///   callbacks to the loop); everything else is called on the loop's thread.
#pragma once

#include <cstdint>
#include <functional>

namespace core {

using TimerId = std::uint64_t;

class Clock {
 public:
  virtual ~Clock() = default;

  /// Monotonic microseconds since an arbitrary origin.
  virtual std::int64_t now_us() const = 0;
  /// Microseconds since the Unix epoch (event timestamps, bar boundaries).
  virtual std::int64_t wall_us() const = 0;

  /// Runs `fn` once, `delay_us` (>= 0) from now. The id stays valid until it fires or is
  /// cancelled.
  virtual TimerId call_after(std::int64_t delay_us, std::function<void()> fn) = 0;
  /// True if the timer was pending and will now never run.
  virtual bool cancel(TimerId id) = 0;
  /// Runs `fn` on the loop as soon as possible, after the work already posted.
  virtual void post(std::function<void()> fn) = 0;

  /// Drives the loop for `duration_us` of this clock's time, then returns.
  virtual void run_for(std::int64_t duration_us) = 0;
  /// Drives the loop until `done()` holds (checked after every callback) or `timeout_us` of
  /// this clock's time has passed. Returns done(). The way tests poll with a deadline.
  virtual bool run_until(const std::function<bool()>& done, std::int64_t timeout_us) = 0;
};

}  // namespace core
