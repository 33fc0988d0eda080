// sim::ReplayLoop: the documented transformation that turns a recorded slice into a long
// replay (README "The 24-hour replay"): times and ids shifted per loop, prices unchanged.
#include <catch2/catch.hpp>

#include "sim/workloads/replay_loop.h"

namespace {

constexpr const char* kTrade =
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1000,"s":"BTCUSDT","t":10,)"
    R"("p":"61837.63000000","q":"0.02","T":999,"m":true}})";
constexpr const char* kTrade2 =
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1500,"s":"BTCUSDT","t":11,)"
    R"("p":"61837.64000000","q":"0.01","T":1499,"m":false}})";
constexpr const char* kBook =
    R"({"stream":"btcusdt@bookTicker","data":{"u":100,"s":"BTCUSDT","b":"1.5","B":"2","a":"1.6","A":"3"}})";

sim::ReplayLoop make_loop(std::int64_t loop_to_us) {
  std::vector<sim::GatewayReplayFrame> frames = {
      {0, "btcusdt@trade", kTrade, {0}},
      {200'000, "btcusdt@bookTicker", kBook, {1}},
      {500'000, "btcusdt@trade", kTrade2, {2}},
  };
  std::vector<sim::GatewayReplayTick> ticks = {
      {"ticks.binance.BTCUSDT", "binance:BTCUSDT:trade:", 10},
      {"ticks.binance.BTCUSDT", "binance:BTCUSDT:book:", 100},
      {"ticks.binance.BTCUSDT", "binance:BTCUSDT:trade:", 11},
  };
  return sim::ReplayLoop(std::move(frames), std::move(ticks), loop_to_us);
}

std::string text(const sim::ReplayLoop& loop, std::size_t frame) {
  std::string out = "stale text the call replaces";
  loop.record(frame, out);
  return out;
}

}  // namespace

TEST_CASE("ReplayLoop without loop_to plays the slice once, frames untouched", "[sim][replay]") {
  const sim::ReplayLoop loop = make_loop(0);
  CHECK(loop.frame_count() == 3);
  CHECK(loop.tick_count() == 3);
  CHECK(text(loop, 2) == kTrade2);
  CHECK(loop.offset_us(2) == 500'000);
  CHECK(loop.msg_id(1) == "binance:BTCUSDT:book:100");
  CHECK(loop.find("binance:BTCUSDT:trade:11") == std::optional<std::size_t>(2));
  CHECK(loop.find("binance:BTCUSDT:trade:12") == std::nullopt);
}

TEST_CASE("ReplayLoop loop k shifts times by k periods and ids by k spans, prices unchanged",
          "[sim][replay]") {
  // Period: last offset 0.5 s + 1 s, rounded up to 2 s. loop_to 5 s: loops at 0, 2 s, 4 s;
  // the third loop is cut at 5 s (its frame at 4.5 s is kept, nothing later exists).
  const sim::ReplayLoop loop = make_loop(5'000'000);
  CHECK(loop.period_us() == 2'000'000);
  CHECK(loop.frame_count() == 9);
  CHECK(loop.offset_us(3) == 2'000'000);
  CHECK(loop.offset_us(8) == 4'500'000);
  // Trade ids span 10..11 (2), book ids 100..100 (1); times move by 2000 ms per loop.
  CHECK(text(loop, 6) ==
        R"({"stream":"btcusdt@trade","data":{"e":"trade","E":5000,"s":"BTCUSDT","t":14,)"
        R"("p":"61837.63000000","q":"0.02","T":4999,"m":true}})");
  CHECK(
      text(loop, 4) ==
      R"({"stream":"btcusdt@bookTicker","data":{"u":101,"s":"BTCUSDT","b":"1.5","B":"2","a":"1.6","A":"3"}})");
  CHECK(loop.msg_id(3) == "binance:BTCUSDT:trade:12");  // contiguous after 11: no gap
  CHECK(loop.msg_id(7) == "binance:BTCUSDT:book:102");
  CHECK(loop.find("binance:BTCUSDT:trade:15") == std::optional<std::size_t>(8));
  CHECK(loop.find("binance:BTCUSDT:book:103") == std::nullopt);  // a fourth loop: none
  // The hint (the tick expected next) answers at once when right, and changes nothing else.
  CHECK(loop.find("binance:BTCUSDT:trade:15", 8) == std::optional<std::size_t>(8));
  CHECK(loop.find("binance:BTCUSDT:trade:15", 3) == std::optional<std::size_t>(8));
  CHECK(loop.find("binance:BTCUSDT:trade:15", 99) == std::optional<std::size_t>(8));
  CHECK(loop.find("binance:BTCUSDT:book:103", 7) == std::nullopt);
  CHECK(loop.find("binance:ETHUSDT:trade:12", 3) == std::nullopt);  // same number, other prefix
  std::vector<std::size_t> ticks;
  loop.for_each_tick(5, [&](std::size_t i) { ticks.push_back(i); });
  CHECK(ticks == std::vector<std::size_t>{5});
}

TEST_CASE("ReplayLoop cuts the frames of the last loop at loop_to", "[sim][replay]") {
  const sim::ReplayLoop loop = make_loop(4'300'000);  // third loop: only its 4.0 s and 4.2 s
  CHECK(loop.frame_count() == 8);
  CHECK(loop.offset_us(7) == 4'200'000);
}
