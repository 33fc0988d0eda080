/// @file core/exchange_info.h
/// @brief Reading Binance Spot `GET /api/v3/exchangeInfo` into `SymbolInfo` values, and
/// `modernize_exchange_info`, which brings an old (2021) answer to today's filter names.
///
/// Control-plane code (startup, mockex's exchangeInfo endpoint): it uses nlohmann::ordered_json
/// (so a rewritten answer keeps Binance's field order) and
/// allocates freely. Filters the checks do not know (ICEBERG_PARTS, MAX_NUM_ALGO_ORDERS,
/// MAX_POSITION, TRAILING_DELTA, ...) are skipped. Errors are kProtocol and name the symbol,
/// the filter and the field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/exchange_filters.h"
#include "core/status.h"

namespace core {

/// What a trading engine needs to know about one symbol.
struct SymbolInfo {
  std::string symbol;  // "BTCUSDT"
  std::string status;  // "TRADING"
  std::string base_asset;
  std::string quote_asset;
  int base_asset_precision = 8;
  int quote_asset_precision = 8;
  SymbolFilters filters;
};

/// One entry of exchangeInfo's `rateLimits` ({"rateLimitType":"REQUEST_WEIGHT",
/// "interval":"MINUTE","intervalNum":1,"limit":6000}), its window in milliseconds.
struct ExchangeRateLimit {
  std::string type;  // REQUEST_WEIGHT, ORDERS, RAW_REQUESTS
  std::int64_t window_ms = 0;
  std::int64_t limit = 0;
};

/// The `rateLimits` array of an exchangeInfo answer (intervals SECOND, MINUTE, HOUR, DAY).
/// kProtocol naming the entry and field when the text is not JSON, the array is absent, or an
/// entry lacks a field or has an unknown interval or a limit < 1.
Result<std::vector<ExchangeRateLimit>> parse_rate_limits_text(std::string_view json_text);

/// The maxNotional given to a legacy MIN_NOTIONAL when it becomes NOTIONAL: Binance's value
/// for the large spot symbols after the 2023 migration.
inline constexpr std::string_view kLegacyMaxNotional = "9000000.00000000";

/// One `filters` array. Legacy names are read as their successors: MIN_NOTIONAL as NOTIONAL
/// (applyToMarket -> applyMinToMarket, no max), PERCENT_PRICE as PERCENT_PRICE_BY_SIDE (both
/// sides get multiplierUp/multiplierDown). When both old and new appear, the new one wins.
Result<SymbolFilters> parse_symbol_filters(const nlohmann::ordered_json& filters);
/// One element of `symbols`.
Result<SymbolInfo> parse_symbol_info(const nlohmann::ordered_json& symbol);
/// Every symbol of a full answer, in the answer's order.
Result<std::vector<SymbolInfo>> parse_exchange_info(const nlohmann::ordered_json& info);
Result<std::vector<SymbolInfo>> parse_exchange_info_text(std::string_view json_text);

/// A copy of `info` with every symbol's legacy filters rewritten in place, keeping their
/// position in the list:
///   {"filterType":"MIN_NOTIONAL","minNotional":m,"applyToMarket":a,"avgPriceMins":n}
///     -> {"filterType":"NOTIONAL","minNotional":m,"applyMinToMarket":a,
///         "maxNotional":kLegacyMaxNotional,"applyMaxToMarket":false,"avgPriceMins":n}
///   {"filterType":"PERCENT_PRICE","multiplierUp":u,"multiplierDown":d,"avgPriceMins":n}
///     -> {"filterType":"PERCENT_PRICE_BY_SIDE","bidMultiplierUp":u,"bidMultiplierDown":d,
///         "askMultiplierUp":u,"askMultiplierDown":d,"avgPriceMins":n}
/// Everything else (rate limits, other fields and filters) is left as it was. kProtocol when
/// `info` has no `symbols` array or a legacy filter lacks a field.
Result<nlohmann::ordered_json> modernize_exchange_info(const nlohmann::ordered_json& info);

}  // namespace core
