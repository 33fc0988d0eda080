#include <catch2/catch.hpp>

#include "sim/scenario.h"

TEST_CASE("A scenario file gives its timeline sorted, with targets and arguments",
          "[sim][scenario]") {
  auto s = sim::parse_scenario(R"(
name: two
seed: 7
world: {network: {latency_us_mean: 300}}
workload: {kind: bus_stream, messages: 100}
timeline:
  - {at: 9s, partition: [publisher, nats], for: 2s}
  - {at: 3s, bus_restart: {down_for: 1500ms}}
run_for: 20s
)",
                               "two.yaml");
  REQUIRE(s.is_ok());
  CHECK(s->name == "two");
  CHECK(s->seed == 7u);
  CHECK(s->network.at("latency_us_mean") == "300");
  CHECK(s->workload.at("kind") == "bus_stream");
  REQUIRE(s->timeline.size() == 2);
  CHECK(s->timeline[0].action == "bus_restart");
  CHECK(s->timeline[0].args.at("down_for") == "1500ms");
  CHECK(s->timeline[1].at_us == 9'000'000);
  CHECK(s->timeline[1].targets == std::vector<std::string>{"publisher", "nats"});
  CHECK(s->timeline[1].args.at("for") == "2s");
  CHECK(s->run_for_us == 20'000'000);
}

TEST_CASE("A scenario file with a misspelled key fails naming the file and the key",
          "[sim][scenario]") {
  auto s = sim::parse_scenario("workload: {kind: x}\nrun_fr: 2s\n", "bad.yaml");
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.status().code == core::Errc::kConfig);
  CHECK(s.status().message ==
        "bad.yaml:2: unknown key 'run_fr' (allowed: name, seed, world, workload, timeline, "
        "run_for, converge_within, expect)");
}

TEST_CASE("A timeline entry without an action is refused with its index", "[sim][scenario]") {
  auto s =
      sim::parse_scenario("workload: {kind: x}\nrun_for: 2s\ntimeline:\n  - {at: 1s}\n", "t.yaml");
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.status().message.rfind("t.yaml:4: timeline[0]: no action (one of bus_restart, ", 0) == 0);
}

TEST_CASE("Durations need a unit", "[sim][scenario]") {
  CHECK(*sim::parse_duration_us("250ms") == 250'000);
  CHECK(*sim::parse_duration_us("-250ms") == -250'000);
  CHECK(*sim::parse_duration_us("2m") == 120'000'000);
  CHECK_FALSE(sim::parse_duration_us("250").is_ok());
  CHECK_FALSE(sim::parse_duration_us("fast").is_ok());
}

TEST_CASE("A scenario written out reads back as the same scenario", "[sim][scenario]") {
  auto s = sim::parse_scenario(R"(
name: round trip
seed: 99
world: {network: {loss_ratio: 0.01}}
workload: {kind: bus_stream, messages: 100, interval: 5ms}
timeline:
  - {at: 1s, bus_restart: {down_for: 1500ms}}
  - {at: 2s, partition: [publisher, nats], for: 2s}
  - {at: 3s, crash: consumer, restart_after: 500ms}
  - {at: 4s, heal: {}}
run_for: 5s
converge_within: 20s
)",
                               "a.yaml");
  REQUIRE(s.is_ok());
  auto again = sim::parse_scenario(sim::scenario_to_yaml(*s), "b.yaml");
  INFO(sim::scenario_to_yaml(*s));
  REQUIRE(again.is_ok());
  CHECK(again->name == s->name);
  CHECK(again->seed == s->seed);
  CHECK(again->network == s->network);
  CHECK(again->workload == s->workload);
  CHECK(again->timeline == s->timeline);
  CHECK(again->run_for_us == s->run_for_us);
  CHECK(again->converge_within_us == s->converge_within_us);
}

TEST_CASE("An unknown timeline key fails naming the file, the line and the allowed actions",
          "[sim][scenario]") {
  auto s = sim::parse_scenario(
      "workload: {kind: x}\nrun_for: 2s\ntimeline:\n  - {at: 1s, halt: {}}\n"
      "  - {at: 2s, submit_ordr: {id: o1}}\n",
      "t.yaml");
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.status().message.rfind(
            "t.yaml:5: timeline[1]: unknown key 'submit_ordr' (actions: bus_restart, ", 0) == 0);
  CHECK(s.status().message.find("submit_order, cancel_order, approve, halt, resume, "
                                "drop_order_response, rest_errors, api_burst; modifiers: at, "
                                "for, down_for, "
                                "restart_after, by)") != std::string::npos);
}

TEST_CASE("Expectations are read with their line and written back", "[sim][scenario]") {
  auto s = sim::parse_scenario(R"(workload: {kind: live_orders}
run_for: 2s
timeline:
  - {at: 1s, submit_order: {id: o1, side: buy, qty: "0.01"}}
expect:
  - {order: o1, status: filled, within: 2s}
  - {order: o2, rejected: MAX_ORDER_SIZE}
)",
                               "e.yaml");
  REQUIRE(s.is_ok());
  REQUIRE(s->expect.size() == 2);
  CHECK(s->expect[0].where == "e.yaml:6");
  CHECK(s->expect[1].fields.at("rejected") == "MAX_ORDER_SIZE");
  CHECK(s->timeline[0].where == "e.yaml:4");
  CHECK(s->timeline[0].args.at("qty") == "0.01");
  auto again = sim::parse_scenario(sim::scenario_to_yaml(*s), "b.yaml");
  REQUIRE(again.is_ok());
  CHECK(again->expect == s->expect);
  CHECK(again->timeline == s->timeline);
}

TEST_CASE("An expect entry that is not a mapping is refused with its line", "[sim][scenario]") {
  auto s = sim::parse_scenario("workload: {kind: x}\nrun_for: 2s\nexpect:\n  - o1\n", "x.yaml");
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.status().message == "x.yaml:4: expect[0]: expected a mapping");
}
