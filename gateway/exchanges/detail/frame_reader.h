/// @file gateway/exchanges/detail/frame_reader.h
/// @brief Internal to the exchange codecs: a reused simdjson On-Demand parser over a reused
/// padded copy of the frame, scalar extraction that keeps a number's exact text, and the
/// number/time/tick helpers all three codecs share.
///
/// Exposes simdjson; include it only from gateway/exchanges/*/*.cpp. Every helper that can fail
/// returns a MalformedReason (kNone = success) so codecs pass the first failure straight up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "core/types.h"
#include "gateway/exchanges/codec.h"

/// Returns the MalformedReason of `expr` from the enclosing function unless it is kNone.
#define GW_TRY(expr)                                     \
  do {                                                   \
    if (const ::gateway::MalformedReason gw_r_ = (expr); \
        gw_r_ != ::gateway::MalformedReason::kNone) {    \
      return gw_r_;                                      \
    }                                                    \
  } while (0)

namespace gateway::detail {

namespace od = simdjson::ondemand;

/// Owns one parser and one padded buffer; both grow to the largest frame seen, then stay.
class FrameReader {
 public:
  /// Copies `frame` into the padded buffer and starts iterating it into `doc`.
  MalformedReason open(std::string_view frame, od::document& doc);

 private:
  od::parser parser_;
  std::string buffer_;
};

/// A scalar's text: a string's unescaped content (valid until the next parse; a string without
/// escapes is a view of the frame itself), a number's or a
/// boolean's raw token without trailing whitespace. kMissingField for null, kBadJson for an
/// object, an array or a JSON error.
MalformedReason scalar_text(od::value value, std::string_view& out);
/// As above when the caller already knows the value's type.
MalformedReason scalar_text(od::value value, od::json_type type, std::string_view& out);

/// The field `key` of `object` (any order) as scalar text; kMissingField when absent.
MalformedReason field_text(od::object& object, std::string_view key, std::string_view& out);

/// Exact decimal from text; kMissingField when `text` is empty, kBadNumber when it is not one.
MalformedReason to_decimal(std::string_view text, std::optional<core::Decimal>& out);
/// As to_decimal, but an empty text leaves `out` empty (optional fields).
MalformedReason to_optional_decimal(std::string_view text, std::optional<core::Decimal>& out);
MalformedReason to_int(std::string_view text, std::int64_t& out);
MalformedReason to_uint(std::string_view text, std::uint64_t& out);
/// Epoch milliseconds as an integer text -> µs.
MalformedReason ms_to_us(std::string_view text, std::int64_t& out_us);
/// "2026-08-09T21:05:48.228568804Z" (RFC 3339, UTC "Z" or an offset, any fraction) -> µs,
/// truncating below the µs.
MalformedReason rfc3339_to_us(std::string_view text, std::int64_t& out_us);
/// "1618678142.557535" (epoch seconds with a fraction) -> µs, truncating below the µs.
MalformedReason epoch_seconds_to_us(std::string_view text, std::int64_t& out_us);

/// Non-empty and only [A-Z0-9].
bool is_symbol_part(std::string_view text);

/// Starts a new tick in `tick`, keeping the capacity of its strings: every optional is cleared
/// except `trade_id`, which keeps its buffer (set_trade_id refills it, clear_trade_id drops it).
void begin_tick(core::Tick& tick, core::Exchange exchange, core::TickKind kind,
                std::int64_t ts_recv_us);
MalformedReason set_trade_id(core::Tick& tick, std::string_view text);

}  // namespace gateway::detail
