/// @file normalizer/bar_builder.h
/// @brief BarBuilder: trades -> 1-minute OHLCV bars per (exchange, symbol), by event time.
///
/// A trade belongs to the minute of its `ts_event_us` (the exchange's trade time). Open and
/// close are the earliest and latest trades of the minute by (event time, trade id), so a
/// trade arriving late still lands in the right place; high, low, volume and the trade count
/// are exact (Decimal). A trade id seen before in its minute is a duplicate and changes
/// nothing (redeliveries, replays).
///
/// Closing: each (exchange, symbol) has an event-time watermark, the newest event time seen
/// minus `grace_us`; a minute closes once its end is at or before the watermark (or before
/// `advance_watermark`'s time, for quiet symbols). A trade for a closed minute still within
/// `retain_closed_us` reopens nothing but corrects the bar and reports it again; an older
/// one is refused as too late. Every change is reported once by `take_changed`, which is
/// what the writer upserts (dedup keys: minute, exchange, symbol), so a repeat is harmless.
///
/// Restart: `seed` puts back a bar read from the store (its trade ids are not stored), so
/// trades applied after it add to it; see normalizer_service.h for when that is exact.
///
/// Pure logic: no I/O, no clock. Single-threaded (one per normalizer shard).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/types.h"

namespace normalizer {

struct BarBuilderOptions {
  std::int64_t grace_us = 5'000'000;
  std::int64_t retain_closed_us = 3'600'000'000;
};

enum class TradeOutcome {
  kAdded,
  kDuplicate,  // trade id already counted in its minute
  kTooLate,    // its minute closed longer ago than retain_closed_us
  kIgnored,    // not a trade, or a trade without price, qty or a positive qty
};

const char* trade_outcome_name(TradeOutcome outcome);

struct BarUpdate {
  core::Bar bar;
  bool closed = false;  // the minute is complete (it may still be corrected by a late trade)
};

class BarBuilder {
 public:
  explicit BarBuilder(BarBuilderOptions options = {}) : options_(options) {}

  TradeOutcome add(const core::Tick& tick);
  /// Closes, for every series, the minutes that end at or before `event_time_us - grace`.
  void advance_watermark(std::int64_t event_time_us);
  /// Bars added to, corrected or closed since the last call; ordered by (exchange, symbol,
  /// minute).
  std::vector<BarUpdate> take_changed();

  /// Installs a stored bar for a minute the builder does not hold (nothing if it does). Its
  /// open stays and the next trade applied becomes its close: stored bars carry no trade
  /// times, so a seeded minute assumes its later trades come in event-time order.
  void seed(const core::Bar& bar);
  /// nullopt: the builder holds no bar for that minute; else whether the minute is closed.
  std::optional<bool> minute_closed(core::Exchange exchange, const std::string& symbol,
                                    std::int64_t minute_us) const;
  /// The start of the minute holding `ts_us` (floor, also for negative times).
  static std::int64_t minute_start_us(std::int64_t ts_us);

  std::size_t open_bars() const;
  std::size_t retained_bars() const;

  static constexpr std::int64_t kMinuteUs = 60'000'000;

 private:
  using SeriesKey = std::pair<core::Exchange, std::string>;
  using TradeKey = std::pair<std::int64_t, std::uint64_t>;  // (event time, order in minute)

  struct BarState {
    core::Bar bar;
    TradeKey first;
    TradeKey last;
    std::set<std::string> trade_ids;
    bool closed = false;
    bool fresh = false;  // created by the trade being added
  };
  struct Series {
    std::int64_t newest_event_us = INT64_MIN;
    std::map<std::int64_t, BarState> bars;  // by minute start
  };

  void close_through(const SeriesKey& key, Series& series, std::int64_t watermark_us);
  TradeKey trade_key(const core::Tick& tick);

  BarBuilderOptions options_;
  std::map<SeriesKey, Series> series_;
  std::set<std::tuple<core::Exchange, std::string, std::int64_t>> changed_;
  std::uint64_t arrivals_ = 0;
};

}  // namespace normalizer
