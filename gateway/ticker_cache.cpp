#include "gateway/ticker_cache.h"

#include "core/json_text.h"

namespace gateway {
namespace {

void keep_if_sent(std::optional<core::Decimal>& field, const std::optional<core::Decimal>& sent) {
  if (sent) field = sent;
}

void fold(TickerView& view, const core::Tick& tick) {
  switch (tick.kind) {
    case core::TickKind::kTrade:
      keep_if_sent(view.last, tick.price);
      keep_if_sent(view.last_qty, tick.qty);
      break;
    case core::TickKind::kTicker:
      keep_if_sent(view.last, tick.last);
      keep_if_sent(view.volume_24h, tick.volume);
      [[fallthrough]];
    case core::TickKind::kBook:
      keep_if_sent(view.bid, tick.bid);
      keep_if_sent(view.bid_qty, tick.bid_qty);
      keep_if_sent(view.ask, tick.ask);
      keep_if_sent(view.ask_qty, tick.ask_qty);
      break;
  }
  view.ts_event_us = tick.ts_event_us;
  view.ts_recv_us = tick.ts_recv_us;
  ++view.ticks;
}

void put(core::json::ObjectWriter& w, std::string_view key,
         const std::optional<core::Decimal>& value) {
  if (value) {
    w.dec(key, *value);
  } else {
    w.raw(key, "null");
  }
}

}  // namespace

void TickerCache::update(const core::Tick& tick) {
  std::lock_guard lock(mu_);
  auto& symbols = by_exchange_[static_cast<std::size_t>(tick.exchange)];
  auto it = symbols.find(std::string_view(tick.symbol));
  if (it == symbols.end()) it = symbols.emplace(tick.symbol, TickerView{}).first;
  fold(it->second, tick);
}

std::optional<TickerView> TickerCache::find(core::Exchange exchange,
                                            std::string_view symbol) const {
  std::lock_guard lock(mu_);
  const auto& symbols = by_exchange_[static_cast<std::size_t>(exchange)];
  auto it = symbols.find(symbol);
  if (it == symbols.end()) return std::nullopt;
  return it->second;
}

std::optional<core::Exchange> TickerCache::exchange_of(std::string_view symbol) const {
  std::lock_guard lock(mu_);
  for (std::size_t i = 0; i < kExchanges; ++i) {
    if (by_exchange_[i].count(symbol) != 0) return static_cast<core::Exchange>(i);
  }
  return std::nullopt;
}

bool TickerCache::append_json(core::Exchange exchange, std::string_view symbol,
                              std::string& out) const {
  auto view = find(exchange, symbol);
  if (!view) return false;
  core::json::ObjectWriter w(out);
  w.str("exchange", core::exchange_name(exchange)).str("symbol", symbol);
  w.i64("timestamp", view->ts_event_us / 1000);
  put(w, "last", view->last);
  put(w, "last_qty", view->last_qty);
  put(w, "bid", view->bid);
  put(w, "bid_qty", view->bid_qty);
  put(w, "ask", view->ask);
  put(w, "ask_qty", view->ask_qty);
  put(w, "volume", view->volume_24h);
  w.i64("ts_event_us", view->ts_event_us).i64("ts_recv_us", view->ts_recv_us);
  w.u64("ticks", view->ticks);
  w.close();
  return true;
}

}  // namespace gateway
