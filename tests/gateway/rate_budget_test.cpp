#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/kv_scripts.h"
#include "core/rate_budget.h"
#include "sim/mockex/rate_limits.h"
#include "sim/sim_clock.h"
#include "sim/sim_kv.h"

namespace {

constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kMs = 1'000;

core::RateBudgetOptions options(std::int64_t rate_limit_per_min,
                                std::int64_t exchange_weight_per_min = 0) {
  core::RateBudgetOptions o;
  o.exchange = "binance";
  o.limit_per_window = rate_limit_per_min;
  o.metric_prefix = "gateway";
  o.exchange_limit_per_window = exchange_weight_per_min;
  return o;
}

core::HttpResponse response(int status, core::Headers headers) {
  return core::HttpResponse{status, std::move(headers), ""};
}

/// Records when each grant arrived (virtual µs since the start) and with which code.
struct Grants {
  explicit Grants(sim::SimClock& c) : clock(c) {}
  sim::SimClock& clock;
  std::vector<std::int64_t> at_us;
  std::vector<core::Errc> codes;

  std::function<void(core::Status)> sink() {
    return [this](core::Status s) {
      at_us.push_back(clock.now_us());
      codes.push_back(s.code);
    };
  }
};

/// The value of `name{exchange="binance"}` in the Prometheus text; -1 when absent.
double metric(const core::metrics::Registry& m, const std::string& name) {
  const std::string text = m.render_prometheus();
  const std::string series = "\n" + name + "{exchange=\"binance\"} ";
  const auto at = text.find(series);
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size()));
}

}  // namespace

TEST_CASE("RateBudget grants up to its limit per minute, then waits for the sliding window",
          "[gateway][budget]") {
  sim::SimClock clock;  // starts on a minute boundary
  core::metrics::Registry metrics;
  core::RateBudget budget(clock, metrics, options(10));
  Grants g(clock);
  for (int i = 0; i < 6; ++i) budget.acquire(2, g.sink());
  clock.run_for(0);
  REQUIRE(g.at_us == std::vector<std::int64_t>{0, 0, 0, 0, 0});
  CHECK(budget.waiting() == 1);
  REQUIRE(clock.run_until([&] { return g.at_us.size() == 6; }, 120 * kSecond));
  // Minute 1: the previous minute's 10 weigh floor(10 * (60000 - t) / 60000); 8 + 2 fits
  // first at t = 6001 ms.
  CHECK(g.at_us[5] == 60 * kSecond + 6001 * kMs);
  CHECK(g.codes == std::vector<core::Errc>(6, core::Errc::kOk));
  CHECK(metric(metrics, "gateway_rest_budget_wait_total") == 1);
}

TEST_CASE("RateBudget refuses when its queue is full or the weight can never fit",
          "[gateway][budget]") {
  sim::SimClock clock;
  core::metrics::Registry metrics;
  auto o = options(4);
  o.queue_max = 2;
  core::RateBudget budget(clock, metrics, o);
  Grants g(clock);
  budget.acquire(4, g.sink());
  budget.acquire(4, g.sink());
  budget.acquire(4, g.sink());
  budget.acquire(4, g.sink());
  budget.acquire(5, g.sink());
  budget.acquire(0, g.sink());
  clock.run_for(0);
  CHECK(g.codes == std::vector<core::Errc>{core::Errc::kOk, core::Errc::kResourceExhausted,
                                           core::Errc::kInvalidArgument,
                                           core::Errc::kInvalidArgument});
  CHECK(budget.waiting() == 2);
}

TEST_CASE("RateBudget keeps the headroom below the exchange's own limit", "[gateway][budget]") {
  sim::SimClock clock;
  core::metrics::Registry metrics;
  CHECK(core::RateBudget(clock, metrics, options(1200, 6000)).limit() == 1200);
  CHECK(core::RateBudget(clock, metrics, options(10000, 6000)).limit() == 5400);
  CHECK(core::RateBudget(clock, metrics, options(10000)).limit() == 10000);
}

