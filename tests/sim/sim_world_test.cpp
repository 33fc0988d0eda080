#include <catch2/catch.hpp>

#include <sstream>

#include "sim/runner.h"
#include "sim/sim_world.h"

namespace {

constexpr std::int64_t kSecond = 1'000'000;

const char* kSmallWorld = R"(
name: small
workload: {kind: bus_stream, messages: 400, interval: 10ms, ack_wait: 1s}
timeline:
  - {at: 1s, bus_restart: {down_for: 700ms}}
  - {at: 2500ms, partition: [publisher, nats], for: 1s}
  - {at: 3s, crash: consumer, restart_after: 300ms}
run_for: 6s
converge_within: 30s
)";

sim::RunOutcome run_small(std::uint64_t seed) {
  auto scenario = sim::parse_scenario(kSmallWorld, "small.yaml");
  REQUIRE(scenario.is_ok());
  sim::RunOptions options;
  options.seed = seed;
  std::ostringstream out;
  sim::RunOutcome outcome = sim::run_scenario(*scenario, options, out);
  INFO(out.str());
  REQUIRE(outcome.exit_code == sim::kExitPass);
  CHECK(out.str().rfind("SEED=" + std::to_string(seed) + " ", 0) == 0);  // the seed comes first
  return outcome;
}

// A process with one number in memory and the same number persisted through Kv.
struct Tally final : sim::Process {
  explicit Tally(sim::HostEnv& env, std::map<std::uint32_t, int>& ticks_by_incarnation)
      : env_(env), ticks_(ticks_by_incarnation), kv_(env.make_kv()) {
    kv_->get("tally", [this](core::Result<std::optional<std::string>> r) {
      REQUIRE(r.is_ok());
      recovered = r->has_value() ? std::stoi(**r) : 0;
      persisted = recovered;
      tick();
    });
  }
  void tick() {
    ++in_memory;
    ++ticks_[env_.incarnation];
    kv_->set("tally", std::to_string(++persisted), 0, [](core::Status s) { REQUIRE(s.is_ok()); });
    env_.clock.call_after(100'000, [this] { tick(); });
  }
  sim::HostEnv& env_;
  std::map<std::uint32_t, int>& ticks_;
  std::unique_ptr<core::Kv> kv_;
  int in_memory = 0;
  int persisted = 0;
  int recovered = -1;
};

}  // namespace

TEST_CASE("SimWorld gives the same trace hash for the same seed and another for another seed",
          "[sim][world]") {
  const sim::RunOutcome first = run_small(11);
  const sim::RunOutcome again = run_small(11);
  const sim::RunOutcome other = run_small(12);
  CHECK(first.trace_sha256.size() == 64);
  CHECK(first.trace_sha256 == again.trace_sha256);
  CHECK(first.events == again.events);
  CHECK(first.trace_sha256 != other.trace_sha256);
}

TEST_CASE("SimWorld crash loses a process's memory but not what it persisted", "[sim][world]") {
  core::TraceWriter trace;
  sim::SimWorld world(5, trace);
  std::map<std::uint32_t, int> ticks;
  world.add_host("tally", [&](sim::HostEnv& env) { return std::make_unique<Tally>(env, ticks); });
  world.clock().run_for(2 * kSecond);
  Tally* before = world.process<Tally>("tally");
  REQUIRE(before != nullptr);
  const int persisted_at_crash = before->persisted;
  const int ticks_at_crash = ticks[1];
  CHECK(before->in_memory >= 19);

  world.crash("tally");
  CHECK(world.process<Tally>("tally") == nullptr);
  world.clock().run_for(kSecond);
  CHECK(ticks[1] == ticks_at_crash);  // nothing of the dead process ran after the crash

  world.restart("tally");
  world.clock().run_for(kSecond);
  Tally* after = world.process<Tally>("tally");
  REQUIRE(after != nullptr);
  CHECK(after->recovered == persisted_at_crash);  // Kv kept it
  CHECK(after->in_memory < ticks_at_crash);       // memory started over
  CHECK(after->persisted == persisted_at_crash + after->in_memory);
  CHECK(ticks[2] == after->in_memory);
}

