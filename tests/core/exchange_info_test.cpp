#include "core/exchange_info.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using core::Decimal;
using Json = nlohmann::ordered_json;

namespace {

Decimal d(std::string_view text) {
  return *Decimal::parse(text);
}

/// BTCUSDT as the real exchangeInfo of 2021-10-12 had it (fixtures: exchangeInfo_spot_2021-10-12).
constexpr std::string_view kInfo2021 = R"({"timezone":"UTC","serverTime":1633998511098,
 "rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":1200}],
 "exchangeFilters":[],
 "symbols":[{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","baseAssetPrecision":8,
  "quoteAsset":"USDT","quotePrecision":8,"quoteAssetPrecision":8,
  "filters":[
   {"filterType":"PRICE_FILTER","minPrice":"0.01000000","maxPrice":"1000000.00000000","tickSize":"0.01000000"},
   {"filterType":"PERCENT_PRICE","multiplierUp":"5","multiplierDown":"0.2","avgPriceMins":5},
   {"filterType":"LOT_SIZE","minQty":"0.00001000","maxQty":"9000.00000000","stepSize":"0.00001000"},
   {"filterType":"MIN_NOTIONAL","minNotional":"10.00000000","applyToMarket":true,"avgPriceMins":5},
   {"filterType":"ICEBERG_PARTS","limit":10},
   {"filterType":"MARKET_LOT_SIZE","minQty":"0.00000000","maxQty":"100.05381873","stepSize":"0.00000000"},
   {"filterType":"MAX_NUM_ORDERS","maxNumOrders":200},
   {"filterType":"MAX_NUM_ALGO_ORDERS","maxNumAlgoOrders":5}],
  "permissions":["SPOT","MARGIN"]}]})";

}  // namespace

TEST_CASE("parse_exchange_info reads a 2021 answer with legacy filters mapped", "[exchange_info]") {
  auto symbols = core::parse_exchange_info_text(kInfo2021);
  REQUIRE(symbols.is_ok());
  REQUIRE(symbols->size() == 1);
  const auto& s = symbols->front();
  CHECK(s.symbol == "BTCUSDT");
  CHECK(s.base_asset == "BTC");
  CHECK(s.quote_asset == "USDT");
  CHECK(s.status == "TRADING");
  REQUIRE(s.filters.price);
  CHECK(s.filters.price->tick_size == d("0.01"));
  REQUIRE(s.filters.lot_size);
  CHECK(s.filters.lot_size->step_size == d("0.00001"));
  REQUIRE(s.filters.market_lot_size);
  CHECK(s.filters.market_lot_size->max_qty == d("100.05381873"));
  REQUIRE(s.filters.notional);
  CHECK(s.filters.notional->min_notional == d("10"));
  CHECK(s.filters.notional->apply_min_to_market);
  CHECK_FALSE(s.filters.notional->max_notional.has_value());
  REQUIRE(s.filters.percent_price_by_side);
  CHECK(s.filters.percent_price_by_side->ask_multiplier_down == d("0.2"));
  CHECK(s.filters.percent_price_by_side->bid_multiplier_up == d("5"));
  CHECK(s.filters.max_num_orders == 200);
}

TEST_CASE("modernize_exchange_info rewrites MIN_NOTIONAL and PERCENT_PRICE in place",
          "[exchange_info]") {
  auto modern = core::modernize_exchange_info(Json::parse(kInfo2021));
  REQUIRE(modern.is_ok());
  const auto& filters = (*modern)["symbols"][0]["filters"];
  CHECK(filters[1].dump() ==
        R"({"filterType":"PERCENT_PRICE_BY_SIDE","bidMultiplierUp":"5","bidMultiplierDown":"0.2",)"
        R"("askMultiplierUp":"5","askMultiplierDown":"0.2","avgPriceMins":5})");
  CHECK(filters[3].dump() ==
        R"({"filterType":"NOTIONAL","minNotional":"10.00000000","applyMinToMarket":true,)"
        R"("maxNotional":"9000000.00000000","applyMaxToMarket":false,"avgPriceMins":5})");
  CHECK(filters[4].dump() == R"({"filterType":"ICEBERG_PARTS","limit":10})");
  CHECK((*modern)["rateLimits"] == Json::parse(kInfo2021)["rateLimits"]);

  auto reparsed = core::parse_exchange_info(*modern);
  REQUIRE(reparsed.is_ok());
  CHECK(reparsed->front().filters.notional->max_notional == d("9000000"));
}

