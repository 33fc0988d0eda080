#include "sim/mockex/order_book.h"

#include <catch2/catch.hpp>

#include "model_fixture.h"

using core::Side;
using mockex_test::d;
using sim::mockex::Match;
using sim::mockex::OrderBook;
using sim::mockex::TakeSpec;

namespace {

TakeSpec buy(std::string_view qty, std::optional<std::string_view> limit = std::nullopt) {
  TakeSpec s;
  s.taker_order_id = 99;
  s.side = Side::kBuy;
  if (limit) s.limit_price = d(*limit);
  s.base_qty = d(qty);
  return s;
}

}  // namespace

TEST_CASE("OrderBook matches a taker across levels, best price first", "[mockex][book]") {
  OrderBook book;
  (void)book.apply_depth_level(Side::kSell, d("101"), d("2"));
  (void)book.apply_depth_level(Side::kSell, d("100"), d("1"));
  const auto plan = book.plan(buy("2.5"));
  REQUIRE(plan.size() == 2);
  CHECK(plan[0] == Match{0, 99, Side::kSell, d("100"), d("1")});
  CHECK(plan[1] == Match{0, 99, Side::kSell, d("101"), d("1.5")});
  book.execute(plan);
  CHECK(book.depth(Side::kSell, 5) ==
        std::vector<std::pair<core::Decimal, core::Decimal>>{{d("101"), d("0.5")}});
}

TEST_CASE("OrderBook stops a limit taker at its price", "[mockex][book]") {
  OrderBook book;
  (void)book.apply_depth_level(Side::kSell, d("100"), d("1"));
  (void)book.apply_depth_level(Side::kSell, d("101"), d("1"));
  const auto plan = book.plan(buy("5", "100.5"));
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].qty == d("1"));
}

TEST_CASE("OrderBook serves recorded liquidity first at a price, then user orders FIFO",
          "[mockex][book]") {
  OrderBook book;
  book.add(Side::kSell, d("100"), 1, d("1"));
  book.add(Side::kSell, d("100"), 2, d("1"));
  (void)book.apply_depth_level(Side::kSell, d("100"), d("0.5"));
  const auto plan = book.plan(buy("2"));
  REQUIRE(plan.size() == 3);
  CHECK(plan[0].maker_order_id == 0);
  CHECK(plan[0].qty == d("0.5"));
  CHECK(plan[1].maker_order_id == 1);
  CHECK(plan[1].qty == d("1"));
  CHECK(plan[2].maker_order_id == 2);
  CHECK(plan[2].qty == d("0.5"));
}

TEST_CASE("OrderBook fills a resting bid as maker when the book ticker moves through it",
          "[mockex][book]") {
  OrderBook book;
  (void)book.apply_book_ticker(d("99"), d("1"), d("101"), d("1"));
  book.add(Side::kBuy, d("100"), 7, d("2"));
  const auto matches = book.apply_book_ticker(d("98"), d("1"), d("99.5"), d("0.5"));
  REQUIRE(matches.size() == 1);
  CHECK(matches[0] == Match{7, 0, Side::kBuy, d("100"), d("0.5")});
  // The recorded ask was consumed; the rest of the bid stays and the book is not crossed.
  CHECK(book.best(Side::kBuy) == d("100"));
  CHECK(book.best(Side::kSell) == std::nullopt);
  CHECK(book.depth(Side::kBuy, 1).front().second == d("1.5"));
}

TEST_CASE("OrderBook lets a recorded trade fill user orders at or through its price",
          "[mockex][book]") {
  OrderBook book;
  book.add(Side::kBuy, d("100"), 1, d("1"));
  book.add(Side::kBuy, d("99"), 2, d("1"));
  book.add(Side::kBuy, d("98"), 3, d("1"));
  const auto matches = book.apply_trade(d("99"), d("1.5"), Side::kSell);
  REQUIRE(matches.size() == 2);
  CHECK(matches[0] == Match{1, 0, Side::kBuy, d("100"), d("1")});
  CHECK(matches[1] == Match{2, 0, Side::kBuy, d("99"), d("0.5")});
  CHECK(book.best(Side::kBuy) == d("99"));
  // A buy-taker trade does not touch bids.
  CHECK(book.apply_trade(d("90"), d("5"), Side::kBuy).empty());
}

TEST_CASE("OrderBook would_take sees a crossing post-only price", "[mockex][book]") {
  OrderBook book;
  (void)book.apply_book_ticker(d("99"), d("1"), d("101"), d("1"));
  CHECK(book.would_take(Side::kBuy, d("101")));
  CHECK_FALSE(book.would_take(Side::kBuy, d("100.99")));
  CHECK(book.would_take(Side::kSell, d("99")));
  CHECK_FALSE(book.would_take(Side::kSell, d("99.01")));
}

TEST_CASE("OrderBook spends a quote budget in whole steps", "[mockex][book]") {
  OrderBook book;
  (void)book.apply_depth_level(Side::kSell, d("3"), d("10"));
  TakeSpec spec;
  spec.side = Side::kBuy;
  spec.quote_budget = d("10");
  spec.step = d("0.01");
  const auto plan = book.plan(spec);
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].qty == d("3.33"));
}

TEST_CASE("OrderBook crosses only the user orders still resting after fills and cancels",
          "[mockex][book]") {
  OrderBook book;
  (void)book.apply_book_ticker(d("97"), d("1"), d("103"), d("1"));
  book.add(Side::kBuy, d("100"), 1, d("1"));
  book.add(Side::kBuy, d("99"), 2, d("1"));
  book.add(Side::kBuy, d("98"), 3, d("1"));
  CHECK(book.remove(Side::kBuy, d("99"), 2));
  CHECK_FALSE(book.remove(Side::kBuy, d("99"), 2));
  // The trade fills order 1 whole: its level leaves the user side.
  const auto traded = book.apply_trade(d("100"), d("1"), Side::kSell);
  REQUIRE(traded.size() == 1);
  CHECK(traded[0] == Match{1, 0, Side::kBuy, d("100"), d("1")});
  // The ask moves through 99 (cancelled, must not fill) down to 97.5: only order 3 fills.
  const auto crossed = book.apply_book_ticker(d("96"), d("1"), d("97.5"), d("5"));
  REQUIRE(crossed.size() == 1);
  CHECK(crossed[0] == Match{3, 0, Side::kBuy, d("98"), d("1")});
  CHECK(book.best(Side::kBuy) == d("96"));
  CHECK(book.best(Side::kSell) == d("97.5"));
  // Nothing rests any more: depth moves cross nothing.
  CHECK(book.apply_depth_level(Side::kSell, d("90"), d("1")).empty());
}