TEST_CASE("A scenario that cannot converge in time fails liveness with a reproduce line",
          "[sim][world]") {
  auto scenario = sim::parse_scenario(
      "workload: {kind: bus_stream, messages: 400, interval: 10ms}\nrun_for: 1s\n"
      "converge_within: 1ms\n",
      "slow.yaml");
  REQUIRE(scenario.is_ok());
  sim::RunOptions options;
  options.seed = 3;
  options.commit = "abc1234";
  std::ostringstream out;
  const sim::RunOutcome outcome = sim::run_scenario(*scenario, options, out);
  CHECK(outcome.exit_code == sim::kExitLiveness);
  const std::string text = out.str();
  CHECK(text.find("SIM FAILED liveness: no convergence within 0.001s: consumer processed ") !=
        std::string::npos);
  CHECK(text.find("SEED=3 scenario=slow.yaml commit=abc1234\n") != std::string::npos);
  CHECK(text.find("reproduce: build/bin/sim run slow.yaml --seed 3\n") != std::string::npos);
}

TEST_CASE("A scenario naming an unknown host or workload fails as a config error", "[sim][world]") {
  sim::RunOptions options;
  std::ostringstream out;
  auto bad_host = sim::parse_scenario(
      "workload: {kind: bus_stream}\nrun_for: 1s\ntimeline:\n  - {at: 1s, crash: nobody}\n",
      "h.yaml");
  REQUIRE(bad_host.is_ok());
  sim::RunOutcome outcome = sim::run_scenario(*bad_host, options, out);
  CHECK(outcome.exit_code == sim::kExitUsage);
  CHECK(outcome.failure ==
        "config: h.yaml:4: timeline: crash at 1000000us names unknown host 'nobody'");
  auto bad_kind = sim::parse_scenario("workload: {kind: nope}\nrun_for: 1s\n", "k.yaml");
  REQUIRE(bad_kind.is_ok());
  outcome = sim::run_scenario(*bad_kind, options, out);
  CHECK(outcome.exit_code == sim::kExitUsage);
  CHECK(outcome.failure ==
        "config: workload.kind: unknown workload \"nope\" (known: bus_stream, gateway_replay, "
        "live_orders, normalizer_replay, pipeline)");
}

namespace {

struct PingServer final : sim::Process {
  explicit PingServer(sim::HostEnv& env) : server(env.make_http_server()) {
    server->set_handler([&env](const core::HttpRequest&, core::HttpResponder r) {
      r.respond(core::HttpResponse{200, {}, "pong " + std::to_string(env.incarnation)});
    });
    REQUIRE(server->listen("", 8080).is_ok());
  }
  std::unique_ptr<core::HttpServer> server;
};

struct Caller final : sim::Process {
  explicit Caller(sim::HostEnv& env) : client(env.make_http_client()) {}
  std::unique_ptr<core::HttpClient> client;
};

}  // namespace

TEST_CASE("SimWorld hosts talk HTTP over the simulated network, across a crash and restart",
          "[sim][world]") {
  core::TraceWriter trace;
  sim::SimWorld world(9, trace);
  world.add_host("api", [](sim::HostEnv& env) { return std::make_unique<PingServer>(env); });
  world.add_host("caller", [](sim::HostEnv& env) { return std::make_unique<Caller>(env); });
  auto call = [&] {
    std::optional<core::Result<core::HttpResponse>> got;
    world.process<Caller>("caller")->client->request(
        core::Url{"http", "api", 8080, ""}, core::HttpRequest{"GET", "/ping", {}, ""}, 2 * kSecond,
        [&](core::Result<core::HttpResponse> r) { got.emplace(std::move(r)); });
    REQUIRE(world.clock().run_until([&] { return got.has_value(); }, 5 * kSecond));
    return *got;
  };
  auto first = call();
  REQUIRE(first.is_ok());
  CHECK(first->body == "pong 1");
  world.crash("api");
  CHECK(call().status().code == core::Errc::kUnavailable);
  world.restart("api");
  auto again = call();
  REQUIRE(again.is_ok());
  CHECK(again->body == "pong 2");
}
