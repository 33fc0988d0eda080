#include <catch2/catch.hpp>

#include <vector>

#include "gateway/exchanges/coinbase/coinbase_rest.h"
#include "gateway/exchanges/kraken/kraken_rest.h"
#include "gateway/feed/feed_protocol.h"

namespace {

core::Decimal dec(const char* text) {
  return *core::Decimal::parse(text);
}

}  // namespace

TEST_CASE("CoinbaseRestCodec reads best bid, ask and the newest trade of a product ticker",
          "[gateway][codec]") {
  gateway::coinbase::CoinbaseRestCodec codec;
  std::vector<core::Tick> ticks;
  const auto r = codec.decode_ticker(
      "BTC-USD",
      R"({"trades":[{"trade_id":"995098663","product_id":"BTC-USD","price":"68923.67","size":"0.00064",)"
      R"("time":"2026-04-07T00:28:58.544778Z","side":"SELL","bid":"","ask":"","exchange":"coinbase"}],)"
      R"("best_bid":"68923.66","best_ask":"68923.67"})",
      42, [&](const core::Tick& t) { ticks.push_back(t); });
  CHECK(r ==
        gateway::DecodeResult{gateway::DecodeOutcome::kOk, gateway::MalformedReason::kNone, 1});
  REQUIRE(ticks.size() == 1);
  core::Tick expected;
  expected.exchange = core::Exchange::kCoinbase;
  expected.symbol = "BTC-USD";
  expected.kind = core::TickKind::kTicker;
  expected.ts_event_us = 1'775'521'738'544'778;
  expected.ts_recv_us = 42;
  expected.bid = dec("68923.66");
  expected.ask = dec("68923.67");
  expected.last = dec("68923.67");
  CHECK(ticks[0] == expected);

  CHECK(codec.decode_ticker("BTC-USD", R"({"trades":[],"best_bid":"1","best_ask":"x"})", 1,
                            [](const core::Tick&) {}) ==
        gateway::DecodeResult{gateway::DecodeOutcome::kMalformed,
                              gateway::MalformedReason::kBadNumber, 0});
  CHECK(codec.stats().frames_malformed[3] == 1);
}

TEST_CASE("KrakenRestCodec reads a Ticker result under the pair asked for", "[gateway][codec]") {
  gateway::kraken::KrakenRestCodec codec;
  std::vector<core::Tick> ticks;
  const auto r = codec.decode_ticker(
      "XBTUSD",
      R"({"error":[],"result":{"XXBTZUSD":{"a":["3537.50000","1","1.000"],"b":["3537.40000","16","16.000"],)"
      R"("c":["3537.50000","0.25000000"],"v":["2945.40515179","4009.69918350"],"p":["3537.46886","3535.79747"],)"
      R"("t":[5773,6815],"l":["3504.20000","3504.20000"],"h":["3565.00000","3565.00000"],"o":"3530.60000"}}})",
      7, [&](const core::Tick& t) { ticks.push_back(t); });
  CHECK(r.ticks == 1);
  REQUIRE(ticks.size() == 1);
  core::Tick expected;
  expected.exchange = core::Exchange::kKraken;
  expected.symbol = "XBTUSD";
  expected.kind = core::TickKind::kTicker;
  expected.ts_event_us = 7;
  expected.ts_recv_us = 7;
  expected.bid = dec("3537.40000");
  expected.bid_qty = dec("16.000");
  expected.ask = dec("3537.50000");
  expected.ask_qty = dec("1.000");
  expected.last = dec("3537.50000");
  expected.volume = dec("4009.69918350");
  CHECK(ticks[0] == expected);
  CHECK(codec
            .decode_ticker("XBTUSD", R"({"error":["EQuery:Unknown asset pair"]})", 1,
                           [](const core::Tick&) {})
            .reason == gateway::MalformedReason::kBadValue);
}

TEST_CASE("Kraken native symbols map to websocket v2 pairs", "[gateway][feed]") {
  CHECK(gateway::feed::kraken_v2_pair("XBTUSD") == "BTC/USD");
  CHECK(gateway::feed::kraken_v2_pair("XDGUSD") == "DOGE/USD");
  CHECK(gateway::feed::kraken_v2_pair("ETHUSDT") == "ETH/USDT");
  CHECK(gateway::feed::kraken_v2_pair("ETHXBT") == "ETH/BTC");
  CHECK(gateway::feed::kraken_v2_pair("XBT/CHF") == "BTC/CHF");
}
