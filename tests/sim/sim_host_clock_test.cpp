#include <catch2/catch.hpp>

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