TEST_CASE("parse_symbol_filters names the filter and field it cannot read", "[exchange_info]") {
  auto bad = core::parse_symbol_filters(
      Json::parse(R"([{"filterType":"LOT_SIZE","minQty":"x","maxQty":"1","stepSize":"1"}])"));
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().code == core::Errc::kProtocol);
  CHECK(bad.status().message == "filter LOT_SIZE: field 'minQty' is not a decimal string");
  CHECK_FALSE(core::parse_exchange_info_text("{").is_ok());
  CHECK(core::parse_exchange_info_text("{}").status().message ==
        "exchangeInfo has no symbols array");
}

TEST_CASE("a NOTIONAL filter wins over a MIN_NOTIONAL in the same list", "[exchange_info]") {
  auto f = core::parse_symbol_filters(Json::parse(
      R"([{"filterType":"NOTIONAL","minNotional":"5","applyMinToMarket":false,"maxNotional":"100",)"
      R"("applyMaxToMarket":true,"avgPriceMins":1},)"
      R"({"filterType":"MIN_NOTIONAL","minNotional":"10","applyToMarket":true,"avgPriceMins":5}])"));
  REQUIRE(f.is_ok());
  CHECK(f->notional->min_notional == d("5"));
  CHECK(f->notional->max_notional == d("100"));
  CHECK(f->notional->apply_max_to_market);
}

TEST_CASE("parse_rate_limits_text reads every rateLimits entry with its window in ms",
          "[exchange_info]") {
  const auto limits = core::parse_rate_limits_text(
      R"({"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000},)"
      R"({"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":100},)"
      R"({"rateLimitType":"ORDERS","interval":"DAY","intervalNum":1,"limit":200000},)"
      R"({"rateLimitType":"RAW_REQUESTS","interval":"MINUTE","intervalNum":5,"limit":300000}],"symbols":[]})");
  REQUIRE(limits);
  REQUIRE(limits->size() == 4);
  CHECK((*limits)[0].type == "REQUEST_WEIGHT");
  CHECK((*limits)[0].window_ms == 60'000);
  CHECK((*limits)[0].limit == 6000);
  CHECK((*limits)[1].window_ms == 10'000);
  CHECK((*limits)[2].window_ms == 86'400'000);
  CHECK((*limits)[3].window_ms == 300'000);
  const auto real2021 = core::parse_rate_limits_text(kInfo2021);
  REQUIRE(real2021);
  CHECK(real2021->at(0).limit == 1200);
}

TEST_CASE("parse_rate_limits_text names what it cannot read", "[exchange_info]") {
  const auto message = [](std::string_view text) {
    return core::parse_rate_limits_text(text).status().message;
  };
  CHECK(message("{") == "exchangeInfo is not valid JSON");
  CHECK(message(R"({"symbols":[]})") == "exchangeInfo has no rateLimits array");
  CHECK(
      message(
          R"({"rateLimits":[{"rateLimitType":"ORDERS","interval":"WEEK","intervalNum":1,"limit":5}]})") ==
      "exchangeInfo rateLimits[0]: bad or missing interval");
  CHECK(
      message(
          R"({"rateLimits":[{"rateLimitType":"ORDERS","interval":"DAY","intervalNum":1,"limit":5},)"
          R"({"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1}]})") ==
      "exchangeInfo rateLimits[1]: bad or missing limit");
  CHECK(core::parse_rate_limits_text("[]").status().code == core::Errc::kProtocol);
}
