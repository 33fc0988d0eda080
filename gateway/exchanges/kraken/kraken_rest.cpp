#include "gateway/exchanges/kraken/kraken_rest.h"

namespace gateway::kraken {

namespace {

namespace od = simdjson::ondemand;
using R = MalformedReason;

/// Element `index` of the array field `key`, as scalar text.
R element_text(od::object& object, std::string_view key, std::size_t index, std::string_view& out) {
  od::array array;
  const auto error = object.find_field_unordered(key).get_array().get(array);
  if (error == simdjson::NO_SUCH_FIELD) return R::kMissingField;
  if (error) return R::kBadJson;
  std::size_t i = 0;
  for (auto element : array) {
    od::value value;
    if (element.get(value)) return R::kBadJson;
    if (i++ == index) return detail::scalar_text(value, out);
  }
  return R::kMissingField;
}

R pair_ticker(od::object& row, core::Tick& tick) {
  std::string_view bid, bid_qty, ask, ask_qty, last, volume;
  GW_TRY(element_text(row, "b", 0, bid));
  GW_TRY(element_text(row, "b", 2, bid_qty));
  GW_TRY(element_text(row, "a", 0, ask));
  GW_TRY(element_text(row, "a", 2, ask_qty));
  GW_TRY(element_text(row, "c", 0, last));
  GW_TRY(element_text(row, "v", 1, volume));
  GW_TRY(detail::to_decimal(bid, tick.bid));
  GW_TRY(detail::to_decimal(bid_qty, tick.bid_qty));
  GW_TRY(detail::to_decimal(ask, tick.ask));
  GW_TRY(detail::to_decimal(ask_qty, tick.ask_qty));
  GW_TRY(detail::to_decimal(last, tick.last));
  return detail::to_decimal(volume, tick.volume);
}

R errors_empty(od::object& body) {
  od::array errors;
  const auto error = body.find_field_unordered("error").get_array().get(errors);
  if (error == simdjson::NO_SUCH_FIELD) return R::kNone;
  if (error) return R::kBadJson;
  for (auto element : errors) {
    (void)element;
    return R::kBadValue;
  }
  return R::kNone;
}

}  // namespace

DecodeResult KrakenRestCodec::decode_ticker(std::string_view pair, std::string_view body,
                                            std::int64_t ts_recv_us, const TickSink& out) {
  DecodeResult result;
  auto decode = [&]() -> R {
    if (pair.empty()) return R::kUnknownSymbol;
    od::document doc;
    od::object object, pairs;
    GW_TRY(reader_.open(body, doc));
    if (doc.get_object().get(object)) return R::kBadJson;
    GW_TRY(errors_empty(object));
    const auto error = object.find_field_unordered("result").get_object().get(pairs);
    if (error == simdjson::NO_SUCH_FIELD) return R::kMissingField;
    if (error) return R::kBadJson;
    for (auto field : pairs) {
      od::object row;
      if (field.value().get_object().get(row)) return R::kBadJson;
      detail::begin_tick(tick_, core::Exchange::kKraken, core::TickKind::kTicker, ts_recv_us);
      tick_.symbol.assign(pair);
      GW_TRY(pair_ticker(row, tick_));
      out(tick_);
      ++result.ticks;
    }
    return R::kNone;
  };
  if (const R r = decode(); r != R::kNone) result = {DecodeOutcome::kMalformed, r, result.ticks};
  stats_.count(result);
  return result;
}

}  // namespace gateway::kraken
