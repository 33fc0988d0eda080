// The kill switch and approvals across two workers of the queue group, and what a worker's
// next incarnation (same instance id) takes over from the Kv: the halt, pending approvals,
// and the reservations of orders that died with it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "live_gateway/admin_http.h"
#include "tests/live_gateway/order_world.h"

namespace {

using core::OrderStatus;
using core::RejectCode;
using testsupport::OrderWorld;
using testsupport::WorkerSetup;

constexpr const char* kToken = "shared-admin-token";

core::HttpResponse post(OrderWorld& w, const std::string& worker, const std::string& target) {
  auto handler = live_gateway::make_admin_handler(w.worker(worker).service, core::Secret(kToken));
  core::HttpRequest req{"POST", target, {{"Authorization", std::string("Bearer ") + kToken}}, ""};
  auto got = std::make_shared<std::optional<core::HttpResponse>>();
  handler(req, core::HttpResponder([got](core::HttpResponse r) { *got = std::move(r); }));
  REQUIRE(w.wait([&] { return got->has_value(); }));
  return **got;
}

std::string order_body(const std::string& coid, const std::string& qty = "0.001") {
  return fmt::format(R"({{"side":"buy","quantity":{},"price":45000,"client_order_id":"{}"}})", qty,
                     coid);
}

/// Sends orders c{first}..c{last} and waits until `status` was published for all of them.
void send_orders(OrderWorld& w, int first, int last, const std::string& status) {
  const std::size_t before = w.count("orders.acc." + status);
  for (int i = first; i <= last; ++i) w.send("orders.acc.new", order_body(fmt::format("c{}", i)));
  const auto want = before + static_cast<std::size_t>(last - first + 1);
  REQUIRE(w.wait([&] { return w.count("orders.acc." + status) == want; }));
}

std::size_t rejected_with(OrderWorld& w, RejectCode code) {
  std::size_t n = 0;
  for (const auto& u : w.updates("orders.acc.rejected")) n += u.code == code;
  return n;
}

}  // namespace

TEST_CASE(
    "POST /halt on one worker halts both: the other cancels its open orders and rejects "
    "new ones with KILL_SWITCH, also after a restart, until /resume on either",
    "[live_gateway][shared]") {
  OrderWorld w(WorkerSetup{}, {"w1", "w2"});
  w.tick("BTCUSDT", "45000");
  send_orders(w, 1, 8, "accepted");
  const std::vector<std::string> held_by_w2 = w.worker("w2").paper.submitted();
  REQUIRE_FALSE(held_by_w2.empty());
  REQUIRE_FALSE(w.worker("w1").paper.submitted().empty());

  CHECK(post(w, "w1", "/halt").body == R"({"halted":true})");
  REQUIRE(w.wait([&] { return w.count("orders.acc.canceled") == 8; }));
  CHECK(w.worker("w2").service.halted());
  CHECK(w.worker("w2").service.open_orders().empty());
  for (const std::string& id : held_by_w2) {
    CHECK(std::count(w.ledger.cancels.begin(), w.ledger.cancels.end(), id) == 1);
  }
  const std::uint64_t w2_in = w.worker("w2").orders_in();
  send_orders(w, 9, 14, "rejected");
  CHECK(rejected_with(w, RejectCode::kKillSwitch) == 6);
  CHECK(w.worker("w2").orders_in() > w2_in);  // w2 got some of them and refused them too

  // w2's next incarnation reads the switch before it takes orders; with w1 down it gets all.
  w.sim().crash("w2");
  w.sim().restart("w2");
  w.sim().crash("w1");
  REQUIRE(w.wait([&] {
    auto* w2 = w.sim().process<testsupport::Worker>("w2");
    return w2 != nullptr && w2->service.ready();
  }));
  CHECK(w.worker("w2").service.halted());
  w.settle();
  send_orders(w, 15, 17, "rejected");
  CHECK(rejected_with(w, RejectCode::kKillSwitch) == 9);
  CHECK(w.worker("w2").orders_in() == 3);

  w.sim().restart("w1");
  REQUIRE(w.wait([&] { return w.all_ready(); }));
  CHECK(w.worker("w1").service.halted());
  CHECK(post(w, "w2", "/resume").body == R"({"halted":false})");
  REQUIRE(w.wait([&] { return !w.worker("w1").service.halted(); }));
  w.settle();
  w.tick("BTCUSDT", "45000");  // both are new incarnations: no last price yet
  send_orders(w, 18, 25, "accepted");
  CHECK(w.count("orders.acc.accepted") == 16);
  CHECK(w.worker("w1").paper.submitted().size() + w.worker("w2").paper.submitted().size() == 8);
  CHECK_FALSE(w.worker("w1").paper.submitted().empty());
  CHECK_FALSE(w.worker("w2").paper.submitted().empty());
}

TEST_CASE("A worker that was down during the halt starts halted: the switch is read from the Kv",
          "[live_gateway][shared]") {
  OrderWorld w(WorkerSetup{}, {"w1", "w2"});
  w.sim().crash("w2");
  w.worker("w1").service.halt("test", "operator");
  w.settle();
  w.sim().restart("w2");
  REQUIRE(w.wait([&] { return w.all_ready(); }));
  CHECK(w.worker("w2").service.halted());
  w.worker("w2").service.resume("operator");
  REQUIRE(w.wait([&] { return !w.worker("w1").service.halted(); }));
  w.sim().crash("w1");
  w.sim().restart("w1");
  REQUIRE(w.wait([&] { return w.all_ready(); }));
  CHECK_FALSE(w.worker("w1").service.halted());
}

