/// @file core/decimal.h
/// @brief `Decimal`: an exact decimal number for prices, quantities, notionals and volumes.
///
/// A value is a signed 128-bit mantissa and a scale (digits after the point, 0..kMaxScale):
/// "0.00010000" is mantissa 10000, scale 8, and prints back as "0.00010000", so every digit
/// the exchange sent survives a parse/print round trip. Equality, ordering and hashing-free
/// comparisons go by value ("1.50" == "1.5"); only `to_string()` shows the scale ("-0.00"
/// reads as zero and prints as "0.00").
/// Arithmetic is exact or fails: add/sub/mul return `Result` with kInvalidArgument on overflow
/// (|mantissa| >= 10^38) or when the scale would exceed kMaxScale. No binary floating point
/// is used anywhere except `to_double()`, which is for display and metrics only.
/// A plain value type: copy freely, no allocation except `to_string()`.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "core/status.h"

namespace core {

/// How `div_round` treats the digits it drops.
enum class Rounding {
  kTowardZero,  // truncate
  kFloor,       // toward negative infinity
  kCeiling,     // toward positive infinity
  kHalfUp,      // nearest, ties away from zero
  kHalfEven,    // nearest, ties to the even neighbour (banker's rounding)
};

class Decimal {
 public:
  using Mantissa = __int128;
  static constexpr int kMaxScale = 18;
  static constexpr int kMaxDigits = 38;
  /// Longest text `write_to` produces: sign, "0.", 38 digits.
  static constexpr std::size_t kMaxChars = 48;

  /// Zero with scale 0.
  constexpr Decimal() = default;

  /// Accepts `-?digits(.digits)?([eE][+-]?digits)?`, the JSON number grammar plus leading
  /// zeros. An exponent form is folded into the scale ("1e-05" -> "0.00001"). Errors
  /// (kInvalidArgument, message quotes the input): empty, junk, more than kMaxScale places
  /// after folding, more than kMaxDigits significant digits.
  static Result<Decimal> parse(std::string_view text);
  static Decimal from_int(std::int64_t value) { return Decimal(value, 0); }
  /// mantissa / 10^scale. kInvalidArgument when scale is outside 0..kMaxScale or the
  /// mantissa has more than kMaxDigits digits.
  static Result<Decimal> from_mantissa(Mantissa mantissa, int scale);

  Mantissa mantissa() const { return mantissa_; }
  int scale() const { return scale_; }
  bool is_zero() const { return mantissa_ == 0; }
  bool is_negative() const { return mantissa_ < 0; }
  bool is_positive() const { return mantissa_ > 0; }
  Decimal negated() const { return Decimal(-mantissa_, scale_); }
  Decimal abs() const { return is_negative() ? negated() : *this; }
  /// The same value with trailing zeros after the point removed ("1.500" -> "1.5").
  Decimal normalized() const;
  /// The same value at `scale`; kInvalidArgument if digits would be lost or it overflows.
  Result<Decimal> rescaled(int scale) const;

  /// Exact; the result's scale is the larger of the two.
  Result<Decimal> add(const Decimal& other) const;
  Result<Decimal> sub(const Decimal& other) const;
  /// Exact; the result's scale is the sum of both, trailing zeros trimmed only when the sum
  /// exceeds kMaxScale. Notional = price.mul(qty).
  Result<Decimal> mul(const Decimal& other) const;
  /// this / divisor with `scale` places, rounded by `rounding` (averages, ratios).
  /// kInvalidArgument on a zero divisor, a scale outside 0..kMaxScale, or overflow.
  Result<Decimal> div_round(const Decimal& divisor, int scale, Rounding rounding) const;

  /// The largest multiple of `step` not above this value, at the larger of the two scales
  /// (lot size, tick size). kInvalidArgument when step <= 0 or on overflow.
  Result<Decimal> floor_to_step(const Decimal& step) const;
  /// Whether this value is an exact multiple of `step`. False when step <= 0 (exchanges send a
  /// step of 0 to disable a filter; the caller decides what that means).
  bool is_multiple_of(const Decimal& step) const;

  /// Text with exactly scale() digits after the point; "-" for negatives, never exponent form.
  std::string to_string() const;
  /// Writes the same text as to_string() to `out` (at least kMaxChars); returns its length.
  std::size_t write_to(char* out) const;
  void append_to(std::string& out) const;
  /// Nearest double. For display and metrics only, never for decisions.
  double to_double() const;

  friend bool operator==(const Decimal& a, const Decimal& b) { return compare(a, b) == 0; }
  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
    return compare(a, b) <=> 0;
  }

 private:
  constexpr Decimal(Mantissa mantissa, int scale)
      : mantissa_(mantissa), scale_(static_cast<std::int8_t>(scale)) {}
  /// -1, 0, 1 by value, never overflowing.
  static int compare(const Decimal& a, const Decimal& b);

  Mantissa mantissa_ = 0;
  std::int8_t scale_ = 0;
};

}  // namespace core

template <>
struct fmt::formatter<core::Decimal> : fmt::formatter<std::string_view> {
  auto format(const core::Decimal& d, fmt::format_context& ctx) const {
    char buf[core::Decimal::kMaxChars];
    return fmt::formatter<std::string_view>::format(std::string_view(buf, d.write_to(buf)), ctx);
  }
};
