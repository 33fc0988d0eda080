// MarketFeed against MockExchange behind SimHttpServer, in virtual time: ticks equal what the
// exchange streamed, reconnects with backoff after a drop, stale streams, REST polling at
// poll_interval_sec, sequence gaps.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "gateway/exchanges/binance/binance_codec.h"
#include "gateway/exchanges/coinbase/coinbase_codec.h"
#include "gateway/exchanges/kraken/kraken_codec.h"
#include "gateway/market_feed.h"
#include "tests/mockex/mockex_world.h"

namespace {

using mockex_test::MockexWorld;
constexpr std::int64_t kSecond = MockexWorld::kSecond;
constexpr std::uint64_t kSeed = 7;

constexpr const char* kBinanceBook =
    R"({"u":100,"s":"BTCUSDT","b":"60000.00000000","B":"1.50000000","a":"60000.01000000","A":"2.00000000"})";

std::string binance_trade(const std::string& symbol, int id) {
  return R"({"e":"trade","E":1767225600100,"s":")" + symbol + R"(","t":)" + std::to_string(id) +
         R"(,"p":"60000.01000000","q":"0.01000000","T":1767225600099,"m":false,"M":true})";
}
std::string wrap(const std::string& stream, const std::string& data) {
  return R"({"stream":")" + stream + R"(","data":)" + data + "}";
}

constexpr const char* kCoinbaseTicker =
    R"({"channel":"ticker","client_id":"","timestamp":"2026-08-09T21:05:48.298032046Z","sequence_num":10,)"
    R"("events":[{"type":"update","tickers":[{"type":"ticker","product_id":"BTC-USD","price":"65086.18",)"
    R"("best_bid":"65083.66","best_ask":"65083.67"}]}]})";
constexpr const char* kCoinbaseTrades =
    R"({"channel":"market_trades","client_id":"","timestamp":"2026-08-09T21:05:48.251397169Z","sequence_num":9,)"
    R"("events":[{"type":"update","trades":[{"product_id":"BTC-USD","trade_id":"1068572091",)"
    R"("price":"65083.67","size":"0.01034361","time":"2026-08-09T21:05:48.167634Z","side":"SELL"}]}]})";

constexpr const char* kKrakenTickerV1 =
    R"([1844,{"a":["9.608415",188,"188.00000000"],"b":["9.590799",136,"136.81110241"],)"
    R"("c":["9.608415","12.00000000"],"v":["206721.01544724","430490.17781308"],)"
    R"("p":["9.830615","9.979412"],"t":[2048,4148],"l":["9.320000","9.320000"],)"
    R"("h":["10.387727","10.657417"],"o":["10.181544","9.850589"]},"ticker","XBT/CHF"])";
constexpr const char* kKrakenTradeV1 =
    R"([1850,[["52000.10000","0.01000000","1618678133.123456","s","l",""]],"trade","XBT/CHF"])";
// What mockex streams for them (tests/mockex/venue_test.cpp checks the conversion).
constexpr const char* kKrakenTickerV2 =
    R"({"channel":"ticker","type":"update","data":[{"symbol":"BTC/CHF","bid":9.590799,)"
    R"("bid_qty":136.81110241,"ask":9.608415,"ask_qty":188.00000000,"last":9.608415,)"
    R"("volume":430490.17781308,"vwap":9.979412,"low":9.320000,"high":10.657417,)"
    R"("change":-0.242174,"change_pct":-2.46}]})";
constexpr const char* kKrakenTradeV2 =
    R"({"channel":"trade","type":"update","data":[{"symbol":"BTC/CHF","side":"sell",)"
    R"("price":52000.10000,"qty":0.01000000,"ord_type":"limit","trade_id":1,)"
    R"("timestamp":"2021-04-17T16:48:53.123456Z"}]})";

/// Receive times differ between the feed and a direct decode: compare without them.
core::Tick normalized(core::Tick t) {
  if (t.ts_event_us == t.ts_recv_us) t.ts_event_us = 0;
  t.ts_recv_us = 0;
  return t;
}

template <typename Codec>
std::vector<core::Tick> decoded(const std::vector<std::string>& frames) {
  Codec codec;
  std::vector<core::Tick> out;
  for (const auto& f : frames)
    codec.decode(f, 0, [&](const core::Tick& t) { out.push_back(normalized(t)); });
  return out;
}

/// A MarketFeed on host "client" against the mock on host "server".
struct FeedWorld : MockexWorld {
  FeedWorld(core::Exchange exchange, std::vector<std::string> symbols, std::string ws_path,
            bool websocket = true) {
    options.exchange = exchange;
    options.config.symbols = std::move(symbols);
    options.config.websocket_enabled = websocket;
    options.config.poll_interval_sec = 2;
    options.config.ws_url = "ws://server:" + std::to_string(port) + ws_path;
    options.stale_timeout_us = 5 * kSecond;
  }

