// OrderIntake: subjects, decoding, symbol defaulting and generated client_order_ids.
#include <catch2/catch.hpp>

#include "live_gateway/order_intake.h"

namespace {

using live_gateway::OrderAction;
using live_gateway::OrderIntake;
using live_gateway::OrderSubject;
using live_gateway::Rejection;

}  // namespace

TEST_CASE("parse_order_subject reads the account and action of orders.{account}.{action}",
          "[live_gateway][intake]") {
  using live_gateway::parse_order_subject;
  CHECK(parse_order_subject("orders", "orders.test_account.new") ==
        OrderSubject{"test_account", OrderAction::kNew});
  CHECK(parse_order_subject("orders", "orders.a.cancel") ==
        OrderSubject{"a", OrderAction::kCancel});
  CHECK(parse_order_subject("orders", "orders.a.approve") ==
        OrderSubject{"a", OrderAction::kApprove});
  CHECK_FALSE(parse_order_subject("orders", "orders.a.rejected"));
  CHECK_FALSE(parse_order_subject("orders", "orders.a.b.new"));
  CHECK_FALSE(parse_order_subject("orders", "orders..new"));
  CHECK_FALSE(parse_order_subject("orders", "ordersx.a.new"));
  CHECK(live_gateway::intake_prefix("orders.*.new") == "orders");
  CHECK(live_gateway::intake_prefix("orders.>") == "");
}

TEST_CASE("OrderIntake defaults the symbol and the type and generates client_order_ids in order",
          "[live_gateway][intake]") {
  OrderIntake intake("BTCUSDT", "w1.1");
  auto first = intake.decode_new("acc", R"({"side":"buy","quantity":0.5,"price":100})");
  REQUIRE(std::holds_alternative<core::Order>(first));
  const core::Order& o = std::get<core::Order>(first);
  CHECK(o.account == "acc");
  CHECK(o.symbol == "BTCUSDT");
  CHECK(o.type == core::OrderType::kLimit);
  CHECK(o.client_order_id == "w1.1-1");
  auto second = intake.decode_new("acc", R"({"side":"sell","quantity":"1","symbol":"ETHUSDT"})");
  REQUIRE(std::holds_alternative<core::Order>(second));
  CHECK(std::get<core::Order>(second).type == core::OrderType::kMarket);
  CHECK(std::get<core::Order>(second).symbol == "ETHUSDT");
  CHECK(std::get<core::Order>(second).client_order_id == "w1.1-2");
}

TEST_CASE("OrderIntake keeps a client_order_id the order brings", "[live_gateway][intake]") {
  OrderIntake intake("BTCUSDT", "w1");
  auto r = intake.decode_new("acc", R"({"side":"buy","quantity":1,"client_order_id":"mine-7"})");
  REQUIRE(std::holds_alternative<core::Order>(r));
  CHECK(std::get<core::Order>(r).client_order_id == "mine-7");
}

TEST_CASE(
    "OrderIntake rejects malformed JSON, a bad quantity, an unknown type and a foreign account",
    "[live_gateway][intake]") {
  OrderIntake intake("BTCUSDT", "w1");
  for (const char* body :
       {R"({"side":"buy","quantity":)", R"({"side":"buy","quantity":0})",
        R"({"side":"buy","quantity":-1})", R"({"side":"buy","quantity":1,"type":"stop"})",
        R"({"account":"other","side":"buy","quantity":1})"}) {
    INFO(body);
    auto r = intake.decode_new("acc", body);
    REQUIRE(std::holds_alternative<Rejection>(r));
    CHECK(std::get<Rejection>(r).code == core::RejectCode::kInvalidOrder);
    CHECK_FALSE(std::get<Rejection>(r).reason.empty());
  }
}

TEST_CASE("OrderIntake reads the client_order_id of a cancel or approve body",
          "[live_gateway][intake]") {
  OrderIntake intake("BTCUSDT", "w1");
  auto ok = intake.decode_order_ref("acc", R"({"client_order_id":"c9"})");
  REQUIRE(std::holds_alternative<std::string>(ok));
  CHECK(std::get<std::string>(ok) == "c9");
  CHECK(std::holds_alternative<Rejection>(intake.decode_order_ref("acc", "{}")));
}