TEST_CASE("RateBudget waits for the next minute when the exchange reports its weight spent",
          "[gateway][budget]") {
  sim::SimClock clock;
  core::metrics::Registry metrics;
  core::RateBudget budget(clock, metrics, options(1000, 100));  // 90 with the headroom
  clock.run_for(kSecond);
  budget.observe(response(200, {{"x-mbx-used-weight-1m", "88"}}));
  CHECK(metric(metrics, "gateway_exchange_weight_used") == 88);
  Grants g(clock);
  budget.acquire(2, g.sink());
  budget.acquire(1, g.sink());
  REQUIRE(clock.run_until([&] { return g.at_us.size() == 2; }, 120 * kSecond));
  CHECK(g.at_us == std::vector<std::int64_t>{kSecond, 60 * kSecond});

  // A response to a request sent in the previous minute may count that minute: no binding.
  const std::int64_t sent_wall_us = clock.wall_us() - kSecond;
  clock.run_for(kSecond);
  budget.observe(response(200, {{"X-MBX-USED-WEIGHT-1M", "90"}}), sent_wall_us);
  CHECK(metric(metrics, "gateway_exchange_weight_used") == 90);
  budget.acquire(2, g.sink());
  clock.run_for(0);
  CHECK(g.at_us.back() == 61 * kSecond);
}

TEST_CASE("RateBudget stops for exactly Retry-After after a 429, and after a 418",
          "[gateway][budget]") {
  sim::SimClock clock;
  core::metrics::Registry metrics;
  core::RateBudget budget(clock, metrics, options(1000));
  clock.run_for(3 * kSecond);
  budget.observe(response(429, {{"Retry-After", "7"}, {"X-MBX-USED-WEIGHT-1M", "1000"}}));
  CHECK(budget.stopped());
  Grants g(clock);
  budget.acquire(1, g.sink());
  budget.acquire(1, g.sink());
  REQUIRE(clock.run_until([&] { return g.at_us.size() == 2; }, 60 * kSecond));
  CHECK(g.at_us == std::vector<std::int64_t>{10 * kSecond, 10 * kSecond});
  CHECK_FALSE(budget.stopped());
  CHECK(metric(metrics, "gateway_exchange_429_total") == 1);
  CHECK(metric(metrics, "gateway_rest_budget_wait_total") == 2);

  budget.observe(response(418, {{"Retry-After", "120"}}));
  budget.acquire(1, g.sink());
  REQUIRE(clock.run_until([&] { return g.at_us.size() == 3; }, 300 * kSecond));
  CHECK(g.at_us[2] == 130 * kSecond);
  CHECK(metric(metrics, "gateway_exchange_418_total") == 1);

  budget.observe(response(429, {}));  // no Retry-After: stop_us_default (60 s)
  budget.acquire(1, g.sink());
  REQUIRE(clock.run_until([&] { return g.at_us.size() == 4; }, 300 * kSecond));
  CHECK(g.at_us[3] == 190 * kSecond);
}

TEST_CASE("Two RateBudgets sharing one Valkey together grant exactly the shared limit",
          "[gateway][budget]") {
  sim::SimClock clock;
  sim::SimKv kv(clock);
  kv.set_latency_us(500);
  core::metrics::Registry metrics_a, metrics_b;
  core::RateBudget a(clock, metrics_a, options(20), &kv);
  core::RateBudget b(clock, metrics_b, options(20), &kv);
  Grants ga(clock), gb(clock);
  for (int i = 0; i < 40; ++i) {
    a.acquire(1, ga.sink());
    b.acquire(1, gb.sink());
  }
  clock.run_for(59 * kSecond);
  CHECK(ga.at_us.size() + gb.at_us.size() == 20);
  CHECK(ga.at_us.size() >= 9);
  CHECK(gb.at_us.size() >= 9);
  CHECK(a.shared_ok());
  CHECK(b.shared_ok());
  // Later minutes: no fixed minute holds more than 20 grants in total.
  REQUIRE(
      clock.run_until([&] { return ga.at_us.size() + gb.at_us.size() == 80; }, 5 * 60 * kSecond));
  std::vector<int> per_minute(6, 0);
  for (const auto* g : {&ga, &gb})
    for (const auto t : g->at_us) ++per_minute[static_cast<std::size_t>(t / (60 * kSecond))];
  for (const int n : per_minute) CHECK(n <= 20);
  CHECK(metric(metrics_a, "gateway_rate_budget_fallback_total") == 0);
}

