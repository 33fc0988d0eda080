#include "sim/mockex/responses.h"

#include <catch2/catch.hpp>

#include "model_fixture.h"

using namespace mockex_test;
using sim::mockex::OrderRecord;
using sim::mockex::OrderState;
using sim::mockex::RespType;

namespace {

OrderRecord resting_order() {
  OrderRecord o;
  o.symbol = "BTCUSDT";
  o.order_id = 28;
  o.client_order_id = "6gCrw2kRUAF9CvJDGP16IP";
  o.side = Side::kSell;
  o.price = d("60000.1");
  o.orig_qty = d("0.001");
  o.executed_qty = d("0.0004");
  o.cummulative_quote_qty = d("24.00004");
  o.status = OrderState::kPartiallyFilled;
  o.time_ms = 1507725176595;
  o.update_time_ms = 1507725176600;
  return o;
}

}  // namespace

TEST_CASE("amount_text prints 8 decimals like Binance", "[mockex][responses]") {
  CHECK(sim::mockex::amount_text(d("0.001")) == "0.00100000");
  CHECK(sim::mockex::amount_text(d("60000")) == "60000.00000000");
  CHECK(sim::mockex::amount_text(d("0.000000015")) == "0.00000002");
  CHECK(sim::mockex::amount_text(d("0")) == "0.00000000");
}

TEST_CASE("Error bodies are code and msg", "[mockex][responses]") {
  CHECK(sim::mockex::encode_error({400, -2010, "Duplicate order sent."}) ==
        R"({"code":-2010,"msg":"Duplicate order sent."})");
}

TEST_CASE("ACK and RESULT new-order answers carry Binance's fields in order",
          "[mockex][responses]") {
  sim::mockex::NewOrderResult r{resting_order(), {}, RespType::kAck, 1507725176595};
  CHECK(sim::mockex::encode_new_order(r) ==
        R"({"symbol":"BTCUSDT","orderId":28,"orderListId":-1,)"
        R"("clientOrderId":"6gCrw2kRUAF9CvJDGP16IP","transactTime":1507725176595})");
  r.resp_type = RespType::kResult;
  CHECK(sim::mockex::encode_new_order(r) ==
        R"({"symbol":"BTCUSDT","orderId":28,"orderListId":-1,)"
        R"("clientOrderId":"6gCrw2kRUAF9CvJDGP16IP","transactTime":1507725176595,)"
        R"("price":"60000.10000000","origQty":"0.00100000","executedQty":"0.00040000",)"
        R"("origQuoteOrderQty":"0.00000000","cummulativeQuoteQty":"24.00004000",)"
        R"("status":"PARTIALLY_FILLED","timeInForce":"GTC","type":"LIMIT","side":"SELL",)"
        R"("workingTime":1507725176595,"selfTradePreventionMode":"NONE"})");
}

TEST_CASE("Query and cancel answers carry Binance's fields in order", "[mockex][responses]") {
  CHECK(sim::mockex::encode_order(resting_order()) ==
        R"({"symbol":"BTCUSDT","orderId":28,"orderListId":-1,)"
        R"("clientOrderId":"6gCrw2kRUAF9CvJDGP16IP","price":"60000.10000000",)"
        R"("origQty":"0.00100000","executedQty":"0.00040000","cummulativeQuoteQty":"24.00004000",)"
        R"("status":"PARTIALLY_FILLED","timeInForce":"GTC","type":"LIMIT","side":"SELL",)"
        R"("stopPrice":"0.00000000","icebergQty":"0.00000000","time":1507725176595,)"
        R"("updateTime":1507725176600,"isWorking":true,"workingTime":1507725176595,)"
        R"("origQuoteOrderQty":"0.00000000","selfTradePreventionMode":"NONE"})");
  CHECK(sim::mockex::encode_orders({}) == "[]");
  auto canceled = resting_order();
  canceled.status = OrderState::kCanceled;
  CHECK(sim::mockex::encode_cancel({canceled, "cancel-1", 1507725176700}) ==
        R"({"symbol":"BTCUSDT","origClientOrderId":"6gCrw2kRUAF9CvJDGP16IP","orderId":28,)"
        R"("orderListId":-1,"clientOrderId":"cancel-1","transactTime":1507725176700,)"
        R"("price":"60000.10000000","origQty":"0.00100000","executedQty":"0.00040000",)"
        R"("origQuoteOrderQty":"0.00000000","cummulativeQuoteQty":"24.00004000",)"
        R"("status":"CANCELED","timeInForce":"GTC","type":"LIMIT","side":"SELL",)"
        R"("selfTradePreventionMode":"NONE"})");
}

TEST_CASE("Binance enum spellings parse back", "[mockex][responses]") {
  CHECK(sim::mockex::parse_resp_type("RESULT") == RespType::kResult);
  CHECK(sim::mockex::parse_resp_type("full") == std::nullopt);
  CHECK(sim::mockex::parse_binance_side("SELL") == Side::kSell);
  CHECK(sim::mockex::parse_binance_side("sell") == std::nullopt);
  CHECK(sim::mockex::parse_binance_time_in_force("FOK") == core::TimeInForce::kFok);
  CHECK(sim::mockex::order_state_name(OrderState::kPartiallyFilled) == "PARTIALLY_FILLED");
}
