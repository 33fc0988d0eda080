#include "core/decimal.h"

#include <catch2/catch.hpp>

namespace {

using core::Decimal;
using core::Errc;
using core::Rounding;

Decimal d(std::string_view text) {
  auto r = Decimal::parse(text);
  REQUIRE(r.is_ok());
  return *r;
}

}  // namespace

TEST_CASE("Decimal keeps every digit the exchange sent when printed back", "[decimal]") {
  for (const char* text : {"43250.01000000", "0.00001000", "0.00010000", "0", "-1.50", "100",
                           "0.000000000000000001", "99999999999999999999.999999999999999999"}) {
    CHECK(d(text).to_string() == text);
  }
  CHECK(d("43250.01000000").scale() == 8);
  CHECK(d("007.10").to_string() == "7.10");
  // Past the 64-bit fast path: long runs of digits, and leading zeros before them.
  CHECK(d("12345678901234567890123456789012345678").to_string() ==
        "12345678901234567890123456789012345678");
  CHECK(d("-0000000000000000000001234567890123456789012.345678901234567").to_string() ==
        "-1234567890123456789012.345678901234567");
}

TEST_CASE("Decimal folds exponent forms into the scale", "[decimal]") {
  CHECK(d("1e-05").to_string() == "0.00001");
  CHECK(d("1.5E+3").to_string() == "1500");
  CHECK(d("45000.0").to_string() == "45000.0");
  CHECK(d("2.50e1").to_string() == "25.0");
}

TEST_CASE("Decimal rejects junk, naming the input", "[decimal]") {
  for (const char* text :
       {"", "-", "abc", "1.", ".5", "+1", "1e", "1.2.3", " 1", "1 ", "NaN", "0x10", "1e-", "--1"}) {
    auto r = Decimal::parse(text);
    INFO(text);
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().code == Errc::kInvalidArgument);
    CHECK(r.status().message == fmt::format("not a decimal number: \"{}\"", text));
  }
}

TEST_CASE("Decimal rejects more digits or places than it can hold", "[decimal]") {
  CHECK(Decimal::parse("123456789012345678901234567890123456789").status().message ==
        "decimal \"123456789012345678901234567890123456789\" has more than 38 significant digits");
  CHECK(Decimal::parse("0.0000000000000000001").status().message ==
        "decimal \"0.0000000000000000001\" has more than 18 decimal places");
  CHECK(d("0.1000000000000000000").to_string() == "0.100000000000000000");
  CHECK(Decimal::parse("1e40").status().message == "decimal \"1e40\" is too large");
}

TEST_CASE("Decimal compares by value, ignoring trailing zeros", "[decimal]") {
  CHECK(d("1.50") == d("1.5"));
  CHECK(d("0.00010000") == d("0.0001"));
  CHECK(d("-0.5") < d("0"));
  CHECK(d("-1.5") < d("-1.49"));
  CHECK(d("43250.01") > d("43250.009999"));
  CHECK(d("10000000000000000000") > d("9999999999999999999.999999999999999999"));
  CHECK(d("2") != d("2.000000000000000001"));
}

TEST_CASE("Decimal notional of price and quantity is exact", "[decimal]") {
  auto notional = d("43250.01000000").mul(d("0.00001000"));
  REQUIRE(notional.is_ok());
  CHECK(notional->to_string() == "0.4325001000000000");
  CHECK(d("0.1").add(d("0.2"))->to_string() == "0.3");
  CHECK(d("1.00").sub(d("0.001"))->to_string() == "0.999");
}

TEST_CASE("Decimal reports overflow instead of wrapping", "[decimal]") {
  const Decimal big = d("99999999999999999999999999999999999999");
  CHECK(big.add(d("1")).status().code == Errc::kInvalidArgument);
  CHECK(big.mul(d("10")).status().code == Errc::kInvalidArgument);
  CHECK(d("0.000000001").mul(d("0.0000000001")).status().message ==
        "product of 0.000000001 and 0.0000000001 needs more than 18 places");
  CHECK(d("0.10000000000").mul(d("0.100000000"))->to_string() == "0.010000000000000000");
}

TEST_CASE("Decimal div_round rounds as asked", "[decimal]") {
  CHECK(d("10").div_round(d("3"), 4, Rounding::kTowardZero)->to_string() == "3.3333");
  CHECK(d("20").div_round(d("3"), 4, Rounding::kHalfUp)->to_string() == "6.6667");
  CHECK(d("-20").div_round(d("3"), 4, Rounding::kFloor)->to_string() == "-6.6667");
  CHECK(d("-20").div_round(d("3"), 4, Rounding::kCeiling)->to_string() == "-6.6666");
  CHECK(d("0.25").div_round(d("1"), 1, Rounding::kHalfEven)->to_string() == "0.2");
  CHECK(d("0.35").div_round(d("1"), 1, Rounding::kHalfEven)->to_string() == "0.4");
  CHECK(d("-0.25").div_round(d("1"), 1, Rounding::kHalfUp)->to_string() == "-0.3");
  // average price: sum(price*qty) / sum(qty)
  CHECK(d("0.8650002000000000").div_round(d("0.00002000"), 8, Rounding::kHalfEven)->to_string() ==
        "43250.01000000");
  CHECK(d("1").div_round(d("0"), 2, Rounding::kHalfUp).status().message == "division of 1 by zero");
}

TEST_CASE("Decimal floors to an exchange step and checks multiples", "[decimal]") {
  CHECK(d("0.123456").floor_to_step(d("0.00100000"))->to_string() == "0.12300000");
  CHECK(d("43250.019").floor_to_step(d("0.01"))->to_string() == "43250.010");
  CHECK(d("-0.15").floor_to_step(d("0.1"))->to_string() == "-0.20");
  CHECK(d("1").floor_to_step(d("0")).status().message == "step 0 is not positive");
  CHECK(d("43250.01000000").is_multiple_of(d("0.01")));
  CHECK_FALSE(d("43250.015").is_multiple_of(d("0.01")));
  CHECK(d("5").is_multiple_of(d("0.00001000")));
  CHECK_FALSE(d("5").is_multiple_of(d("0")));
}

TEST_CASE("Decimal rescales only when no digit is lost", "[decimal]") {
  CHECK(d("1.5").rescaled(4)->to_string() == "1.5000");
  CHECK(d("1.5000").rescaled(1)->to_string() == "1.5");
  CHECK(d("1.55").rescaled(1).status().message == "rescaling 1.55 to 1 places would lose digits");
  CHECK(d("1.500").normalized().to_string() == "1.5");
  CHECK(d("100").normalized().to_string() == "100");
}

TEST_CASE("Decimal converts to double only approximately, for display", "[decimal]") {
  CHECK(d("43250.01").to_double() == 43250.01);
  CHECK(Decimal::from_int(-42).to_string() == "-42");
  CHECK(fmt::format("{}", d("0.00010000")) == "0.00010000");
}