TEST_CASE("A shared RateBudget falls back to its local window while Valkey is down",
          "[gateway][budget]") {
  sim::SimClock clock;
  sim::SimKv kv(clock);
  kv.set_available(false);
  core::metrics::Registry metrics;
  core::RateBudget budget(clock, metrics, options(10), &kv);
  Grants g(clock);
  for (int i = 0; i < 6; ++i) budget.acquire(2, g.sink());
  clock.run_for(kSecond);
  CHECK(g.at_us.size() == 5);
  CHECK_FALSE(budget.shared_ok());
  CHECK(metric(metrics, "gateway_rate_budget_fallback_total") == 5);

  kv.set_available(true);
  REQUIRE(clock.run_until([&] { return g.at_us.size() == 6; }, 120 * kSecond));
  CHECK(budget.shared_ok());  // the sixth went through Valkey again
  CHECK(metric(metrics, "gateway_rate_budget_fallback_total") == 5);
  // Valkey saw only that one grant: the local fallback's 10 are not in the shared window.
  std::optional<core::Result<core::KvReply>> used;
  kv.command({"HGET", "t26:ratelimit:exchange:binance", "c"},
             [&](core::Result<core::KvReply> r) { used = std::move(r); });
  REQUIRE(clock.run_until([&] { return used.has_value(); }, kSecond));
  REQUIRE(used->is_ok());
  CHECK((*used)->string() != nullptr);
  CHECK(*(*used)->string() == "2");
}

TEST_CASE("A 429 seen by one shared RateBudget stops the other's grants for its Retry-After",
          "[gateway][budget]") {
  sim::SimClock clock;
  sim::SimKv kv(clock);
  kv.set_latency_us(500);
  core::metrics::Registry metrics_a, metrics_b;
  core::RateBudget a(clock, metrics_a, options(1000), &kv);
  core::RateBudget b(clock, metrics_b, options(1000), &kv);
  clock.run_for(3 * kSecond);
  a.observe(response(429, {{"Retry-After", "7"}}));
  clock.run_for(10 * kMs);  // the stop reaches Valkey
  Grants gb(clock);
  b.acquire(1, gb.sink());
  REQUIRE(clock.run_until([&] { return gb.at_us.size() == 1; }, 60 * kSecond));
  // Refused by the script at 3.01 s, asked again when the stop ends (plus one Kv round trip).
  CHECK(gb.at_us[0] == 10 * kSecond + 2 * 500);
  CHECK_FALSE(b.stopped());  // B itself never got a 429
  CHECK(metric(metrics_b, "gateway_rest_budget_wait_total") == 1);

  // A later, shorter stop keeps the longer one; a 418 shares its stop as well.
  b.observe(response(418, {{"Retry-After", "120"}}));
  clock.run_for(10 * kMs);
  a.observe(response(429, {{"Retry-After", "5"}}));
  clock.run_for(10 * kMs);
  Grants ga(clock);
  a.acquire(1, ga.sink());
  REQUIRE(clock.run_until([&] { return ga.at_us.size() == 1; }, 300 * kSecond));
  CHECK(ga.at_us[0] == 10 * kSecond + 2 * 500 + 120 * kSecond + 2 * 500);
}

TEST_CASE("A local RateBudget's 429 stops only itself", "[gateway][budget]") {
  sim::SimClock clock;
  core::metrics::Registry metrics_a, metrics_b;
  core::RateBudget a(clock, metrics_a, options(1000));
  core::RateBudget b(clock, metrics_b, options(1000));
  a.observe(response(429, {{"Retry-After", "7"}}));
  Grants gb(clock);
  b.acquire(1, gb.sink());
  REQUIRE(clock.run_until([&] { return gb.at_us.size() == 1; }, 60 * kSecond));
  CHECK(gb.at_us[0] == 0);
}

