// CoinbaseCodec: Advanced Trade frames -> exact Ticks, several per frame; bad frames counted.
#include "gateway/exchanges/coinbase/coinbase_codec.h"

#include <catch2/catch.hpp>

#include "tests/gateway/codec_test_support.h"

namespace {

using gateway::MalformedReason;
using gateway::coinbase::CoinbaseCodec;
using namespace gateway::testing;

constexpr std::int64_t kRecv = 1786309548642865;

// From fixtures/coinbase (the ticker frame unchanged, the trades frame with a second trade).
constexpr std::string_view kTicker =
    R"({"channel":"ticker","timestamp":"2026-08-09T21:05:48.229198328Z","sequence_num":6,)"
    R"("events":[{"type":"snapshot","tickers":[{"type":"ticker","product_id":"BTC-USD",)"
    R"("price":"65086.18","volume_24_h":"2867.54532609","low_24_h":"64675.22",)"
    R"("high_24_h":"65252.99","low_52_w":"57717.55","high_52_w":"126296",)"
    R"("price_percent_chg_24_h":"0.09601107287722","best_bid":"65083.66",)"
    R"("best_ask":"65083.67","best_bid_quantity":"0.20371215",)"
    R"("best_ask_quantity":"0.24290402"}]}]})";
constexpr std::string_view kTrades =
    R"({"channel":"market_trades","timestamp":"2026-08-09T21:05:48.251397169Z",)"
    R"("sequence_num":9,"events":[{"type":"update","trades":[{"product_id":"BTC-USD",)"
    R"("trade_id":"1068572091","price":"65083.67","size":"0.01034361",)"
    R"("time":"2026-08-09T21:05:48.167634Z","side":"SELL"},{"product_id":"ETH-USD",)"
    R"("trade_id":"77","price":"1260.01","size":"0.3","time":"2026-08-09T21:05:42.514318Z",)"
    R"("side":"BUY"}]}]})";

}  // namespace

TEST_CASE("CoinbaseCodec decodes every trade of a market_trades frame") {
  CoinbaseCodec codec;
  TickLog log;
  CHECK(codec.decode(kTrades, kRecv, log.sink) == ok(2));
  REQUIRE(log.ticks.size() == 2);
  const core::Tick& t = log.ticks[0];
  CHECK(t.exchange == core::Exchange::kCoinbase);
  CHECK(t.kind == core::TickKind::kTrade);
  CHECK(t.symbol == "BTC-USD");
  CHECK(t.trade_id == "1068572091");
  CHECK(text(t.price) == "65083.67");
  CHECK(text(t.qty) == "0.01034361");
  CHECK(t.side == core::Side::kSell);
  CHECK(t.ts_event_us == 1786309548167634);
  CHECK(t.ts_recv_us == kRecv);
  CHECK(t.seq == 9u);
  const core::Tick& u = log.ticks[1];
  CHECK(u.symbol == "ETH-USD");
  CHECK(u.trade_id == "77");
  CHECK(text(u.qty) == "0.3");
  CHECK(u.side == core::Side::kBuy);
  CHECK(u.ts_event_us == 1786309542514318);
}

TEST_CASE("CoinbaseCodec decodes a ticker at the envelope time with best bid and ask") {
  CoinbaseCodec codec;
  TickLog log;
  CHECK(codec.decode(kTicker, kRecv, log.sink) == ok(1));
  REQUIRE(log.ticks.size() == 1);
  const core::Tick& t = log.ticks[0];
  CHECK(t.kind == core::TickKind::kTicker);
  CHECK(t.symbol == "BTC-USD");
  CHECK(t.ts_event_us == 1786309548229198);  // nanoseconds truncated to µs
  CHECK(t.seq == 6u);
  CHECK(text(t.last) == "65086.18");
  CHECK(text(t.volume) == "2867.54532609");
  CHECK(text(t.bid) == "65083.66");
  CHECK(text(t.bid_qty) == "0.20371215");
  CHECK(text(t.ask) == "65083.67");
  CHECK(text(t.ask_qty) == "0.24290402");
  CHECK_FALSE(t.trade_id.has_value());
}

TEST_CASE("CoinbaseCodec ignores heartbeats, subscriptions, other channels and errors") {
  CoinbaseCodec codec;
  TickLog log;
  CHECK(
      codec.decode(R"({"channel":"heartbeats","client_id":"","timestamp":"2023-06-23T20:31:26Z",)"
                   R"("sequence_num":0,"events":[{"current_time":"x","heartbeat_counter":3049}]})",
                   kRecv, log.sink) == ignored());
  CHECK(codec.decode(R"({"channel":"subscriptions","timestamp":"2026-08-09T21:05:48Z",)"
                     R"("sequence_num":2,"events":[{"subscriptions":{"ticker":["BTC-USD"]}}]})",
                     kRecv, log.sink) == ignored());
  CHECK(codec.decode(R"({"channel":"l2_data","sequence_num":3,"events":[]})", kRecv, log.sink) ==
        ignored());
  CHECK(codec.decode(R"({"type":"error","message":"failure to subscribe"})", kRecv, log.sink) ==
        ignored());
  CHECK(log.ticks.empty());
}

