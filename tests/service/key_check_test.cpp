// KeyCheck on virtual time with a FakeExchange client: what it sends and how it settles.
#include <optional>

#include <catch2/catch.hpp>

#include "core/sign.h"
#include "live_gateway/key_check.h"
#include "sim/sim_clock.h"

namespace {

/// Records the one request and answers it on the loop with a canned result.
class FakeExchange final : public core::HttpClient {
 public:
  FakeExchange(core::Clock& clock, core::Result<core::HttpResponse> answer)
      : clock_(clock), answer_(std::move(answer)) {}

  void request(const core::Url& origin, core::HttpRequest request, std::int64_t timeout_us,
               std::function<void(core::Result<core::HttpResponse>)> done) override {
    origin_ = origin;
    request_ = std::move(request);
    timeout_us_ = timeout_us;
    clock_.post([this, done = std::move(done)] { done(answer_); });
  }

  core::Clock& clock_;
  core::Result<core::HttpResponse> answer_;
  std::optional<core::Url> origin_;
  std::optional<core::HttpRequest> request_;
  std::int64_t timeout_us_ = 0;
};

core::Secrets binance_keys() {
  core::Secrets s;
  s.binance.api_key = core::Secret("test-key");
  s.binance.secret = core::Secret("test-secret");
  return s;
}

core::LiveGatewayConfig live_config() {
  core::LiveGatewayConfig c;
  c.service.mode = "live";
  c.safety.paper_trading_only = false;
  c.exchanges.binance.mode = "live";
  c.exchanges.binance.api_url = "http://127.0.0.1:9";
  return c;
}

struct Run {
  sim::SimClock clock{1'700'000'000'123'000};
  core::metrics::Registry metrics;
  core::TraceWriter trace;
};

}  // namespace

TEST_CASE("KeyCheck sends a signed account request with the key header and a 3 s deadline",
          "[key_check]") {
  Run run;
  FakeExchange exchange(run.clock, core::HttpResponse{200, {}, "{}"});
  core::Secrets secrets = binance_keys();
  core::LiveGatewayConfig config = live_config();
  live_gateway::KeyCheck check(run.clock, exchange, run.metrics, &run.trace, config, secrets);
  check.start();
  REQUIRE(run.clock.run_until(
      [&] { return check.outcome() != live_gateway::KeyCheck::Outcome::kPending; }, 1'000'000));
  REQUIRE(exchange.request_);
  CHECK(exchange.origin_->host == "127.0.0.1");
  CHECK(exchange.origin_->port == 9);
  CHECK(exchange.timeout_us_ == 3'000'000);
  CHECK(exchange.request_->method == "GET");
  const std::string query = "timestamp=1700000000123&recvWindow=5000";
  CHECK(exchange.request_->target ==
        "/api/v3/account?" + core::binance_signed_query(query, core::Secret("test-secret")));
  CHECK(core::find_header(exchange.request_->headers, "X-MBX-APIKEY") == "test-key");
  CHECK(check.outcome() == live_gateway::KeyCheck::Outcome::kOk);
  CHECK(check.live_trading_allowed());
  CHECK(run.metrics.render_prometheus().find(
            "live_gateway_key_check_total{exchange=\"binance\",result=\"ok\"} 1") !=
        std::string::npos);
  CHECK(run.trace.text().find("\"actor\":\"key_check\",\"event\":\"binance\",\"result\":\"ok\","
                              "\"status\":200,\"code\":0}") != std::string::npos);
}

TEST_CASE("KeyCheck counts a 401 as rejected and refuses live trading", "[key_check]") {
  Run run;
  FakeExchange exchange(
      run.clock,
      core::HttpResponse{
          401, {}, R"({"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."})"});
  core::Secrets secrets = binance_keys();
  core::LiveGatewayConfig config = live_config();
  live_gateway::KeyCheck check(run.clock, exchange, run.metrics, &run.trace, config, secrets);
  check.start();
  run.clock.run_for(1'000);
  CHECK(check.outcome() == live_gateway::KeyCheck::Outcome::kRejected);
  CHECK_FALSE(check.live_trading_allowed());
  std::string text = run.metrics.render_prometheus();
  CHECK(text.find("live_gateway_key_check_total{exchange=\"binance\",result=\"rejected\"} 1") !=
        std::string::npos);
  CHECK(text.find("live_gateway_key_check_total{exchange=\"binance\",result=\"ok\"} 0") !=
        std::string::npos);
  CHECK(run.trace.text().find("\"result\":\"rejected\",\"status\":401,\"code\":-2015}") !=
        std::string::npos);
}

TEST_CASE("KeyCheck counts a transport error as unreachable", "[key_check]") {
  Run run;
  FakeExchange exchange(run.clock, core::make_error(core::Errc::kUnavailable, "connect refused"));
  core::Secrets secrets = binance_keys();
  core::LiveGatewayConfig config = live_config();
  live_gateway::KeyCheck check(run.clock, exchange, run.metrics, nullptr, config, secrets);
  check.start();
  run.clock.run_for(1'000);
  CHECK(check.outcome() == live_gateway::KeyCheck::Outcome::kUnreachable);
  CHECK(run.metrics.render_prometheus().find(
            "live_gateway_key_check_total{exchange=\"binance\",result=\"unreachable\"} 1") !=
        std::string::npos);
}

TEST_CASE("KeyCheck sends nothing without both Binance keys", "[key_check]") {
  Run run;
  FakeExchange exchange(run.clock, core::HttpResponse{});
  core::Secrets secrets;
  secrets.binance.api_key = core::Secret("only-the-key");
  core::LiveGatewayConfig config = live_config();
  live_gateway::KeyCheck check(run.clock, exchange, run.metrics, &run.trace, config, secrets);
  check.start();
  run.clock.run_for(1'000);
  CHECK(check.outcome() == live_gateway::KeyCheck::Outcome::kSkipped);
  CHECK_FALSE(exchange.request_);
  CHECK_FALSE(check.live_trading_allowed());
}