namespace {

/// One gateway instance polling a simulated Binance (mockex's RateLimiter, one IP for all)
/// every second through its RateBudget; the request and its answer take `hop_us` each way.
struct Poller {
  sim::SimClock& clock;
  core::RateBudget& budget;
  sim::mockex::RateLimiter& exchange;
  std::int64_t hop_us;
  std::map<int, int> answers;  // http status -> count

  void start(std::int64_t at_us) {
    clock.call_after(at_us, [this] { poll(); });
  }
  void poll() {
    budget.acquire(2, [this](core::Status s) {
      REQUIRE(s.is_ok());
      const std::int64_t sent = clock.wall_us();
      clock.call_after(hop_us, [this, sent] {
        const auto d = exchange.admit("10.0.0.1", 2, clock.wall_us() / kMs);
        ++answers[d.http_status];
        core::HttpResponse r{d.http_status, {}, ""};
        for (auto& [k, v] : sim::mockex::rate_limit_headers(d, std::nullopt))
          r.headers.push_back({k, v});
        clock.call_after(hop_us, [this, r, sent] { budget.observe(r, sent); });
      });
    });
    clock.call_after(kSecond, [this] { poll(); });
  }
};

}  // namespace

TEST_CASE("Two shared RateBudgets over the exchange's limit get its 429 but never a 418",
          "[gateway][budget]") {
  // 160 a minute between the two, the exchange allows 100 for their IP: each minute one of
  // them gets the 429, both stop until the next minute, and none goes on into a ban.
  sim::SimClock clock;
  sim::SimKv kv(clock);
  kv.set_latency_us(500);
  sim::mockex::RateLimitConfig limits;
  limits.weight_per_minute = 100;
  sim::mockex::RateLimiter exchange(limits);
  core::metrics::Registry metrics_a, metrics_b;
  core::RateBudget a(clock, metrics_a, options(160), &kv);
  core::RateBudget b(clock, metrics_b, options(160), &kv);
  Poller pa{clock, a, exchange, 5 * kMs, {}};
  Poller pb{clock, b, exchange, 5 * kMs, {}};
  pa.start(0);
  pb.start(300 * kMs);
  clock.run_for(5 * 60 * kSecond);
  const int banned = pa.answers[418] + pb.answers[418];
  const int throttled = pa.answers[429] + pb.answers[429];
  const int ok = pa.answers[200] + pb.answers[200];
  CHECK(banned == 0);
  CHECK(throttled == 5);  // one a minute
  CHECK(ok == 5 * 50);    // every minute's 100 weight used
  CHECK(metric(metrics_a, "gateway_exchange_418_total") +
            metric(metrics_b, "gateway_exchange_418_total") ==
        0);
}

TEST_CASE("RateBudget takes the exchange's limit once known, for its waiters too",
          "[gateway][budget]") {
  sim::SimClock clock;
  core::metrics::Registry metrics;
  core::RateBudget budget(clock, metrics, options(160, 6000));
  CHECK(budget.limit() == 160);
  Grants g(clock);
  // exchangeInfo says 100 a minute: 90 with the headroom. 4 x 20 fit, the fifth waits.
  REQUIRE(budget.set_exchange_limit(100));
  CHECK(budget.limit() == 90);
  for (int i = 0; i < 5; ++i) budget.acquire(20, g.sink());
  clock.run_for(0);
  CHECK(g.at_us == std::vector<std::int64_t>{0, 0, 0, 0});
  CHECK(budget.waiting() == 1);
  // Raised to 1000 (cap 900, the budget's own 160 binds): the waiter goes at once.
  REQUIRE(budget.set_exchange_limit(1000));
  CHECK(budget.limit() == 160);
  clock.run_for(0);
  CHECK(g.at_us.size() == 5);
  const core::Status bad = budget.set_exchange_limit(1);
  CHECK(bad.code == core::Errc::kInvalidArgument);
  CHECK(bad.message == "binance exchange limit 1 per window leaves no weight");
  CHECK(budget.limit() == 160);
}
