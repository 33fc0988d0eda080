#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "normalizer/bar_builder.h"
#include "sim/replay/csv.h"

namespace {

using core::Decimal;
using normalizer::BarBuilder;
using normalizer::TradeOutcome;

constexpr std::int64_t kMinute = 60'000'000;
constexpr std::int64_t kT0 = 1'723'161'300'000'000;  // 2024-08-08T23:55:00Z, a minute start

Decimal dec(const std::string& text) {
  return *Decimal::parse(text);
}

core::Tick trade(std::int64_t ts_us, const std::string& price, const std::string& qty,
                 const std::string& id, const std::string& symbol = "BTCUSDT") {
  core::Tick t;
  t.exchange = core::Exchange::kBinance;
  t.symbol = symbol;
  t.kind = core::TickKind::kTrade;
  t.ts_event_us = ts_us;
  t.price = dec(price);
  t.qty = dec(qty);
  t.trade_id = id;
  return t;
}

}  // namespace

TEST_CASE("BarBuilder keeps open, high, low, close, volume and count of a minute exactly",
          "[normalizer][bars]") {
  BarBuilder b;
  CHECK(b.add(trade(kT0 + 1'000, "100.10", "0.5", "1")) == TradeOutcome::kAdded);
  CHECK(b.add(trade(kT0 + 2'000, "101.00", "0.25", "2")) == TradeOutcome::kAdded);
  CHECK(b.add(trade(kT0 + 3'000, "99.50", "1.00000000", "3")) == TradeOutcome::kAdded);
  CHECK(b.add(trade(kT0 + 4'000, "100.00", "0.1", "4")) == TradeOutcome::kAdded);
  const auto changed = b.take_changed();
  REQUIRE(changed.size() == 1);
  const core::Bar& bar = changed[0].bar;
  CHECK_FALSE(changed[0].closed);
  CHECK(bar.ts_minute_us == kT0);
  CHECK(bar.open.to_string() == "100.10");
  CHECK(bar.high.to_string() == "101.00");
  CHECK(bar.low.to_string() == "99.50");
  CHECK(bar.close.to_string() == "100.00");
  CHECK(bar.volume == dec("1.85"));
  CHECK(bar.trades == 4);
  CHECK(b.take_changed().empty());  // reported once
}

TEST_CASE("BarBuilder ignores a trade id it already counted", "[normalizer][bars]") {
  BarBuilder b;
  CHECK(b.add(trade(kT0, "1", "1", "7")) == TradeOutcome::kAdded);
  CHECK(b.add(trade(kT0, "1", "1", "7")) == TradeOutcome::kDuplicate);
  CHECK(b.take_changed().at(0).bar.trades == 1);
}

TEST_CASE("BarBuilder closes a minute once the watermark passes its end plus grace",
          "[normalizer][bars]") {
  BarBuilder b({.grace_us = 5'000'000, .retain_closed_us = 10 * kMinute});
  b.add(trade(kT0 + 10, "1", "1", "1"));
  b.add(trade(kT0 + kMinute + 4'999'999, "2", "1", "2"));  // watermark just short of the end
  for (const auto& u : b.take_changed()) CHECK_FALSE(u.closed);
  b.add(trade(kT0 + kMinute + 5'000'000, "2", "1", "3"));
  const auto changed = b.take_changed();
  REQUIRE(changed.size() == 2);
  CHECK(changed[0].bar.ts_minute_us == kT0);
  CHECK(changed[0].closed);
  CHECK_FALSE(changed[1].closed);
}

TEST_CASE("BarBuilder corrects a closed minute with a late trade and refuses a too late one",
          "[normalizer][bars]") {
  BarBuilder b({.grace_us = 0, .retain_closed_us = 2 * kMinute});
  b.add(trade(kT0 + 30'000'000, "10", "1", "10"));
  b.add(trade(kT0 + kMinute + 1, "11", "1", "20"));
  b.take_changed();
  // Late: earlier than the minute's first trade, so it becomes the open.
  CHECK(b.add(trade(kT0 + 5, "9", "2", "5")) == TradeOutcome::kAdded);
  auto changed = b.take_changed();
  REQUIRE(changed.size() == 1);
  CHECK(changed[0].closed);
  CHECK(changed[0].bar.open.to_string() == "9");
  CHECK(changed[0].bar.close.to_string() == "10");
  CHECK(changed[0].bar.volume == dec("3"));
  b.add(trade(kT0 + 4 * kMinute, "12", "1", "40"));
  CHECK(b.add(trade(kT0 + 6, "9", "1", "6")) == TradeOutcome::kTooLate);
}

TEST_CASE("BarBuilder closes quiet symbols when the watermark is advanced", "[normalizer][bars]") {
  BarBuilder b({.grace_us = 1'000'000, .retain_closed_us = kMinute});
  b.add(trade(kT0, "1", "1", "1", "ETHUSDT"));
  b.take_changed();
  b.advance_watermark(kT0 + kMinute + 1'000'000);
  const auto changed = b.take_changed();
  REQUIRE(changed.size() == 1);
  CHECK(changed[0].closed);
  CHECK(b.open_bars() == 0);
}

TEST_CASE("BarBuilder reproduces the reference bars computed from recorded Binance trades",
          "[normalizer][bars][fixtures]") {
  auto trades = sim::replay::read_csv(
      "fixtures/binance/derived/BTCUSDT-trades-2024-08-08T2354Z-2024-08-09T0005Z.csv.zst");
  auto reference = sim::replay::read_csv(
      "fixtures/binance/derived/BTCUSDT-1m-bars-COMPUTED-from-trades-2024.csv");
  REQUIRE(trades.is_ok());
  REQUIRE(reference.is_ok());
  BarBuilder b;
  std::map<std::int64_t, core::Bar> bars;
  for (const auto& c : *trades) {  // trade_id,price,qty,trade_time_ms,...
    REQUIRE(b.add(trade(std::stoll(c[3]) * 1000, c[1], c[2], c[0])) == TradeOutcome::kAdded);
    for (const auto& u : b.take_changed()) bars[u.bar.ts_minute_us] = u.bar;
  }
  int compared = 0;
  for (const auto& c : *reference) {  // open_time_ms,open,high,low,close,volume,...,trade_count
    const core::Bar& bar = bars.at(std::stoll(c[0]) * 1000);
    INFO("minute " << c[0]);
    CHECK(bar.open.to_string() == c[1]);
    CHECK(bar.high.to_string() == c[2]);
    CHECK(bar.low.to_string() == c[3]);
    CHECK(bar.close.to_string() == c[4]);
    CHECK(bar.volume.to_string() == c[5]);
    CHECK(bar.trades == std::stoull(c[7]));
    ++compared;
  }
  CHECK(compared == 10);
}
