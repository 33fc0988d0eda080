/// @file gateway/ticker_cache.h
/// @brief TickerCache: the latest view of each (exchange, symbol), fed by every core::Tick,
/// read by the HTTP API's `/ticker` routes.
///
/// A trade tick sets last and last_qty; a ticker tick sets last, bid/ask (with sizes when
/// sent) and the 24 h volume; a book tick sets bid/ask and their sizes. A field the tick lacks
/// keeps its previous value, and the timestamps are the latest tick's. Threads: update() may
/// be called from every shard's loop and json() from the API's loop; a mutex guards the map.
/// update() allocates only the first time a symbol is seen.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/decimal.h"
#include "core/types.h"

namespace gateway {

/// What `/ticker/...` shows for one symbol. Absent values were never sent.
struct TickerView {
  std::optional<core::Decimal> last;
  std::optional<core::Decimal> last_qty;
  std::optional<core::Decimal> bid;
  std::optional<core::Decimal> bid_qty;
  std::optional<core::Decimal> ask;
  std::optional<core::Decimal> ask_qty;
  std::optional<core::Decimal> volume_24h;
  std::int64_t ts_event_us = 0;  // the latest tick's
  std::int64_t ts_recv_us = 0;
  std::uint64_t ticks = 0;  // ticks folded into this view

  bool operator==(const TickerView&) const = default;
};

class TickerCache {
 public:
  void update(const core::Tick& tick);

  /// The view of `symbol` on `exchange`, or nullopt if no tick for it has arrived.
  std::optional<TickerView> find(core::Exchange exchange, std::string_view symbol) const;
  /// Searches binance, coinbase, kraken in that order: symbols are exchange-native, so at
  /// most one matches in practice.
  std::optional<core::Exchange> exchange_of(std::string_view symbol) const;

  /// Appends `{"exchange":..,"symbol":..,"timestamp":<ms>,"last":..,"last_qty":..,"bid":..,
  /// "bid_qty":..,"ask":..,"ask_qty":..,"volume":..,"ts_event_us":..,"ts_recv_us":..,"ticks":N}`
  /// (absent values as null) and returns true; false with `out` untouched when unknown.
  bool append_json(core::Exchange exchange, std::string_view symbol, std::string& out) const;

 private:
  static constexpr std::size_t kExchanges = 3;
  using SymbolMap = std::map<std::string, TickerView, std::less<>>;

  mutable std::mutex mu_;
  std::array<SymbolMap, kExchanges> by_exchange_;
};

}  // namespace gateway
