// OrderService in virtual time: the seed's Tests 1 and 2, intake errors, position limit across
// workers and restarts, duplicates, manual approval over NATS, and the kill switch.
#include <catch2/catch.hpp>

#include "tests/live_gateway/order_world.h"

namespace {

using core::OrderStatus;
using core::RejectCode;
using testsupport::OrderWorld;
using testsupport::WorkerSetup;

// The seed's Test 1 order, as json.dumps prints it.
constexpr const char* kSeedTest1 =
    R"({"account": "test_account", "symbol": "BTCUSDT", "side": "buy", "type": "limit", )"
    R"("quantity": 0.001, "price": 45000.0, "paper_trading": true})";
// The seed's Test 2 order, as written (no account, no type, no paper_trading).
constexpr const char* kSeedTest2 =
    R"({"symbol": "BTCUSDT", "side": "buy", "quantity": 100, "price": 45000.0})";

std::string order_body(const std::string& coid, const std::string& qty,
                       const std::string& price = "45000") {
  return fmt::format(R"({{"side":"buy","quantity":{},"price":{},"client_order_id":"{}"}})", qty,
                     price, coid);
}

}  // namespace

TEST_CASE("The seed's Test 2 message on orders.test_account.new is rejected with MAX_ORDER_SIZE",
          "[live_gateway][orders]") {
  OrderWorld w(WorkerSetup{});
  w.send("orders.test_account.new", kSeedTest2);
  REQUIRE(w.wait([&] { return w.count("orders.test_account.rejected") == 1; }));
  auto u = w.updates("orders.test_account.rejected").at(0);
  CHECK(u.status == OrderStatus::kRejected);
  CHECK(u.code == RejectCode::kMaxOrderSize);
  CHECK(u.account == "test_account");
  CHECK(u.symbol == "BTCUSDT");
  CHECK(u.reason == "order notional 4500000.0 USD exceeds safety.max_order_size_usd 1000");
  CHECK(w.ledger.orders.empty());
}

TEST_CASE("The seed's Test 1 paper order is accepted and its fill goes out on fills.test_account",
          "[live_gateway][orders]") {
  OrderWorld w(WorkerSetup{});
  w.tick("BTCUSDT", "45000.5");
  REQUIRE(w.wait([&] { return w.worker().service.last_price("BTCUSDT").has_value(); }));
  w.send("orders.test_account.new", kSeedTest1);
  REQUIRE(w.wait([&] { return w.count("orders.test_account.accepted") == 1; }));
  const std::string coid = w.worker().paper.submitted().at(0);
  CHECK(coid == "w1.1-1");
  CHECK(w.ledger.orders.at(coid).order.paper_trading);
  CHECK(w.ledger.ticks == 1);
  w.worker().paper.fill(coid, core::Decimal::parse("0.001").value());
  REQUIRE(w.wait([&] { return w.count("fills.test_account") == 1; }));
  REQUIRE(w.wait([&] { return w.count("orders.test_account.filled") == 1; }));
  CHECK(w.worker().service.open_orders().empty());
  auto positions = w.worker().service.positions();
  REQUIRE(positions.size() == 1);
  CHECK(positions[0].net_qty == core::Decimal::parse("0.001").value());
  CHECK(w.worker().metrics.render_prometheus().find("live_fills_total 1") != std::string::npos);
}

TEST_CASE("Malformed JSON is rejected with INVALID_ORDER and the next order still goes through",
          "[live_gateway][orders]") {
  OrderWorld w(WorkerSetup{});
  w.tick("BTCUSDT", "45000");
  w.send("orders.acc.new", R"({"side":"buy","quantity":)");
  w.send("orders.acc.new", R"({"side":"buy","quantity":0,"price":45000})");
  w.send("orders.acc.new", R"({"side":"buy","quantity":1,"type":"stop"})");
  w.send("orders.acc.new", order_body("ok-1", "0.001"));
  REQUIRE(w.wait([&] { return w.count("orders.acc.accepted") == 1; }));
  auto rejected = w.updates("orders.acc.rejected");
  REQUIRE(rejected.size() == 3);
  for (const auto& u : rejected) CHECK(u.code == RejectCode::kInvalidOrder);
  CHECK(w.ledger.orders.count("ok-1") == 1);
  CHECK(w.worker().metrics.render_prometheus().find(
            "live_rejects_total{code=\"INVALID_ORDER\"} 3") != std::string::npos);
}

TEST_CASE("An order without a symbol trades the exchange's default_symbol",
          "[live_gateway][orders]") {
  OrderWorld w(WorkerSetup{});
  w.tick("BTCUSDT", "45000");
  w.send("orders.acc.new",
         R"({"side":"buy","quantity":0.001,"price":45000,"client_order_id":"d1"})");
  REQUIRE(w.wait([&] { return w.ledger.orders.count("d1") == 1; }));
  CHECK(w.ledger.orders.at("d1").order.symbol == "BTCUSDT");
}

