// Test helpers for the mockex model tests: BTCUSDT with today's filters, terse decimals and
// request builders.
#pragma once

#include <string_view>
#include <variant>

#include <catch2/catch.hpp>

#include "sim/mockex/exchange_model.h"

namespace Catch {
template <>
struct StringMaker<core::Decimal> {
  static std::string convert(const core::Decimal& v) { return v.to_string(); }
};
}  // namespace Catch

namespace mockex_test {

using core::Decimal;
using core::Side;
using core::SpotOrderType;
using sim::mockex::BinanceError;
using sim::mockex::NewOrderRequest;
using sim::mockex::NewOrderResult;

inline Decimal d(std::string_view text) {
  return *Decimal::parse(text);
}

inline core::SymbolInfo btcusdt() {
  core::SymbolInfo s;
  s.symbol = "BTCUSDT";
  s.status = "TRADING";
  s.base_asset = "BTC";
  s.quote_asset = "USDT";
  s.filters.price = core::PriceFilter{d("0.01"), d("1000000"), d("0.01")};
  s.filters.lot_size = core::LotSizeFilter{d("0.00001"), d("9000"), d("0.00001")};
  s.filters.notional = core::NotionalFilter{d("5"), true, d("9000000"), false, 5};
  s.filters.max_num_orders = 200;
  return s;
}

inline sim::mockex::ExchangeConfig config() {
  sim::mockex::ExchangeConfig c;
  c.symbols = {btcusdt()};
  return c;
}

inline NewOrderRequest limit(Side side, std::string_view price, std::string_view qty,
                             core::TimeInForce tif = core::TimeInForce::kGtc) {
  NewOrderRequest r;
  r.symbol = "BTCUSDT";
  r.side = side;
  r.type = SpotOrderType::kLimit;
  r.time_in_force = tif;
  r.price = d(price);
  r.quantity = d(qty);
  return r;
}

inline NewOrderRequest market(Side side, std::string_view qty) {
  NewOrderRequest r;
  r.symbol = "BTCUSDT";
  r.side = side;
  r.type = SpotOrderType::kMarket;
  r.quantity = d(qty);
  return r;
}

/// The accepted order, failing the test with Binance's error otherwise.
template <typename T>
T accepted(const sim::mockex::Reply<T>& reply) {
  if (const auto* e = std::get_if<BinanceError>(&reply)) FAIL(e->code << " " << e->msg);
  return std::get<T>(reply);
}

template <typename T>
BinanceError refused(const sim::mockex::Reply<T>& reply) {
  REQUIRE(std::holds_alternative<BinanceError>(reply));
  return std::get<BinanceError>(reply);
}

inline Decimal free_of(const sim::mockex::ExchangeModel& m, const std::string& key,
                       const std::string& asset) {
  return m.ledger().free(key, asset);
}

}  // namespace mockex_test
