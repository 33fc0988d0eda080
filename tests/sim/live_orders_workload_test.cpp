// The live_orders workload: its schema errors name the file and line, its oracle catches a
// double fill, an order reaching an executor twice or while halted, and exposure above the
// cap; a contradicted expectation fails the run with exit code 2 and its evidence.
#include <catch2/catch.hpp>

#include <sstream>

#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/sim_world.h"
#include "sim/workloads/live_orders.h"

namespace {

core::Decimal dec(const char* text) {
  return core::Decimal::parse(text).value();
}

core::Fill fill(const char* id, const char* fill_id, const char* qty) {
  core::Fill f;
  f.client_order_id = id;
  f.fill_id = fill_id;
  f.account = "acct";
  f.symbol = "BTCUSDT";
  f.qty = dec(qty);
  f.price = dec("61800");
  return f;
}

sim::RunOutcome run(const std::string& yaml, std::string& printed) {
  auto s = sim::parse_scenario(yaml, "t.yaml");
  REQUIRE(s.is_ok());
  std::ostringstream out;
  sim::RunOutcome outcome = sim::run_scenario(*s, sim::RunOptions{}, out);
  printed = out.str();
  return outcome;
}

}  // namespace

TEST_CASE("The live_orders oracle calls a fill beyond the order's quantity a double fill",
          "[sim][live_orders]") {
  sim::LiveOrdersOracle oracle;
  oracle.on_submit("o1", 1'000'000, dec("0.01"));
  oracle.on_fill(fill("o1", "o1-1", "0.01"));
  CHECK_FALSE(oracle.violation());
  oracle.on_fill(fill("o1", "o1-2", "0.01"));
  REQUIRE(oracle.violation());
  CHECK(*oracle.violation() == "order o1 filled 0.02 of 0.01: a double fill");
}

TEST_CASE("The live_orders oracle refuses a fill id published twice", "[sim][live_orders]") {
  sim::LiveOrdersOracle oracle;
  oracle.on_submit("o1", 0, dec("1"));
  oracle.on_fill(fill("o1", "o1-1", "0.01"));
  oracle.on_fill(fill("o1", "o1-1", "0.01"));
  REQUIRE(oracle.violation());
  CHECK(*oracle.violation() == "fill o1-1 of order o1 published twice");
}

TEST_CASE("The live_orders oracle refuses an order reaching an executor while halted",
          "[sim][live_orders]") {
  sim::LiveOrdersOracle oracle;
  core::Order o;
  o.client_order_id = "o1";
  oracle.on_executor("w2", o, true);
  REQUIRE(oracle.violation());
  CHECK(*oracle.violation() == "order o1 reached w2's executor while it was halted");
}

TEST_CASE("The live_orders oracle refuses one client_order_id reaching two executors",
          "[sim][live_orders]") {
  sim::LiveOrdersOracle oracle;
  core::Order o;
  o.client_order_id = "o1";
  oracle.on_executor("w1", o, false);
  CHECK_FALSE(oracle.violation());
  oracle.on_executor("w2", o, false);
  REQUIRE(oracle.violation());
  CHECK(*oracle.violation() == "order o1 reached an executor twice (w2 after w1)");
}

