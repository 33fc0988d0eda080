#include "sim/sim_host_clock.h"

namespace sim {

core::TimerId SimHostClock::call_after(std::int64_t delay_us, std::function<void()> fn) {
  const core::TimerId id = next_id_++;
  if (halted_) return id;  // a dead process schedules nothing
  const core::TimerId world_id = world_.call_after(delay_us, [this, id, fn = std::move(fn)] {
    pending_.erase(id);
    fn();
  });
  pending_.emplace(id, world_id);
  return id;
}

bool SimHostClock::cancel(core::TimerId id) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return false;
  world_.cancel(it->second);
  pending_.erase(it);
  return true;
}

void SimHostClock::halt() {
  halted_ = true;
  for (const auto& [id, world_id] : pending_) world_.cancel(world_id);
  pending_.clear();
}

}  // namespace sim
