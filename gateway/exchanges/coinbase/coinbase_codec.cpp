#include "gateway/exchanges/coinbase/coinbase_codec.h"

namespace gateway::coinbase {

namespace {

namespace od = simdjson::ondemand;
using R = MalformedReason;

enum class Channel { kTrades, kTicker, kOther };

// What every tick of one frame shares.
struct Envelope {
  Channel channel = Channel::kOther;
  std::uint64_t seq = 0;
  std::int64_t ts_us = 0;
  std::int64_t ts_recv_us = 0;
};

R product(std::string_view id, core::Tick& tick) {
  if (id.empty()) return R::kMissingField;
  const std::size_t dash = id.find('-');
  if (dash == std::string_view::npos || !detail::is_symbol_part(id.substr(0, dash)) ||
      !detail::is_symbol_part(id.substr(dash + 1))) {
    return R::kUnknownSymbol;
  }
  tick.symbol.assign(id);
  return R::kNone;
}

R optional_field(od::object& row, std::string_view key, std::string_view& out) {
  const R r = detail::field_text(row, key, out);
  return r == R::kMissingField ? R::kNone : r;
}

R trade(od::object row, const Envelope& env, core::Tick& tick) {
  std::string_view id, symbol, price, size, side, time;
  GW_TRY(detail::field_text(row, "trade_id", id));
  GW_TRY(detail::field_text(row, "product_id", symbol));
  GW_TRY(detail::field_text(row, "price", price));
  GW_TRY(detail::field_text(row, "size", size));
  GW_TRY(detail::field_text(row, "side", side));
  GW_TRY(detail::field_text(row, "time", time));
  detail::begin_tick(tick, core::Exchange::kCoinbase, core::TickKind::kTrade, env.ts_recv_us);
  tick.seq = env.seq;
  GW_TRY(product(symbol, tick));
  GW_TRY(detail::set_trade_id(tick, id));
  GW_TRY(detail::to_decimal(price, tick.price));
  GW_TRY(detail::to_decimal(size, tick.qty));
  GW_TRY(detail::rfc3339_to_us(time, tick.ts_event_us));
  if (side == "BUY") {
    tick.side = core::Side::kBuy;
  } else if (side == "SELL") {
    tick.side = core::Side::kSell;
  } else {
    return R::kBadValue;
  }
  return R::kNone;
}

R ticker(od::object row, const Envelope& env, core::Tick& tick) {
  std::string_view symbol, price, volume, bid, bid_qty, ask, ask_qty;
  GW_TRY(detail::field_text(row, "product_id", symbol));
  GW_TRY(detail::field_text(row, "price", price));
  GW_TRY(optional_field(row, "volume_24_h", volume));
  GW_TRY(optional_field(row, "best_bid", bid));
  GW_TRY(optional_field(row, "best_bid_quantity", bid_qty));
  GW_TRY(optional_field(row, "best_ask", ask));
  GW_TRY(optional_field(row, "best_ask_quantity", ask_qty));
  detail::begin_tick(tick, core::Exchange::kCoinbase, core::TickKind::kTicker, env.ts_recv_us);
  tick.seq = env.seq;
  tick.ts_event_us = env.ts_us;
  GW_TRY(product(symbol, tick));
  GW_TRY(detail::to_decimal(price, tick.last));
  GW_TRY(detail::to_optional_decimal(volume, tick.volume));
  GW_TRY(detail::to_optional_decimal(bid, tick.bid));
  GW_TRY(detail::to_optional_decimal(bid_qty, tick.bid_qty));
  GW_TRY(detail::to_optional_decimal(ask, tick.ask));
  return detail::to_optional_decimal(ask_qty, tick.ask_qty);
}

R read_envelope(od::object& object, Envelope& env) {
  std::string_view text;
  GW_TRY(detail::field_text(object, "sequence_num", text));
  GW_TRY(detail::to_uint(text, env.seq));
  GW_TRY(detail::field_text(object, "timestamp", text));
  return detail::rfc3339_to_us(text, env.ts_us);
}

// Every row of `events[].<list>`, each handed to `row_fn`; counts the ticks emitted.
template <typename RowFn>
R for_each_row(od::object& object, std::string_view list, std::size_t& ticks, RowFn row_fn) {
  od::array events;
  const auto error = object.find_field_unordered("events").get_array().get(events);
  if (error == simdjson::NO_SUCH_FIELD) return R::kMissingField;
  if (error) return R::kBadJson;
  for (auto event : events) {
    od::object event_object;
    od::array rows;
    if (event.get_object().get(event_object)) return R::kBadJson;
    const auto rows_error = event_object.find_field_unordered(list).get_array().get(rows);
    if (rows_error == simdjson::NO_SUCH_FIELD) continue;  // an event without rows of this kind
    if (rows_error) return R::kBadJson;
    for (auto row : rows) {
      od::object row_object;
      if (row.get_object().get(row_object)) return R::kBadJson;
      GW_TRY(row_fn(row_object));
      ++ticks;
    }
  }
  return R::kNone;
}

}  // namespace

DecodeResult CoinbaseCodec::finish(DecodeResult result) {
  stats_.count(result);
  return result;
}

DecodeResult CoinbaseCodec::decode(std::string_view frame, std::int64_t ts_recv_us,
                                   const TickSink& out) {
  od::document doc;
  od::object object;
  if (const R r = reader_.open(frame, doc); r != R::kNone) {
    return finish({DecodeOutcome::kMalformed, r, 0});
  }
  if (doc.get_object().get(object)) return finish({DecodeOutcome::kMalformed, R::kBadJson, 0});
  std::string_view channel;
  if (const R r = detail::field_text(object, "channel", channel); r != R::kNone) {
    // Error replies ({"type":"error","message":..}) have no channel.
    std::string_view type;
    if (r == R::kMissingField && detail::field_text(object, "type", type) == R::kNone) {
      return finish({DecodeOutcome::kIgnored, R::kNone, 0});
    }
    return finish({DecodeOutcome::kMalformed, r, 0});
  }
  Envelope env;
  env.ts_recv_us = ts_recv_us;
  env.channel = channel == "market_trades"                         ? Channel::kTrades
                : channel == "ticker" || channel == "ticker_batch" ? Channel::kTicker
                                                                   : Channel::kOther;
  if (env.channel == Channel::kOther) return finish({DecodeOutcome::kIgnored, R::kNone, 0});
  if (const R r = read_envelope(object, env); r != R::kNone) {
    return finish({DecodeOutcome::kMalformed, r, 0});
  }
  std::size_t ticks = 0;
  const bool trades = env.channel == Channel::kTrades;
  const R r = for_each_row(object, trades ? "trades" : "tickers", ticks, [&](od::object row) {
    GW_TRY(trades ? trade(row, env, tick_) : ticker(row, env, tick_));
    out(tick_);
    return R::kNone;
  });
  if (r != R::kNone) return finish({DecodeOutcome::kMalformed, r, ticks});
  return finish({DecodeOutcome::kOk, R::kNone, ticks});
}

}  // namespace gateway::coinbase