  void start() {
    feed = std::make_unique<gateway::MarketFeed>(
        clock, ws,
        [this](std::string target, int weight,
               std::function<void(core::Result<core::HttpResponse>)> done) {
          requests.push_back({clock.now_us(), target, weight});
          client.request(core::Url{"http", "server", port, ""},
                         core::HttpRequest{"GET", std::move(target), {}, {}}, 5 * kSecond,
                         std::move(done));
        },
        core::Rng(kSeed), registry, options, [this](const core::Tick& t) { ticks.push_back(t); });
    feed->start();
  }
  void wait(const std::function<bool()>& done, std::int64_t timeout_us = 5 * kSecond) {
    REQUIRE(clock.run_until(done, timeout_us));
  }
  std::vector<core::Tick> stream_ticks() const {  // websocket ticks: trades and books
    std::vector<core::Tick> out;
    for (const auto& t : ticks)
      if (t.kind != core::TickKind::kTicker || t.exchange != core::Exchange::kBinance)
        out.push_back(normalized(t));
    return out;
  }
  bool has_metric(const std::string& line) const {
    return registry.render_prometheus().find(line + "\n") != std::string::npos;
  }

  struct Request {
    std::int64_t at_us;
    std::string target;
    int weight;
  };
  gateway::MarketFeedOptions options;
  sim::SimWsClient ws{clock, net, "client"};
  core::metrics::Registry registry;
  std::vector<Request> requests;
  std::vector<core::Tick> ticks;
  std::unique_ptr<gateway::MarketFeed> feed;
};

}  // namespace

TEST_CASE("A Binance feed emits the streamed trades and books in order, after a REST snapshot",
          "[gateway][feed]") {
  FeedWorld w(core::Exchange::kBinance, {"BTCUSDT", "ETHUSDT"}, "");
  w.start();
  w.wait([&] { return w.exchange->streams().has_subscribers("ethusdt@bookTicker"); });
  CHECK(w.requests.size() == 2);
  CHECK(w.requests[0].target == "/api/v3/ticker/24hr?symbol=BTCUSDT");
  CHECK(w.requests[1].target == "/api/v3/ticker/24hr?symbol=ETHUSDT");
  CHECK(w.requests[0].weight == 2);
  w.wait([&] { return w.feed->stats().polls_ok == 2; });
  CHECK(w.ticks.size() == 2);  // the snapshot: one 24 h ticker per symbol
  CHECK(w.ticks[0].kind == core::TickKind::kTicker);
  CHECK(w.ticks[0].symbol == "BTCUSDT");

  const std::vector<std::string> payloads = {binance_trade("BTCUSDT", 7), kBinanceBook,
                                             binance_trade("ETHUSDT", 3),
                                             binance_trade("BTCUSDT", 8)};
  const std::vector<std::string> streams = {"btcusdt@trade", "btcusdt@bookTicker", "ethusdt@trade",
                                            "btcusdt@trade"};
  const std::int64_t fed_at_us = w.clock.wall_us();
  for (std::size_t i = 0; i < payloads.size(); ++i) w.feed_ws(wrap(streams[i], payloads[i]));
  w.wait([&] { return w.ticks.size() == 6; });
  CHECK(w.stream_ticks() == decoded<gateway::binance::BinanceCodec>(payloads));
  CHECK(w.ticks[2].ts_recv_us > fed_at_us);  // the arrival, one network trip later
  CHECK(w.ticks[2].ts_recv_us <= w.clock.wall_us());
  CHECK(w.feed->live());
  CHECK(w.feed->stats().seq_gaps == 0);
  CHECK(w.has_metric(R"(gateway_ticks_in_total{exchange="binance",symbol="BTCUSDT"} 4)"));
  CHECK(w.has_metric(R"(gateway_ticks_in_total{exchange="binance",symbol="ETHUSDT"} 2)"));
}

