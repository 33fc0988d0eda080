// Coinbase and Kraken market data on MockExchange's port: subscribe answers, recorded frames
// forwarded (Coinbase, renumbered) or converted (Kraken v1 -> v2), and the REST tickers.
#include <catch2/catch.hpp>

#include <regex>

#include "mockex_world.h"

using mockex_test::MockexWorld;

namespace {

struct Client {
  Client(MockexWorld& w, const std::string& path) : world(w), ws(w.clock, w.net, "client") {
    ws.connect(
        "ws://server:" + std::to_string(w.port) + path,
        {[this] { open = true; }, [this](const std::string& t) { frames.push_back(t); }, {}});
    REQUIRE(w.clock.run_until([this] { return open; }, 5 * MockexWorld::kSecond));
  }
  void wait_for(std::size_t n) {
    REQUIRE(world.clock.run_until([&] { return frames.size() >= n; }, 5 * MockexWorld::kSecond));
  }
  MockexWorld& world;
  sim::SimWsClient ws;
  bool open = false;
  std::vector<std::string> frames;
};

/// `text` with every RFC 3339 time (the server's arrival time) replaced by "T".
std::string times_masked(const std::string& text) {
  static const std::regex kTime(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)");
  return std::regex_replace(text, kTime, "T");
}

constexpr const char* kCoinbaseTicker =
    R"({"channel":"ticker","client_id":"","timestamp":"2026-08-09T21:05:48.298032046Z","sequence_num":10,)"
    R"("events":[{"type":"update","tickers":[{"type":"ticker","product_id":"BTC-USD","price":"65086.18",)"
    R"("best_bid":"65083.66","best_ask":"65083.67"}]}]})";
constexpr const char* kCoinbaseTrades =
    R"({"channel":"market_trades","client_id":"","timestamp":"2026-08-09T21:05:48.251397169Z","sequence_num":9,)"
    R"("events":[{"type":"update","trades":[{"product_id":"BTC-USD","trade_id":"1068572091",)"
    R"("price":"65083.67","size":"0.01034361","time":"2026-08-09T21:05:48.167634Z","side":"SELL"}]}]})";
constexpr const char* kKrakenTicker =
    R"([1844,{"a":["9.608415",188,"188.00000000"],"b":["9.590799",136,"136.81110241"],)"
    R"("c":["9.608415","12.00000000"],"v":["206721.01544724","430490.17781308"],)"
    R"("p":["9.830615","9.979412"],"t":[2048,4148],"l":["9.320000","9.320000"],)"
    R"("h":["10.387727","10.657417"],"o":["10.181544","9.850589"]},"ticker","XBT/CHF"])";
constexpr const char* kKrakenTrade =
    R"([1850,[["52000.10000","0.01000000","1618678133.123456","s","l",""]],"trade","XBT/CHF"])";

}  // namespace

TEST_CASE("Coinbase ws forwards subscribed channels with per-connection sequence numbers",
          "[mockex][venues]") {
  MockexWorld w;
  Client c(w, "/coinbase");
  REQUIRE(c.ws.send_text(R"({"type":"subscribe","product_ids":["BTC-USD"],"channel":"ticker"})")
              .is_ok());
  c.wait_for(1);
  CHECK(times_masked(c.frames[0]) ==
        R"({"channel":"subscriptions","client_id":"","timestamp":"T",)"
        R"("sequence_num":0,"events":[{"subscriptions":{"ticker":["BTC-USD"]}}]})");
  w.exchange->feed({0, "coinbase.ws", "", kCoinbaseTrades});  // not subscribed
  w.exchange->feed({0, "coinbase.ws", "", kCoinbaseTicker});
  c.wait_for(2);
  std::string expected = kCoinbaseTicker;
  expected.replace(expected.find(R"("sequence_num":10)"), 17, R"("sequence_num":1)");
  CHECK(c.frames[1] == expected);
  CHECK(c.frames.size() == 2);

  const auto r = w.get("/api/v3/brokerage/market/products/BTC-USD/ticker?limit=5");
  CHECK(r.status == 200);
  CHECK(r.body ==
        R"({"trades":[{"trade_id":"1068572091","product_id":"BTC-USD","price":"65083.67",)"
        R"("size":"0.01034361","time":"2026-08-09T21:05:48.167634Z","side":"SELL","bid":"",)"
        R"("ask":"","exchange":"coinbase"}],"best_bid":"65083.66","best_ask":"65083.67"})");
  CHECK(w.get("/api/v3/brokerage/market/products/NOPE-USD/ticker?limit=1").status == 404);
}

TEST_CASE("Kraken v1 recordings are served as websocket v2 ticker and trade messages",
          "[mockex][venues]") {
  MockexWorld w;
  Client c(w, "/kraken/v2");
  REQUIRE(
      c.ws.send_text(
              R"({"method":"subscribe","params":{"channel":"ticker","symbol":["BTC/CHF"]},"req_id":1})")
          .is_ok());
  REQUIRE(
      c.ws.send_text(
              R"({"method":"subscribe","params":{"channel":"trade","symbol":["BTC/CHF"]},"req_id":2})")
          .is_ok());
  c.wait_for(2);
  CHECK(times_masked(c.frames[0]) ==
        R"({"method":"subscribe","result":{"channel":"ticker","snapshot":true,"symbol":"BTC/CHF"},)"
        R"("success":true,"time_in":"T","time_out":"T","req_id":1})");
  w.exchange->feed({0, "kraken.ws.v1", "", kKrakenTicker});
  w.exchange->feed({0, "kraken.ws.v1", "", kKrakenTrade});
  w.exchange->feed({0, "kraken.ws.v1", "", R"({"event":"heartbeat"})"});
  c.wait_for(5);
  CHECK(c.frames[2] ==
        R"({"channel":"ticker","type":"update","data":[{"symbol":"BTC/CHF","bid":9.590799,)"
        R"("bid_qty":136.81110241,"ask":9.608415,"ask_qty":188.00000000,"last":9.608415,)"
        R"("volume":430490.17781308,"vwap":9.979412,"low":9.320000,"high":10.657417,)"
        R"("change":-0.242174,"change_pct":-2.46}]})");
  CHECK(c.frames[3] ==
        R"({"channel":"trade","type":"update","data":[{"symbol":"BTC/CHF","side":"sell",)"
        R"("price":52000.10000,"qty":0.01000000,"ord_type":"limit","trade_id":1,)"
        R"("timestamp":"2021-04-17T16:48:53.123456Z"}]})");
  CHECK(c.frames[4] == R"({"channel":"heartbeat"})");

  const auto r = w.get("/0/public/Ticker?pair=XBTCHF");
  CHECK(r.body.starts_with(
      R"({"error":[],"result":{"XBTCHF":{"a":["9.608415",188,"188.00000000"],)"));
  CHECK(w.get("/0/public/Ticker?pair=NOPE").body == R"({"error":["EQuery:Unknown asset pair"]})");
}
