#include "gateway/exchanges/kraken/kraken_codec.h"

namespace gateway::kraken {

namespace {

namespace od = simdjson::ondemand;
using R = MalformedReason;

std::string_view native_asset(std::string_view asset) {
  if (asset == "BTC") return "XBT";
  if (asset == "DOGE") return "XDG";
  return asset;
}

R symbol(std::string_view pair, core::Tick& tick) {
  if (pair.empty()) return R::kMissingField;
  return native_symbol(pair, tick.symbol) ? R::kNone : R::kUnknownSymbol;
}

R side(std::string_view text, core::Tick& tick) {
  if (text == "buy" || text == "b") {
    tick.side = core::Side::kBuy;
  } else if (text == "sell" || text == "s") {
    tick.side = core::Side::kSell;
  } else {
    return text.empty() ? R::kMissingField : R::kBadValue;
  }
  return R::kNone;
}

R optional_field(od::object& row, std::string_view key, std::string_view& out) {
  const R r = detail::field_text(row, key, out);
  return r == R::kMissingField ? R::kNone : r;
}

R v2_ticker(od::object row, core::Tick& tick) {
  std::string_view pair, bid, bid_qty, ask, ask_qty, last, volume, timestamp;
  GW_TRY(detail::field_text(row, "symbol", pair));
  GW_TRY(detail::field_text(row, "bid", bid));
  GW_TRY(detail::field_text(row, "bid_qty", bid_qty));
  GW_TRY(detail::field_text(row, "ask", ask));
  GW_TRY(detail::field_text(row, "ask_qty", ask_qty));
  GW_TRY(detail::field_text(row, "last", last));
  GW_TRY(detail::field_text(row, "volume", volume));
  GW_TRY(optional_field(row, "timestamp", timestamp));
  GW_TRY(symbol(pair, tick));
  GW_TRY(detail::to_decimal(bid, tick.bid));
  GW_TRY(detail::to_decimal(bid_qty, tick.bid_qty));
  GW_TRY(detail::to_decimal(ask, tick.ask));
  GW_TRY(detail::to_decimal(ask_qty, tick.ask_qty));
  GW_TRY(detail::to_decimal(last, tick.last));
  GW_TRY(detail::to_decimal(volume, tick.volume));
  return timestamp.empty() ? R::kNone : detail::rfc3339_to_us(timestamp, tick.ts_event_us);
}

R v2_trade(od::object row, core::Tick& tick) {
  std::string_view pair, side_text, price, qty, id, timestamp;
  GW_TRY(detail::field_text(row, "symbol", pair));
  GW_TRY(detail::field_text(row, "side", side_text));
  GW_TRY(detail::field_text(row, "price", price));
  GW_TRY(detail::field_text(row, "qty", qty));
  GW_TRY(detail::field_text(row, "trade_id", id));
  GW_TRY(detail::field_text(row, "timestamp", timestamp));
  GW_TRY(symbol(pair, tick));
  GW_TRY(side(side_text, tick));
  GW_TRY(detail::to_decimal(price, tick.price));
  GW_TRY(detail::to_decimal(qty, tick.qty));
  GW_TRY(detail::set_trade_id(tick, id));
  return detail::rfc3339_to_us(timestamp, tick.ts_event_us);
}

// Item `index` of the array `value` as scalar text; kMissingField when it is shorter.
R item(od::value value, std::size_t index, std::string_view& out) {
  od::array array;
  if (value.get_array().get(array)) return R::kBadJson;
  std::size_t i = 0;
  for (auto element : array) {
    od::value v;
    if (element.get(v)) return R::kBadJson;
    if (i++ == index) return detail::scalar_text(v, out);
  }
  return R::kMissingField;
}

R keyed_item(od::object& object, std::string_view key, std::size_t index, std::string_view& out) {
  od::value value;
  const auto error = object.find_field_unordered(key).get(value);
  if (error == simdjson::NO_SUCH_FIELD) return R::kMissingField;
  if (error) return R::kBadJson;
  return item(value, index, out);
}

R v1_ticker(od::value payload, core::Tick& tick) {
  od::object object;
  if (payload.get_object().get(object)) return R::kBadJson;
  std::string_view ask, ask_qty, bid, bid_qty, last, volume;
  GW_TRY(keyed_item(object, "a", 0, ask));
  GW_TRY(keyed_item(object, "a", 2, ask_qty));
  GW_TRY(keyed_item(object, "b", 0, bid));
  GW_TRY(keyed_item(object, "b", 2, bid_qty));
  GW_TRY(keyed_item(object, "c", 0, last));
  GW_TRY(keyed_item(object, "v", 1, volume));
  GW_TRY(detail::to_decimal(ask, tick.ask));
  GW_TRY(detail::to_decimal(ask_qty, tick.ask_qty));
  GW_TRY(detail::to_decimal(bid, tick.bid));
  GW_TRY(detail::to_decimal(bid_qty, tick.bid_qty));
  GW_TRY(detail::to_decimal(last, tick.last));
  return detail::to_decimal(volume, tick.volume);
}

// One v1 trade row [price, volume, time, side, orderType, misc].
R v1_trade_row(od::array row, core::Tick& tick) {
  std::string_view fields[4];
  std::size_t i = 0;
  for (auto element : row) {
    od::value v;
    if (element.get(v)) return R::kBadJson;
    if (i < 4) GW_TRY(detail::scalar_text(v, fields[i]));
    ++i;
  }
  if (i < 4) return R::kMissingField;
  GW_TRY(detail::to_decimal(fields[0], tick.price));
  GW_TRY(detail::to_decimal(fields[1], tick.qty));
  GW_TRY(detail::epoch_seconds_to_us(fields[2], tick.ts_event_us));
  return side(fields[3], tick);
}

enum class V1Channel { kTicker, kTrade, kOther };

}  // namespace

bool native_symbol(std::string_view pair, std::string& out) {
  const std::size_t slash = pair.find('/');
  if (slash == std::string_view::npos) return false;
  const std::string_view base = pair.substr(0, slash);
  const std::string_view quote = pair.substr(slash + 1);
  if (!detail::is_symbol_part(base) || !detail::is_symbol_part(quote)) return false;
  out.assign(native_asset(base));
  out.append(native_asset(quote));
  return true;
}

DecodeResult KrakenCodec::finish(DecodeResult result) {
  stats_.count(result);
  return result;
}

DecodeResult KrakenCodec::decode(std::string_view frame, std::int64_t ts_recv_us,
                                 const TickSink& out) {
  od::document doc;
  if (const R r = reader_.open(frame, doc); r != R::kNone) {
    return finish({DecodeOutcome::kMalformed, r, 0});
  }
  od::json_type type;
  if (doc.type().get(type)) return finish({DecodeOutcome::kMalformed, R::kBadJson, 0});
  if (type == od::json_type::array) return finish(decode_v1(doc, ts_recv_us, out));
  od::object object;
  if (doc.get_object().get(object)) return finish({DecodeOutcome::kMalformed, R::kBadJson, 0});
  return finish(decode_v2(object, ts_recv_us, out));
}

DecodeResult KrakenCodec::decode_v2(od::object& object, std::int64_t ts_recv_us,
                                    const TickSink& out) {
  std::string_view channel;
  if (const R r = detail::field_text(object, "channel", channel); r != R::kNone) {
    // Method replies ({"method":"subscribe",..}) and v1 events ({"event":"heartbeat"}).
    std::string_view kind;
    if (r == R::kMissingField && (detail::field_text(object, "method", kind) == R::kNone ||
                                  detail::field_text(object, "event", kind) == R::kNone)) {
      return {DecodeOutcome::kIgnored, R::kNone, 0};
    }
    return {DecodeOutcome::kMalformed, r, 0};
  }
  const bool trade = channel == "trade";
  if (!trade && channel != "ticker") return {DecodeOutcome::kIgnored, R::kNone, 0};
  od::array rows;
  const auto error = object.find_field_unordered("data").get_array().get(rows);
  if (error) {
    return {DecodeOutcome::kMalformed,
            error == simdjson::NO_SUCH_FIELD ? R::kMissingField : R::kBadJson, 0};
  }
  std::size_t ticks = 0;
  for (auto row : rows) {
    od::object row_object;
    if (row.get_object().get(row_object)) return {DecodeOutcome::kMalformed, R::kBadJson, ticks};
    detail::begin_tick(tick_, core::Exchange::kKraken,
                       trade ? core::TickKind::kTrade : core::TickKind::kTicker, ts_recv_us);
    const R r = trade ? v2_trade(row_object, tick_) : v2_ticker(row_object, tick_);
    if (r != R::kNone) return {DecodeOutcome::kMalformed, r, ticks};
    out(tick_);
    ++ticks;
  }
  return {DecodeOutcome::kOk, R::kNone, ticks};
}

DecodeResult KrakenCodec::decode_v1(od::document& doc, std::int64_t ts_recv_us,
                                    const TickSink& out) {
  // The channel name and pair come after the payload: a first pass finds them, a second
  // (over the same parsed input) decodes the payload.
  od::array array;
  std::size_t strings = 0;
  if (doc.get_array().get(array)) return {DecodeOutcome::kMalformed, R::kBadJson, 0};
  for (auto element : array) {
    od::value v;
    od::json_type type;
    if (element.get(v) || v.type().get(type)) return {DecodeOutcome::kMalformed, R::kBadJson, 0};
    if (type != od::json_type::string) continue;
    std::string_view text;
    if (v.get_string().get(text)) return {DecodeOutcome::kMalformed, R::kBadJson, 0};
    strings_[strings++ % 2].assign(text);
  }
  if (strings < 2) return {DecodeOutcome::kMalformed, R::kMissingField, 0};
  const std::string& channel = strings_[strings % 2];  // the second-to-last string
  const std::string& pair = strings_[(strings + 1) % 2];
  const V1Channel kind = channel == "ticker"  ? V1Channel::kTicker
                         : channel == "trade" ? V1Channel::kTrade
                                              : V1Channel::kOther;
  if (kind == V1Channel::kOther) return {DecodeOutcome::kIgnored, R::kNone, 0};

  doc.rewind();
  od::value payload;
  if (doc.at(1).get(payload)) return {DecodeOutcome::kMalformed, R::kBadJson, 0};
  const bool trade = kind == V1Channel::kTrade;
  detail::begin_tick(tick_, core::Exchange::kKraken,
                     trade ? core::TickKind::kTrade : core::TickKind::kTicker, ts_recv_us);
  tick_.trade_id.reset();  // v1 trades carry no id
  if (const R r = symbol(pair, tick_); r != R::kNone) return {DecodeOutcome::kMalformed, r, 0};
  if (!trade) {
    if (const R r = v1_ticker(payload, tick_); r != R::kNone) {
      return {DecodeOutcome::kMalformed, r, 0};
    }
    out(tick_);
    return {DecodeOutcome::kOk, R::kNone, 1};
  }
  od::array rows;
  if (payload.get_array().get(rows)) return {DecodeOutcome::kMalformed, R::kBadJson, 0};
  std::size_t ticks = 0;
  for (auto row : rows) {
    od::array row_array;
    if (row.get_array().get(row_array)) return {DecodeOutcome::kMalformed, R::kBadJson, ticks};
    if (const R r = v1_trade_row(row_array, tick_); r != R::kNone) {
      return {DecodeOutcome::kMalformed, r, ticks};
    }
    out(tick_);
    ++ticks;
  }
  return {DecodeOutcome::kOk, R::kNone, ticks};
}

}  // namespace gateway::kraken
