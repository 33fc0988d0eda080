#include "gateway/exchanges/binance/binance_codec.h"

namespace gateway::binance {

namespace {

namespace od = simdjson::ondemand;
using R = MalformedReason;

// The scalar fields of one stream payload, as text. Keys mean different things per event
// ("a" is the aggregate id of aggTrade but the ask of bookTicker), so they are kept raw and
// read once the event type is known.
struct Payload {
  std::string_view e, E, s, t, p, q, T, m, a, b, A, B, u, c, v;
};

// `key` points after the key's opening quote; only one-letter keys matter.
std::string_view* slot(Payload& f, const char* key) {
  if (key[0] == '"' || key[1] != '"') return nullptr;
  switch (key[0]) {
    case 'e':
      return &f.e;
    case 'E':
      return &f.E;
    case 's':
      return &f.s;
    case 't':
      return &f.t;
    case 'p':
      return &f.p;
    case 'q':
      return &f.q;
    case 'T':
      return &f.T;
    case 'm':
      return &f.m;
    case 'a':
      return &f.a;
    case 'b':
      return &f.b;
    case 'A':
      return &f.A;
    case 'B':
      return &f.B;
    case 'u':
      return &f.u;
    case 'c':
      return &f.c;
    case 'v':
      return &f.v;
    default:
      return nullptr;
  }
}

// Reads every scalar field of `object`; non-scalar values (depth levels, kline objects) are
// left empty: the event types that have them are ignored.
R read_payload(od::object object, Payload& f) {
  for (auto field : object) {
    od::raw_json_string key;
    if (field.key().get(key)) return R::kBadJson;
    std::string_view* target = slot(f, key.raw());
    if (target == nullptr) continue;
    od::value value;
    od::json_type type;
    if (field.value().get(value) || value.type().get(type)) return R::kBadJson;
    if (type == od::json_type::object || type == od::json_type::array ||
        type == od::json_type::null) {
      continue;  // depth levels, kline objects: their event types are ignored
    }
    GW_TRY(detail::scalar_text(value, type, *target));
  }
  return R::kNone;
}

R symbol(core::Tick& tick, std::string_view s) {
  if (s.empty()) return R::kMissingField;
  if (!detail::is_symbol_part(s)) return R::kUnknownSymbol;
  tick.symbol.assign(s);
  return R::kNone;
}

R taker_side(std::string_view m, core::Tick& tick) {
  if (m.empty()) return R::kMissingField;
  if (m != "true" && m != "false") return R::kBadValue;
  tick.side = m == "true" ? core::Side::kSell : core::Side::kBuy;
  return R::kNone;
}

R trade(const Payload& f, std::string_view id, core::Tick& tick) {
  GW_TRY(symbol(tick, f.s));
  std::uint64_t id_value = 0;
  GW_TRY(detail::to_uint(id, id_value));
  GW_TRY(detail::set_trade_id(tick, id));
  GW_TRY(detail::to_decimal(f.p, tick.price));
  GW_TRY(detail::to_decimal(f.q, tick.qty));
  GW_TRY(detail::ms_to_us(f.T, tick.ts_event_us));
  return taker_side(f.m, tick);
}

R top_of_book(std::string_view b, std::string_view bq, std::string_view a, std::string_view aq,
              bool required, core::Tick& tick) {
  auto get = required ? detail::to_decimal : detail::to_optional_decimal;
  GW_TRY(get(b, tick.bid));
  GW_TRY(get(bq, tick.bid_qty));
  GW_TRY(get(a, tick.ask));
  return get(aq, tick.ask_qty);
}

R book_ticker(const Payload& f, core::Tick& tick) {
  GW_TRY(symbol(tick, f.s));
  std::uint64_t seq = 0;
  GW_TRY(detail::to_uint(f.u, seq));
  tick.seq = seq;
  return top_of_book(f.b, f.B, f.a, f.A, true, tick);
}

R ticker_24hr(const Payload& f, core::Tick& tick) {
  GW_TRY(symbol(tick, f.s));
  GW_TRY(detail::ms_to_us(f.E, tick.ts_event_us));
  GW_TRY(top_of_book(f.b, f.B, f.a, f.A, true, tick));
  GW_TRY(detail::to_decimal(f.c, tick.last));
  return detail::to_decimal(f.v, tick.volume);
}

// One stream payload -> at most one tick. `ignored` is set for payloads without market data.
R decode_payload(od::object object, std::int64_t ts_recv_us, core::Tick& tick, bool& ignored) {
  Payload f;
  GW_TRY(read_payload(object, f));
  ignored = false;
  if (f.e == "trade" || f.e == "aggTrade") {
    detail::begin_tick(tick, core::Exchange::kBinance, core::TickKind::kTrade, ts_recv_us);
    return trade(f, f.e == "trade" ? f.t : f.a, tick);
  }
  if (f.e == "24hrTicker") {
    detail::begin_tick(tick, core::Exchange::kBinance, core::TickKind::kTicker, ts_recv_us);
    return ticker_24hr(f, tick);
  }
  if (f.e.empty() && !f.u.empty()) {
    detail::begin_tick(tick, core::Exchange::kBinance, core::TickKind::kBook, ts_recv_us);
    return book_ticker(f, tick);
  }
  ignored = true;
  return R::kNone;
}

DecodeResult malformed(R reason, std::size_t ticks) {
  return {DecodeOutcome::kMalformed, reason, ticks};
}

}  // namespace

DecodeResult BinanceCodec::finish(DecodeResult result) {
  stats_.count(result);
  return result;
}

DecodeResult BinanceCodec::decode(std::string_view frame, std::int64_t ts_recv_us,
                                  const TickSink& out) {
  od::document doc;
  if (const R r = reader_.open(frame, doc); r != R::kNone) return finish(malformed(r, 0));
  od::object object;
  if (doc.get_object().get(object)) return finish(malformed(R::kBadJson, 0));
  od::value data;
  const auto error = object.find_field_unordered("data").get(data);
  if (error && error != simdjson::NO_SUCH_FIELD) return finish(malformed(R::kBadJson, 0));
  if (error == simdjson::NO_SUCH_FIELD) {
    // A raw-stream payload or a control frame: read the top-level object itself.
    doc.rewind();
    if (doc.get_object().get(object)) return finish(malformed(R::kBadJson, 0));
  } else if (data.get_object().get(object)) {
    return finish(malformed(R::kBadJson, 0));
  }
  bool ignored = false;
  if (const R r = decode_payload(object, ts_recv_us, tick_, ignored); r != R::kNone) {
    return finish(malformed(r, 0));
  }
  if (ignored) return finish({DecodeOutcome::kIgnored, R::kNone, 0});
  out(tick_);
  return finish({DecodeOutcome::kOk, R::kNone, 1});
}

DecodeResult BinanceCodec::decode_rest_book_ticker(std::string_view body, std::int64_t ts_recv_us,
                                                   const TickSink& out) {
  return decode_rest(Rest::kBookTicker, body, ts_recv_us, out);
}

DecodeResult BinanceCodec::decode_rest_ticker_24hr(std::string_view body, std::int64_t ts_recv_us,
                                                   const TickSink& out) {
  return decode_rest(Rest::kTicker24hr, body, ts_recv_us, out);
}

namespace {

R rest_row(od::object row, bool book, std::int64_t ts_recv_us, core::Tick& tick) {
  std::string_view s, b, bq, a, aq, last, volume, close_time;
  GW_TRY(detail::field_text(row, "symbol", s));
  auto optional = [&row](std::string_view key, std::string_view& out) {
    const R r = detail::field_text(row, key, out);
    return r == R::kMissingField ? R::kNone : r;
  };
  GW_TRY(optional("bidPrice", b));
  GW_TRY(optional("bidQty", bq));
  GW_TRY(optional("askPrice", a));
  GW_TRY(optional("askQty", aq));
  detail::begin_tick(tick, core::Exchange::kBinance,
                     book ? core::TickKind::kBook : core::TickKind::kTicker, ts_recv_us);
  GW_TRY(symbol(tick, s));
  if (book) return top_of_book(b, bq, a, aq, true, tick);
  GW_TRY(detail::field_text(row, "lastPrice", last));
  GW_TRY(detail::field_text(row, "volume", volume));
  GW_TRY(detail::field_text(row, "closeTime", close_time));
  GW_TRY(top_of_book(b, bq, a, aq, false, tick));
  GW_TRY(detail::to_decimal(last, tick.last));
  GW_TRY(detail::to_decimal(volume, tick.volume));
  return detail::ms_to_us(close_time, tick.ts_event_us);
}

}  // namespace

DecodeResult BinanceCodec::decode_rest(Rest kind, std::string_view body, std::int64_t ts_recv_us,
                                       const TickSink& out) {
  od::document doc;
  if (const R r = reader_.open(body, doc); r != R::kNone) return finish(malformed(r, 0));
  const bool book = kind == Rest::kBookTicker;
  od::json_type type;
  if (doc.type().get(type)) return finish(malformed(R::kBadJson, 0));
  std::size_t ticks = 0;
  auto one = [&](od::object row) {
    const R r = rest_row(row, book, ts_recv_us, tick_);
    if (r == R::kNone) out(tick_), ++ticks;
    return r;
  };
  if (type == od::json_type::object) {
    od::object row;
    if (doc.get_object().get(row)) return finish(malformed(R::kBadJson, 0));
    if (const R r = one(row); r != R::kNone) return finish(malformed(r, 0));
    return finish({DecodeOutcome::kOk, R::kNone, ticks});
  }
  od::array rows;
  if (doc.get_array().get(rows)) return finish(malformed(R::kBadJson, 0));
  for (auto element : rows) {
    od::object row;
    if (element.get_object().get(row)) return finish(malformed(R::kBadJson, ticks));
    if (const R r = one(row); r != R::kNone) return finish(malformed(r, ticks));
  }
  return finish({DecodeOutcome::kOk, R::kNone, ticks});
}

}  // namespace gateway::binance
