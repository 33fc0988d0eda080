// The gateway_replay workload's HTTP API probe (sim/workloads/gateway_api_probe.h): its params,
// api_burst fields, `expect:` entries and their errors, the rest_errors action, and the
// timeline errors that list the allowed actions. Run from the source dir (fixtures/).
#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <string>

#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/workload.h"
#include "sim/workloads/gateway_api_probe.h"

namespace {

sim::TimelineEntry entry(std::string action, std::map<std::string, std::string> args) {
  return sim::TimelineEntry{.at_us = 3'000'000,
                            .action = std::move(action),
                            .targets = {},
                            .args = std::move(args),
                            .where = "x.yaml:7"};
}

sim::Expectation expectation(std::map<std::string, std::string> fields) {
  return sim::Expectation{std::move(fields), "x.yaml:12"};
}

}  // namespace

TEST_CASE("The api_* workload params set the gateway's rate_limiting config",
          "[sim][gateway_api]") {
  sim::GatewayApiParams p;
  CHECK(*sim::gateway_api_param("api_max_requests", "100", p));
  CHECK(*sim::gateway_api_param("api_window", "2m", p));
  CHECK(*sim::gateway_api_param("api_valkey", "false", p));
  CHECK_FALSE(*sim::gateway_api_param("instances", "2", p));
  core::GatewayConfig config;
  sim::apply_gateway_api_params(p, config);
  CHECK(config.rate_limiting.max_requests_per_window == 100);
  CHECK(config.rate_limiting.window_sec == 120);
  CHECK_FALSE(config.rate_limiting.use_valkey_cache);
}

TEST_CASE("A bad api_* workload param names the param and the value", "[sim][gateway_api]") {
  sim::GatewayApiParams p;
  auto r = sim::gateway_api_param("api_window", "1500ms", p);
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code == core::Errc::kConfig);
  CHECK(r.status().message ==
        "workload.api_window: expected whole seconds (e.g. 60s), got \"1500ms\"");
  r = sim::gateway_api_param("api_max_requests", "0", p);
  CHECK(r.status().message == "workload.api_max_requests: expected a positive integer, got \"0\"");
  r = sim::gateway_api_param("api_valkey", "yes", p);
  CHECK(r.status().message == "workload.api_valkey: expected true or false, got \"yes\"");
}

TEST_CASE("A bad api_burst names the file, the line and the field", "[sim][gateway_api]") {
  sim::GatewayApiProbe probe({"gateway-1", "gateway-2"}, 8080);
  auto r = probe.burst_action(entry("api_burst", {{"requests", "10"}, {"pth", "/x"}}));
  CHECK(r.status().message ==
        "x.yaml:7: api_burst: unknown field 'pth' (allowed: requests, path, target, parallel)");
  r = probe.burst_action(entry("api_burst", {{"requests", "10"}, {"target", "gateway-3"}}));
  CHECK(r.status().message ==
        "x.yaml:7: api_burst.target: no gateway 'gateway-3' (all, gateway-1, gateway-2)");
  r = probe.burst_action(entry("api_burst", {{"requests", "ten"}}));
  CHECK(r.status().message ==
        "x.yaml:7: api_burst.requests: expected a positive integer, got \"ten\"");
  r = probe.burst_action(entry("api_burst", {{"path", "/ticker/BTCUSDT"}}));
  CHECK(r.status().message ==
        "x.yaml:7: api_burst: needs {requests: N, ...} (fields: requests, path, target, "
        "parallel)");
  CHECK(probe.done());  // nothing was planned by the refused entries
}

