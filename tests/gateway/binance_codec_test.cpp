// BinanceCodec: websocket frames and REST ticker bodies -> exact Ticks; bad frames counted.
#include "gateway/exchanges/binance/binance_codec.h"

#include <catch2/catch.hpp>

#include "tests/gateway/codec_test_support.h"

namespace {

using gateway::MalformedReason;
using gateway::binance::BinanceCodec;
using namespace gateway::testing;

constexpr std::int64_t kRecv = 1'700'000'000'123'456;

// Frames from fixtures/binance (2023 trade, 2024 bookTicker) and PROTOCOLS.md 2.2.
constexpr std::string_view kTrade =
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1680652800000,"s":"BTCUSDT",)"
    R"("t":3071245454,"p":"28165.47000000","q":"0.00056000","b":20720542158,"a":20720542592,)"
    R"("T":1680652799999,"m":true,"M":true}})";
constexpr std::string_view kBookTicker =
    R"({"stream":"ethusdt@bookTicker","data":{"u":35346513501,"s":"ETHUSDT",)"
    R"("b":"2683.80000000","B":"3.02920000","a":"2683.81000000","A":"31.43950000"}})";

}  // namespace

TEST_CASE("BinanceCodec decodes a trade frame with exact digits and the taker side") {
  BinanceCodec codec;
  TickLog log;
  CHECK(codec.decode(kTrade, kRecv, log.sink) == ok(1));
  REQUIRE(log.ticks.size() == 1);
  const core::Tick& t = log.ticks[0];
  CHECK(t.exchange == core::Exchange::kBinance);
  CHECK(t.kind == core::TickKind::kTrade);
  CHECK(t.symbol == "BTCUSDT");
  CHECK(t.ts_event_us == 1680652799999000);
  CHECK(t.ts_recv_us == kRecv);
  CHECK(t.trade_id == "3071245454");
  CHECK(text(t.price) == "28165.47000000");
  CHECK(text(t.qty) == "0.00056000");
  CHECK(t.side == core::Side::kSell);  // m=true: the buyer was the maker, the taker sold
  CHECK_FALSE(t.seq.has_value());
  CHECK_FALSE(t.bid.has_value());
}

TEST_CASE("BinanceCodec decodes an aggTrade with its aggregate id and a buying taker") {
  BinanceCodec codec;
  TickLog log;
  CHECK(codec.decode(R"({"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"0.001",)"
                     R"("q":"100","f":100,"l":105,"T":1672515782135,"m":false,"M":true})",
                     kRecv, log.sink) == ok(1));
  REQUIRE(log.ticks.size() == 1);
  const core::Tick& t = log.ticks[0];
  CHECK(t.symbol == "BNBBTC");
  CHECK(t.trade_id == "12345");
  CHECK(text(t.price) == "0.001");
  CHECK(text(t.qty) == "100");
  CHECK(t.side == core::Side::kBuy);
  CHECK(t.ts_event_us == 1672515782135000);
}

TEST_CASE("BinanceCodec decodes a bookTicker as a book tick sequenced by its update id") {
  BinanceCodec codec;
  TickLog log;
  CHECK(codec.decode(kBookTicker, kRecv, log.sink) == ok(1));
  REQUIRE(log.ticks.size() == 1);
  const core::Tick& t = log.ticks[0];
  CHECK(t.kind == core::TickKind::kBook);
  CHECK(t.symbol == "ETHUSDT");
  CHECK(t.seq == 35346513501u);
  CHECK(t.ts_event_us == kRecv);  // bookTicker carries no time
  CHECK(text(t.bid) == "2683.80000000");
  CHECK(text(t.bid_qty) == "3.02920000");
  CHECK(text(t.ask) == "2683.81000000");
  CHECK(text(t.ask_qty) == "31.43950000");
  CHECK_FALSE(t.price.has_value());
  CHECK_FALSE(t.trade_id.has_value());
}

TEST_CASE("BinanceCodec decodes a 24hrTicker as a ticker tick at its event time") {
  BinanceCodec codec;
  TickLog log;
  CHECK(codec.decode(
            R"({"stream":"btcusdt@ticker","data":{"e":"24hrTicker","E":1672515782136,)"
            R"("s":"BTCUSDT","p":"-94.99999800","P":"-95.960","w":"0.29628482","x":"0.10000200",)"
            R"("c":"4.00000200","Q":"10.00000000","b":"4.00000000","B":"10.00000000",)"
            R"("a":"4.00000200","A":"100.00000000","o":"99.00000000","h":"100.00000000",)"
            R"("l":"0.10000000","v":"8913.30000000","q":"15.30000000","O":0,"C":86400000,)"
            R"("F":0,"L":18150,"n":18151}})",
            kRecv, log.sink) == ok(1));
  REQUIRE(log.ticks.size() == 1);
  const core::Tick& t = log.ticks[0];
  CHECK(t.kind == core::TickKind::kTicker);
  CHECK(t.ts_event_us == 1672515782136000);
  CHECK(text(t.bid) == "4.00000000");
  CHECK(text(t.bid_qty) == "10.00000000");
  CHECK(text(t.ask) == "4.00000200");
  CHECK(text(t.ask_qty) == "100.00000000");
  CHECK(text(t.last) == "4.00000200");
  CHECK(text(t.volume) == "8913.30000000");
  CHECK_FALSE(t.side.has_value());
}