TEST_CASE("CoinbaseCodec counts malformed frames by reason and keeps earlier trades") {
  CoinbaseCodec codec;
  TickLog log;
  CHECK(codec.decode(R"({"channel":"ticker","events":[)", kRecv, log.sink) ==
        malformed(MalformedReason::kBadJson));
  CHECK(codec.decode(R"({"sequence_num":1,"events":[]})", kRecv, log.sink) ==
        malformed(MalformedReason::kMissingField));
  CHECK(codec.decode(R"({"channel":"ticker","timestamp":"yesterday","sequence_num":1,"events":[]})",
                     kRecv, log.sink) == malformed(MalformedReason::kBadNumber));
  CHECK(codec.decode(R"({"channel":"ticker","timestamp":"2026-08-09T21:05:48Z","sequence_num":1,)"
                     R"("events":[{"tickers":[{"product_id":"BTCUSD","price":"1"}]}]})",
                     kRecv, log.sink) == malformed(MalformedReason::kUnknownSymbol));
  // The first trade is good and leaves; the second has a bad side.
  CHECK(codec.decode(R"({"channel":"market_trades","timestamp":"2026-08-09T21:05:48Z",)"
                     R"("sequence_num":4,"events":[{"trades":[{"product_id":"BTC-USD",)"
                     R"("trade_id":"1","price":"1","size":"2","time":"2026-08-09T21:05:48Z",)"
                     R"("side":"BUY"},{"product_id":"BTC-USD","trade_id":"2","price":"1",)"
                     R"("size":"2","time":"2026-08-09T21:05:48Z","side":"HOLD"}]}]})",
                     kRecv, log.sink) == malformed(MalformedReason::kBadValue, 1));
  CHECK(log.ticks.size() == 1);
  CHECK(codec.stats().malformed_total() == 5);
  CHECK(codec.stats().ticks == 1);
}

TEST_CASE("CoinbaseCodec loses nothing around a malformed frame") {
  CoinbaseCodec codec;
  TickLog log;
  CHECK(codec.decode(kTrades, kRecv, log.sink) == ok(2));
  CHECK(codec.decode("not json", kRecv, log.sink) == malformed(MalformedReason::kBadJson));
  CHECK(codec.decode(kTicker, kRecv, log.sink) == ok(1));
  REQUIRE(log.ticks.size() == 3);
  CHECK(log.ticks[2].kind == core::TickKind::kTicker);
  CHECK(codec.stats().frames_ok == 2);
  CHECK(codec.stats().malformed_total() == 1);
}

TEST_CASE("CoinbaseCodec decodes every frame of the committed recording") {
  CoinbaseCodec codec;
  const auto counts = decode_fixture(
      "fixtures/coinbase/advanced_trade_2026-08-09T2105Z_BTC-USD_ETH-USD.jsonl.zst", "coinbase.ws",
      [&codec](std::string_view frame, std::int64_t t, const gateway::TickSink& sink) {
        return codec.decode(frame, t, sink);
      });
  CHECK(counts.frames == 1030);
  // 279 trades in 59 frames, as fixtures/SOURCES.md says; per product counted with Python.
  CHECK(counts.ticks == std::map<std::string, std::uint64_t>{{"ticker BTC-USD", 73},
                                                             {"ticker ETH-USD", 87},
                                                             {"trade BTC-USD", 147},
                                                             {"trade ETH-USD", 132}});
  CHECK(counts.stats.frames_ok == 219);       // 160 ticker + 59 market_trades
  CHECK(counts.stats.frames_ignored == 811);  // l2_data, heartbeats, candles, subscriptions
  CHECK(counts.stats.malformed_total() == 0);
}

TEST_CASE("CoinbaseCodec reads RFC 3339 offsets and fractions of any length") {
  CoinbaseCodec codec;
  TickLog log;
  CHECK(codec.decode(R"({"channel":"market_trades","timestamp":"2026-08-09T21:05:48Z",)"
                     R"("sequence_num":1,"events":[{"trades":[)"
                     R"({"product_id":"BTC-USD","trade_id":"1","price":"1","size":"1",)"
                     R"("time":"2026-08-09T23:05:48.1676+02:00","side":"BUY"},)"
                     R"({"product_id":"BTC-USD","trade_id":"2","price":"1","size":"1",)"
                     R"("time":"2026-08-09T21:05:48Z","side":"BUY"}]}]})",
                     kRecv, log.sink) == ok(2));
  REQUIRE(log.ticks.size() == 2);
  CHECK(log.ticks[0].ts_event_us == 1786309548167600);
  CHECK(log.ticks[1].ts_event_us == 1786309548000000);
}

TEST_CASE("CoinbaseCodec decodes a ticker_batch row without best bid and ask") {
  CoinbaseCodec codec;
  TickLog log;
  CHECK(codec.decode(R"({"channel":"ticker_batch","timestamp":"2026-08-09T21:05:48.5Z",)"
                     R"("sequence_num":12,"events":[{"type":"update","tickers":[{"type":"ticker",)"
                     R"("product_id":"ETH-USD","price":"2600.10","volume_24_h":"1000.5"}]}]})",
                     kRecv, log.sink) == ok(1));
  REQUIRE(log.ticks.size() == 1);
  CHECK(log.ticks[0].ts_event_us == 1786309548500000);
  CHECK(text(log.ticks[0].last) == "2600.10");
  CHECK(text(log.ticks[0].volume) == "1000.5");
  CHECK_FALSE(log.ticks[0].bid.has_value());
  CHECK_FALSE(log.ticks[0].ask_qty.has_value());
}