TEST_CASE("max_position_size_usd counts open orders and frees what a cancel leaves unfilled",
          "[live_gateway][orders]") {
  WorkerSetup setup;
  setup.config.safety.max_position_size_usd = "2000";
  OrderWorld w(setup);
  w.tick("BTCUSDT", "45000");
  w.send("orders.acc.new", order_body("p1", "0.02"));  // 900
  w.send("orders.acc.new", order_body("p2", "0.02"));  // 1800
  w.send("orders.acc.new", order_body("p3", "0.01"));  // 2250: over
  REQUIRE(w.wait([&] { return w.count("orders.acc.rejected") == 1; }));
  CHECK(w.updates("orders.acc.rejected")[0].code == RejectCode::kMaxPosition);
  CHECK(w.updates("orders.acc.rejected")[0].client_order_id == "p3");
  // p1 fills half (450 stays as position) and is cancelled: 450 + 900 held, 450 more fits.
  w.worker().paper.fill("p1", core::Decimal::parse("0.01").value());
  w.send("orders.acc.cancel", R"({"client_order_id":"p1"})");
  REQUIRE(w.wait([&] { return w.count("orders.acc.canceled") == 1; }));
  w.settle();
  w.send("orders.acc.new", order_body("p4", "0.01"));   // 1350 + 450 = 1800
  w.send("orders.acc.new", order_body("p5", "0.005"));  // 2025: over
  REQUIRE(w.wait([&] { return w.count("orders.acc.rejected") == 2; }));
  CHECK(w.ledger.orders.count("p4") == 1);
  CHECK(w.updates("orders.acc.rejected")[1].client_order_id == "p5");
}

TEST_CASE("Reservations survive a worker crash and restart", "[live_gateway][orders]") {
  WorkerSetup setup;
  setup.config.safety.max_position_size_usd = "2000";
  OrderWorld w(setup);
  w.tick("BTCUSDT", "45000");
  w.send("orders.acc.new", order_body("r1", "0.02"));
  w.send("orders.acc.new", order_body("r2", "0.02"));
  REQUIRE(w.wait([&] { return w.count("orders.acc.accepted") == 2; }));
  w.sim().crash("w1");
  w.sim().restart("w1");
  REQUIRE(w.wait([&] { return w.all_ready(); }));
  w.settle();
  w.tick("BTCUSDT", "45000");
  w.send("orders.acc.new", order_body("r3", "0.01"));
  REQUIRE(w.wait([&] { return w.count("orders.acc.rejected") == 1; }));
  CHECK(w.updates("orders.acc.rejected")[0].code == RejectCode::kMaxPosition);
}

TEST_CASE("A duplicate client_order_id is rejected whichever of two workers sees it",
          "[live_gateway][orders]") {
  OrderWorld w(WorkerSetup{}, {"w1", "w2"});
  w.tick("BTCUSDT", "45000");
  for (int i = 0; i < 10; ++i) w.send("orders.acc.new", order_body("same", "0.001"));
  REQUIRE(w.wait([&] { return w.count("orders.acc.rejected") == 9; }));
  CHECK(w.count("orders.acc.accepted") == 1);
  for (const auto& u : w.updates("orders.acc.rejected")) {
    CHECK(u.code == RejectCode::kDuplicateClientOrderId);
  }
  CHECK(w.worker("w1").orders_in() > 0);  // the queue group spread them over both workers
  CHECK(w.worker("w2").orders_in() > 0);
  CHECK(w.worker("w1").orders_in() + w.worker("w2").orders_in() == 10);
}

TEST_CASE("require_manual_approval holds an order as pending_approval until approved on NATS",
          "[live_gateway][orders]") {
  WorkerSetup setup;
  setup.config.safety.require_manual_approval = true;
  OrderWorld w(setup);
  w.tick("BTCUSDT", "45000");
  w.send("orders.acc.new", order_body("a1", "0.001"));
  REQUIRE(w.wait([&] { return w.count("orders.acc.pending_approval") == 1; }));
  w.settle();
  CHECK(w.ledger.orders.empty());
  REQUIRE(w.worker().service.open_orders().size() == 1);
  CHECK(w.worker().service.open_orders()[0].status == OrderStatus::kPendingApproval);
  w.send("orders.acc.approve", R"({"client_order_id":"a1"})");
  REQUIRE(w.wait([&] { return w.count("orders.acc.accepted") == 1; }));
  CHECK(w.ledger.orders.count("a1") == 1);
}

TEST_CASE("Without require_manual_approval an order goes straight to the executor",
          "[live_gateway][orders]") {
  OrderWorld w(WorkerSetup{});
  w.tick("BTCUSDT", "45000");
  w.send("orders.acc.new", order_body("n1", "0.001"));
  REQUIRE(w.wait([&] { return w.count("orders.acc.accepted") == 1; }));
  CHECK(w.count("orders.acc.pending_approval") == 0);
}

TEST_CASE("The kill switch cancels open and pending orders and rejects new ones until resumed",
          "[live_gateway][orders]") {
  OrderWorld w(WorkerSetup{});
  w.tick("BTCUSDT", "45000");
  w.send("orders.acc.new", order_body("k1", "0.001"));
  w.send("orders.acc.new", order_body("k2", "0.001"));
  REQUIRE(w.wait([&] { return w.count("orders.acc.accepted") == 2; }));
  w.worker().service.halt();
  REQUIRE(w.wait([&] { return w.count("orders.acc.canceled") == 2; }));
  CHECK(w.ledger.cancels == std::vector<std::string>{"k1", "k2"});
  CHECK(w.worker().service.open_orders().empty());
  w.send("orders.acc.new", order_body("k3", "0.001"));
  REQUIRE(w.wait([&] { return w.count("orders.acc.rejected") == 1; }));
  CHECK(w.updates("orders.acc.rejected")[0].code == RejectCode::kKillSwitch);
  w.worker().service.resume();
  w.send("orders.acc.new", order_body("k4", "0.001"));
  REQUIRE(w.wait([&] { return w.count("orders.acc.accepted") == 3; }));
}

TEST_CASE("safety.kill_switch in the config rejects orders from the start",
          "[live_gateway][orders]") {
  WorkerSetup setup;
  setup.config.safety.kill_switch = true;
  OrderWorld w(setup);
  w.send("orders.acc.new", order_body("z1", "0.001"));
  REQUIRE(w.wait([&] { return w.count("orders.acc.rejected") == 1; }));
  CHECK(w.updates("orders.acc.rejected")[0].code == RejectCode::kKillSwitch);
}
