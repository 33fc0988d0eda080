// KrakenCodec: v2 and v1 websocket frames -> exact Ticks with native symbols; bad frames counted.
#include "gateway/exchanges/kraken/kraken_codec.h"

#include <catch2/catch.hpp>

#include "tests/gateway/codec_test_support.h"

namespace {

using gateway::MalformedReason;
using gateway::kraken::KrakenCodec;
using namespace gateway::testing;

constexpr std::int64_t kRecv = 1695628177800000;

// v2 frames from PROTOCOLS.md 4.1; v1 frames from fixtures/kraken.
constexpr std::string_view kV2Ticker =
    R"({"channel":"ticker","type":"snapshot","data":[{"symbol":"BTC/USD","bid":26305.6,)"
    R"("bid_qty":0.12,"ask":26305.7,"ask_qty":0.5,"last":26305.7,"volume":3178.39,)"
    R"("vwap":26337.1,"low":26000.0,"high":26600.0,"change":-34.5,"change_pct":-0.13}]})";
constexpr std::string_view kV2Trade =
    R"({"channel":"trade","type":"update","data":[{"symbol":"MATIC/USD","side":"sell",)"
    R"("price":0.5117,"qty":40.0,"ord_type":"market","trade_id":4665906,)"
    R"("timestamp":"2023-09-25T07:49:37.708706Z"}]})";
constexpr std::string_view kV1Trades =
    R"([993,[["354.04000000","0.28245396","1618678150.826417","s","m",""],)"
    R"(["353.81000000","1.71754604","1618678150.827816","b","m",""]],"trade","XMR/USD"])";
constexpr std::string_view kV1Ticker =
    R"([1668,{"a":["13.253900",35,"35.72892241"],"b":["13.232900",185,"185.18432037"],)"
    R"("c":["13.253900","3.71672000"],"v":["26560.85364463","72035.05488104"],)"
    R"("p":["13.529003","13.734728"],"t":[640,1353],"l":["13.021800","13.021800"],)"
    R"("h":["13.942000","14.211200"],"o":["13.804000","13.428300"]},"ticker","WAVES/EUR"])";

}  // namespace

TEST_CASE("kraken::native_symbol spells websocket pairs as the config's Kraken symbols") {
  std::string out;
  CHECK((gateway::kraken::native_symbol("BTC/USD", out) && out == "XBTUSD"));
  CHECK((gateway::kraken::native_symbol("XBT/USD", out) && out == "XBTUSD"));
  CHECK((gateway::kraken::native_symbol("ETH/USD", out) && out == "ETHUSD"));
  CHECK((gateway::kraken::native_symbol("DOGE/USD", out) && out == "XDGUSD"));
  CHECK((gateway::kraken::native_symbol("KSM/BTC", out) && out == "KSMXBT"));
  CHECK_FALSE(gateway::kraken::native_symbol("BTCUSD", out));
  CHECK_FALSE(gateway::kraken::native_symbol("btc/usd", out));
  CHECK_FALSE(gateway::kraken::native_symbol("BTC/", out));
}

TEST_CASE("KrakenCodec decodes a v2 ticker keeping the digits of JSON numbers") {
  KrakenCodec codec;
  TickLog log;
  CHECK(codec.decode(kV2Ticker, kRecv, log.sink) == ok(1));
  REQUIRE(log.ticks.size() == 1);
  const core::Tick& t = log.ticks[0];
  CHECK(t.exchange == core::Exchange::kKraken);
  CHECK(t.kind == core::TickKind::kTicker);
  CHECK(t.symbol == "XBTUSD");
  CHECK(t.ts_event_us == kRecv);  // no timestamp in this row
  CHECK(text(t.bid) == "26305.6");
  CHECK(text(t.bid_qty) == "0.12");
  CHECK(text(t.ask) == "26305.7");
  CHECK(text(t.ask_qty) == "0.5");
  CHECK(text(t.last) == "26305.7");
  CHECK(text(t.volume) == "3178.39");
  CHECK_FALSE(t.seq.has_value());
}

TEST_CASE("KrakenCodec decodes a v2 trade with its id, taker side and time") {
  KrakenCodec codec;
  TickLog log;
  CHECK(codec.decode(kV2Trade, kRecv, log.sink) == ok(1));
  REQUIRE(log.ticks.size() == 1);
  const core::Tick& t = log.ticks[0];
  CHECK(t.kind == core::TickKind::kTrade);
  CHECK(t.symbol == "MATICUSD");
  CHECK(text(t.price) == "0.5117");
  CHECK(text(t.qty) == "40.0");
  CHECK(t.side == core::Side::kSell);
  CHECK(t.trade_id == "4665906");
  CHECK(t.ts_event_us == 1695628177708706);
}

TEST_CASE("KrakenCodec decodes v1 trade rows and a v1 ticker") {
  KrakenCodec codec;
  TickLog log;
  CHECK(codec.decode(kV2Trade, kRecv, log.sink) == ok(1));  // leaves a trade id behind
  CHECK(codec.decode(kV1Trades, kRecv, log.sink) == ok(2));
  CHECK(codec.decode(kV1Ticker, kRecv, log.sink) == ok(1));
  REQUIRE(log.ticks.size() == 4);
  const core::Tick& a = log.ticks[1];
  CHECK(a.kind == core::TickKind::kTrade);
  CHECK(a.symbol == "XMRUSD");
  CHECK(text(a.price) == "354.04000000");
  CHECK(text(a.qty) == "0.28245396");
  CHECK(a.side == core::Side::kSell);
  CHECK(a.ts_event_us == 1618678150826417);
  CHECK_FALSE(a.trade_id.has_value());
  CHECK(log.ticks[2].side == core::Side::kBuy);
  CHECK(text(log.ticks[2].price) == "353.81000000");
  const core::Tick& t = log.ticks[3];
  CHECK(t.kind == core::TickKind::kTicker);
  CHECK(t.symbol == "WAVESEUR");
  CHECK(t.ts_event_us == kRecv);
  CHECK(text(t.ask) == "13.253900");
  CHECK(text(t.ask_qty) == "35.72892241");
  CHECK(text(t.bid) == "13.232900");
  CHECK(text(t.bid_qty) == "185.18432037");
  CHECK(text(t.last) == "13.253900");
  CHECK(text(t.volume) == "72035.05488104");
}

