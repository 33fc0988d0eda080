#include "core/decimal.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

namespace core {
namespace {

using M = Decimal::Mantissa;

constexpr std::array<M, 39> make_pow10() {
  std::array<M, 39> p{};
  p[0] = 1;
  for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}
constexpr std::array<M, 39> kPow10 = make_pow10();
constexpr M kLimit = kPow10[Decimal::kMaxDigits];  // |mantissa| < 10^38

bool in_range(M m) {
  return m > -kLimit && m < kLimit;
}

bool checked_mul(M a, M b, M& out) {
  return !__builtin_mul_overflow(a, b, &out) && in_range(out);
}
bool checked_add(M a, M b, M& out) {
  return !__builtin_add_overflow(a, b, &out) && in_range(out);
}
bool scale_up(M m, int places, M& out) {
  return checked_mul(m, kPow10[places], out);
}

/// Quotes user input in messages, cut short so a hostile payload cannot flood the logs.
std::string quoted(std::string_view text) {
  constexpr std::size_t kShown = 64;
  if (text.size() <= kShown) return fmt::format("\"{}\"", text);
  return fmt::format("\"{}...\"", text.substr(0, kShown));
}

Status overflow(std::string_view what, const Decimal& a, const Decimal& b) {
  return make_error(Errc::kInvalidArgument, "decimal overflow in {} of {} and {}", what, a, b);
}

constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/// Reads a run of digits into `mantissa`; counts significant ones. Returns the run's length.
std::size_t read_digits(std::string_view text, std::size_t& i, M& mantissa, int& significant) {
  const std::size_t start = i;
  for (; i < text.size() && is_digit(text[i]); ++i) {
    if (mantissa != 0 || text[i] != '0') ++significant;
    if (significant > Decimal::kMaxDigits) return i - start;  // caller reports
    mantissa = mantissa * 10 + (text[i] - '0');
  }
  return i - start;
}

/// The exponent of "e-05": optional sign and at least one digit, bounded to stay sane.
bool read_exponent(std::string_view text, std::size_t& i, int& exponent) {
  if (i == text.size() || (text[i] != 'e' && text[i] != 'E')) return true;
  ++i;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  const std::size_t start = i;
  for (; i < text.size() && is_digit(text[i]); ++i) {
    exponent = exponent * 10 + (text[i] - '0');
    if (exponent > 1000) return false;
  }
  if (negative) exponent = -exponent;
  return i > start;
}

}  // namespace

Result<Decimal> Decimal::parse(std::string_view text) {
  // Prices and quantities as exchanges send them ("61837.63000000"): at most 18 digits, one
  // point, no exponent, so one pass in 64 bits. Anything else, errors included, takes the
  // general path below.
  const bool negative = text.starts_with('-');
  if (text.size() <= 20) {
    std::size_t i = negative ? 1 : 0;
    std::uint64_t digits_value = 0;
    int digits = 0;
    int places = -1;  // no point yet
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (is_digit(c)) {
        digits_value = digits_value * 10 + static_cast<std::uint64_t>(c - '0');
        ++digits;
        if (places >= 0) ++places;
      } else if (c == '.' && places < 0 && digits > 0) {
        places = 0;
      } else {
        break;
      }
    }
    if (i == text.size() && digits > 0 && digits <= 18 && places != 0 && places <= kMaxScale) {
      const auto m = static_cast<M>(digits_value);
      return Decimal(negative ? -m : m, std::max(places, 0));
    }
  }
  std::size_t i = negative ? 1 : 0;
  M mantissa = 0;
  int significant = 0;
  int exponent = 0;
  bool ok = read_digits(text, i, mantissa, significant) > 0;
  int places = 0;
  if (ok && i < text.size() && text[i] == '.') {
    ++i;
    const std::size_t n = read_digits(text, i, mantissa, significant);
    ok = n > 0;
    places = static_cast<int>(n);
  }
  if (significant > kMaxDigits) {
    return make_error(Errc::kInvalidArgument, "decimal {} has more than {} significant digits",
                      quoted(text), kMaxDigits);
  }
  ok = ok && read_exponent(text, i, exponent) && i == text.size();
  if (!ok) return make_error(Errc::kInvalidArgument, "not a decimal number: {}", quoted(text));
  int scale = places - exponent;
  if (scale < 0) {
    if (-scale > kMaxDigits || !scale_up(mantissa, -scale, mantissa)) {
      return make_error(Errc::kInvalidArgument, "decimal {} is too large", quoted(text));
    }
    scale = 0;
  }
  for (; scale > kMaxScale && mantissa % 10 == 0; --scale) mantissa /= 10;
  if (scale > kMaxScale) {
    return make_error(Errc::kInvalidArgument, "decimal {} has more than {} decimal places",
                      quoted(text), kMaxScale);
  }
  return Decimal(negative ? -mantissa : mantissa, scale);
}

