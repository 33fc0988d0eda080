#include "gateway/exchanges/coinbase/coinbase_rest.h"

namespace gateway::coinbase {

namespace {

namespace od = simdjson::ondemand;
using R = MalformedReason;

R optional_field(od::object& row, std::string_view key, std::string_view& out) {
  const R r = detail::field_text(row, key, out);
  return r == R::kMissingField ? R::kNone : r;
}

/// last and ts_event from the newest trade, when there is one.
R newest_trade(od::object& body, core::Tick& tick) {
  od::array trades;
  const auto error = body.find_field_unordered("trades").get_array().get(trades);
  if (error == simdjson::NO_SUCH_FIELD) return R::kNone;
  if (error) return R::kBadJson;
  for (auto element : trades) {
    od::object row;
    if (element.get_object().get(row)) return R::kBadJson;
    std::string_view price, time;
    GW_TRY(detail::field_text(row, "price", price));
    GW_TRY(detail::field_text(row, "time", time));
    GW_TRY(detail::to_decimal(price, tick.last));
    return detail::rfc3339_to_us(time, tick.ts_event_us);
  }
  return R::kNone;
}

R ticker(od::object& body, std::string_view product_id, core::Tick& tick) {
  if (product_id.empty()) return R::kUnknownSymbol;
  tick.symbol.assign(product_id);
  std::string_view bid, ask;
  GW_TRY(optional_field(body, "best_bid", bid));
  GW_TRY(optional_field(body, "best_ask", ask));
  GW_TRY(detail::to_optional_decimal(bid, tick.bid));
  GW_TRY(detail::to_optional_decimal(ask, tick.ask));
  return newest_trade(body, tick);
}

}  // namespace

DecodeResult CoinbaseRestCodec::decode_ticker(std::string_view product_id, std::string_view body,
                                              std::int64_t ts_recv_us, const TickSink& out) {
  DecodeResult result;
  od::document doc;
  od::object object;
  detail::begin_tick(tick_, core::Exchange::kCoinbase, core::TickKind::kTicker, ts_recv_us);
  R r = reader_.open(body, doc);
  if (r == R::kNone)
    r = doc.get_object().get(object) ? R::kBadJson : ticker(object, product_id, tick_);
  if (r != R::kNone) {
    result = {DecodeOutcome::kMalformed, r, 0};
  } else {
    out(tick_);
    result.ticks = 1;
  }
  stats_.count(result);
  return result;
}

}  // namespace gateway::coinbase