TEST_CASE("A Coinbase feed subscribes three channels and emits the streamed ticks in order",
          "[gateway][feed]") {
  FeedWorld w(core::Exchange::kCoinbase, {"BTC-USD"}, "/coinbase");
  w.start();
  // Before any market data the mock knows no product: the snapshot is a counted 404.
  w.wait([&] { return w.feed->stats().polls_failed == 1 && w.feed->stats().connects == 1; });
  CHECK(w.requests[0].target == "/api/v3/brokerage/market/products/BTC-USD/ticker?limit=1");
  w.clock.run_for(kSecond);  // the three subscriptions are answered
  w.exchange->feed({0, "coinbase.ws", "", kCoinbaseTrades});
  w.exchange->feed({0, "coinbase.ws", "", kCoinbaseTicker});
  w.wait([&] { return w.ticks.size() == 2; });
  auto expected = decoded<gateway::coinbase::CoinbaseCodec>({kCoinbaseTrades, kCoinbaseTicker});
  // The mock numbers messages per connection: 0..2 answered the subscriptions.
  expected[0].seq = 3;
  expected[1].seq = 4;
  CHECK(w.stream_ticks() == expected);
  CHECK(w.feed->stats().seq_gaps == 0);
  CHECK(w.feed->live());
}

TEST_CASE("A Kraken feed subscribes with v2 pairs and emits the streamed ticks in order",
          "[gateway][feed]") {
  FeedWorld w(core::Exchange::kKraken, {"XBTCHF"}, "/kraken/v2");
  w.start();
  w.wait([&] { return w.feed->stats().polls_failed == 1 && w.feed->stats().connects == 1; });
  CHECK(w.requests[0].target == "/0/public/Ticker?pair=XBTCHF");
  CHECK(w.has_metric(R"(gateway_frames_malformed_total{exchange="kraken",reason="bad_value"} 1)"));
  w.clock.run_for(kSecond);
  w.exchange->feed({0, "kraken.ws.v1", "", kKrakenTickerV1});
  w.exchange->feed({0, "kraken.ws.v1", "", kKrakenTradeV1});
  w.wait([&] { return w.ticks.size() == 2; });
  CHECK(w.stream_ticks() ==
        decoded<gateway::kraken::KrakenCodec>({kKrakenTickerV2, kKrakenTradeV2}));
  CHECK(w.ticks[0].symbol == "XBTCHF");
  CHECK(w.feed->live());
}

