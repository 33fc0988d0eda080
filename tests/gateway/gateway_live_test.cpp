// The gateway binary end to end on loopback (issue 6 "Done when"), label live: the real
// mockex, nats-server (JetStream) and redis-server. Ticks equal to the recording for Binance
// and Coinbase (Kraken is gateway_e2e_contract_test), the seed's Test 4 against one and two
// gateways sharing redis, a 30 s NATS outage mid-stream, and a websocket drop plus a 429 storm.
#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <string>
#include <thread>

#include <httplib.h>

#include "tests/gateway/live_stack.h"

using namespace std::chrono_literals;
using gwlive::LiveStack;

namespace {

constexpr int kMaxRequests = 100;

struct Answers {
  int ok = 0;
  int limited = 0;
  int limited_without_retry_after = 0;
  int other = 0;
};

void get_ticker(httplib::Client& client, Answers& a) {
  const auto r = client.Get("/ticker/BTCUSDT");
  if (!r)
    ++a.other;
  else if (r->status == 200)
    ++a.ok;
  else if (r->status == 429) {
    ++a.limited;
    if (r->get_header_value("Retry-After").empty()) ++a.limited_without_retry_after;
  } else {
    ++a.other;
  }
}

std::vector<std::string> limit_sets() {
  return {"rate_limiting.max_requests_per_window=" + std::to_string(kMaxRequests),
          "rate_limiting.window_sec=300", "rate_limiting.use_valkey_cache=true"};
}

double mockex_count(const LiveStack& stack, const std::string& code) {
  return gwlive::metric_value(stack.mockex_get("/metrics"),
                              "mockex_http_responses_total{code=\"" + code + "\"}");
}

}  // namespace

TEST_CASE(
    "The gateway publishes every Coinbase trade and ticker of the recording once and in order",
    "[gateway][net]") {
  gwlive::check_ticks_equal_recording(gwlive::coinbase_venue(), "10");
}

TEST_CASE("The gateway publishes every Binance trade and book of the recording once and in order",
          "[gateway][net]") {
  gwlive::check_ticks_equal_recording(gwlive::binance_venue(), "max");
}

TEST_CASE("1500 GETs to /ticker/BTCUSDT get max_requests_per_window OKs then 429 with Retry-After",
          "[gateway][net]") {
  LiveStack stack(gwlive::binance_venue(), "1");
  gwlive::TickTap tap(stack.nats_url(), "ticks.binance.BTCUSDT");
  auto& gateway = stack.start_gateway(limit_sets());
  REQUIRE(tap.wait([&] { return !tap.ticks.empty(); }, 60s));
  httplib::Client client("127.0.0.1", gateway.http_port);
  client.set_keep_alive(true);
  Answers a;
  for (int i = 0; i < 1500; ++i) get_ticker(client, a);
  CHECK(a.ok == kMaxRequests);
  CHECK(a.limited == 1500 - kMaxRequests);
  CHECK(a.limited_without_retry_after == 0);
  CHECK(a.other == 0);
  CHECK(mockex_count(stack, "429") <= 0);
  CHECK(mockex_count(stack, "418") <= 0);
  CHECK(mockex_count(stack, "200") >= 1);  // the gateway did fetch its REST snapshot
}

TEST_CASE("Two gateways sharing redis answer max_requests_per_window OKs between them",
          "[gateway][net]") {
  LiveStack stack(gwlive::binance_venue(), "1");
  gwlive::TickTap tap(stack.nats_url(), "ticks.binance.BTCUSDT");
  auto& first = stack.start_gateway(limit_sets());
  auto& second = stack.start_gateway(limit_sets());
  // Both caches hold BTCUSDT once each gateway has published a tick of its own; asked on the
  // metrics port, which the client limit does not count.
  const auto published = [](const auto& gateway) {
    return gwlive::metric_value(gwlive::http_get(gateway.metrics_port, "/metrics"),
                                "gateway_ticks_published_total");
  };
  REQUIRE(tap.wait([&] { return published(first) > 0 && published(second) > 0; }, 60s));
  httplib::Client a("127.0.0.1", first.http_port);
  httplib::Client b("127.0.0.1", second.http_port);
  Answers answers;
  for (int i = 0; i < 750; ++i) {
    get_ticker(a, answers);
    get_ticker(b, answers);
  }
  CHECK(answers.ok == kMaxRequests);
  CHECK(answers.limited == 1500 - kMaxRequests);
  CHECK(answers.limited_without_retry_after == 0);
  CHECK(answers.other == 0);
  CHECK(mockex_count(stack, "429") <= 0);
}

