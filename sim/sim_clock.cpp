#include "sim/sim_clock.h"

#include <cassert>

namespace sim {

SimClock::SimClock(std::int64_t wall_origin_us) : wall_origin_us_(wall_origin_us) {}

core::TimerId SimClock::call_after(std::int64_t delay_us, std::function<void()> fn) {
  assert(delay_us >= 0);
  const Key key{now_us_ + (delay_us < 0 ? 0 : delay_us), next_seq_++};
  queue_.emplace(key, std::move(fn));
  timers_.emplace(key.seq, key);
  return key.seq;
}

bool SimClock::cancel(core::TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return false;
  queue_.erase(it->second);
  timers_.erase(it);
  return true;
}

void SimClock::post(std::function<void()> fn) {
  queue_.emplace(Key{now_us_, next_seq_++}, std::move(fn));
}

bool SimClock::run_next(std::int64_t deadline_us) {
  if (queue_.empty()) return false;
  auto it = queue_.begin();
  if (it->first.due_us > deadline_us) return false;
  const Key key = it->first;
  std::function<void()> fn = std::move(it->second);
  queue_.erase(it);
  timers_.erase(key.seq);
  if (key.due_us > now_us_) now_us_ = key.due_us;
  ++events_run_;
  fn();
  return true;
}

void SimClock::run_for(std::int64_t duration_us) {
  const std::int64_t deadline = now_us_ + duration_us;
  while (run_next(deadline)) {
  }
  now_us_ = deadline;
}

bool SimClock::run_until(const std::function<bool()>& done, std::int64_t timeout_us) {
  const std::int64_t deadline = now_us_ + timeout_us;
  if (done()) return true;
  while (run_next(deadline)) {
    if (done()) return true;
  }
  now_us_ = deadline;
  return done();
}

}  // namespace sim
