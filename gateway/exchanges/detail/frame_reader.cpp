#include "gateway/exchanges/detail/frame_reader.h"

#include <charconv>
#include <cstring>

namespace gateway::detail {

namespace {

std::string_view trim_right(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

template <typename Int>
bool parse_digits(std::string_view text, Int& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool fixed_int(std::string_view text, std::size_t pos, std::size_t len, unsigned& out) {
  return pos + len <= text.size() && parse_digits(text.substr(pos, len), out);
}

// Up to 6 fraction digits as µs; further digits must be digits and are dropped.
bool fraction_us(std::string_view digits, std::int64_t& out_us) {
  out_us = 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (digits[i] < '0' || digits[i] > '9') return false;
    if (i < 6) out_us = out_us * 10 + (digits[i] - '0');
  }
  for (std::size_t i = digits.size(); i < 6; ++i) out_us *= 10;
  return true;
}

// The form exchanges send, `-?digits(.digits)?` with at most 18 digits, without the general
// parser's 128-bit arithmetic; false sends anything else to Decimal::parse (same result).
bool plain_decimal(std::string_view text, std::optional<core::Decimal>& out) {
  std::size_t i = text[0] == '-' ? 1 : 0;
  const bool negative = i == 1;
  std::int64_t mantissa = 0;
  int digits = 0;
  int places = -1;  // -1 until the point
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      if (++digits > 18) return false;
      mantissa = mantissa * 10 + (c - '0');
      if (places >= 0) ++places;
    } else if (c == '.' && places < 0 && digits > 0) {
      places = 0;
    } else {
      return false;
    }
  }
  if (digits == 0 || places == 0 || places > core::Decimal::kMaxScale) return false;
  auto value =
      core::Decimal::from_mantissa(negative ? -mantissa : mantissa, places < 0 ? 0 : places);
  if (!value) return false;
  out = *value;
  return true;
}

}  // namespace

MalformedReason FrameReader::open(std::string_view frame, od::document& doc) {
  const std::size_t padded = frame.size() + simdjson::SIMDJSON_PADDING;
  if (buffer_.size() < padded) buffer_.resize(padded);
  std::memcpy(buffer_.data(), frame.data(), frame.size());
  std::memset(buffer_.data() + frame.size(), 0, simdjson::SIMDJSON_PADDING);
  return parser_.iterate(buffer_.data(), frame.size(), buffer_.size()).get(doc)
             ? MalformedReason::kBadJson
             : MalformedReason::kNone;
}

MalformedReason scalar_text(od::value value, std::string_view& out) {
  od::json_type type;
  if (value.type().get(type)) return MalformedReason::kBadJson;
  return scalar_text(value, type, out);
}

MalformedReason scalar_text(od::value value, od::json_type type, std::string_view& out) {
  switch (type) {
    case od::json_type::string: {
      // Prices, symbols and ids have no escapes: take them from the input, no unescaping copy.
      const std::string_view token = trim_right(value.raw_json_token());
      if (token.size() >= 2 && token.back() == '"' && token.find('\\') == std::string_view::npos) {
        out = token.substr(1, token.size() - 2);
        return MalformedReason::kNone;
      }
      return value.get_string().get(out) ? MalformedReason::kBadJson : MalformedReason::kNone;
    }
    case od::json_type::number:
    case od::json_type::boolean:
      out = trim_right(value.raw_json_token());
      return MalformedReason::kNone;
    case od::json_type::null:
      return MalformedReason::kMissingField;
    default:
      return MalformedReason::kBadJson;
  }
}

MalformedReason field_text(od::object& object, std::string_view key, std::string_view& out) {
  od::value value;
  auto error = object.find_field_unordered(key).get(value);
  if (error == simdjson::NO_SUCH_FIELD) return MalformedReason::kMissingField;
  if (error) return MalformedReason::kBadJson;
  return scalar_text(value, out);
}

MalformedReason to_decimal(std::string_view text, std::optional<core::Decimal>& out) {
  if (text.empty()) return MalformedReason::kMissingField;
  if (plain_decimal(text, out)) return MalformedReason::kNone;
  auto parsed = core::Decimal::parse(text);
  if (!parsed) return MalformedReason::kBadNumber;
  out = *parsed;
  return MalformedReason::kNone;
}