TEST_CASE("A NATS outage of 30 s mid-stream leaves every tick in the stream exactly once",
          "[gateway][net]") {
  const auto venue = gwlive::binance_venue();
  const auto want = gwlive::expected_ticks(venue);
  // The 7-minute recording at 6x spans 70 s: the outage from about 10 s to 40 s is inside it.
  LiveStack stack(venue, "6");
  auto& gateway = stack.start_gateway();
  gwlive::TickTap tap(stack.nats_url(), "ticks.binance.>");
  REQUIRE(tap.wait([&] { return tap.ticks.size() >= 500; }, 60s));
  const auto published = [&] {
    return gwlive::metric_value(gwlive::http_get(gateway.metrics_port, "/metrics"),
                                "gateway_ticks_published_total");
  };
  const double published_at_kill = published();
  stack.nats().kill9();
  // The outage itself is the scenario: 30 s of wall time without NATS.
  std::this_thread::sleep_for(30s);
  const double published_before_restart = published();
  // The stream spans the outage: ticks kept coming while NATS was away, and more are due.
  CHECK(published_before_restart > published_at_kill + 1000);
  CHECK(stack.mockex_log().find("replay finished") == std::string::npos);
  stack.nats().start();
  INFO(gateway.process->log_tail());
  REQUIRE(stack.wait_replay_finished(120s));
  // Poll the stream until it holds all the ticks (the backlog drains after the reconnect).
  gwlive::StreamContents stream;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  do {
    stream = gwlive::read_stream(stack.nats_url(), "TICKS");
  } while (gwlive::websocket_ticks(venue, stream.ticks, true).size() < want.size() &&
           std::chrono::steady_clock::now() < deadline);
  CHECK(stream.messages == stream.ticks.size());
  CHECK(gwlive::first_difference(gwlive::websocket_ticks(venue, stream.ticks, true), want) == "");
  const std::set<std::string> ids(stream.msg_ids.begin(), stream.msg_ids.end());
  CHECK(ids.size() == stream.msg_ids.size());
  CHECK(ids.count("") == 0);
}

TEST_CASE("A websocket drop is survived: the gateway reconnects and ticks continue",
          "[gateway][net]") {
  LiveStack stack(gwlive::binance_venue(), "2");
  gwlive::TickTap tap(stack.nats_url(), "ticks.binance.>");
  auto& gateway = stack.start_gateway();
  REQUIRE(tap.wait([&] { return tap.ticks.size() >= 100; }, 60s));
  REQUIRE(stack.mockex_faults(R"({"drop_streams":true})") == 200);
  const std::size_t at_drop = tap.ticks.size();
  CHECK(tap.wait([&] { return tap.ticks.size() >= at_drop + 200; }, 60s));
  const std::string metrics = gwlive::http_get(gateway.metrics_port, "/metrics");
  INFO(gateway.process->log_tail());
  CHECK(gwlive::metric_value(metrics, R"(gateway_ws_reconnects_total{exchange="binance"})") >= 1);
  CHECK(gwlive::metric_value(stack.mockex_get("/metrics"),
                             R"(mockex_faults_injected_total{kind="stream_drop"})") == 1);
  CHECK(mockex_count(stack, "418") <= 0);
}

TEST_CASE("A 429 storm from mockex is honoured and survived without a 418", "[gateway][net]") {
  // REST polling every second, so the storm meets the gateway's REST path.
  LiveStack stack(gwlive::binance_venue(), "1");
  gwlive::TickTap tap(stack.nats_url(), "ticks.binance.>");
  auto& gateway = stack.start_gateway(
      {"exchanges.binance.websocket_enabled=false", "exchanges.binance.poll_interval_sec=1"});
  auto gateway_metric = [&](const std::string& sample) {
    return gwlive::metric_value(gwlive::http_get(gateway.metrics_port, "/metrics"), sample);
  };
  REQUIRE(tap.wait([&] { return tap.ticks.size() >= 2; }, 60s));
  REQUIRE(stack.mockex_faults(R"({"throttle_next":5,"retry_after_sec":1})") == 200);
  CHECK(tap.wait([&] { return mockex_count(stack, "429") >= 5; }, 60s));
  const std::size_t after_storm = tap.ticks.size();
  CHECK(tap.wait([&] { return tap.ticks.size() >= after_storm + 3; }, 30s));
  INFO(gateway.process->log_tail());
  CHECK(mockex_count(stack, "429") == 5);
  CHECK(mockex_count(stack, "418") <= 0);
  CHECK(gateway_metric(R"(gateway_exchange_429_total{exchange="binance"})") == 5);
  CHECK(gateway_metric(R"(gateway_exchange_418_total{exchange="binance"})") == 0);
}
