#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "../mockex/mockex_world.h"
#include "core/rate_budget.h"
#include "gateway/rest_fetcher.h"

namespace {

constexpr std::int64_t kSecond = 1'000'000;
const std::string kPrice = "/api/v3/ticker/price?symbol=BTCUSDT";  // weight 2 (PROTOCOLS 1.2)
constexpr int kPriceWeight = 2;

core::RateBudgetOptions budget_options(std::int64_t rate_limit_per_min,
                                       std::int64_t exchange_weight_per_min) {
  core::RateBudgetOptions o;
  o.exchange = "binance";
  o.limit_per_window = rate_limit_per_min;
  o.metric_prefix = "gateway";
  o.exchange_limit_per_window = exchange_weight_per_min;
  return o;
}

/// Answers every request after 10 ms with the next scripted result (the last one repeats),
/// and records when each request came.
class FakeExchange final : public core::HttpClient {
 public:
  FakeExchange(core::Clock& clock, std::vector<core::Result<core::HttpResponse>> script)
      : clock_(clock), script_(std::move(script)) {}

  void request(const core::Url&, core::HttpRequest request, std::int64_t,
               std::function<void(core::Result<core::HttpResponse>)> done) override {
    at_us.push_back(clock_.now_us());
    targets.push_back(request.target);
    auto r = script_[std::min(at_us.size(), script_.size()) - 1];
    clock_.call_after(10'000, [r = std::move(r), done = std::move(done)] { done(r); });
  }

  std::vector<std::int64_t> at_us;
  std::vector<std::string> targets;

 private:
  core::Clock& clock_;
  std::vector<core::Result<core::HttpResponse>> script_;
};

core::Result<core::HttpResponse> status(int code, core::Headers headers = {}) {
  return core::HttpResponse{code, std::move(headers), "{}"};
}

double mockex_responses(mockex_test::MockexWorld& w, int code) {
  const std::string text = w.exchange->metrics().render_prometheus();
  const std::string series = "mockex_http_responses_total{code=\"" + std::to_string(code) + "\"} ";
  const auto at = text.find(series);
  return at == std::string::npos ? 0 : std::stod(text.substr(at + series.size()));
}

double metric_429(const core::metrics::Registry& m) {
  const std::string text = m.render_prometheus();
  const std::string series = "gateway_exchange_429_total{exchange=\"binance\"} ";
  const auto at = text.find(series);
  return at == std::string::npos ? -1 : std::stod(text.substr(at + series.size()));
}

struct Fetched {
  std::optional<core::Result<core::HttpResponse>> result;
  std::function<void(core::Result<core::HttpResponse>)> sink() {
    return [this](core::Result<core::HttpResponse> r) { result = std::move(r); };
  }
};

/// Keeps `in_flight` GETs of kPrice going for `duration_us`; returns every status seen and
/// the highest X-MBX-USED-WEIGHT-1M per minute.
struct Hammer {
  Hammer(gateway::RestFetcher& f, core::Clock& c, std::int64_t until)
      : fetcher(f), clock(c), until_us(until) {}
  gateway::RestFetcher& fetcher;
  core::Clock& clock;
  std::int64_t until_us;
  std::map<int, int> statuses;
  std::map<std::int64_t, long long> used_max_by_minute;