Result<Decimal> Decimal::from_mantissa(Mantissa mantissa, int scale) {
  if (scale < 0 || scale > kMaxScale || !in_range(mantissa)) {
    return make_error(Errc::kInvalidArgument, "decimal mantissa/scale out of range (scale {})",
                      scale);
  }
  return Decimal(mantissa, scale);
}

Decimal Decimal::normalized() const {
  Decimal d = *this;
  for (; d.scale_ > 0 && d.mantissa_ % 10 == 0; --d.scale_) d.mantissa_ /= 10;
  return d;
}

Result<Decimal> Decimal::rescaled(int scale) const {
  if (scale < 0 || scale > kMaxScale) {
    return make_error(Errc::kInvalidArgument, "cannot rescale {} to scale {}", *this, scale);
  }
  M m = 0;
  if (scale >= scale_) {
    if (!scale_up(mantissa_, scale - scale_, m)) {
      return make_error(Errc::kInvalidArgument, "decimal overflow rescaling {} to {} places", *this,
                        scale);
    }
    return Decimal(m, scale);
  }
  const M divisor = kPow10[scale_ - scale];
  if (mantissa_ % divisor != 0) {
    return make_error(Errc::kInvalidArgument, "rescaling {} to {} places would lose digits", *this,
                      scale);
  }
  return Decimal(mantissa_ / divisor, scale);
}

Result<Decimal> Decimal::add(const Decimal& other) const {
  const int scale = std::max(scale_, other.scale_);
  M a = 0, b = 0, sum = 0;
  if (!scale_up(mantissa_, scale - scale_, a) ||
      !scale_up(other.mantissa_, scale - other.scale_, b) || !checked_add(a, b, sum)) {
    return overflow("add", *this, other);
  }
  return Decimal(sum, scale);
}

Result<Decimal> Decimal::sub(const Decimal& other) const {
  return add(other.negated());
}

Result<Decimal> Decimal::mul(const Decimal& other) const {
  M product = 0;
  if (!checked_mul(mantissa_, other.mantissa_, product)) return overflow("mul", *this, other);
  int scale = scale_ + other.scale_;
  for (; scale > kMaxScale && product % 10 == 0; --scale) product /= 10;
  if (scale > kMaxScale) {
    return make_error(Errc::kInvalidArgument, "product of {} and {} needs more than {} places",
                      *this, other, kMaxScale);
  }
  return Decimal(product, scale);
}

Result<Decimal> Decimal::div_round(const Decimal& divisor, int scale, Rounding rounding) const {
  if (divisor.is_zero()) {
    return make_error(Errc::kInvalidArgument, "division of {} by zero", *this);
  }
  if (scale < 0 || scale > kMaxScale) {
    return make_error(Errc::kInvalidArgument, "division scale {} outside 0..{}", scale, kMaxScale);
  }
  // this/divisor * 10^scale = (m_a * 10^(scale + s_b - s_a)) / m_b
  const int shift = scale + divisor.scale_ - scale_;
  M num = mantissa_, den = divisor.mantissa_;
  if (!(shift >= 0 ? scale_up(num, shift, num) : scale_up(den, -shift, den))) {
    return overflow("div", *this, divisor);
  }
  M q = num / den;
  const M r = num % den;
  if (r != 0) {
    const bool positive = (num < 0) == (den < 0);
    const M abs_r = r < 0 ? -r : r;
    const M abs_d = den < 0 ? -den : den;
    const M rest = abs_d - abs_r;  // compared instead of 2*r, which could overflow
    bool away = false;
    switch (rounding) {
      case Rounding::kTowardZero:
        break;
      case Rounding::kFloor:
        away = !positive;
        break;
      case Rounding::kCeiling:
        away = positive;
        break;
      case Rounding::kHalfUp:
        away = abs_r >= rest;
        break;
      case Rounding::kHalfEven:
        away = abs_r > rest || (abs_r == rest && q % 2 != 0);
        break;
    }
    if (away) q += positive ? 1 : -1;
  }
  if (!in_range(q)) return overflow("div", *this, divisor);
  return Decimal(q, scale);
}

