#include "core/exchange_filters.h"
#include "core/exchange_info.h"

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using core::Decimal;
using core::FilterRejection;
using core::RejectCode;
using core::Side;
using core::SpotOrderType;

namespace {

Decimal d(std::string_view text) {
  return *Decimal::parse(text);
}

/// BTCUSDT's filters as Binance publishes them today (PROTOCOLS.md 1.3).
core::SymbolFilters btcusdt() {
  core::SymbolFilters f;
  f.price = core::PriceFilter{d("0.01000000"), d("1000000.00000000"), d("0.01000000")};
  f.lot_size = core::LotSizeFilter{d("0.00001000"), d("9000.00000000"), d("0.00001000")};
  f.market_lot_size = core::LotSizeFilter{d("0"), d("100.00000000"), d("0")};
  f.notional = core::NotionalFilter{d("5.00000000"), true, d("9000000.00000000"), false, 5};
  f.percent_price_by_side = core::PercentPriceBySideFilter{d("5"), d("0.2"), d("5"), d("0.2"), 5};
  f.max_num_orders = 200;
  return f;
}

std::optional<FilterRejection> limit(Side side, std::string_view price, std::string_view qty) {
  return core::check_order(btcusdt(), side, SpotOrderType::kLimit, d(price), d(qty), d("60000"));
}

FilterRejection failure(std::string_view name, RejectCode code) {
  return FilterRejection{-1013, fmt::format("Filter failure: {}", name), code};
}

}  // namespace

TEST_CASE("check_order accepts an order exactly on every boundary", "[exchange_filters]") {
  CHECK(limit(Side::kBuy, "62500.00", "0.00008") == std::nullopt);  // notional exactly 5
  CHECK(limit(Side::kSell, "12000.00", "9000") == failure("NOTIONAL", RejectCode::kMaxOrderSize));
  CHECK(limit(Side::kBuy, "300000.00", "30") == std::nullopt);   // notional exactly 9,000,000
  CHECK(limit(Side::kSell, "12000.00", "0.5") == std::nullopt);  // price exactly ref * 0.2
}

TEST_CASE("check_order answers PRICE_FILTER off the tick or outside min and max",
          "[exchange_filters]") {
  const auto price_filter = failure("PRICE_FILTER", RejectCode::kPriceFilter);
  CHECK(limit(Side::kBuy, "60000.005", "0.001") == price_filter);
  CHECK(limit(Side::kBuy, "60000.01", "0.001") == std::nullopt);
  CHECK(limit(Side::kBuy, "0.001", "0.001") == price_filter);
  CHECK(limit(Side::kBuy, "1000000.01", "0.001") == price_filter);
  REQUIRE(limit(Side::kBuy, "60000.005", "0.001").has_value());
  CHECK(limit(Side::kBuy, "60000.005", "0.001")->msg == "Filter failure: PRICE_FILTER");
  CHECK(limit(Side::kBuy, "60000.005", "0.001")->code == -1013);
}

TEST_CASE("check_order answers LOT_SIZE below minQty, above maxQty and one step off",
          "[exchange_filters]") {
  auto f = btcusdt();
  f.notional.reset();
  f.percent_price_by_side.reset();
  auto check = [&](std::string_view qty) {
    return core::check_order(f, Side::kBuy, SpotOrderType::kLimit, d("60000"), d(qty),
                             std::nullopt);
  };
  const auto lot = failure("LOT_SIZE", RejectCode::kLotSize);
  CHECK(check("0.00001") == std::nullopt);  // exactly minQty
  CHECK(check("0.000009") == lot);
  CHECK(check("0.00002") == std::nullopt);  // one step above minQty
  CHECK(check("0.000015") == lot);          // half a step off
  CHECK(check("9000") == std::nullopt);     // exactly maxQty
  CHECK(check("9000.00001") == lot);        // one step above maxQty
}

TEST_CASE("check_order answers NOTIONAL below minNotional for limit orders", "[exchange_filters]") {
  CHECK(limit(Side::kBuy, "60000.00", "0.00008") ==
        failure("NOTIONAL", RejectCode::kMinNotional));             // 4.8 USDT
  CHECK(limit(Side::kBuy, "62500.00", "0.00008") == std::nullopt);  // exactly 5
}

