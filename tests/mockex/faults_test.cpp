// MockExchange fault hooks (sim/mockex/faults.h) over SimHttpServer in virtual time: forced
// 5xx and 429, added latency, accept-then-drop, stalled and dropped streams, /admin/faults.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "mockex_world.h"

using mockex_test::header;
using mockex_test::MockexWorld;

namespace {

constexpr const char* kBook =
    R"({"stream":"btcusdt@bookTicker","data":{"u":100,"s":"BTCUSDT","b":"60000.00000000",)"
    R"("B":"1.50000000","a":"60000.01000000","A":"2.00000000"}})";

/// kBook with update id `u`.
std::string book(int u) {
  std::string out = kBook;
  out.replace(out.find(R"("u":100)"), 7, R"("u":)" + std::to_string(u));
  return out;
}

/// A raw /ws/btcusdt@bookTicker session recording each frame with its virtual arrival time.
struct BookWatcher {
  explicit BookWatcher(MockexWorld& w) : ws(w.clock, w.net, "client") {
    bool open = false;
    ws.connect("ws://server:" + std::to_string(w.port) + "/ws/btcusdt@bookTicker",
               {[&] { open = true; },
                [this, &w](const std::string& t) {
                  const auto j = nlohmann::json::parse(t);
                  frames.emplace_back(j["u"].get<int>(), w.clock.now_us());
                },
                {}});
    REQUIRE(w.clock.run_until([&] { return open; }, 5 * MockexWorld::kSecond));
  }
  sim::SimWsClient ws;
  std::vector<std::pair<int, std::int64_t>> frames;  // (u, arrival us)
};

bool has_line(MockexWorld& w, const std::string& line) {
  return w.get("/metrics").body.find(line + "\n") != std::string::npos;
}

/// A signed request whose transport outcome (not only a response) the test inspects.
core::Result<core::HttpResponse> raw_signed(MockexWorld& w, const std::string& method,
                                            const std::string& path, std::string params) {
  params += "&timestamp=" + std::to_string(w.now_ms());
  const std::string target =
      path + "?" + params + "&signature=" + core::hmac_sha256_hex("mockex-test-secret", params);
  std::optional<core::Result<core::HttpResponse>> got;
  w.client.request(core::Url{"http", "server", w.port, ""},
                   {method, target, {{"X-MBX-APIKEY", "mockex-test-key"}}, ""},
                   5 * MockexWorld::kSecond,
                   [&](core::Result<core::HttpResponse> r) { got = std::move(r); });
  REQUIRE(w.clock.run_until([&] { return got.has_value(); }, 10 * MockexWorld::kSecond));
  return std::move(*got);
}

}  // namespace

TEST_CASE("Forced 5xx answers the next N REST requests with -1001, without weight, then recovers",
          "[mockex][faults]") {
  MockexWorld w;
  w.exchange->faults().error_next = 2;
  w.exchange->faults().error_status = 502;
  for (int i = 0; i < 2; ++i) {
    const auto r = w.get("/api/v3/ping");
    CHECK(r.status == 502);
    CHECK(
        r.body ==
        R"({"code":-1001,"msg":"Internal error; unable to process your request. Please try again."})");
  }
  const auto ok = w.get("/api/v3/ping");
  CHECK(ok.status == 200);
  CHECK(header(ok, "X-MBX-USED-WEIGHT-1M") == "1");
  CHECK(w.exchange->faults().error_next == 0);
  CHECK(has_line(w, R"(mockex_faults_injected_total{kind="5xx"} 2)"));
  CHECK(has_line(w, R"(mockex_http_responses_total{code="502"} 2)"));
}

TEST_CASE("Forced 429 carries Retry-After and Binance's -1003 body for the next N requests",
          "[mockex][faults]") {
  MockexWorld w;
  w.exchange->faults().throttle_next = 1;
  w.exchange->faults().retry_after_sec = 7;
  const auto r = w.get("/api/v3/time");
  CHECK(r.status == 429);
  CHECK(header(r, "Retry-After") == "7");
  CHECK(nlohmann::json::parse(r.body)["code"] == -1003);
  CHECK(w.get("/api/v3/time").status == 200);
  CHECK(has_line(w, R"(mockex_faults_injected_total{kind="429"} 1)"));
}

