#include "sim/mockex/market_data.h"

#include <algorithm>
#include <utility>

#include "sim/mockex/detail/decimal_ops.h"

namespace sim::mockex {

const Kline& MarketData::on_trade(const std::string& symbol, const TradeTick& t) {
  SymbolMarket& m = symbols_[symbol];
  m.trades.push_back(t);
  if (m.trades.size() > kTradesKept) m.trades.pop_front();

  const std::int64_t open_ms = t.time_ms - t.time_ms % 60'000;
  auto [it, fresh] = m.klines.try_emplace(open_ms);
  Kline& k = it->second;
  const Decimal quote = detail::mul(t.price, t.qty);
  if (fresh) {
    k.open_ms = open_ms;
    k.open = k.high = k.low = t.price;
    k.first_id = t.id;
  }
  k.high = std::max(k.high, t.price);
  k.low = std::min(k.low, t.price);
  k.close = t.price;
  k.volume = detail::add(k.volume, t.qty);
  k.quote_volume = detail::add(k.quote_volume, quote);
  if (!t.buyer_maker) {  // the buyer took: a taker buy
    k.taker_buy_volume = detail::add(k.taker_buy_volume, t.qty);
    k.taker_buy_quote_volume = detail::add(k.taker_buy_quote_volume, quote);
  }
  k.count += 1;
  k.last_id = t.id;
  if (m.klines.size() > kKlinesKept) m.klines.erase(m.klines.begin());
  return k;
}

void MarketData::on_book_ticker(const std::string& symbol, const Decimal& bid,
                                const Decimal& bid_qty, const Decimal& ask,
                                const Decimal& ask_qty) {
  SymbolMarket& m = symbols_[symbol];
  m.bid = bid;
  m.bid_qty = bid_qty;
  m.ask = ask;
  m.ask_qty = ask_qty;
}

void MarketData::set_update_id(const std::string& symbol, std::uint64_t update_id) {
  symbols_[symbol].update_id = update_id;
}

const SymbolMarket* MarketData::get(const std::string& symbol) const {
  const auto it = symbols_.find(symbol);
  return it == symbols_.end() ? nullptr : &it->second;
}

std::optional<WindowStats> MarketData::stats(const std::string& symbol,
                                             std::int64_t window_ms) const {
  const SymbolMarket* m = get(symbol);
  if (m == nullptr || m->klines.empty()) return std::nullopt;
  const Kline& newest = m->klines.rbegin()->second;
  const std::int64_t from_ms = newest.close_ms() + 1 - window_ms;
  WindowStats s;
  for (auto it = m->klines.lower_bound(from_ms); it != m->klines.end(); ++it) {
    const Kline& k = it->second;
    if (s.count == 0) {
      s.open = k.open;
      s.high = k.high;
      s.low = k.low;
      s.open_ms = k.open_ms;
      s.first_id = k.first_id;
    }
    s.high = std::max(s.high, k.high);
    s.low = std::min(s.low, k.low);
    s.volume = detail::add(s.volume, k.volume);
    s.quote_volume = detail::add(s.quote_volume, k.quote_volume);
    s.count += k.count;
  }
  s.last = newest.close;
  s.last_qty = m->trades.back().qty;
  s.last_id = newest.last_id;
  s.close_ms = m->trades.back().time_ms;
  return s;
}

std::optional<std::int64_t> kline_interval_ms(std::string_view interval) {
  static constexpr std::pair<std::string_view, std::int64_t> kIntervals[] = {
      {"1m", 1},   {"3m", 3},   {"5m", 5},   {"15m", 15},  {"30m", 30},   {"1h", 60},
      {"2h", 120}, {"4h", 240}, {"6h", 360}, {"8h", 480}, {"12h", 720}, {"1d", 1440}};
  for (const auto& [name, minutes] : kIntervals)
    if (name == interval) return minutes * 60'000;
  return std::nullopt;
}

std::vector<Kline> merge_klines(const std::map<std::int64_t, Kline>& minutes,
                                std::int64_t interval_ms) {
  std::vector<Kline> out;
  for (const auto& [open_ms, k] : minutes) {
    const std::int64_t bucket = open_ms - open_ms % interval_ms;
    if (out.empty() || out.back().open_ms != bucket) {
      out.push_back(k);
      out.back().open_ms = bucket;
      out.back().length_ms = interval_ms;
      continue;
    }
    Kline& m = out.back();
    m.high = std::max(m.high, k.high);
    m.low = std::min(m.low, k.low);
    m.close = k.close;
    m.volume = detail::add(m.volume, k.volume);
    m.quote_volume = detail::add(m.quote_volume, k.quote_volume);
    m.taker_buy_volume = detail::add(m.taker_buy_volume, k.taker_buy_volume);
    m.taker_buy_quote_volume = detail::add(m.taker_buy_quote_volume, k.taker_buy_quote_volume);
    m.count += k.count;
    m.last_id = k.last_id;
  }
  return out;
}

}  // namespace sim::mockex
