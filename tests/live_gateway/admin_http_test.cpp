// The admin HTTP handler: bearer token on the POST calls, approve, halt/resume, read-only views.
#include <catch2/catch.hpp>

#include "live_gateway/admin_http.h"
#include "tests/live_gateway/order_world.h"

namespace {

using testsupport::OrderWorld;
using testsupport::WorkerSetup;

constexpr const char* kToken = "s3cret-admin-token";

core::HttpResponse call(OrderWorld& w, const std::string& method, const std::string& target,
                        const std::string& auth = "") {
  auto handler = live_gateway::make_admin_handler(w.worker().service, core::Secret(kToken));
  core::HttpRequest req{method, target, {}, ""};
  if (!auth.empty()) req.headers.push_back({"Authorization", auth});
  std::optional<core::HttpResponse> got;
  handler(req, core::HttpResponder([&](core::HttpResponse r) { got = std::move(r); }));
  REQUIRE(w.wait([&] { return got.has_value(); }));  // a forwarded approval answers later
  return *got;
}

const std::string kBearer = std::string("Bearer ") + kToken;

}  // namespace

TEST_CASE("Admin POST calls answer 401 without the bearer token and change nothing",
          "[live_gateway][admin]") {
  OrderWorld w(WorkerSetup{});
  for (const char* target : {"/halt", "/resume", "/orders/x1/approve"}) {
    INFO(target);
    CHECK(call(w, "POST", target).status == 401);
    CHECK(call(w, "POST", target, "Bearer wrong-token-value").status == 401);
    CHECK(call(w, "POST", target, kToken).status == 401);  // no "Bearer "
  }
  CHECK_FALSE(w.worker().service.halted());
  auto r = call(w, "POST", "/halt");
  CHECK(r.headers.at(1) == core::Header{"WWW-Authenticate", "Bearer"});
  CHECK(r.body.find(kToken) == std::string::npos);
}

TEST_CASE("Without an ADMIN_TOKEN configured every admin call answers 401",
          "[live_gateway][admin]") {
  OrderWorld w(WorkerSetup{});
  auto handler = live_gateway::make_admin_handler(w.worker().service, std::nullopt);
  core::HttpRequest req{"POST", "/halt", {{"Authorization", "Bearer "}}, ""};
  int status = 0;
  handler(req, core::HttpResponder([&](core::HttpResponse r) { status = r.status; }));
  CHECK(status == 401);
}

TEST_CASE("POST /halt and /resume with the token flip the kill switch", "[live_gateway][admin]") {
  OrderWorld w(WorkerSetup{});
  w.tick("BTCUSDT", "45000");
  w.send("orders.acc.new",
         R"({"side":"buy","quantity":0.001,"price":45000,"client_order_id":"h1"})");
  REQUIRE(w.wait([&] { return w.count("orders.acc.accepted") == 1; }));
  auto halted = call(w, "POST", "/halt", kBearer);
  CHECK(halted.status == 200);
  CHECK(halted.body == R"({"halted":true})");
  REQUIRE(w.wait([&] { return w.count("orders.acc.canceled") == 1; }));
  CHECK(call(w, "GET", "/ready").body == R"({"ready":true,"halted":true,"open_orders":0})");
  auto resumed = call(w, "POST", "/resume", kBearer);
  CHECK(resumed.body == R"({"halted":false})");
}

TEST_CASE("POST /orders/{id}/approve with the token submits a pending order",
          "[live_gateway][admin]") {
  WorkerSetup setup;
  setup.config.safety.require_manual_approval = true;
  OrderWorld w(setup);
  w.tick("BTCUSDT", "45000");
  w.send("orders.acc.new",
         R"({"side":"buy","quantity":0.001,"price":45000,"client_order_id":"ap1"})");
  REQUIRE(w.wait([&] { return w.count("orders.acc.pending_approval") == 1; }));
  auto orders = call(w, "GET", "/orders");
  CHECK(orders.status == 200);
  CHECK(orders.body ==
        R"({"orders":[{"client_order_id":"ap1","account":"acc","symbol":"BTCUSDT","side":"buy",)"
        R"("type":"limit","quantity":0.001,"price":45000,"status":"pending_approval",)"
        R"("filled_qty":0,"notional_usd":45.000,"paper":true}]})");
  CHECK(call(w, "POST", "/orders/ap1/approve").status == 401);
  CHECK(w.ledger.orders.empty());
  auto missing = call(w, "POST", "/orders/nope/approve", kBearer);
  CHECK(missing.status == 404);
  CHECK(missing.body.find("UNKNOWN_ORDER") != std::string::npos);
  auto ok = call(w, "POST", "/orders/ap1/approve", kBearer);
  CHECK(ok.status == 200);
  CHECK(ok.body == R"({"approved":"ap1"})");
  REQUIRE(w.wait([&] { return w.count("orders.acc.accepted") == 1; }));
  CHECK(w.ledger.orders.count("ap1") == 1);
}

TEST_CASE("GET /positions lists fills by account and symbol; unknown routes 404, wrong methods 405",
          "[live_gateway][admin]") {
  OrderWorld w(WorkerSetup{});
  w.tick("BTCUSDT", "45000");
  w.send("orders.acc.new",
         R"({"side":"buy","quantity":0.002,"price":45000,"client_order_id":"f1"})");
  REQUIRE(w.wait([&] { return w.ledger.orders.count("f1") == 1; }));
  w.worker().paper.fill("f1", core::Decimal::parse("0.002").value());
  CHECK(call(w, "GET", "/positions").body ==
        R"({"positions":[{"account":"acc","symbol":"BTCUSDT","net_qty":0.002,)"
        R"("bought_usd":90.000,"sold_usd":0}]})");
  CHECK(call(w, "GET", "/nope").status == 404);
  CHECK(call(w, "GET", "/halt").status == 405);
  CHECK(call(w, "POST", "/orders").status == 405);
}
