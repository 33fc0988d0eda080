// Property: whatever faults a timeline throws at the bus_stream world (bus restarts,
// partitions, crashes of either host, skewed clocks), the consumer never sees a gap and, once
// the faults end, gets every message. A failure prints the seed and writes the shrunk
// counterexample as a scenario file that `build/bin/sim run` reproduces.
#include <rapidcheck.h>
#include <rapidcheck/catch.h>
#include <catch2/catch.hpp>

#include "sim/scenario.h"
#include "tests/sim/scenario_property.h"

namespace {

constexpr std::int64_t kMs = 1000;

sim::TimelineEntry fault(int kind, std::int64_t at_ms, std::int64_t length_ms, bool publisher) {
  const std::string host = publisher ? "publisher" : "consumer";
  sim::TimelineEntry e;
  e.at_us = at_ms * kMs;
  const std::string length = std::to_string(length_ms) + "ms";
  switch (kind) {
    case 0:
      e.action = "bus_restart";
      e.args["down_for"] = length;
      break;
    case 1:
      e.action = "partition";
      e.targets = {host, "nats"};
      e.args["for"] = length;
      break;
    case 2:
      e.action = "crash";
      e.targets = {host};
      e.args["restart_after"] = length;
      break;
    default:
      e.action = "skew";
      e.targets = {host};
      e.args["by"] = std::to_string(length_ms - 1000) + "ms";
  }
  return e;
}

}  // namespace

TEST_CASE("bus_stream delivers every message once and in order under any fault timeline",
          "[sim][property]") {
  rc::prop("no gap, no loss, converges", [] {
    sim::Scenario s;
    s.name = "bus_faults_property";
    s.seed = *rc::gen::arbitrary<std::uint32_t>();
    s.workload = {
        {"kind", "bus_stream"}, {"messages", "300"}, {"interval", "10ms"}, {"ack_wait", "1s"}};
    const auto faults = *rc::gen::container<std::vector<std::tuple<int, int, int, bool>>>(
        rc::gen::tuple(rc::gen::inRange(0, 4), rc::gen::inRange(0, 4000),
                       rc::gen::inRange(50, 3000), rc::gen::arbitrary<bool>()));
    for (const auto& [kind, at_ms, length_ms, publisher] : faults) {
      s.timeline.push_back(fault(kind, at_ms, length_ms, publisher));
    }
    s.run_for_us = 5'000 * kMs;
    s.converge_within_us = 60'000 * kMs;
    simtest::check_scenario(std::move(s));
  });
}
