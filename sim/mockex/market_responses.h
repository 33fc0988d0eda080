/// @file sim/mockex/market_responses.h
/// @brief Binance Spot JSON for public market data, REST (PROTOCOLS.md 1.2) and the derived
/// websocket events (2.2: aggTrade, kline, 24hrTicker, 24hrMiniTicker), built from MarketData.
///
/// Pure functions returning fresh strings. Amounts are printed with 8 decimals as Binance
/// prints them for the large spot symbols (responses.h amount_text); a symbol without trades
/// gets zeros, as a freshly listed symbol does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/mockex/market_data.h"

namespace sim::mockex {

using PriceLevels = std::vector<std::pair<Decimal, Decimal>>;

std::string encode_depth(std::uint64_t last_update_id, const PriceLevels& bids,
                         const PriceLevels& asks);
/// The newest `limit` trades, oldest first.
std::string encode_trades(const SymbolMarket* market, std::size_t limit);
/// aggTrades: the mock aggregates nothing, each trade is its own aggregate (a = f = l = id).
std::string encode_agg_trades(const SymbolMarket* market, std::size_t limit);
/// Klines of `interval_ms` (merge_klines) opening in [start_ms, end_ms], newest `limit` of
/// them (oldest first).
std::string encode_klines(const SymbolMarket* market, std::int64_t interval_ms,
                          std::optional<std::int64_t> start_ms,
                          std::optional<std::int64_t> end_ms, std::size_t limit);
std::string encode_ticker_price(const std::string& symbol, const SymbolMarket* market);
std::string encode_book_ticker(const std::string& symbol, const SymbolMarket* market);
/// FULL (mini = false) or MINI 24 h ticker object.
std::string encode_ticker_24hr(const std::string& symbol, const SymbolMarket* market,
                               const std::optional<WindowStats>& stats, bool mini);
/// {"mins":5,"price":..,"closeTime":..}
std::string encode_avg_price(const std::optional<WindowStats>& stats_5m);

/// Websocket payloads (unwrapped) for the derived streams.
std::string ws_agg_trade(const std::string& symbol, const TradeTick& trade, std::int64_t event_ms);
std::string ws_kline(const std::string& symbol, const Kline& kline, bool closed,
                     std::int64_t event_ms);
std::string ws_ticker(const std::string& symbol, const SymbolMarket* market,
                      const WindowStats& stats, bool mini, std::int64_t event_ms);

}  // namespace sim::mockex