TEST_CASE("BinanceCodec ignores acks, errors and streams without ticks") {
  BinanceCodec codec;
  TickLog log;
  CHECK(codec.decode(R"({"result":null,"id":1})", kRecv, log.sink) == ignored());
  CHECK(codec.decode(R"({"code":2,"msg":"Invalid request"})", kRecv, log.sink) == ignored());
  CHECK(codec.decode(R"({"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,)"
                     R"("s":"BTCUSDT","U":157,"u":160,"b":[["0.0024","10"]],"a":[]}})",
                     kRecv, log.sink) == ignored());
  CHECK(codec.decode(R"({"stream":"x@kline_1m","data":{"e":"kline","E":1,"s":"X","k":{"t":1}}})",
                     kRecv, log.sink) == ignored());
  CHECK(log.ticks.empty());
  CHECK(codec.stats().frames_ignored == 4);
}

TEST_CASE("BinanceCodec counts malformed frames by reason") {
  BinanceCodec codec;
  TickLog log;
  CHECK(codec.decode(R"({"stream":"btcusdt@trade","data":{"e":"tr)", kRecv, log.sink) ==
        malformed(MalformedReason::kBadJson));
  CHECK(codec.decode("[1,2]", kRecv, log.sink) == malformed(MalformedReason::kBadJson));
  CHECK(codec.decode(R"({"e":"trade","s":"BTCUSDT","t":1,"q":"1","T":1,"m":true})", kRecv,
                     log.sink) == malformed(MalformedReason::kMissingField));
  CHECK(codec.decode(R"({"e":"trade","s":"BTCUSDT","t":1,"p":"1.2.3","q":"1","T":1,"m":true})",
                     kRecv, log.sink) == malformed(MalformedReason::kBadNumber));
  CHECK(codec.decode(R"({"e":"trade","s":"BTCUSDT","t":-1,"p":"1","q":"1","T":1,"m":true})", kRecv,
                     log.sink) == malformed(MalformedReason::kBadNumber));
  CHECK(codec.decode(R"({"e":"trade","s":"btc/usdt","t":1,"p":"1","q":"1","T":1,"m":true})", kRecv,
                     log.sink) == malformed(MalformedReason::kUnknownSymbol));
  CHECK(codec.decode(R"({"e":"trade","s":"BTCUSDT","t":1,"p":"1","q":"1","T":1,"m":1})", kRecv,
                     log.sink) == malformed(MalformedReason::kBadValue));
  CHECK(log.ticks.empty());
  const auto& stats = codec.stats();
  CHECK(stats.frames_malformed[static_cast<int>(MalformedReason::kBadJson)] == 2);
  CHECK(stats.frames_malformed[static_cast<int>(MalformedReason::kMissingField)] == 1);
  CHECK(stats.frames_malformed[static_cast<int>(MalformedReason::kBadNumber)] == 2);
  CHECK(stats.frames_malformed[static_cast<int>(MalformedReason::kUnknownSymbol)] == 1);
  CHECK(stats.frames_malformed[static_cast<int>(MalformedReason::kBadValue)] == 1);
  CHECK(stats.malformed_total() == 7);
  CHECK(stats.frames_ok == 0);
}

TEST_CASE("BinanceCodec loses nothing around a malformed frame") {
  BinanceCodec codec;
  TickLog log;
  CHECK(codec.decode(kTrade, kRecv, log.sink) == ok(1));
  CHECK(codec.decode(R"({"stream":"ethusdt@bookTicker","data":{"u":1,"s":)", kRecv + 1, log.sink) ==
        malformed(MalformedReason::kBadJson));
  CHECK(codec.decode(kBookTicker, kRecv + 2, log.sink) == ok(1));
  REQUIRE(log.ticks.size() == 2);
  CHECK(log.ticks[0].trade_id == "3071245454");
  CHECK(log.ticks[1].seq == 35346513501u);
  CHECK_FALSE(log.ticks[1].trade_id.has_value());
  CHECK(codec.stats().frames_ok == 2);
  CHECK(codec.stats().malformed_total() == 1);
  CHECK(codec.stats().ticks == 2);
}