  void next() {
    if (clock.now_us() >= until_us) return;
    fetcher.get(kPrice, kPriceWeight, [this](core::Result<core::HttpResponse> r) {
      REQUIRE(r.is_ok());
      ++statuses[r->status];
      auto& m = used_max_by_minute[clock.now_us() / (60 * kSecond)];
      m = std::max(m, std::stoll(mockex_test::header(*r, "X-MBX-USED-WEIGHT-1M")));
      next();
    });
  }
};

}  // namespace

TEST_CASE("A client hammering through RateBudget and RestFetcher never gets a 429 from mockex",
          "[gateway][budget]") {
  auto config = mockex_test::default_config();
  config.rate_limits.weight_per_minute = 100;
  mockex_test::MockexWorld w(config);
  core::metrics::Registry metrics;
  core::RateBudget budget(w.clock, metrics, budget_options(1200, 100));  // grants 90/min
  gateway::RestFetcher fetcher(w.clock, w.client, budget, core::Rng(5),
                               {core::Url{"http", "server", w.port, ""}});
  Hammer hammer(fetcher, w.clock, 5 * 60 * kSecond);
  for (int i = 0; i < 4; ++i) hammer.next();
  w.clock.run_for(6 * 60 * kSecond);

  CHECK(mockex_responses(w, 429) == 0);
  CHECK(mockex_responses(w, 418) == 0);
  CHECK(hammer.statuses.size() == 1);
  CHECK(hammer.statuses[200] == mockex_responses(w, 200));
  // Every minute the exchange counted between 80 and 90 of its 100 (our 10% headroom).
  for (std::int64_t minute = 0; minute < 5; ++minute) {
    INFO("minute " << minute);
    CHECK(hammer.used_max_by_minute[minute] <= 90);
    CHECK(hammer.used_max_by_minute[minute] >= 80);
  }
  // 45 x weight 2 per minute for five minutes, plus four still waiting at the end.
  CHECK(hammer.statuses[200] == 229);
}

TEST_CASE("A 429 from mockex stops the budget for its Retry-After and never leads to a 418",
          "[gateway][budget]") {
  auto config = mockex_test::default_config();
  config.rate_limits.weight_per_minute = 20;
  mockex_test::MockexWorld w(config);
  core::metrics::Registry metrics;
  // Our own limit is above the exchange's, which we do not know: mockex will say 429.
  core::RateBudget budget(w.clock, metrics, budget_options(1000, 0));
  gateway::RestFetcher fetcher(w.clock, w.client, budget, core::Rng(5),
                               {core::Url{"http", "server", w.port, ""}});
  Hammer hammer(fetcher, w.clock, 150 * kSecond);
  hammer.next();
  w.clock.run_for(4 * 60 * kSecond);

  CHECK(mockex_responses(w, 418) == 0);
  CHECK(mockex_responses(w, 429) == 3);  // one per minute, each followed by a full stop
  CHECK(hammer.statuses[429] == 3);
  // 10 x weight 2 in each of minutes 0-2, and the request that waited out the third stop.
  CHECK(hammer.statuses[200] == 31);
  CHECK(metric_429(metrics) == 3);
  CHECK(hammer.statuses.size() == 2);
}

TEST_CASE("RestFetcher retries a 5xx three times with 1-10 s backoff, then hands it back",
          "[gateway][budget]") {
  sim::SimClock clock;
  core::metrics::Registry metrics;
  core::RateBudget budget(clock, metrics, budget_options(1200, 6000));
  FakeExchange ex(clock, {status(503)});
  gateway::RestFetcher fetcher(clock, ex, budget, core::Rng(11), {core::Url{"http", "x", 80, ""}});
  Fetched f;
  fetcher.get(kPrice, kPriceWeight, f.sink());
  REQUIRE(clock.run_until([&] { return f.result.has_value(); }, 60 * kSecond));
  REQUIRE(f.result->is_ok());
  CHECK((*f.result)->status == 503);
  REQUIRE(ex.at_us.size() == 4);
  core::Rng same(11);
  const gateway::RestFetcherOptions defaults;
  const std::int64_t bounds_us[][2] = {
      {1 * kSecond, 1'500'000}, {2 * kSecond, 3 * kSecond}, {4 * kSecond, 6 * kSecond}};
  for (std::size_t i = 1; i < 4; ++i) {
    const std::int64_t gap_us = ex.at_us[i] - ex.at_us[i - 1] - 10'000;  // less the 10 ms answer
    INFO("retry " << i);
    CHECK(gap_us == gateway::RestFetcher::backoff_us(static_cast<int>(i), defaults, same));
    CHECK(gap_us >= bounds_us[i - 1][0]);
    CHECK(gap_us <= bounds_us[i - 1][1]);
  }
}

TEST_CASE("RestFetcher backoff grows to at most 10 s", "[gateway][budget]") {
  core::Rng rng(3);
  const gateway::RestFetcherOptions o;
  for (int i = 0; i < 100; ++i) {
    CHECK(gateway::RestFetcher::backoff_us(4, o, rng) >= 8 * kSecond);
    CHECK(gateway::RestFetcher::backoff_us(4, o, rng) <= 10 * kSecond);
    CHECK(gateway::RestFetcher::backoff_us(9, o, rng) == 10 * kSecond);
  }
}

TEST_CASE("RestFetcher retries a refused connection three times, then gives kUnavailable",
          "[gateway][budget]") {
  mockex_test::MockexWorld w;
  core::metrics::Registry metrics;
  core::RateBudget budget(w.clock, metrics, budget_options(1200, 6000));
  gateway::RestFetcher fetcher(w.clock, w.client, budget, core::Rng(5),
                               {core::Url{"http", "server", 9, ""}});  // nobody listens
  Fetched f;
  const std::int64_t start_us = w.clock.now_us();
  fetcher.get(kPrice, kPriceWeight, f.sink());
  REQUIRE(w.clock.run_until([&] { return f.result.has_value(); }, 60 * kSecond));
  CHECK(f.result->status().code == core::Errc::kUnavailable);
  // Three backoffs: at least 1 + 2 + 4 s, at most 1.5 + 3 + 6 s plus four round trips.
  CHECK(w.clock.now_us() - start_us >= 7 * kSecond);
  CHECK(w.clock.now_us() - start_us <= 11 * kSecond);
}

TEST_CASE("RestFetcher hands a 400 back at once and a 429 after the budget noted it",
          "[gateway][budget]") {
  sim::SimClock clock;
  core::metrics::Registry metrics;
  core::RateBudget budget(clock, metrics, budget_options(1200, 6000));
  FakeExchange ex(clock, {status(400), status(429, {{"Retry-After", "7"}}), status(200)});
  gateway::RestFetcher fetcher(clock, ex, budget, core::Rng(5), {core::Url{"http", "x", 80, ""}});
  Fetched bad, limited, ok;
  fetcher.get(kPrice, kPriceWeight, bad.sink());
  REQUIRE(clock.run_until([&] { return bad.result.has_value(); }, 60 * kSecond));
  CHECK((*bad.result)->status == 400);
  fetcher.get(kPrice, kPriceWeight, limited.sink());
  REQUIRE(clock.run_until([&] { return limited.result.has_value(); }, 60 * kSecond));
  CHECK((*limited.result)->status == 429);
  CHECK(budget.stopped());
  const std::int64_t stopped_at_us = clock.now_us();
  fetcher.get(kPrice, kPriceWeight, ok.sink());
  REQUIRE(clock.run_until([&] { return ok.result.has_value(); }, 60 * kSecond));
  CHECK((*ok.result)->status == 200);
  REQUIRE(ex.at_us.size() == 3);
  CHECK(ex.at_us[2] == stopped_at_us + 7 * kSecond);
}

TEST_CASE("RestFetcher recovers when a 5xx is followed by a 200", "[gateway][budget]") {
  sim::SimClock clock;
  core::metrics::Registry metrics;
  core::RateBudget budget(clock, metrics, budget_options(1200, 6000));
  FakeExchange ex(clock, {status(502), status(200)});
  gateway::RestFetcher fetcher(clock, ex, budget, core::Rng(5), {core::Url{"http", "x", 80, ""}});
  Fetched f;
  fetcher.as_rest_get()(kPrice, kPriceWeight, f.sink());
  REQUIRE(clock.run_until([&] { return f.result.has_value(); }, 60 * kSecond));
  CHECK((*f.result)->status == 200);
  CHECK(ex.targets == std::vector<std::string>{kPrice, kPrice});
}
