// MockExchange's websocket market streams over SimHttpServer/SimWsClient: combined and raw
// streams carry the recorded frames in order, control methods answer with their id, derived
// streams, depth sync with the REST snapshot, replay from a file, scripted disconnects.
#include <catch2/catch.hpp>

#include "mockex_world.h"
#include "sim/replay/recording.h"
#include "tests/support/server_process.h"

using mockex_test::MockexWorld;

namespace {

constexpr const char* kBookData =
    R"({"u":100,"s":"BTCUSDT","b":"60000.00000000","B":"1.50000000","a":"60000.01000000","A":"2.00000000"})";
constexpr const char* kTradeData =
    R"({"e":"trade","E":1767225600100,"s":"BTCUSDT","t":7,"p":"60000.01000000","q":"0.01000000","T":1767225600099,"m":false,"M":true})";

std::string wrap(const std::string& stream, const std::string& data) {
  return R"({"stream":")" + stream + R"(","data":)" + data + "}";
}

/// A SimWsClient that records every text frame and its close.
struct Listener {
  Listener(MockexWorld& w, const std::string& target) : world(w), ws(w.clock, w.net, "client") {
    ws.connect("ws://server:" + std::to_string(w.port) + target,
               {[this] { open = true; }, [this](const std::string& t) { frames.push_back(t); },
                [this](int code, const std::string&) { closed_code = code; }});
    REQUIRE(
        w.clock.run_until([this] { return open || closed_code != 0; }, 5 * MockexWorld::kSecond));
    REQUIRE(open);
  }
  void wait_for(std::size_t n) {
    REQUIRE(world.clock.run_until([&] { return frames.size() >= n; }, 5 * MockexWorld::kSecond));
  }
  MockexWorld& world;
  sim::SimWsClient ws;
  bool open = false;
  int closed_code = 0;
  std::vector<std::string> frames;
};

}  // namespace

TEST_CASE("A combined stream delivers recorded frames in order inside the stream wrapper",
          "[mockex][ws]") {
  MockexWorld w;
  Listener combined(w, "/stream?streams=btcusdt@bookTicker/btcusdt@trade");
  Listener raw(w, "/ws/btcusdt@trade");
  w.feed_ws(wrap("btcusdt@bookTicker", kBookData));
  w.feed_ws(wrap("btcusdt@trade", kTradeData));
  combined.wait_for(2);
  raw.wait_for(1);
  CHECK(combined.frames == std::vector<std::string>{wrap("btcusdt@bookTicker", kBookData),
                                                    wrap("btcusdt@trade", kTradeData)});
  CHECK(raw.frames == std::vector<std::string>{kTradeData});
}

TEST_CASE("SUBSCRIBE, LIST_SUBSCRIPTIONS and UNSUBSCRIBE answer with their id on a /ws connection",
          "[mockex][ws]") {
  MockexWorld w;
  Listener l(w, "/ws/btcusdt@bookTicker");
  REQUIRE(l.ws.send_text(
                  R"({"method":"SUBSCRIBE","params":["btcusdt@trade","btcusdt@aggTrade"],"id":1})")
              .is_ok());
  l.wait_for(1);
  CHECK(l.frames[0] == R"({"result":null,"id":1})");
  REQUIRE(l.ws.send_text(R"({"method":"UNSUBSCRIBE","params":["btcusdt@bookTicker"],"id":"x2"})")
              .is_ok());
  REQUIRE(l.ws.send_text(R"({"method":"LIST_SUBSCRIPTIONS","id":3})").is_ok());
  l.wait_for(3);
  CHECK(l.frames[1] == R"({"result":null,"id":"x2"})");
  CHECK(l.frames[2] == R"({"result":["btcusdt@trade","btcusdt@aggTrade"],"id":3})");
  REQUIRE(l.ws.send_text("nonsense").is_ok());
  l.wait_for(4);
  CHECK(l.frames[3] == R"({"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"})");

  // aggTrade is not in the recording: it is derived from the trade, one aggregate per trade.
  w.feed_ws(wrap("btcusdt@trade", kTradeData));
  l.wait_for(6);
  CHECK(l.frames[4] == kTradeData);
  CHECK(l.frames[5] ==
        R"({"e":"aggTrade","E":1767225600100,"s":"BTCUSDT","a":7,"p":"60000.01000000",)"
        R"("q":"0.01000000","f":7,"l":7,"T":1767225600099,"m":false,"M":true})");
}

TEST_CASE("kline_1m and ticker streams are derived from the recorded trades", "[mockex][ws]") {
  MockexWorld w;
  Listener l(w, "/stream?streams=btcusdt@kline_1m/btcusdt@miniTicker");
  w.feed_ws(wrap("btcusdt@trade", kTradeData));
  l.wait_for(2);
  CHECK(l.frames[0] ==
        wrap("btcusdt@kline_1m",
             R"({"e":"kline","E":1767225600100,"s":"BTCUSDT","k":{"t":1767225600000,)"
             R"("T":1767225659999,"s":"BTCUSDT","i":"1m","f":7,"L":7,"o":"60000.01000000",)"
             R"("c":"60000.01000000","h":"60000.01000000","l":"60000.01000000",)"
             R"("v":"0.01000000","n":1,"x":false,"q":"600.00010000","V":"0.01000000",)"
             R"("Q":"600.00010000","B":"0"}})"));
  CHECK(l.frames[1] ==
        wrap("btcusdt@miniTicker",
             R"({"e":"24hrMiniTicker","E":1767225600100,"s":"BTCUSDT","c":"60000.01000000",)"
             R"("o":"60000.01000000","h":"60000.01000000","l":"60000.01000000",)"
             R"("v":"0.01000000","q":"600.00010000"})"));
}