TEST_CASE("A dropped websocket reconnects after the jittered backoff, resubscribes and streams on",
          "[gateway][feed]") {
  FeedWorld w(core::Exchange::kBinance, {"BTCUSDT"}, "");
  w.start();
  w.wait([&] { return w.exchange->streams().has_subscribers("btcusdt@trade"); });
  w.feed_ws(wrap("btcusdt@trade", binance_trade("BTCUSDT", 1)));
  w.wait([&] { return w.feed->stats().ticks == 2; });

  core::Rng rng(kSeed);  // the feed's jitter, drawn the same way
  const std::int64_t first_delay_us = 500'000 + rng.random_int(0, 100'001);
  const std::int64_t second_delay_us = 1'000'000 + rng.random_int(0, 200'001);
  const std::int64_t dropped_at = w.clock.now_us();
  w.exchange->streams().drop_all();
  w.wait([&] { return w.feed->stats().reconnects == 1; });
  const std::int64_t waited_us = w.clock.now_us() - dropped_at;
  CHECK(waited_us >= first_delay_us);
  CHECK(waited_us < first_delay_us + 50'000);  // plus the close's trip over the network
  w.wait([&] {
    return w.feed->stats().connects == 2 && w.exchange->streams().has_subscribers("btcusdt@trade");
  });
  w.feed_ws(wrap("btcusdt@trade", binance_trade("BTCUSDT", 2)));
  w.wait([&] { return w.feed->stats().ticks == 3; });
  CHECK(*w.ticks.back().trade_id == "2");

  // Refused dials back off further: 1 s (+ jitter) for the second attempt.
  w.server.stop();
  const std::int64_t second_drop = w.clock.now_us();
  w.wait([&] { return w.feed->stats().reconnects == 3; }, 10 * kSecond);
  CHECK(w.feed->stats().connects == 2);
  CHECK(w.clock.now_us() - second_drop >= first_delay_us + second_delay_us);
  CHECK(w.has_metric(R"(gateway_ws_reconnects_total{exchange="binance"} 3)"));
}

TEST_CASE("A silent stream is closed after the stale timeout and reconnected", "[gateway][feed]") {
  FeedWorld w(core::Exchange::kBinance, {"BTCUSDT"}, "");
  w.start();
  w.wait([&] { return w.feed->stats().connects == 1; });
  const std::int64_t opened_at = w.clock.now_us();
  CHECK(w.feed->live());
  w.clock.run_for(2 * kSecond);
  w.feed_ws(wrap("btcusdt@trade", binance_trade("BTCUSDT", 1)));
  w.wait([&] { return w.feed->stats().ticks == 2; });
  const std::int64_t last_frame_at = w.clock.now_us();
  w.wait([&] { return w.feed->stats().stale == 1; }, 10 * kSecond);
  CHECK(w.clock.now_us() - last_frame_at == 5 * kSecond);
  CHECK(w.clock.now_us() - opened_at > 5 * kSecond);
  w.wait([&] { return w.feed->stats().connects == 2; });
  CHECK(w.feed->stats().reconnects == 1);
  CHECK(w.feed->live());
  CHECK(w.has_metric(R"(gateway_stale_streams_total{exchange="binance"} 1)"));
}

TEST_CASE("With the websocket disabled every exchange is polled every poll_interval_sec",
          "[gateway][feed]") {
  const auto [exchange, symbol, target] = GENERATE(
      std::make_tuple(core::Exchange::kBinance, "BTCUSDT", "/api/v3/ticker/24hr?symbol=BTCUSDT"),
      std::make_tuple(core::Exchange::kCoinbase, "BTC-USD",
                      "/api/v3/brokerage/market/products/BTC-USD/ticker?limit=1"),
      std::make_tuple(core::Exchange::kKraken, "XBTCHF", "/0/public/Ticker?pair=XBTCHF"));
  FeedWorld w(exchange, {symbol}, "", false);
  w.exchange->feed({0, "coinbase.ws", "", kCoinbaseTrades});
  w.exchange->feed({0, "coinbase.ws", "", kCoinbaseTicker});
  w.exchange->feed({0, "kraken.ws.v1", "", kKrakenTickerV1});
  w.clock.run_for(kSecond);
  const std::int64_t started_at = w.clock.now_us();
  w.start();
  w.clock.run_for(9 * kSecond + kSecond / 2);
  REQUIRE(w.requests.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(w.requests[i].at_us == started_at + static_cast<std::int64_t>(i) * 2 * kSecond);
    CHECK(w.requests[i].target == target);
  }
  CHECK(w.feed->stats().polls_ok == 5);
  CHECK(w.feed->stats().connects == 0);
  CHECK(w.ticks.size() == 5);
  CHECK(w.ticks[4].symbol == symbol);
  CHECK(w.ticks[4].kind == core::TickKind::kTicker);
  CHECK(w.feed->live());
}

TEST_CASE("A Binance trade id gap is counted and answered with a REST snapshot",
          "[gateway][feed]") {
  FeedWorld w(core::Exchange::kBinance, {"BTCUSDT"}, "");
  w.start();
  w.wait([&] { return w.exchange->streams().has_subscribers("btcusdt@trade"); });
  CHECK(w.requests.size() == 1);
  for (const int id : {7, 8, 10, 11})
    w.feed_ws(wrap("btcusdt@trade", binance_trade("BTCUSDT", id)));
  w.wait([&] { return w.feed->stats().polls_ok == 2; });
  CHECK(w.feed->stats().seq_gaps == 1);
  CHECK(w.requests.size() == 2);
  CHECK(w.ticks.size() == 6);  // 2 snapshots + 4 trades, none dropped for the gap
  CHECK(w.has_metric(R"(gateway_seq_gaps_total{exchange="binance"} 1)"));
}

namespace {

/// A WsClient whose frames the test writes: for sequence numbers the mock never skips.
struct ScriptedWs final : core::WsClient {
  explicit ScriptedWs(core::Clock& c) : clock(c) {}
  void connect(const std::string& u, core::WsHandlers h) override {
    url = u;
    handlers = std::move(h);
    clock.post([this] { open = true, handlers.on_open(); });
  }
  core::Status send_text(std::string text) override {
    sent.push_back(std::move(text));
    return {};
  }
  void close(int, std::string) override { open = false; }
  bool is_open() const override { return open; }
  void push(const std::string& text) {
    clock.post([this, text] { handlers.on_text(text); });
  }
  core::Clock& clock;
  std::string url;
  core::WsHandlers handlers;
  std::vector<std::string> sent;
  bool open = false;
};

std::string with_seq(std::string frame, int seq) {
  const auto at = frame.find(R"("sequence_num":)") + 15;
  return frame.replace(at, frame.find(',', at) - at, std::to_string(seq));
}

}  // namespace

TEST_CASE("A Coinbase sequence_num gap is counted and answered with a REST snapshot",
          "[gateway][feed]") {
  sim::SimClock clock;
  ScriptedWs ws(clock);
  core::metrics::Registry registry;
  std::vector<std::string> targets;
  std::vector<core::Tick> ticks;
  gateway::MarketFeedOptions options;
  options.exchange = core::Exchange::kCoinbase;
  options.config.symbols = {"BTC-USD", "ETH-USD"};
  options.config.ws_url = "wss://advanced-trade-ws.coinbase.com";
  gateway::MarketFeed feed(
      clock, ws,
      [&](std::string target, int, std::function<void(core::Result<core::HttpResponse>)> done) {
        targets.push_back(target);
        clock.post([done] { done(core::make_error(core::Errc::kUnavailable, "no REST here")); });
      },
      core::Rng(kSeed), registry, options, [&](const core::Tick& t) { ticks.push_back(t); });
  feed.start();
  REQUIRE(clock.run_until([&] { return ws.open; }, kSecond));
  CHECK(ws.url == "wss://advanced-trade-ws.coinbase.com");
  CHECK(ws.sent ==
        std::vector<std::string>{
            R"({"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channel":"market_trades"})",
            R"({"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channel":"ticker"})",
            R"({"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channel":"heartbeats"})"});
  CHECK(targets.size() == 2);
  ws.push(with_seq(kCoinbaseTrades, 0));
  ws.push(with_seq(kCoinbaseTicker, 1));
  ws.push(with_seq(kCoinbaseTicker, 3));  // 2 was lost
  ws.push(with_seq(kCoinbaseTicker, 4));
  REQUIRE(clock.run_until([&] { return ticks.size() == 4; }, kSecond));
  CHECK(feed.stats().seq_gaps == 1);
  CHECK(targets.size() == 4);  // the snapshot of both products again
  CHECK(targets[2] == "/api/v3/brokerage/market/products/BTC-USD/ticker?limit=1");
  CHECK(*ticks[2].seq == 3);
}