TEST_CASE("live_orders reads the Kv exposure and fails when it is above max_position_size_usd",
          "[sim][live_orders]") {
  auto params = sim::parse_live_orders_params(
      {{"kind", "live_orders"}, {"max_position_size_usd", "2000"}, {"market_duration", "3s"}});
  REQUIRE(params.is_ok());
  sim::LiveOrdersWorkload workload(std::move(*params));
  core::TraceWriter trace;
  sim::SimWorld world(5, trace);
  workload.setup(world);
  sim::TimelineEntry submit{1'000'000, "submit_order", {}, {{"id", "o1"}, {"qty", "0.01"}}, "x:1"};
  auto act = workload.action(submit);
  REQUIRE(act.is_ok());
  world.clock().call_after(submit.at_us, std::move(*act));
  world.clock().run_for(1'500'000);
  REQUIRE_FALSE(workload.safety_violation());
  // 2000 USD is 2'000'000'000 micro-USD: one more is over the cap.
  world.kv_server().command({"HSET", "t26:live:exposure:acct:BTCUSDT", "total", "2000000001"},
                            [](core::Result<core::KvReply>) {});
  world.clock().run_for(300'000);
  REQUIRE(workload.safety_violation());
  CHECK(*workload.safety_violation() ==
        "exposure t26:live:exposure:acct:BTCUSDT is 2000000001 micro-USD, above "
        "max_position_size_usd 2000");
}

TEST_CASE("An order ending against its expectation fails the run as unsafe, with the evidence",
          "[sim][live_orders]") {
  std::string printed;
  const sim::RunOutcome outcome = run(R"(seed: 3
workload: {kind: live_orders, market_duration: 3s}
timeline:
  - {at: 1s, submit_order: {id: o1, qty: "0.01"}}
run_for: 2s
expect:
  - {order: o1, rejected: MAX_ORDER_SIZE}
)",
                                      printed);
  CHECK(outcome.exit_code == sim::kExitSafety);
  CHECK(outcome.failure.rfind("safety: order o1 ended filled, which no expectation of it allows",
                              0) == 0);
  CHECK(printed.find("FAIL t.yaml:7 order o1 rejected MAX_ORDER_SIZE: last update filled\n") !=
        std::string::npos);
}

TEST_CASE("An expectation not met within its bound fails the run", "[sim][live_orders]") {
  std::string printed;
  const sim::RunOutcome outcome = run(R"(workload: {kind: live_orders, market_duration: 3s}
timeline:
  - {at: 1s, submit_order: {id: o1, qty: "0.01", symbol: ETHUSDT}}
run_for: 2s
expect:
  - {order: o1, status: accepted, within: 100ms}
  - {order: o1, rejected: NO_MARKET_DATA}
)",
                                      printed);
  CHECK(outcome.exit_code == sim::kExitSafety);
  CHECK(outcome.failure ==
        "safety: order o1 not accepted within 0.100s of its submit (t.yaml:6) (t=1.100000s)");
}

TEST_CASE("live_orders names the file, line and allowed values of a field it does not know",
          "[sim][live_orders]") {
  std::string printed;
  auto outcome = run(R"(workload: {kind: live_orders, market_duration: 1s}
timeline:
  - {at: 1s, submit_order: {id: o1, quantity: "0.01"}}
run_for: 2s
)",
                     printed);
  CHECK(outcome.exit_code == sim::kExitUsage);
  CHECK(outcome.failure ==
        "config: t.yaml:3: submit_order: unknown field 'quantity' (allowed: id, account, symbol, "
        "side, type, qty, price, paper, tif)");
  outcome = run(R"(workload: {kind: live_orders, market_duration: 1s}
timeline:
  - {at: 1s, submit_order: {id: o1}}
run_for: 2s
expect:
  - {order: o1, stat: filled}
)",
                printed);
  CHECK(outcome.failure ==
        "config: t.yaml:6: expect: unknown key 'stat' (allowed: order, status, rejected, code, "
        "within)");
  auto bad = sim::make_workload({{"kind", "live_orders"}, {"mode", "real"}});
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().message == "workload.mode: expected paper or live, got \"real\"");
}

TEST_CASE("live_orders refuses a halt of a worker it does not run", "[sim][live_orders]") {
  std::string printed;
  auto outcome = run(R"(workload: {kind: live_orders, workers: 2, market_duration: 1s}
timeline:
  - {at: 1s, halt: {worker: w3}}
run_for: 2s
)",
                     printed);
  CHECK(outcome.exit_code == sim::kExitUsage);
  CHECK(outcome.failure == "config: t.yaml:3: halt.worker: no worker 'w3' (w1..w2)");
}