TEST_CASE("A replayed recording syncs depth with its snapshot: REST lastUpdateId follows u",
          "[mockex][ws]") {
  testsupport::TempDir dir("mockex");
  const std::string path = dir.path() + "/depth.jsonl";
  {
    auto writer = sim::replay::RecordingWriter::open(path);
    REQUIRE(writer.is_ok());
    const std::int64_t t0 = 1767225600000000;
    const std::vector<sim::replay::Record> records = {
        {t0, "binance.ws", "",
         wrap(
             "btcusdt@depth@100ms",
             R"({"e":"depthUpdate","E":1,"s":"BTCUSDT","U":9,"u":10,"b":[["59990.00","5"]],"a":[]})")},
        {t0 + 1000, "binance.rest",
         "GET https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=1000",
         R"({"lastUpdateId":12,"bids":[["59999.00","1"]],"asks":[["60001.00","2"]]})"},
        {t0 + 2000, "binance.ws", "",
         wrap(
             "btcusdt@depth@100ms",
             R"({"e":"depthUpdate","E":2,"s":"BTCUSDT","U":11,"u":13,"b":[["59999.00","0"],["59998.00","3"]],"a":[]})")},
    };
    for (const auto& r : records) REQUIRE(writer->write(r).is_ok());
    REQUIRE(writer->close().is_ok());
  }
  auto config = mockex_test::default_config();
  config.feed.max_speed = true;
  MockexWorld w(std::move(config));
  Listener l(w, "/ws/btcusdt@depth");
  std::optional<core::Status> done;
  REQUIRE(w.exchange->replay(path, [&](const core::Status& s) { done = s; }).is_ok());
  REQUIRE(w.clock.run_until([&] { return done.has_value(); }, 5 * MockexWorld::kSecond));
  CHECK(done->is_ok());
  l.wait_for(2);
  CHECK(l.frames[0].find(R"("U":9,"u":10)") != std::string::npos);
  CHECK(l.frames[1].find(R"("U":11,"u":13)") != std::string::npos);
  CHECK(w.get("/api/v3/depth?symbol=BTCUSDT").body ==
        R"({"lastUpdateId":13,"bids":[["59998.00000000","3.00000000"]],)"
        R"("asks":[["60001.00000000","2.00000000"]]})");
}

TEST_CASE("A scripted disconnect drops every ws client after N frames", "[mockex][ws]") {
  MockexWorld w;
  Listener a(w, "/ws/btcusdt@trade");
  Listener b(w, "/stream?streams=btcusdt@trade");
  w.exchange->streams().drop_after_frames(3);
  w.feed_ws(wrap("btcusdt@trade", kTradeData));
  w.feed_ws(wrap("btcusdt@trade", kTradeData));
  REQUIRE(w.clock.run_until([&] { return a.closed_code != 0 && b.closed_code != 0; },
                            5 * MockexWorld::kSecond));
  CHECK(a.frames.size() == 2);
  CHECK(b.frames.size() == 1);
  CHECK(w.exchange->streams().session_count() == 0);
}

TEST_CASE("Replaying in a loop keeps one replay and bounded history, pass after pass",
          "[mockex][ws]") {
  testsupport::TempDir dir("mockex");
  const std::string path = dir.path() + "/loop.jsonl";
  {
    auto writer = sim::replay::RecordingWriter::open(path);
    REQUIRE(writer.is_ok());
    const std::int64_t t0 = 1767225600000000;
    for (int i = 0; i < 3; ++i)
      REQUIRE(writer->write({t0 + i * 1000, "binance.ws", "", wrap("btcusdt@trade", kTradeData)})
                  .is_ok());
    REQUIRE(writer->close().is_ok());
  }
  auto config = mockex_test::default_config();
  config.feed.loop = true;
  MockexWorld w(std::move(config));
  Listener l(w, "/ws/btcusdt@trade");
  REQUIRE(w.exchange->replay(path).is_ok());
  // Each pass is 2 ms of recorded time: 2000 trades are over 600 passes.
  REQUIRE(w.clock.run_until([&] { return l.frames.size() >= 2000; }, 60 * MockexWorld::kSecond));
  CHECK(w.exchange->active_replays() == 1);
  const auto* m = w.exchange->market().get("BTCUSDT");
  REQUIRE(m != nullptr);
  CHECK(m->trades.size() == sim::mockex::MarketData::kTradesKept);
  CHECK(m->klines.size() <= sim::mockex::MarketData::kKlinesKept);
}
