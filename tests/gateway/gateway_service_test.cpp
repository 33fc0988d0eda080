// GatewayService in virtual time against a scripted exchange: it reads Binance's weight limit
// from exchangeInfo before the feed's first REST call, falls back to 6000 when it cannot, and
// asks again on the feed's REST path a minute later; a shard serves only its slice.
#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/sharding.h"
#include "gateway/gateway_service.h"
#include "sim/sim_bus.h"
#include "sim/sim_bus_server.h"
#include "sim/sim_clock.h"

namespace {

constexpr std::int64_t kSecond = 1'000'000;

/// Answers every request at once (next loop turn) with `answer(target)`; records the targets.
class ScriptedHttp final : public core::HttpClient {
 public:
  ScriptedHttp(core::Clock& clock, std::function<core::HttpResponse(const std::string&)> answer)
      : clock_(clock), answer_(std::move(answer)) {}
  void request(const core::Url&, core::HttpRequest request, std::int64_t,
               std::function<void(core::Result<core::HttpResponse>)> done) override {
    sent.emplace_back(clock_.now_us(), request.target);
    clock_.post([this, target = request.target, done = std::move(done)] { done(answer_(target)); });
  }
  std::vector<std::pair<std::int64_t, std::string>> sent;  // (virtual us, target)

 private:
  core::Clock& clock_;
  std::function<core::HttpResponse(const std::string&)> answer_;
};

/// A websocket that never connects (the feeds here poll REST).
class NoWs final : public core::WsClient {
 public:
  void connect(const std::string&, core::WsHandlers) override {}
  core::Status send_text(std::string) override {
    return core::make_error(core::Errc::kUnavailable, "no websocket");
  }
  void close(int, std::string) override {}
  bool is_open() const override { return false; }
};

constexpr const char* kInfo =
    R"({"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":1000},)"
    R"({"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":100}],"symbols":[]})";

struct World {
  sim::SimClock clock;
  sim::SimBusServer server{clock, core::Rng(7), 100};
  sim::SimBus bus{clock, server, core::BusOptions{}};
  core::metrics::Registry metrics;
  gateway::TickerCache cache;
  int info_failures = 0;  // exchangeInfo answers 503 this many times first
  ScriptedHttp http{clock, [this](const std::string& target) {
                      if (target.starts_with("/api/v3/exchangeInfo")) {
                        if (info_failures > 0) {
                          --info_failures;
                          return core::HttpResponse{503, {}, "{}"};
                        }
                        return core::HttpResponse{200, {}, kInfo};
                      }
                      return core::HttpResponse{200, {}, "{}"};
                    }};

  static core::GatewayConfig config() {
    core::GatewayConfig c;
    c.nats.jetstream = false;
    c.exchanges.binance.symbols = {"BTCUSDT", "ETHUSDT", "SOLUSDT"};
    c.exchanges.binance.websocket_enabled = false;
    c.exchanges.binance.poll_interval_sec = 10;
    c.exchanges.coinbase.enabled = false;
    c.exchanges.kraken.enabled = false;
    return c;
  }
  std::unique_ptr<gateway::GatewayService> service(gateway::ShardSlot slot = {}) {
    return std::make_unique<gateway::GatewayService>(
        gateway::GatewayPorts{.clock = clock,
                              .bus = bus,
                              .kv = nullptr,
                              .http = http,
                              .make_ws = [] { return std::make_unique<NoWs>(); },
                              .metrics = metrics,
                              .rng = core::Rng(3)},
        config(), cache, slot);
  }
  double budget_limit() {
    return metrics
        .gauge("gateway_rest_budget_limit",
               "Weight (or orders) per window the budget grants at most", {{"exchange", "binance"}})
        .value();
  }
  std::vector<std::int64_t> info_requests() const {
    std::vector<std::int64_t> out;
    for (const auto& [at, target] : http.sent)
      if (target.starts_with("/api/v3/exchangeInfo")) out.push_back(at);
    return out;
  }
};

}  // namespace

TEST_CASE("GatewayService reads Binance's weight limit from exchangeInfo before its feed's REST",
          "[gateway][service]") {
  World w;
  auto service = w.service();
  CHECK(w.budget_limit() == 1200);  // rate_limit_per_min, under 90% of the assumed 6000
  service->start();
  w.clock.run_for(0);
  REQUIRE(!w.http.sent.empty());
  CHECK(w.http.sent[0] ==
        std::pair<std::int64_t, std::string>{0, "/api/v3/exchangeInfo?symbol=BTCUSDT"});
  CHECK(w.budget_limit() == 900);  // 90% of the exchange's 1000
  w.clock.run_for(120 * kSecond);
  CHECK(w.info_requests() == std::vector<std::int64_t>{0});
  CHECK(w.http.sent.size() > 1);
}

TEST_CASE("GatewayService keeps 6000 when exchangeInfo fails and asks again a minute later",
          "[gateway][service]") {
  World w;
  w.info_failures = 1;
  auto service = w.service();
  service->start();
  w.clock.run_for(0);
  CHECK(w.budget_limit() == 1200);
  // One attempt, no retries: the feed starts at once with the default, and its polls (every
  // 10 s) ask again once a minute has passed.
  w.clock.run_for(59 * kSecond);
  CHECK(w.info_requests() == std::vector<std::int64_t>{0});
  w.clock.run_for(20 * kSecond);
  CHECK(w.info_requests() == std::vector<std::int64_t>{0, 60 * kSecond});
  CHECK(w.budget_limit() == 900);
  w.clock.run_for(120 * kSecond);
  CHECK(w.info_requests().size() == 2);
}

TEST_CASE("A GatewayService shard serves only its slice, with its share of a local budget",
          "[gateway][service]") {
  World w;
  // BTCUSDT and ETHUSDT hash to shard 0 of 2, SOLUSDT to shard 1.
  auto shard1 = w.service({1, 2});
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  CHECK(shard1->owned() == Pairs{{"binance", "SOLUSDT"}});
  CHECK(w.budget_limit() == 600);  // 1200 a minute shared by the two shards serving binance
  shard1->start();
  w.clock.run_for(0);
  CHECK(w.http.sent.at(0).second == "/api/v3/exchangeInfo?symbol=SOLUSDT");
  World w0;
  auto shard0 = w0.service({0, 2});
  CHECK(shard0->owned() == Pairs{{"binance", "BTCUSDT"}, {"binance", "ETHUSDT"}});
}