MalformedReason to_optional_decimal(std::string_view text, std::optional<core::Decimal>& out) {
  if (text.empty()) return out.reset(), MalformedReason::kNone;
  return to_decimal(text, out);
}

MalformedReason to_int(std::string_view text, std::int64_t& out) {
  if (text.empty()) return MalformedReason::kMissingField;
  return parse_digits(text, out) ? MalformedReason::kNone : MalformedReason::kBadNumber;
}

MalformedReason to_uint(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return MalformedReason::kMissingField;
  return parse_digits(text, out) ? MalformedReason::kNone : MalformedReason::kBadNumber;
}

MalformedReason ms_to_us(std::string_view text, std::int64_t& out_us) {
  std::int64_t ms = 0;
  if (auto r = to_int(text, ms); r != MalformedReason::kNone) return r;
  if (ms < 0 || ms > INT64_MAX / 1000) return MalformedReason::kBadNumber;
  out_us = ms * 1000;
  return MalformedReason::kNone;
}

MalformedReason rfc3339_to_us(std::string_view text, std::int64_t& out_us) {
  if (text.empty()) return MalformedReason::kMissingField;
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  const bool shape = text.size() >= 20 && text[4] == '-' && text[7] == '-' &&
                     (text[10] == 'T' || text[10] == ' ') && text[13] == ':' && text[16] == ':';
  if (!shape || !fixed_int(text, 0, 4, y) || !fixed_int(text, 5, 2, mo) ||
      !fixed_int(text, 8, 2, d) || !fixed_int(text, 11, 2, h) || !fixed_int(text, 14, 2, mi) ||
      !fixed_int(text, 17, 2, s) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
      s > 60) {
    return MalformedReason::kBadNumber;
  }
  std::size_t pos = 19;
  std::int64_t frac_us = 0;
  if (text[pos] == '.') {
    const std::size_t end = text.find_first_not_of("0123456789", pos + 1);
    if (end == std::string_view::npos || end == pos + 1) return MalformedReason::kBadNumber;
    fraction_us(text.substr(pos + 1, end - pos - 1), frac_us);
    pos = end;
  }
  std::int64_t offset_s = 0;
  std::string_view zone = text.substr(pos);
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    unsigned oh = 0, om = 0;
    if (!fixed_int(zone, 1, 2, oh) || !fixed_int(zone, 4, 2, om))
      return MalformedReason::kBadNumber;
    offset_s = (zone[0] == '+' ? 1 : -1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
  } else if (zone != "Z") {
    return MalformedReason::kBadNumber;
  }
  const std::int64_t seconds =
      days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset_s;
  out_us = seconds * 1'000'000 + frac_us;
  return MalformedReason::kNone;
}

MalformedReason epoch_seconds_to_us(std::string_view text, std::int64_t& out_us) {
  if (text.empty()) return MalformedReason::kMissingField;
  const std::size_t dot = text.find('.');
  std::int64_t seconds = 0;
  std::int64_t frac_us = 0;
  if (!parse_digits(text.substr(0, dot), seconds) || seconds > INT64_MAX / 1'000'000 - 1 ||
      (dot != std::string_view::npos &&
       (dot + 1 == text.size() || !fraction_us(text.substr(dot + 1), frac_us)))) {
    return MalformedReason::kBadNumber;
  }
  out_us = seconds * 1'000'000 + frac_us;
  return MalformedReason::kNone;
}

bool is_symbol_part(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

void begin_tick(core::Tick& tick, core::Exchange exchange, core::TickKind kind,
                std::int64_t ts_recv_us) {
  tick.v = core::Tick::kVersion;
  tick.exchange = exchange;
  tick.kind = kind;
  tick.ts_event_us = ts_recv_us;
  tick.ts_recv_us = ts_recv_us;
  tick.seq.reset();
  tick.price.reset();
  tick.qty.reset();
  tick.side.reset();
  if (kind != core::TickKind::kTrade) tick.trade_id.reset();
  tick.bid.reset();
  tick.bid_qty.reset();
  tick.ask.reset();
  tick.ask_qty.reset();
  tick.last.reset();
  tick.volume.reset();
}

MalformedReason set_trade_id(core::Tick& tick, std::string_view text) {
  if (text.empty()) return MalformedReason::kMissingField;
  if (!tick.trade_id) tick.trade_id.emplace();
  tick.trade_id->assign(text);
  return MalformedReason::kNone;
}

}  // namespace gateway::detail
