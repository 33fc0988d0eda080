/// @file sim/mockex/market_data.h
/// @brief `MarketData`: the public market history the mock serves beside the order book: the
/// replayed trades (latest 1000 per symbol), 1-minute klines built from them, the best bid and
/// ask, the order-book update id, and the 24 h / 5 min statistics derived from the klines.
///
/// Pure logic: every time is the recording's event time (ms) passed in, so klines and
/// statistics equal what the exchange computed from the same trades. Ordered containers only;
/// not thread-safe, one owner (MockExchange) calls it.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.h"

namespace sim::mockex {

using core::Decimal;

struct TradeTick {
  std::uint64_t id = 0;
  Decimal price;
  Decimal qty;
  std::int64_t time_ms = 0;
  bool buyer_maker = false;
};

/// One kline (1 minute unless merged), identified by its open time.
struct Kline {
  std::int64_t open_ms = 0;
  Decimal open, high, low, close;
  Decimal volume, quote_volume, taker_buy_volume, taker_buy_quote_volume;
  std::uint64_t count = 0;
  std::uint64_t first_id = 0;
  std::uint64_t last_id = 0;
  std::int64_t length_ms = 60'000;

  std::int64_t close_ms() const { return open_ms + length_ms - 1; }
};

/// The length of a Binance kline interval the mock serves ("1m" "3m" "5m" "15m" "30m" "1h"
/// "2h" "4h" "6h" "8h" "12h" "1d"); nullopt for any other text, and for "1s", "3d", "1w" and
/// "1M", which 1-minute klines cannot make or the kept history cannot fill.
std::optional<std::int64_t> kline_interval_ms(std::string_view interval);

/// 1-minute klines (by open time) merged into klines of `interval_ms`, aligned to the epoch
/// as Binance aligns them; an interval's kline holds only the minutes that had trades.
std::vector<Kline> merge_klines(const std::map<std::int64_t, Kline>& minutes,
                                std::int64_t interval_ms);

/// Rolling statistics over klines (24 h ticker, 5 min average price).
struct WindowStats {
  Decimal open, high, low, last, last_qty, volume, quote_volume;
  std::int64_t open_ms = 0;
  std::int64_t close_ms = 0;
  std::uint64_t first_id = 0;
  std::uint64_t last_id = 0;
  std::uint64_t count = 0;
};

struct SymbolMarket {
  std::deque<TradeTick> trades;          // oldest first, at most kTradesKept
  std::map<std::int64_t, Kline> klines;  // by open time, at most kKlinesKept
  std::optional<Decimal> bid, bid_qty, ask, ask_qty;
  std::uint64_t update_id = 0;  // depth lastUpdateId / bookTicker u, as recorded
};

class MarketData {
 public:
  static constexpr std::size_t kTradesKept = 1000;
  static constexpr std::size_t kKlinesKept = 1500;

  /// Appends a trade and updates its kline. Returns the kline it went into.
  const Kline& on_trade(const std::string& symbol, const TradeTick& trade);
  void on_book_ticker(const std::string& symbol, const Decimal& bid, const Decimal& bid_qty,
                      const Decimal& ask, const Decimal& ask_qty);
  /// The book's update id as recorded: depth `u` / snapshot lastUpdateId, else bookTicker `u`.
  void set_update_id(const std::string& symbol, std::uint64_t update_id);

  /// nullptr when nothing was recorded for `symbol` yet.
  const SymbolMarket* get(const std::string& symbol) const;
  /// Over the klines that opened within `window_ms` before the last trade's kline closed;
  /// nullopt without trades.
  std::optional<WindowStats> stats(const std::string& symbol, std::int64_t window_ms) const;

 private:
  std::map<std::string, SymbolMarket> symbols_;
};

}  // namespace sim::mockex