TEST_CASE("Added latency delays every REST answer by latency_ms of virtual time",
          "[mockex][faults]") {
  MockexWorld w;
  REQUIRE(w.get("/api/v3/ping").status == 200);  // connects; the next two reuse the connection
  std::int64_t start = w.clock.now_us();
  REQUIRE(w.get("/api/v3/ping").status == 200);
  const std::int64_t plain_us = w.clock.now_us() - start;
  w.exchange->faults().latency_ms = 250;
  start = w.clock.now_us();
  REQUIRE(w.get("/api/v3/ping").status == 200);
  const std::int64_t slow_us = w.clock.now_us() - start;
  CHECK(plain_us < 250'000);
  CHECK(slow_us >= 250'000);
  CHECK(slow_us <= 250'000 + 2 * plain_us);
  CHECK(has_line(w, R"(mockex_faults_injected_total{kind="latency"} 1)"));
}

TEST_CASE("Accept-then-drop places the order and resets the connection without an answer",
          "[mockex][faults]") {
  MockexWorld w;
  w.feed_ws(kBook);
  w.exchange->faults().drop_order_response_next = 1;
  const auto dropped = raw_signed(w, "POST", "/api/v3/order",
                                  "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&"
                                  "newClientOrderId=drop-1");
  REQUIRE_FALSE(dropped.is_ok());
  CHECK(dropped.status().in_doubt);
  CHECK(dropped.status().code == core::Errc::kUnavailable);
  const auto found =
      w.send_signed("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=drop-1");
  CHECK(found.status == 200);
  CHECK(nlohmann::json::parse(found.body)["status"] == "FILLED");
  CHECK(w.exchange->model().order_count() == 1);
  const auto next =
      raw_signed(w, "POST", "/api/v3/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01");
  REQUIRE(next.is_ok());
  CHECK(next->status == 200);
  CHECK(has_line(w, "mockex_orders_total 2"));
  CHECK(has_line(w, R"(mockex_faults_injected_total{kind="drop_response"} 1)"));
}

TEST_CASE("Stalled streams withhold frames and keep sessions, and drop_streams closes them",
          "[mockex][faults]") {
  MockexWorld w;
  std::vector<std::string> frames;
  int closed_code = 0;
  bool open = false;
  sim::SimWsClient ws(w.clock, w.net, "client");
  ws.connect("ws://server:" + std::to_string(w.port) + "/stream?streams=btcusdt@bookTicker",
             {[&] { open = true; }, [&](const std::string& t) { frames.push_back(t); },
              [&](int code, const std::string&) { closed_code = code; }});
  REQUIRE(w.clock.run_until([&] { return open; }, 5 * MockexWorld::kSecond));
  w.exchange->faults().streams_stalled = true;
  w.feed_ws(kBook);
  w.clock.run_for(MockexWorld::kSecond);
  CHECK(frames.empty());
  CHECK(w.exchange->streams().session_count() == 1);
  w.exchange->faults().streams_stalled = false;
  w.feed_ws(kBook);
  REQUIRE(w.clock.run_until([&] { return frames.size() == 1; }, 5 * MockexWorld::kSecond));
  CHECK(has_line(w, R"(mockex_faults_injected_total{kind="stream_stall"} 1)"));
  w.exchange->drop_streams();
  REQUIRE(w.clock.run_until([&] { return closed_code != 0; }, 5 * MockexWorld::kSecond));
  CHECK(w.exchange->streams().session_count() == 0);
  CHECK(has_line(w, R"(mockex_faults_injected_total{kind="stream_drop"} 1)"));
}

TEST_CASE("/admin/faults sets and shows faults only when the server runs with admin",
          "[mockex][faults]") {
  SECTION("without admin the endpoint does not exist") {
    MockexWorld w;
    CHECK(w.send("POST", "/admin/faults", R"({"error_next":1})").status == 404);
    CHECK(w.get("/api/v3/ping").status == 200);
  }
  SECTION("with admin a POST sets the fields it names and answers the whole state") {
    auto config = mockex_test::default_config();
    config.admin = true;
    MockexWorld w(std::move(config));
    const auto set = w.send("POST", "/admin/faults", R"({"error_next":1,"latency_ms":5})");
    CHECK(set.status == 200);
    CHECK(set.body == R"({"latency_ms":5,"error_next":1,"error_status":503,"throttle_next":0,)"
                      R"("retry_after_sec":1,"drop_order_response_next":0,"streams_stalled":false,)"
                      R"("stream_gap_next":0,"stream_latency_ms":0})");
    CHECK(w.get("/api/v3/ping").status == 503);
    CHECK(w.get("/admin/faults").body.find(R"("error_next":0)") != std::string::npos);
    const auto bad = w.send("POST", "/admin/faults", R"({"error_next":"x","nope":1})");
    CHECK(bad.status == 400);
    CHECK(bad.body == R"({"error":"faults: unknown field nope"})");
    const auto wrong = w.send("POST", "/admin/faults", R"({"error_status":404})");
    CHECK(wrong.body == R"({"error":"faults: error_status has a bad type or value"})");
    CHECK(w.exchange->faults().error_status == 503);
  }
}

TEST_CASE("A stream gap skips the next N events for every subscriber, so update ids jump",
          "[mockex][faults]") {
  MockexWorld w;
  BookWatcher a(w), b(w);
  w.exchange->faults().stream_gap_next = 2;
  for (int u = 100; u < 104; ++u) w.feed_ws(book(u));
  REQUIRE(w.clock.run_until([&] { return a.frames.size() == 2 && b.frames.size() == 2; },
                            5 * MockexWorld::kSecond));
  for (const auto* watcher : {&a, &b}) {
    CHECK(watcher->frames[0].first == 102);
    CHECK(watcher->frames[1].first == 103);
  }
  CHECK(w.exchange->faults().stream_gap_next == 0);
  CHECK(has_line(w, R"(mockex_faults_injected_total{kind="stream_gap"} 2)"));
}

TEST_CASE("Stream latency delivers each frame latency_ms later, never out of order",
          "[mockex][faults]") {
  MockexWorld w;
  BookWatcher a(w);
  w.feed_ws(book(100));  // no fault: the network's own delay
  REQUIRE(w.clock.run_until([&] { return a.frames.size() == 1; }, 5 * MockexWorld::kSecond));

  w.exchange->faults().stream_latency_ms = 250;
  const std::int64_t t1 = w.clock.now_us();
  w.feed_ws(book(101));
  w.clock.run_for(100'000);
  CHECK(a.frames.size() == 1);
  w.exchange->faults().stream_latency_ms = 0;  // the next frame still waits behind 101
  w.feed_ws(book(102));
  REQUIRE(w.clock.run_until([&] { return a.frames.size() == 3; }, 5 * MockexWorld::kSecond));
  CHECK(a.frames[1].first == 101);
  CHECK(a.frames[2].first == 102);
  CHECK(a.frames[1].second - t1 >= 250'000);
  CHECK(a.frames[1].second - t1 <= 250'000 + 50'000);  // plus the network's own delay
  CHECK(a.frames[2].second >= a.frames[1].second);
  CHECK(has_line(w, R"(mockex_faults_injected_total{kind="stream_latency"} 1)"));
}

TEST_CASE("/admin/faults sets a stream gap and stream latency", "[mockex][faults]") {
  auto config = mockex_test::default_config();
  config.admin = true;
  MockexWorld w(std::move(config));
  const auto set =
      w.send("POST", "/admin/faults", R"({"stream_gap_next":3,"stream_latency_ms":40})");
  CHECK(set.status == 200);
  CHECK(w.exchange->faults().stream_gap_next == 3);
  CHECK(w.exchange->faults().stream_latency_ms == 40);
  const auto bad = w.send("POST", "/admin/faults", R"({"stream_latency_ms":-1})");
  CHECK(bad.status == 400);
  CHECK(bad.body == R"({"error":"faults: stream_latency_ms has a bad type or value"})");
}
