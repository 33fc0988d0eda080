#include <rapidcheck.h>
#include <rapidcheck/catch.h>
#include <catch2/catch.hpp>

#include "core/decimal.h"

namespace rc {

/// Decimals shaped like exchange values: up to 18 integer digits and 0..10 places, so sums and
/// products stay in range.
template <>
struct Arbitrary<core::Decimal> {
  static Gen<core::Decimal> arbitrary() {
    return gen::map(
        gen::pair(gen::inRange<std::int64_t>(-999'999'999'999'999'999LL, 999'999'999'999'999'999LL),
                  gen::inRange(0, 11)),
        [](std::pair<std::int64_t, int> p) {
          return *core::Decimal::from_mantissa(p.first, p.second);
        });
  }
};

}  // namespace rc

using core::Decimal;

TEST_CASE("Decimal text round-trips through parse", "[decimal][property]") {
  rc::prop("parse(to_string(x)) == x, same text", [](Decimal x) {
    auto back = Decimal::parse(x.to_string());
    RC_ASSERT(back.is_ok());
    RC_ASSERT(*back == x);
    RC_ASSERT(back->to_string() == x.to_string());
  });
}

TEST_CASE("Decimal addition and subtraction are inverse", "[decimal][property]") {
  rc::prop("a + b - b == a", [](Decimal a, Decimal b) {
    RC_ASSERT(*a.add(b)->sub(b) == a);
    RC_ASSERT(*a.add(b) == *b.add(a));
  });
}

TEST_CASE("Decimal ordering agrees with subtraction and with scaling", "[decimal][property]") {
  rc::prop("a < b iff b - a > 0; scaling by a positive keeps order", [](Decimal a, Decimal b) {
    RC_ASSERT((a < b) == b.sub(a)->is_positive());
    RC_ASSERT((a == b) == b.sub(a)->is_zero());
    const Decimal k = *Decimal::parse("0.5");
    RC_ASSERT((a < b) == (*a.mul(k) < *b.mul(k)));
  });
}

TEST_CASE("Decimal floor_to_step gives the largest multiple not above", "[decimal][property]") {
  rc::prop("f <= x < f + step and f is a multiple of step", [](Decimal x) {
    const auto step_mantissa = *rc::gen::inRange<std::int64_t>(1, 100000);
    const auto step = *Decimal::from_mantissa(step_mantissa, *rc::gen::inRange(0, 9));
    const Decimal f = *x.floor_to_step(step);
    RC_ASSERT(f <= x);
    RC_ASSERT(x < *f.add(step));
    RC_ASSERT(f.is_multiple_of(step));
    RC_ASSERT(x.is_multiple_of(step) == (f == x));
  });
}

TEST_CASE("Decimal division by the multiplier undoes an exact product", "[decimal][property]") {
  rc::prop("(a * b) / b == a when b != 0", [](Decimal a, Decimal b) {
    RC_PRE(!b.is_zero());
    RC_PRE(a.scale() + b.scale() <= Decimal::kMaxScale);
    auto product = a.mul(b);
    RC_PRE(product.is_ok());
    RC_ASSERT(*product->div_round(b, a.scale(), core::Rounding::kHalfEven) == a);
  });
}
