// The live_gateway binary end to end in paper mode, quick enough for `make test`: real
// nats-server and redis-server, the seed's Test 1 (a paper order filled from ticks around
// 45000) and Test 2 (its message as written, rejected for size), and the admin kill switch.
// No exchange runs here: the order path must not need one in paper mode (validate_orders off,
// api_url a closed port). tests/live_gateway/live_gateway_live_test.cpp adds mockex.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "tests/live_gateway/live_gateway_procs.h"

using namespace std::chrono_literals;

namespace {

constexpr const char* kSeedTest1Order =
    R"({"account":"test_account","symbol":"BTCUSDT","side":"buy","type":"limit",)"
    R"("quantity":0.001,"price":45000.0,"paper_trading":true})";
// The seed's Test 2 message exactly as written: no account, no type, no paper_trading.
constexpr const char* kSeedTest2Order =
    R"({"symbol":"BTCUSDT","side":"buy","quantity":100,"price":45000.0})";

bool contains(const std::vector<std::string>& bodies, const std::string& needle) {
  for (const auto& b : bodies)
    if (b.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE(
    "The live_gateway binary fills the seed's paper order, rejects the seed's oversized order "
    "and halts only for the admin token",
    "[live_gateway][net]") {
  lgtest::Backends backends;
  const std::string closed = fmt::format("http://127.0.0.1:{}", testsupport::free_tcp_port());
  lgtest::LiveGateway gateway(backends, closed, {"--set", "execution.validate_orders=false"},
                              {"ADMIN_TOKEN=contract-admin-token"});
  if (!gateway.wait_ready(15s)) FAIL(gateway.log());
  INFO(gateway.log());
  lgtest::BusProbe probe(backends.nats_url());
  probe.watch("fills.test_account");
  probe.watch("orders.test_account.*");
  REQUIRE(probe.wait_gateway_sees_ticks("45000.00", 5s));

  // Test 1: the order rests (a trade at its price came before it), the next trade through it
  // fills it.
  probe.publish("orders.test_account.new", kSeedTest1Order);
  REQUIRE(
      probe.wait_for([&] { return !probe.bodies("orders.test_account.accepted").empty(); }, 5s));
  probe.publish_trade("44999.50", "0.01");
  REQUIRE(probe.wait_for([&] { return !probe.bodies("fills.test_account").empty(); }, 5s));
  const std::string fill = probe.bodies("fills.test_account").front();
  CHECK(fill.find(R"("account":"test_account","symbol":"BTCUSDT","side":"buy","price":45000.0,)"
                  R"("qty":0.001,)") != std::string::npos);
  CHECK(fill.find(R"("paper":true)") != std::string::npos);
  REQUIRE(probe.wait_for([&] { return !probe.bodies("orders.test_account.filled").empty(); }, 5s));

  // Test 2: 100 BTC at 45000 is 4,500,000 USD against max_order_size_usd 1000.
  probe.publish("orders.test_account.new", kSeedTest2Order);
  REQUIRE(
      probe.wait_for([&] { return !probe.bodies("orders.test_account.rejected").empty(); }, 5s));
  CHECK(probe.bodies("orders.test_account.rejected")
            .front()
            .find(R"("status":"rejected","code":"MAX_ORDER_SIZE")") != std::string::npos);

  // The kill switch: no token or a wrong one is 401; with ADMIN_TOKEN new orders are refused.
  CHECK(gateway.post("/halt", "") == 401);
  CHECK(gateway.post("/halt", "not-the-token") == 401);
  CHECK(gateway.post("/halt", "contract-admin-token") == 200);
  probe.publish("orders.test_account.new",
                R"({"side":"buy","type":"market","quantity":0.001,"client_order_id":"halted-1"})");
  REQUIRE(
      probe.wait_for([&] { return probe.bodies("orders.test_account.rejected").size() == 2; }, 5s));
  CHECK(probe.bodies("orders.test_account.rejected")
            .back()
            .find(R"("client_order_id":"halted-1","account":"test_account","symbol":"BTCUSDT",)"
                  R"("status":"rejected","code":"KILL_SWITCH")") != std::string::npos);
  CHECK(contains(probe.bodies("fills.test_account"), "halted-1") == false);

  // A second worker started now reads the switch from Valkey before it takes orders; /resume
  // on it reaches the first one over NATS.
  lgtest::LiveGateway second(backends, closed, {"--set", "execution.validate_orders=false"},
                             {"ADMIN_TOKEN=contract-admin-token"});
  if (!second.wait_ready(15s)) FAIL(second.log());
  CHECK(second.get("/ready").find(R"("halted":true)") != std::string::npos);
  CHECK(second.post("/resume", "contract-admin-token") == 200);
  CHECK(probe.wait_for(
      [&] { return gateway.get("/ready").find(R"("halted":false)") != std::string::npos; }, 5s));
}