TEST_CASE("An api expectation is refused with the reason, naming where it is",
          "[sim][gateway_api]") {
  sim::GatewayApiProbe probe({"gateway"}, 8080);
  CHECK(probe.expect(expectation({{"api_ok", "100"}})).message ==
        "x.yaml:12: expect: api_* expectations need an api_burst in the timeline");
  REQUIRE(probe.burst_action(entry("api_burst", {{"requests", "1500"}})).is_ok());
  CHECK_FALSE(probe.done());
  CHECK(probe.expect(expectation({{"api_ok", "-1"}})).message ==
        "x.yaml:12: expect.api_ok: expected a count (0 or more), got \"-1\"");
  CHECK(probe.expect(expectation({{"api_limiter", "redis"}})).message ==
        "x.yaml:12: expect.api_limiter: expected valkey, local_fallback or local, got \"redis\"");
  CHECK(probe.expect(expectation({{"gateway", "gateway-1"}, {"api_ok", "1"}})).message ==
        "x.yaml:12: expect.gateway: no gateway 'gateway-1' (gateway)");
  CHECK(probe.expect(expectation({{"status", "ok"}})).message ==
        "x.yaml:12: expect: unknown key 'status' (allowed: api_ok, api_429, api_404, api_other, "
        "api_limiter, gateway)");
  CHECK(probe.expect(expectation({{"gateway", "gateway"}})).message ==
        "x.yaml:12: expect: needs api_ok, api_429, api_404, api_other or api_limiter");
  CHECK(probe.expect(expectation({{"api_ok", "100"}, {"api_429", "1400"}})).is_ok());
}

TEST_CASE("gateway_replay lists its actions for one it does not have, and checks rest_errors",
          "[sim][gateway_api]") {
  auto w = sim::make_workload({{"kind", "gateway_replay"}, {"duration", "2s"}});
  REQUIRE(w.is_ok());
  auto r = (*w)->action(entry("submit_order", {}));
  CHECK(r.status().message ==
        "x.yaml:7: timeline: gateway_replay has no action 'submit_order' (its actions: ws_drop, "
        "rest_throttle, rest_errors, exchange_latency, api_burst; the world's: bus_restart, "
        "partition, heal, crash, restart, skew, store_down, kv_down)");
  r = (*w)->action(entry("rest_errors", {{"count", "3"}, {"code", "429"}}));
  CHECK(r.status().message ==
        "x.yaml:7: rest_errors: expected {count: N > 0, code: 500..599}, got count \"3\", code "
        "\"429\"");
  CHECK((*w)->action(entry("rest_errors", {{"count", "3"}, {"code", "503"}})).is_ok());
}

TEST_CASE("A workload without actions of its own lists the world's", "[sim][gateway_api]") {
  auto w = sim::make_workload({{"kind", "bus_stream"}});
  REQUIRE(w.is_ok());
  CHECK((*w)->action(entry("ws_drop", {})).status().message ==
        "x.yaml:7: timeline: ws_drop at 3000000us: this workload has no such action (it has none "
        "of its own; the world's: bus_restart, partition, heal, crash, restart, skew, store_down, "
        "kv_down)");
}

TEST_CASE("A burst over the API limit is answered 200 up to the limit, then 429",
          "[sim][gateway_api]") {
  auto s = sim::parse_scenario(R"(
name: small_burst
seed: 3
workload: {kind: gateway_replay, duration: 3s, instances: 2, api_max_requests: 7}
timeline:
  - {at: 2s, api_burst: {requests: 30, parallel: 3}}
run_for: 3s
expect:
  - {api_ok: 7, api_429: 23, api_limiter: valkey}
  - {gateway: gateway-2, api_ok: 3, api_429: 12}
)",
                               "small.yaml");
  REQUIRE(s.is_ok());
  std::ostringstream out;
  const sim::RunOutcome o = sim::run_scenario(*s, sim::RunOptions{}, out);
  INFO(out.str());
  CHECK(o.exit_code == sim::kExitPass);
  CHECK(out.str().find("PASS small.yaml:9 api_404=0 api_429=23 api_ok=7 api_other=0 "
                       "api_limiter=valkey: gateway-1+gateway-2 answered 200 x7, 429 x23, 404 x0, "
                       "other x0; gateway-1 /health rate_limiter valkey; gateway-2 /health "
                       "rate_limiter valkey\n") != std::string::npos);
}
