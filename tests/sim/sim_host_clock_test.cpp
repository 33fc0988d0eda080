#include <catch2/catch.hpp>

#include <vector>

#include "sim/sim_host_clock.h"

TEST_CASE("SimHostClock drops a crashed host's pending and later work", "[sim][clock]") {
  sim::SimClock world;
  sim::SimHostClock host(world);
  int fired = 0;
  host.call_after(1000, [&] { ++fired; });
  host.post([&] { ++fired; });
  host.halt();
  host.post([&] { ++fired; });
  world.run_for(10'000);
  CHECK(fired == 0);
  CHECK(host.pending() == 0);
  CHECK(world.pending() == 0);
}

TEST_CASE("SimHostClock skews wall time only", "[sim][clock]") {
  sim::SimClock world;
  sim::SimHostClock host(world);
  host.set_skew_us(-250'000);
  CHECK(host.wall_us() == world.wall_us() - 250'000);
  CHECK(host.now_us() == world.now_us());
}

TEST_CASE("SimHostClock forgets timers once they fired or were cancelled", "[sim][clock]") {
  sim::SimClock world;
  sim::SimHostClock host(world);
  int fired = 0;
  const auto id = host.call_after(10, [&] { ++fired; });
  host.call_after(20, [&] { ++fired; });
  CHECK(host.cancel(id));
  world.run_for(100);
  CHECK(fired == 1);
  CHECK(host.pending() == 0);
}

TEST_CASE("SimHostClock cancels only its own timers and keeps FIFO order with the world",
          "[sim][clock]") {
  sim::SimClock world;
  sim::SimHostClock a(world);
  sim::SimHostClock b(world);
  std::vector<int> order;
  const auto ta = a.call_after(10, [&] { order.push_back(1); });
  world.call_after(10, [&] { order.push_back(2); });
  b.call_after(10, [&] { order.push_back(3); });
  CHECK_FALSE(b.cancel(ta));  // a's timer is not b's to cancel
  CHECK(a.pending() == 1);
  b.halt();
  CHECK(world.pending() == 2);
  world.run_for(10);
  CHECK(order == std::vector<int>{1, 2});
  CHECK_FALSE(a.cancel(ta));  // it fired
}

TEST_CASE("SimClock reuses a cancelled timer's slot without reviving the old id", "[sim][clock]") {
  sim::SimClock clock;
  int fired = 0;
  const auto first = clock.call_after(5, [&] { fired += 1; });
  CHECK(clock.cancel(first));
  const auto second = clock.call_after(5, [&] { fired += 10; });
  CHECK(second != first);
  CHECK_FALSE(clock.cancel(first));
  clock.run_for(5);
  CHECK(fired == 10);
  CHECK(clock.pending() == 0);
}
