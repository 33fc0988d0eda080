#include "sim/sim_host_clock.h"

namespace sim {

core::TimerId SimHostClock::call_after(std::int64_t delay_us, std::function<void()> fn) {
  if (halted_) return 0;  // a dead process schedules nothing
  return world_.schedule(owner_, delay_us, std::move(fn));
}

bool SimHostClock::cancel(core::TimerId id) {
  return world_.cancel_owned(owner_, id);
}

void SimHostClock::halt() {
  halted_ = true;
  world_.cancel_all(owner_);
}

}  // namespace sim
