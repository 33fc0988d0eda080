// One contract for core::Clock, run against net::AsioClock (real time, short delays) and
// sim::SimClock (virtual time).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "net/asio_clock.h"
#include "sim/sim_clock.h"

namespace {

constexpr std::int64_t kMs = 1000;

TEMPLATE_TEST_CASE("Clock runs timers in due order and equal due times in insertion order",
                   "[contract][clock]", net::AsioClock, sim::SimClock) {
  TestType clock;
  std::vector<std::string> order;
  clock.call_after(30 * kMs, [&] { order.push_back("c30"); });
  clock.call_after(10 * kMs, [&] { order.push_back("a10"); });
  clock.call_after(10 * kMs, [&] { order.push_back("b10"); });
  clock.post([&] { order.push_back("posted"); });
  CHECK(order.empty());  // nothing runs inside the scheduling call
  REQUIRE(clock.run_until([&] { return order.size() == 4; }, 2000 * kMs));
  CHECK(order == std::vector<std::string>{"posted", "a10", "b10", "c30"});
}

TEMPLATE_TEST_CASE("Clock never runs a cancelled timer", "[contract][clock]", net::AsioClock,
                   sim::SimClock) {
  TestType clock;
  int fired = 0;
  const core::TimerId id = clock.call_after(5 * kMs, [&] { ++fired; });
  clock.call_after(20 * kMs, [&] { fired += 10; });
  CHECK(clock.cancel(id));
  CHECK_FALSE(clock.cancel(id));  // a second cancel finds nothing
  REQUIRE(clock.run_until([&] { return fired >= 10; }, 2000 * kMs));
  CHECK(fired == 10);
}

TEMPLATE_TEST_CASE("Clock time moves forward by at least the timer delay", "[contract][clock]",
                   net::AsioClock, sim::SimClock) {
  TestType clock;
  const std::int64_t start = clock.now_us();
  std::int64_t fired_at = -1;
  clock.call_after(15 * kMs, [&] { fired_at = clock.now_us(); });
  REQUIRE(clock.run_until([&] { return fired_at >= 0; }, 2000 * kMs));
  CHECK(fired_at - start >= 15 * kMs);
  CHECK(clock.wall_us() > 1'700'000'000'000'000);  // after 2023: a Unix time in µs
}

TEMPLATE_TEST_CASE("Clock run_until gives up at its deadline when the condition never holds",
                   "[contract][clock]", net::AsioClock, sim::SimClock) {
  TestType clock;
  const std::int64_t start = clock.now_us();
  CHECK_FALSE(clock.run_until([] { return false; }, 20 * kMs));
  CHECK(clock.now_us() - start >= 20 * kMs);
}

TEMPLATE_TEST_CASE("Clock timers scheduled from a callback run later, not inline",
                   "[contract][clock]", net::AsioClock, sim::SimClock) {
  TestType clock;
  std::vector<int> order;
  clock.post([&] {
    clock.post([&] { order.push_back(2); });
    order.push_back(1);
  });
  REQUIRE(clock.run_until([&] { return order.size() == 2; }, 1000 * kMs));
  CHECK(order == std::vector<int>{1, 2});
}

}  // namespace

TEST_CASE("SimClock jumps over idle time without waiting", "[contract][clock][sim]") {
  sim::SimClock clock;
  bool fired = false;
  clock.call_after(3'600'000'000LL, [&] { fired = true; });  // one virtual hour
  clock.run_for(3'600'000'000LL);
  CHECK(fired);
  CHECK(clock.now_us() == 3'600'000'000LL);
  CHECK(clock.events_run() == 1);
}