TEST_CASE(
    "HTTP approve on the worker that does not hold the order reaches the holder, which "
    "submits it and its fill goes out; an order nobody holds answers UNKNOWN_ORDER",
    "[live_gateway][shared]") {
  WorkerSetup setup;
  setup.config.safety.require_manual_approval = true;
  OrderWorld w(setup, {"w1", "w2"});
  w.tick("BTCUSDT", "45000");
  w.send("orders.acc.new", order_body("ap1"));
  REQUIRE(w.wait([&] { return w.count("orders.acc.pending_approval") == 1; }));
  const bool w1_holds = !w.worker("w1").service.open_orders().empty();
  const std::string holder = w1_holds ? "w1" : "w2";
  const std::string other = w1_holds ? "w2" : "w1";
  REQUIRE(w.worker(other).service.open_orders().empty());

  auto r = post(w, other, "/orders/ap1/approve");
  CHECK(r.status == 200);
  CHECK(r.body == R"({"approved":"ap1"})");
  REQUIRE(w.ledger.orders.count("ap1") == 1);
  CHECK(w.ledger.orders.at("ap1").worker == holder);
  w.worker(holder).paper.fill("ap1", core::Decimal::parse("0.001").value());
  REQUIRE(w.wait([&] { return w.count("orders.acc.filled") == 1; }));
  CHECK(w.count("fills.acc") == 1);

  const std::int64_t t0 = w.sim().clock().now_us();
  auto missing = post(w, other, "/orders/nope/approve");
  CHECK(missing.status == 404);
  CHECK(
      missing.body ==
      R"({"code":"UNKNOWN_ORDER","reason":"no worker holds an order nope waiting for approval"})");
  CHECK(w.sim().clock().now_us() - t0 >= 2 * testsupport::kSecondUs);
}

TEST_CASE("A pending approval survives its worker's restart and is approved afterwards",
          "[live_gateway][shared]") {
  WorkerSetup setup;
  setup.config.safety.require_manual_approval = true;
  setup.stable_instance = true;
  OrderWorld w(setup);
  w.tick("BTCUSDT", "45000");
  w.send("orders.acc.new", order_body("keep1"));
  REQUIRE(w.wait([&] { return w.count("orders.acc.pending_approval") == 1; }));
  w.settle();
  w.sim().crash("w1");
  w.sim().restart("w1");
  REQUIRE(w.wait([&] { return w.all_ready(); }));
  REQUIRE(w.worker().service.open_orders().size() == 1);
  const live_gateway::OpenOrder open = w.worker().service.open_orders()[0];
  CHECK(open.status == OrderStatus::kPendingApproval);
  CHECK(open.order.client_order_id == "keep1");
  CHECK(open.notional_usd == core::Decimal::parse("45").value());
  w.send("orders.acc.approve", R"({"client_order_id":"keep1"})");
  REQUIRE(w.wait([&] { return w.count("orders.acc.accepted") == 1; }));
  CHECK(w.ledger.orders.at("keep1").worker == "w1");
}

TEST_CASE(
    "A restarted worker settles what its dead paper orders reserved (the filled part stays) "
    "and keeps the reservation of a live order",
    "[live_gateway][shared]") {
  WorkerSetup setup;
  setup.config.safety.max_position_size_usd = "2000";
  setup.config.safety.paper_trading_only = false;
  setup.live = true;
  setup.stable_instance = true;
  OrderWorld w(setup);
  w.tick("BTCUSDT", "45000");
  w.send("orders.acc.new", order_body("d1", "0.02"));  // 900
  w.send("orders.acc.new", order_body("d2", "0.01"));  // 450
  w.send("orders.acc.new",
         R"({"side":"buy","quantity":0.01,"price":45000,"client_order_id":"l1",)"
         R"("paper_trading":false})");  // 450, live
  REQUIRE(w.wait([&] { return w.count("orders.acc.accepted") == 3; }));
  CHECK(w.ledger.orders.at("l1").worker == "w1-live");
  w.worker().paper.fill("d1", core::Decimal::parse("0.01").value());  // 450 stays as position
  REQUIRE(w.wait([&] { return w.count("orders.acc.partially_filled") == 1; }));
  w.settle();
  w.sim().crash("w1");
  w.sim().restart("w1");
  REQUIRE(w.wait([&] { return w.all_ready(); }));
  REQUIRE(w.wait([&] { return w.count("orders.acc.expired") == 2; }));
  std::map<std::string, core::OrderUpdate> expired;
  for (const auto& u : w.updates("orders.acc.expired")) expired[u.client_order_id] = u;
  REQUIRE(expired.size() == 2);
  CHECK(expired.at("d1").filled_qty == core::Decimal::parse("0.01").value());
  CHECK(expired.at("d2").filled_qty == core::Decimal());
  CHECK(expired.at("d2").code == RejectCode::kUnknownOrder);
  w.settle();
  // Held: 450 (d1's fill) + 450 (l1, live) = 900; 0.022 more (990) fits, 0.003 more does not.
  w.tick("BTCUSDT", "45000");
  w.send("orders.acc.new", order_body("n1", "0.022"));
  REQUIRE(w.wait([&] { return w.ledger.orders.count("n1") == 1; }));
  w.send("orders.acc.new", order_body("n2", "0.003"));
  REQUIRE(w.wait([&] { return w.count("orders.acc.rejected") == 1; }));
  CHECK(w.updates("orders.acc.rejected")[0].code == RejectCode::kMaxPosition);
}
