#include "normalizer/bar_builder.h"

#include <charconv>

namespace normalizer {

const char* trade_outcome_name(TradeOutcome outcome) {
  switch (outcome) {
    case TradeOutcome::kAdded:
      return "added";
    case TradeOutcome::kDuplicate:
      return "duplicate";
    case TradeOutcome::kTooLate:
      return "too_late";
    case TradeOutcome::kIgnored:
      return "ignored";
  }
  return "unknown";
}

std::int64_t BarBuilder::minute_start_us(std::int64_t ts_us) {
  const std::int64_t m = ts_us / kMinuteUs;
  return (ts_us < 0 && ts_us % kMinuteUs != 0 ? m - 1 : m) * kMinuteUs;
}

// Numeric trade ids (Binance, Kraken) order trades of the same microsecond exactly; other ids
// fall back to arrival order.
BarBuilder::TradeKey BarBuilder::trade_key(const core::Tick& tick) {
  std::uint64_t order = 0;
  const std::string& id = *tick.trade_id;
  const auto [ptr, ec] = std::from_chars(id.data(), id.data() + id.size(), order);
  if (ec != std::errc() || ptr != id.data() + id.size()) order = ++arrivals_;
  return {tick.ts_event_us, order};
}

TradeOutcome BarBuilder::add(const core::Tick& tick) {
  if (tick.kind != core::TickKind::kTrade || !tick.price || !tick.qty || !tick.trade_id ||
      !tick.qty->is_positive()) {
    return TradeOutcome::kIgnored;
  }
  const SeriesKey key{tick.exchange, tick.symbol};
  Series& series = series_[key];
  const std::int64_t minute = minute_start_us(tick.ts_event_us);
  auto it = series.bars.find(minute);
  if (it == series.bars.end()) {
    const bool seen_any = series.newest_event_us != INT64_MIN;
    if (seen_any && minute + kMinuteUs + options_.retain_closed_us <=
                        series.newest_event_us - options_.grace_us) {
      return TradeOutcome::kTooLate;
    }
    BarState state;
    state.bar = core::Bar{minute,      tick.exchange,   tick.symbol,
                          *tick.price, *tick.price,     *tick.price,
                          *tick.price, core::Decimal(), 0};
    state.first = state.last = trade_key(tick);
    state.fresh = true;
    it = series.bars.emplace(minute, std::move(state)).first;
  } else if (it->second.trade_ids.count(*tick.trade_id)) {
    return TradeOutcome::kDuplicate;
  }
  BarState& s = it->second;
  const TradeKey tk = s.fresh ? s.first : trade_key(tick);
  s.fresh = false;
  s.trade_ids.insert(*tick.trade_id);
  core::Bar& bar = s.bar;
  if (tk < s.first) {
    s.first = tk;
    bar.open = *tick.price;
  }
  if (s.last < tk || s.bar.trades == 0) {
    s.last = tk;
    bar.close = *tick.price;
  }
  if (*tick.price > bar.high) bar.high = *tick.price;
  if (*tick.price < bar.low) bar.low = *tick.price;
  auto volume = bar.volume.add(*tick.qty);
  bar.volume = volume.is_ok() ? *volume : bar.volume;  // 38 digits: unreachable for real volumes
  ++bar.trades;
  changed_.emplace(tick.exchange, tick.symbol, minute);
  if (tick.ts_event_us > series.newest_event_us) series.newest_event_us = tick.ts_event_us;
  close_through(key, series, series.newest_event_us - options_.grace_us);
  return TradeOutcome::kAdded;
}

void BarBuilder::close_through(const SeriesKey& key, Series& series, std::int64_t watermark_us) {
  for (auto it = series.bars.begin(); it != series.bars.end();) {
    const std::int64_t end_us = it->first + kMinuteUs;
    if (end_us > watermark_us) break;
    if (!it->second.closed) {
      it->second.closed = true;
      changed_.emplace(key.first, key.second, it->first);
    }
    const bool expired = end_us + options_.retain_closed_us <= watermark_us;
    const bool reported = changed_.count({key.first, key.second, it->first}) == 0;
    it = expired && reported ? series.bars.erase(it) : std::next(it);
  }
}

void BarBuilder::seed(const core::Bar& bar) {
  Series& series = series_[{bar.exchange, bar.symbol}];
  BarState state;
  state.bar = bar;
  state.first = state.last = {INT64_MIN, 0};
  series.bars.emplace(bar.ts_minute_us, std::move(state));
}

std::optional<bool> BarBuilder::minute_closed(core::Exchange exchange, const std::string& symbol,
                                              std::int64_t minute_us) const {
  auto series = series_.find({exchange, symbol});
  if (series == series_.end()) return std::nullopt;
  auto it = series->second.bars.find(minute_us);
  if (it == series->second.bars.end()) return std::nullopt;
  return it->second.closed;
}

void BarBuilder::advance_watermark(std::int64_t event_time_us) {
  for (auto& [key, series] : series_) close_through(key, series, event_time_us - options_.grace_us);
}

std::vector<BarUpdate> BarBuilder::take_changed() {
  std::vector<BarUpdate> out;
  out.reserve(changed_.size());
  for (const auto& [exchange, symbol, minute] : changed_) {
    const BarState& s = series_.at({exchange, symbol}).bars.at(minute);
    out.push_back(BarUpdate{s.bar, s.closed});
  }
  changed_.clear();
  return out;
}

std::size_t BarBuilder::open_bars() const {
  std::size_t n = 0;
  for (const auto& [key, series] : series_) {
    for (const auto& [minute, s] : series.bars) n += s.closed ? 0 : 1;
  }
  return n;
}

std::size_t BarBuilder::retained_bars() const {
  std::size_t n = 0;
  for (const auto& [key, series] : series_) n += series.bars.size();
  return n;
}

}  // namespace normalizer