Result<Decimal> Decimal::floor_to_step(const Decimal& step) const {
  if (!step.is_positive()) {
    return make_error(Errc::kInvalidArgument, "step {} is not positive", step);
  }
  const int scale = std::max(scale_, step.scale_);
  M x = 0, s = 0;
  if (!scale_up(mantissa_, scale - scale_, x) ||
      !scale_up(step.mantissa_, scale - step.scale_, s)) {
    return overflow("floor_to_step", *this, step);
  }
  M q = x / s;
  if (x % s != 0 && x < 0) --q;
  return Decimal(q * s, scale);  // |q * s| <= |x| + s, within range
}

bool Decimal::is_multiple_of(const Decimal& step) const {
  if (!step.is_positive()) return false;
  if (scale_ >= step.scale_) {
    M s = 0;
    return scale_up(step.mantissa_, scale_ - step.scale_, s) && mantissa_ % s == 0;
  }
  // x * 10^d mod s, one power of ten at a time so a large x never overflows.
  M r = (mantissa_ < 0 ? -mantissa_ : mantissa_) % step.mantissa_;
  for (int d = step.scale_ - scale_; d > 0 && r != 0; --d) r = (r * 10) % step.mantissa_;
  return r == 0;
}

int Decimal::compare(const Decimal& a, const Decimal& b) {
  const int sign_a = (a.mantissa_ > 0) - (a.mantissa_ < 0);
  const int sign_b = (b.mantissa_ > 0) - (b.mantissa_ < 0);
  if (sign_a != sign_b) return sign_a < sign_b ? -1 : 1;
  // Prices and quantities fit 64 bits: aligned by a multiplication (below 2^63 * 10^18, no
  // overflow), not by the 128-bit divisions below, library calls that dominated book updates.
  constexpr M kSmall = M(1) << 63;
  if (a.mantissa_ > -kSmall && a.mantissa_ < kSmall && b.mantissa_ > -kSmall &&
      b.mantissa_ < kSmall) {
    const int aligned = std::max(a.scale_, b.scale_);
    const M x = a.mantissa_ * kPow10[aligned - a.scale_];
    const M y = b.mantissa_ * kPow10[aligned - b.scale_];
    return (x > y) - (x < y);
  }
  // Integer parts first, then fractions aligned (each < 10^18, so aligned < 10^36).
  const M int_a = a.mantissa_ / kPow10[a.scale_], int_b = b.mantissa_ / kPow10[b.scale_];
  if (int_a != int_b) return int_a < int_b ? -1 : 1;
  const int scale = std::max(a.scale_, b.scale_);
  const M frac_a = (a.mantissa_ % kPow10[a.scale_]) * kPow10[scale - a.scale_];
  const M frac_b = (b.mantissa_ % kPow10[b.scale_]) * kPow10[scale - b.scale_];
  return (frac_a > frac_b) - (frac_a < frac_b);
}

std::size_t Decimal::write_to(char* out) const {
  char digits[kMaxDigits + 2];
  int n = 0;
  using U = unsigned __int128;
  U u = mantissa_ < 0 ? U(0) - static_cast<U>(mantissa_) : static_cast<U>(mantissa_);
  // 128-bit division is a library call; prices and quantities fit 64 bits, so finish there.
  while (u > U(UINT64_MAX)) {
    digits[n++] = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  }
  auto v = static_cast<std::uint64_t>(u);
  // Two digits per division: the tick encoder prints four of these per tick.
  for (; v >= 100; v /= 100) {
    const auto pair = static_cast<std::size_t>(v % 100) * 2;
    digits[n++] = kDigitPairs[pair + 1];
    digits[n++] = kDigitPairs[pair];
  }
  digits[n++] = static_cast<char>('0' + v % 10);
  if (v >= 10) digits[n++] = static_cast<char>('0' + v / 10);
  while (n <= scale_) digits[n++] = '0';  // at least one digit before the point
  std::size_t len = 0;
  if (mantissa_ < 0) out[len++] = '-';
  for (int i = n - 1; i >= scale_; --i) out[len++] = digits[i];
  if (scale_ > 0) out[len++] = '.';
  for (int i = scale_ - 1; i >= 0; --i) out[len++] = digits[i];
  return len;
}

std::string Decimal::to_string() const {
  char buf[kMaxChars];
  return std::string(buf, write_to(buf));
}

void Decimal::append_to(std::string& out) const {
  char buf[kMaxChars];
  out.append(buf, write_to(buf));
}

double Decimal::to_double() const {
  char buf[kMaxChars];
  const std::size_t len = write_to(buf);
  double value = 0;
  std::from_chars(buf, buf + len, value);
  return value;
}

}  // namespace core
