#include "sim/sim_clock.h"

#include <algorithm>
#include <cassert>

namespace sim {
namespace {

// std::*_heap keep the largest on top; the earliest (due, seq) must be.
struct Later {
  template <class E>
  bool operator()(const E& a, const E& b) const {
    return a.due_us != b.due_us ? a.due_us > b.due_us : a.seq > b.seq;
  }
};

// A timer id names a slot and its generation; slot + 1 keeps every id non-zero.
core::TimerId make_id(std::uint32_t slot, std::uint32_t gen) {
  return (static_cast<std::uint64_t>(gen) << 32) | (static_cast<std::uint64_t>(slot) + 1);
}

}  // namespace

SimClock::SimClock(std::int64_t wall_origin_us) : wall_origin_us_(wall_origin_us) {}

core::TimerId SimClock::schedule(Owner owner, std::int64_t delay_us, std::function<void()> fn) {
  assert(delay_us >= 0);
  std::uint32_t slot = 0;
  if (free_slots_.empty()) {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Slot& s = slots_[slot];
  s.fn = std::move(fn);
  s.owner = owner;
  s.live = true;
  ++live_;
  heap_.push_back(Entry{now_us_ + std::max<std::int64_t>(delay_us, 0), next_seq_++, slot, s.gen});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
  return make_id(slot, s.gen);
}

void SimClock::release(std::uint32_t slot) {
  Slot& s = slots_[slot];
  s.live = false;
  ++s.gen;
  --live_;
  free_slots_.push_back(slot);
}

bool SimClock::cancel_if(core::TimerId id, const Owner* owner) {
  const std::uint64_t low = id & 0xffff'ffffULL;
  if (low == 0 || low > slots_.size()) return false;
  const auto slot = static_cast<std::uint32_t>(low - 1);
  Slot& s = slots_[slot];
  if (!s.live || s.gen != static_cast<std::uint32_t>(id >> 32)) return false;
  if (owner != nullptr && s.owner != *owner) return false;
  // The captures go now, not when the stale entry surfaces, and after the slot is released:
  // their destructors may schedule.
  const std::function<void()> dropped = std::move(s.fn);
  release(slot);
  return true;
}

void SimClock::cancel_all(Owner owner) {
  std::vector<std::function<void()>> dropped;  // destroyed once the table is consistent
  for (std::uint32_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].live && slots_[i].owner == owner) {
      dropped.push_back(std::move(slots_[i].fn));
      release(i);
    }
  }
}

std::size_t SimClock::pending(Owner owner) const {
  return static_cast<std::size_t>(std::count_if(
      slots_.begin(), slots_.end(), [&](const Slot& s) { return s.live && s.owner == owner; }));
}

bool SimClock::skip_cancelled() {
  while (!heap_.empty()) {
    const Entry& top = heap_.front();
    const Slot& s = slots_[top.slot];
    if (s.live && s.gen == top.gen) return true;
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
  }
  return false;
}

bool SimClock::run_next(std::int64_t deadline_us) {
  if (!skip_cancelled() || heap_.front().due_us > deadline_us) return false;
  std::pop_heap(heap_.begin(), heap_.end(), Later{});
  const Entry e = heap_.back();
  heap_.pop_back();
  std::function<void()> fn = std::move(slots_[e.slot].fn);
  release(e.slot);
  if (e.due_us > now_us_) now_us_ = e.due_us;
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