TEST_CASE("BinanceCodec decodes REST bookTicker bodies, one object or an array") {
  BinanceCodec codec;
  TickLog log;
  CHECK(codec.decode_rest_book_ticker(
            R"({"symbol":"LTCBTC","bidPrice":"4.00000000","bidQty":"431.00000000",)"
            R"("askPrice":"4.00000200","askQty":"9.00000000"})",
            kRecv, log.sink) == ok(1));
  CHECK(codec.decode_rest_book_ticker(
            R"([{"symbol":"BTCUSDT","bidPrice":"1.0","bidQty":"2","askPrice":"1.1","askQty":"3"},)"
            R"({"symbol":"ETHUSDT","bidPrice":"5","bidQty":"6","askPrice":"7","askQty":"8"}])",
            kRecv, log.sink) == ok(2));
  REQUIRE(log.ticks.size() == 3);
  const core::Tick& t = log.ticks[0];
  CHECK(t.kind == core::TickKind::kBook);
  CHECK(t.symbol == "LTCBTC");
  CHECK(t.ts_event_us == kRecv);
  CHECK(text(t.bid) == "4.00000000");
  CHECK(text(t.bid_qty) == "431.00000000");
  CHECK(text(t.ask) == "4.00000200");
  CHECK(text(t.ask_qty) == "9.00000000");
  CHECK(log.ticks[2].symbol == "ETHUSDT");
  CHECK(text(log.ticks[2].ask_qty) == "8");
  CHECK(codec.decode_rest_book_ticker(R"({"symbol":"LTCBTC","bidPrice":"4"})", kRecv, log.sink) ==
        malformed(MalformedReason::kMissingField));
}

TEST_CASE("BinanceCodec decodes REST 24hr bodies, FULL and MINI, at their close time") {
  BinanceCodec codec;
  TickLog log;
  CHECK(codec.decode_rest_ticker_24hr(
            R"({"symbol":"BNBBTC","priceChange":"-94.99999800","priceChangePercent":"-95.960",)"
            R"("weightedAvgPrice":"0.29628482","prevClosePrice":"0.10002000",)"
            R"("lastPrice":"4.00000200","lastQty":"200.00000000","bidPrice":"4.00000000",)"
            R"("bidQty":"100.00000000","askPrice":"4.00000200","askQty":"100.00000000",)"
            R"("openPrice":"99.00000000","highPrice":"100.00000000","lowPrice":"0.10000000",)"
            R"("volume":"8913.30000000","quoteVolume":"15.30000000","openTime":1499783499040,)"
            R"("closeTime":1499869899040,"firstId":28385,"lastId":28460,"count":76})",
            kRecv, log.sink) == ok(1));
  CHECK(codec.decode_rest_ticker_24hr(
            R"([{"symbol":"BTCUSDT","openPrice":"1","highPrice":"2","lowPrice":"0.5",)"
            R"("lastPrice":"1.5","volume":"10","quoteVolume":"15","openTime":1,)"
            R"("closeTime":2,"firstId":0,"lastId":9,"count":10}])",
            kRecv, log.sink) == ok(1));
  REQUIRE(log.ticks.size() == 2);
  const core::Tick& full = log.ticks[0];
  CHECK(full.kind == core::TickKind::kTicker);
  CHECK(full.ts_event_us == 1499869899040000);
  CHECK(text(full.last) == "4.00000200");
  CHECK(text(full.volume) == "8913.30000000");
  CHECK(text(full.bid) == "4.00000000");
  CHECK(text(full.ask_qty) == "100.00000000");
  const core::Tick& mini = log.ticks[1];
  CHECK(text(mini.last) == "1.5");
  CHECK(mini.ts_event_us == 2000);
  CHECK_FALSE(mini.bid.has_value());
  CHECK_FALSE(mini.ask.has_value());
}

TEST_CASE("BinanceCodec decodes every frame of the committed recordings") {
  BinanceCodec codec;
  auto decode = [&codec](std::string_view frame, std::int64_t t, const gateway::TickSink& sink) {
    return codec.decode(frame, t, sink);
  };
  const auto btc = decode_fixture(
      "fixtures/binance/BTCUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst", "binance.ws", decode);
  CHECK(btc.ticks ==
        std::map<std::string, std::uint64_t>{{"trade BTCUSDT", 19904}, {"book BTCUSDT", 73174}});
  CHECK(btc.stats.frames_ignored == 6495);  // depth@100ms
  CHECK(btc.stats.malformed_total() == 0);

  const auto eth = decode_fixture(
      "fixtures/binance/ETHUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst", "binance.ws", decode);
  CHECK(eth.ticks ==
        std::map<std::string, std::uint64_t>{{"trade ETHUSDT", 14515}, {"book ETHUSDT", 58758}});
  CHECK(eth.stats.frames_ignored == 0);

  const auto old = decode_fixture("fixtures/binance/BTCUSDT_2023-04-05T0000Z-0007Z.jsonl.zst",
                                  "binance.ws", decode);
  CHECK(old.ticks ==
        std::map<std::string, std::uint64_t>{{"trade BTCUSDT", 3144}, {"book BTCUSDT", 8015}});
  CHECK(old.stats.frames_ignored == 3929);

  const auto cf = decode_fixture(
      "fixtures/binance/cryptofeed_2021-10-12T0028Z_ws_and_depth_snapshots.jsonl.zst", "binance.ws",
      decode);
  CHECK(cf.ticks == std::map<std::string, std::uint64_t>{{"book BLZETH", 1},
                                                         {"book LRCBTC", 9},
                                                         {"book NKNUSDT", 74},
                                                         {"trade LRCBTC", 1},
                                                         {"trade NKNUSDT", 1}});
  CHECK(cf.stats.frames_ignored == 179);  // 177 depth, 2 kline
  CHECK(codec.stats().malformed_total() == 0);
}