TEST_CASE("check_order values MARKET orders at the reference price", "[exchange_filters]") {
  const auto f = btcusdt();
  CHECK(core::check_order(f, Side::kBuy, SpotOrderType::kMarket, std::nullopt, d("0.00008"),
                          d("60000")) == failure("NOTIONAL", RejectCode::kMinNotional));
  CHECK(core::check_order(f, Side::kBuy, SpotOrderType::kMarket, std::nullopt, d("0.0001"),
                          d("60000")) == std::nullopt);
  // applyMaxToMarket is false: 200 BTC is fine for NOTIONAL but not for MARKET_LOT_SIZE.
  CHECK(core::check_order(f, Side::kSell, SpotOrderType::kMarket, std::nullopt, d("200"),
                          d("60000")) == failure("MARKET_LOT_SIZE", RejectCode::kLotSize));
  // Without a reference price the notional cannot be known and is not checked.
  CHECK(core::check_order(f, Side::kBuy, SpotOrderType::kMarket, std::nullopt, d("0.00008"),
                          std::nullopt) == std::nullopt);
}

TEST_CASE("check_order answers PERCENT_PRICE_BY_SIDE outside the side's band",
          "[exchange_filters]") {
  auto f = btcusdt();
  f.percent_price_by_side = core::PercentPriceBySideFilter{d("1.2"), d("0.2"), d("5"), d("0.8"), 1};
  const auto band = failure("PERCENT_PRICE_BY_SIDE", RejectCode::kPriceBand);
  const auto ref = d("100");
  auto check = [&](Side side, std::string_view price) {
    return core::check_order(f, side, SpotOrderType::kLimit, d(price), d("1"), ref);
  };
  CHECK(check(Side::kBuy, "120.00") == std::nullopt);
  CHECK(check(Side::kBuy, "120.01") == band);
  CHECK(check(Side::kBuy, "20.00") == std::nullopt);
  CHECK(check(Side::kBuy, "19.99") == band);
  CHECK(check(Side::kSell, "80.00") == std::nullopt);
  CHECK(check(Side::kSell, "79.99") == band);
  CHECK(check(Side::kSell, "500.00") == std::nullopt);
}

TEST_CASE("check_order answers MAX_NUM_ORDERS at the open-order limit", "[exchange_filters]") {
  core::FilterInput in{Side::kBuy, SpotOrderType::kLimitMaker, d("60000"), d("0.001"), d("60000"),
                       199};
  CHECK(core::check_order(btcusdt(), in) == std::nullopt);
  in.open_orders = 200;
  CHECK(core::check_order(btcusdt(), in) == failure("MAX_NUM_ORDERS", RejectCode::kInvalidOrder));
}

TEST_CASE("check_order treats a zero bound or step as switched off", "[exchange_filters]") {
  core::SymbolFilters f;
  f.price = core::PriceFilter{d("0"), d("0"), d("0")};
  f.lot_size = core::LotSizeFilter{d("0"), d("0"), d("0")};
  CHECK(core::check_order(f, Side::kBuy, SpotOrderType::kLimit, d("0.123456789"), d("12345.6789"),
                          std::nullopt) == std::nullopt);
}

TEST_CASE("check_quote_order applies NOTIONAL to quoteOrderQty", "[exchange_filters]") {
  CHECK(core::check_quote_order(btcusdt(), d("4.99")) ==
        failure("NOTIONAL", RejectCode::kMinNotional));
  CHECK(core::check_quote_order(btcusdt(), d("5")) == std::nullopt);
}

TEST_CASE("spot order type names round-trip", "[exchange_filters]") {
  for (auto t : {SpotOrderType::kLimit, SpotOrderType::kMarket, SpotOrderType::kLimitMaker}) {
    CHECK(core::parse_spot_order_type(core::spot_order_type_name(t)) == t);
  }
  CHECK(core::spot_order_type_name(SpotOrderType::kLimitMaker) == "LIMIT_MAKER");
  CHECK(core::parse_spot_order_type("limit") == std::nullopt);
}
