// The live_gateway binary against the mockex binary on loopback, with real nats-server and
// redis-server: the seed's Test 1 in paper mode while pointed at mockex (no exchange order),
// and live mode (keys via BINANCE_API_KEY / BINANCE_SECRET) placing, filling and cancelling on
// mockex's replayed book, and surviving an accepted order whose response is dropped without
// placing it twice.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <optional>

#include "tests/live_gateway/live_gateway_procs.h"

using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kLiveArgs{"--set", "service.mode=live",
                                         "--set", "safety.paper_trading_only=false",
                                         "--set", "exchanges.binance.mode=live"};
const std::vector<std::string> kLiveKeys{"BINANCE_API_KEY=mockex-test-key",
                                         "BINANCE_SECRET=mockex-test-secret"};
constexpr const char* kBookPrice = "28150.00";  // about where the 2023 recording trades

std::string live_order(const std::string& id, const std::string& price) {
  return fmt::format(R"({{"symbol":"BTCUSDT","side":"buy","type":"limit","quantity":0.001,)"
                     R"("price":{},"paper_trading":false,"client_order_id":"{}"}})",
                     price, id);
}

/// The bodies on `subject` that name client_order_id `id`.
std::size_t count_for(const lgtest::BusProbe& probe, const std::string& subject,
                      const std::string& id) {
  std::size_t n = 0;
  for (const auto& b : probe.bodies(subject))
    if (b.find(fmt::format(R"("client_order_id":"{}")", id)) != std::string::npos) ++n;
  return n;
}

/// Live world: mockex replaying its recording, live_gateway in live mode on it.
struct LiveWorld {
  LiveWorld()
      : mockex(backends.dir.path(), true), gateway(backends, mockex.url(), kLiveArgs, kLiveKeys) {
    if (!gateway.wait_ready(60s)) FAIL(gateway.log());
    REQUIRE(gateway.log().find("execution mode mode=live") != std::string::npos);
    probe.emplace(backends.nats_url());
    probe->watch("orders.acc1.*");
    probe->watch("fills.acc1");
    REQUIRE(probe->wait_gateway_sees_ticks(kBookPrice, 10s));
  }
  lgtest::Backends backends;
  lgtest::Mockex mockex;
  lgtest::LiveGateway gateway;
  std::optional<lgtest::BusProbe> probe;
};

}  // namespace

TEST_CASE(
    "In paper mode the live_gateway binary fills the seed's order from bus ticks and places "
    "nothing on the mockex it is pointed at",
    "[live_gateway][net]") {
  lgtest::Backends backends;
  lgtest::Mockex mockex(backends.dir.path(), false);
  lgtest::LiveGateway gateway(backends, mockex.url(), {});
  // exchangeInfo from mockex first (validate_orders).
  if (!gateway.wait_ready(60s)) FAIL(gateway.log());
  INFO(gateway.log());
  CHECK(
      gateway.log().find(R"(execution mode mode=paper why="safety.paper_trading_only is true")") !=
      std::string::npos);
  lgtest::BusProbe probe(backends.nats_url());
  probe.watch("fills.test_account");
  probe.watch("orders.test_account.*");
  REQUIRE(probe.wait_gateway_sees_ticks("45010.00", 5s));

  probe.publish("orders.test_account.new",
                R"({"account":"test_account","symbol":"BTCUSDT","side":"buy","type":"limit",)"
                R"("quantity":0.001,"price":45000.0,"paper_trading":true})");
  REQUIRE(
      probe.wait_for([&] { return !probe.bodies("orders.test_account.accepted").empty(); }, 5s));
  for (const char* price : {"45005.00", "45000.00"}) probe.publish_trade(price, "0.01");
  REQUIRE(probe.wait_for([&] { return !probe.bodies("fills.test_account").empty(); }, 5s));
  CHECK(probe.bodies("fills.test_account")
            .front()
            .find(R"("side":"buy","price":45000.0,"qty":0.001,)") != std::string::npos);
  probe.publish("orders.test_account.new",
                R"({"symbol":"BTCUSDT","side":"buy","quantity":100,"price":45000.0})");
  REQUIRE(
      probe.wait_for([&] { return !probe.bodies("orders.test_account.rejected").empty(); }, 5s));
  CHECK(probe.bodies("orders.test_account.rejected").front().find(R"("code":"MAX_ORDER_SIZE")") !=
        std::string::npos);
  CHECK(mockex.orders_total() == 0L);
}

TEST_CASE(
    "In live mode the live_gateway binary places an order that fills on mockex, and a resting "
    "order it cancels on request",
    "[live_gateway][net]") {
  LiveWorld w;
  INFO(w.gateway.log());
  w.probe->publish("orders.acc1.new", live_order("live-fill-1", "28500.00"));
  // Status and fill subjects are separate subscriptions: either may arrive first.
  REQUIRE(w.probe->wait_for(
      [&] {
        return count_for(*w.probe, "orders.acc1.filled", "live-fill-1") == 1 &&
               count_for(*w.probe, "fills.acc1", "live-fill-1") >= 1;
      },
      10s));
  CHECK(count_for(*w.probe, "orders.acc1.accepted", "live-fill-1") == 1);
  CHECK(w.probe->bodies("fills.acc1").front().find(R"("paper":false)") != std::string::npos);

  w.probe->publish("orders.acc1.new", live_order("live-rest-1", "27000.00"));
  REQUIRE(w.probe->wait_for(
      [&] { return count_for(*w.probe, "orders.acc1.accepted", "live-rest-1"); }, 10s));
  w.probe->publish("orders.acc1.cancel", R"({"client_order_id":"live-rest-1"})");
  REQUIRE(w.probe->wait_for(
      [&] { return count_for(*w.probe, "orders.acc1.canceled", "live-rest-1"); }, 10s));
  CHECK(count_for(*w.probe, "fills.acc1", "live-rest-1") == 0);
  CHECK(w.mockex.orders_total() == 2L);
}

TEST_CASE(
    "In live mode an order whose response mockex drops exists once on the exchange and "
    "reaches its final status",
    "[live_gateway][net]") {
  LiveWorld w;
  INFO(w.gateway.log());
  REQUIRE(w.mockex.set_faults(R"({"drop_order_response_next":1})"));
  w.probe->publish("orders.acc1.new", live_order("live-drop-1", "28500.00"));
  REQUIRE(w.probe->wait_for(
      [&] { return count_for(*w.probe, "orders.acc1.filled", "live-drop-1"); }, 20s));
  CHECK(count_for(*w.probe, "orders.acc1.failed", "live-drop-1") == 0);
  CHECK(w.mockex.orders_total() == 1L);
  // A resend, were there one, would come within a retry delay; there is none.
  w.probe->wait_for([] { return false; }, 1500ms);
  CHECK(w.mockex.orders_total() == 1L);
}