TEST_CASE("KrakenCodec ignores heartbeats, events, method replies and untracked channels") {
  KrakenCodec codec;
  TickLog log;
  CHECK(codec.decode(R"({"channel":"heartbeat"})", kRecv, log.sink) == ignored());
  CHECK(codec.decode(R"({"event":"heartbeat"})", kRecv, log.sink) == ignored());
  CHECK(codec.decode(R"({"method":"pong","req_id":101})", kRecv, log.sink) == ignored());
  CHECK(codec.decode(R"({"channel":"book","type":"update","data":[]})", kRecv, log.sink) ==
        ignored());
  CHECK(codec.decode(R"([1360,{"a":[["0.1","1","1618678133.1"]],"c":"1"},"book-1000","ADA/XBT"])",
                     kRecv, log.sink) == ignored());
  CHECK(log.ticks.empty());
}

TEST_CASE("KrakenCodec counts malformed frames by reason and loses nothing around them") {
  KrakenCodec codec;
  TickLog log;
  CHECK(codec.decode(kV2Trade, kRecv, log.sink) == ok(1));
  CHECK(codec.decode(R"({"channel":"trade","data":[{"symbol")", kRecv, log.sink) ==
        malformed(MalformedReason::kBadJson));
  CHECK(codec.decode(R"({"channel":"trade"})", kRecv, log.sink) ==
        malformed(MalformedReason::kMissingField));
  CHECK(codec.decode(R"({"data":[]})", kRecv, log.sink) ==
        malformed(MalformedReason::kMissingField));
  CHECK(codec.decode(R"([993,[["1","x","1618678150.8","s","m",""]],"trade","XMR/USD"])", kRecv,
                     log.sink) == malformed(MalformedReason::kBadNumber));
  CHECK(codec.decode(R"([993,[["1","1","1618678150.8","s","m",""]],"trade","XMRUSD"])", kRecv,
                     log.sink) == malformed(MalformedReason::kUnknownSymbol));
  CHECK(codec.decode(R"([993,[["1","1","1618678150.8","?","m",""]],"trade","XMR/USD"])", kRecv,
                     log.sink) == malformed(MalformedReason::kBadValue));
  CHECK(codec.decode(kV1Ticker, kRecv, log.sink) == ok(1));
  REQUIRE(log.ticks.size() == 2);
  CHECK(log.ticks[0].trade_id == "4665906");
  CHECK(log.ticks[1].symbol == "WAVESEUR");
  const auto& stats = codec.stats();
  CHECK(stats.frames_malformed[static_cast<int>(MalformedReason::kBadJson)] == 1);
  CHECK(stats.frames_malformed[static_cast<int>(MalformedReason::kMissingField)] == 2);
  CHECK(stats.frames_malformed[static_cast<int>(MalformedReason::kBadNumber)] == 1);
  CHECK(stats.frames_malformed[static_cast<int>(MalformedReason::kUnknownSymbol)] == 1);
  CHECK(stats.frames_malformed[static_cast<int>(MalformedReason::kBadValue)] == 1);
  CHECK(stats.frames_ok == 2);
}

TEST_CASE("KrakenCodec decodes every frame of the committed v1 recordings") {
  KrakenCodec codec;
  auto decode = [&codec](std::string_view frame, std::int64_t t, const gateway::TickSink& sink) {
    return codec.decode(frame, t, sink);
  };
  const auto trades = decode_fixture("fixtures/kraken/ws_v1_2021-04-17T1648Z_trade.jsonl.zst",
                                     "kraken.ws.v1", decode);
  CHECK(trades.ticks ==
        std::map<std::string, std::uint64_t>{{"trade SCEUR", 6}, {"trade XMRUSD", 4}});
  CHECK(trades.stats.frames_ok == 8);
  CHECK(trades.stats.frames_ignored == 41);  // 30 heartbeats, 10 subscriptionStatus, 1 systemStatus

  const auto tickers = decode_fixture("fixtures/kraken/ws_v1_2021-04-17T1648Z_ticker.jsonl.zst",
                                      "kraken.ws.v1", decode);
  CHECK(tickers.ticks == std::map<std::string, std::uint64_t>{{"ticker ADAXBT", 1},
                                                              {"ticker ETHCHF", 1},
                                                              {"ticker GRTETH", 1},
                                                              {"ticker KSMXBT", 1},
                                                              {"ticker OCEANXBT", 1},
                                                              {"ticker OMGUSD", 1},
                                                              {"ticker SCEUR", 6},
                                                              {"ticker WAVESEUR", 1},
                                                              {"ticker XBTCHF", 1},
                                                              {"ticker XMRUSD", 4}});
  CHECK(tickers.stats.frames_ignored == 42);

  const auto book = decode_fixture("fixtures/kraken/ws_v1_2021-04-17T1648Z_book.jsonl.zst",
                                   "kraken.ws.v1", decode);
  CHECK(book.ticks.empty());  // full-depth book frames: top of book comes from ticker
  CHECK(book.stats.frames_ignored == 4321);
  CHECK(codec.stats().malformed_total() == 0);
}
