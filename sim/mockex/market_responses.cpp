#include "sim/mockex/market_responses.h"

#include <fmt/format.h>

#include "core/json_text.h"
#include "sim/mockex/detail/decimal_ops.h"
#include "sim/mockex/responses.h"

namespace sim::mockex {
namespace {

using core::json::ObjectWriter;

std::string levels_json(const PriceLevels& levels) {
  std::string out = "[";
  for (const auto& [price, qty] : levels) {
    if (out.size() > 1) out.push_back(',');
    out += "[\"" + amount_text(price) + "\",\"" + amount_text(qty) + "\"]";
  }
  out.push_back(']');
  return out;
}

std::string ratio(const Decimal& num, const Decimal& den, int scale) {
  if (den.is_zero()) return amount_text(Decimal{});
  const Decimal r = detail::checked(num.div_round(den, scale, core::Rounding::kHalfUp));
  return r.to_string();
}

/// The window's numbers, or zeros for a symbol without trades.
WindowStats or_zero(const std::optional<WindowStats>& s) {
  return s ? *s : WindowStats{};
}

Decimal opt(const std::optional<Decimal>& v) {
  return v.value_or(Decimal{});
}

template <typename Fn>
std::string array_of_newest(const std::deque<TradeTick>* trades, std::size_t limit, Fn fn) {
  std::string out = "[";
  if (trades != nullptr) {
    const std::size_t n = std::min(limit, trades->size());
    for (std::size_t i = trades->size() - n; i < trades->size(); ++i) {
      if (out.size() > 1) out.push_back(',');
      fn(out, (*trades)[i]);
    }
  }
  out.push_back(']');
  return out;
}

// Each recorded trade is its own aggregate (first id = last id); REST and stream share the fields.
ObjectWriter& agg_trade_fields(ObjectWriter& w, const TradeTick& t) {
  return w.u64("a", t.id)
      .str("p", amount_text(t.price))
      .str("q", amount_text(t.qty))
      .u64("f", t.id)
      .u64("l", t.id)
      .i64("T", t.time_ms)
      .boolean("m", t.buyer_maker)
      .boolean("M", true);
}

}  // namespace

std::string encode_depth(std::uint64_t last_update_id, const PriceLevels& bids,
                         const PriceLevels& asks) {
  std::string out;
  ObjectWriter(out)
      .u64("lastUpdateId", last_update_id)
      .raw("bids", levels_json(bids))
      .raw("asks", levels_json(asks))
      .close();
  return out;
}

std::string encode_trades(const SymbolMarket* m, std::size_t limit) {
  return array_of_newest(m ? &m->trades : nullptr, limit, [](std::string& out, const TradeTick& t) {
    ObjectWriter(out)
        .u64("id", t.id)
        .str("price", amount_text(t.price))
        .str("qty", amount_text(t.qty))
        .str("quoteQty", amount_text(detail::mul(t.price, t.qty)))
        .i64("time", t.time_ms)
        .boolean("isBuyerMaker", t.buyer_maker)
        .boolean("isBestMatch", true)
        .close();
  });
}

std::string encode_agg_trades(const SymbolMarket* m, std::size_t limit) {
  return array_of_newest(m ? &m->trades : nullptr, limit, [](std::string& out, const TradeTick& t) {
    ObjectWriter w(out);
    agg_trade_fields(w, t).close();
  });
}

std::string encode_klines(const SymbolMarket* m, std::int64_t interval_ms,
                          std::optional<std::int64_t> start_ms,
                          std::optional<std::int64_t> end_ms, std::size_t limit) {
  const std::vector<Kline> all = m != nullptr ? merge_klines(m->klines, interval_ms)
                                              : std::vector<Kline>();
  std::vector<const Kline*> rows;
  for (const Kline& k : all)
    if ((!start_ms || k.open_ms >= *start_ms) && (!end_ms || k.open_ms <= *end_ms))
      rows.push_back(&k);
  // With a startTime Binance answers the oldest `limit` from there, else the newest.
  if (rows.size() > limit) {
    if (start_ms)
      rows.resize(limit);
    else
      rows.erase(rows.begin(), rows.end() - static_cast<std::ptrdiff_t>(limit));
  }
  std::string out = "[";
  for (const Kline* k : rows) {
    if (out.size() > 1) out.push_back(',');
    out += fmt::format(R"([{},"{}","{}","{}","{}","{}",{},"{}",{},"{}","{}","0"])", k->open_ms,
                       amount_text(k->open), amount_text(k->high), amount_text(k->low),
                       amount_text(k->close), amount_text(k->volume), k->close_ms(),
                       amount_text(k->quote_volume), k->count, amount_text(k->taker_buy_volume),
                       amount_text(k->taker_buy_quote_volume));
  }
  out.push_back(']');
  return out;
}

std::string encode_ticker_price(const std::string& symbol, const SymbolMarket* m) {
  const Decimal last = (m && !m->trades.empty()) ? m->trades.back().price : Decimal{};
  std::string out;
  ObjectWriter(out).str("symbol", symbol).str("price", amount_text(last)).close();
  return out;
}

std::string encode_book_ticker(const std::string& symbol, const SymbolMarket* m) {
  std::string out;
  ObjectWriter(out)
      .str("symbol", symbol)
      .str("bidPrice", amount_text(m ? opt(m->bid) : Decimal{}))
      .str("bidQty", amount_text(m ? opt(m->bid_qty) : Decimal{}))
      .str("askPrice", amount_text(m ? opt(m->ask) : Decimal{}))
      .str("askQty", amount_text(m ? opt(m->ask_qty) : Decimal{}))
      .close();
  return out;
}

std::string encode_ticker_24hr(const std::string& symbol, const SymbolMarket* m,
                               const std::optional<WindowStats>& stats, bool mini) {
  const WindowStats s = or_zero(stats);
  const Decimal change = detail::sub(s.last, s.open);
  std::string out;
  ObjectWriter w(out);
  w.str("symbol", symbol);
  if (!mini) {
    w.str("priceChange", amount_text(change))
        .str("priceChangePercent", ratio(detail::mul(change, Decimal::from_int(100)), s.open, 3))
        .str("weightedAvgPrice", ratio(s.quote_volume, s.volume, 8))
        .str("prevClosePrice", amount_text(s.open))
        .str("lastPrice", amount_text(s.last))
        .str("lastQty", amount_text(s.last_qty))
        .str("bidPrice", amount_text(m ? opt(m->bid) : Decimal{}))
        .str("bidQty", amount_text(m ? opt(m->bid_qty) : Decimal{}))
        .str("askPrice", amount_text(m ? opt(m->ask) : Decimal{}))
        .str("askQty", amount_text(m ? opt(m->ask_qty) : Decimal{}));
  } else {
    w.str("lastPrice", amount_text(s.last));
  }
  w.str("openPrice", amount_text(s.open))
      .str("highPrice", amount_text(s.high))
      .str("lowPrice", amount_text(s.low))
      .str("volume", amount_text(s.volume))
      .str("quoteVolume", amount_text(s.quote_volume))
      .i64("openTime", s.open_ms)
      .i64("closeTime", s.close_ms)
      .i64("firstId", stats ? static_cast<std::int64_t>(s.first_id) : -1)
      .i64("lastId", stats ? static_cast<std::int64_t>(s.last_id) : -1)
      .u64("count", s.count)
      .close();
  return out;
}

std::string encode_avg_price(const std::optional<WindowStats>& s) {
  std::string out;
  ObjectWriter(out)
      .i64("mins", 5)
      .str("price", s ? ratio(s->quote_volume, s->volume, 8) : amount_text(Decimal{}))
      .i64("closeTime", s ? s->close_ms : 0)
      .close();
  return out;
}

std::string ws_agg_trade(const std::string& symbol, const TradeTick& t, std::int64_t event_ms) {
  std::string out;
  ObjectWriter w(out);
  w.str("e", "aggTrade").i64("E", event_ms).str("s", symbol);
  agg_trade_fields(w, t).close();
  return out;
}

std::string ws_kline(const std::string& symbol, const Kline& k, bool closed,
                     std::int64_t event_ms) {
  std::string inner;
  ObjectWriter(inner)
      .i64("t", k.open_ms)
      .i64("T", k.close_ms())
      .str("s", symbol)
      .str("i", "1m")
      .u64("f", k.first_id)
      .u64("L", k.last_id)
      .str("o", amount_text(k.open))
      .str("c", amount_text(k.close))
      .str("h", amount_text(k.high))
      .str("l", amount_text(k.low))
      .str("v", amount_text(k.volume))
      .u64("n", k.count)
      .boolean("x", closed)
      .str("q", amount_text(k.quote_volume))
      .str("V", amount_text(k.taker_buy_volume))
      .str("Q", amount_text(k.taker_buy_quote_volume))
      .str("B", "0")
      .close();
  std::string out;
  ObjectWriter(out).str("e", "kline").i64("E", event_ms).str("s", symbol).raw("k", inner).close();
  return out;
}

std::string ws_ticker(const std::string& symbol, const SymbolMarket* m, const WindowStats& s,
                      bool mini, std::int64_t event_ms) {
  std::string out;
  ObjectWriter w(out);
  w.str("e", mini ? "24hrMiniTicker" : "24hrTicker").i64("E", event_ms).str("s", symbol);
  if (mini) {
    w.str("c", amount_text(s.last))
        .str("o", amount_text(s.open))
        .str("h", amount_text(s.high))
        .str("l", amount_text(s.low))
        .str("v", amount_text(s.volume))
        .str("q", amount_text(s.quote_volume))
        .close();
    return out;
  }
  const Decimal change = detail::sub(s.last, s.open);
  w.str("p", amount_text(change))
      .str("P", ratio(detail::mul(change, Decimal::from_int(100)), s.open, 3))
      .str("w", ratio(s.quote_volume, s.volume, 8))
      .str("x", amount_text(s.open))
      .str("c", amount_text(s.last))
      .str("Q", amount_text(s.last_qty))
      .str("b", amount_text(m ? opt(m->bid) : Decimal{}))
      .str("B", amount_text(m ? opt(m->bid_qty) : Decimal{}))
      .str("a", amount_text(m ? opt(m->ask) : Decimal{}))
      .str("A", amount_text(m ? opt(m->ask_qty) : Decimal{}))
      .str("o", amount_text(s.open))
      .str("h", amount_text(s.high))
      .str("l", amount_text(s.low))
      .str("v", amount_text(s.volume))
      .str("q", amount_text(s.quote_volume))
      .i64("O", s.open_ms)
      .i64("C", s.close_ms)
      .u64("F", s.first_id)
      .u64("L", s.last_id)
      .u64("n", s.count)
      .close();
  return out;
}

}  // namespace sim::mockex
