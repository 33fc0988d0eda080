// ServiceShell on a real loop: /health and /metrics on one shared port, 404 elsewhere, and the
// trace's start and stop events with fingerprints only.
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "net/asio_clock.h"
#include "net/beast_http_client.h"
#include "net/service_shell.h"
#include "tests/support/server_process.h"

namespace {

net::ShellOptions options(std::string service, std::uint16_t http_port = 0,
                          std::uint16_t metrics_port = 0, std::string trace_path = "") {
  net::ShellOptions o;
  o.service = std::move(service);
  o.http_port = http_port;
  o.metrics_port = metrics_port;
  o.trace_path = std::move(trace_path);
  o.summary = "service=" + o.service;
  return o;
}

core::HttpResponse get(net::AsioClock& clock, std::uint16_t port, const std::string& target) {
  net::BeastHttpClient client(clock);
  std::optional<core::Result<core::HttpResponse>> answer;
  client.request(core::Url{"http", "127.0.0.1", port, ""}, core::HttpRequest{"GET", target, {}, ""},
                 5'000'000, [&](core::Result<core::HttpResponse> r) { answer = std::move(r); });
  REQUIRE(clock.run_until([&] { return answer.has_value(); }, 10'000'000));
  REQUIRE(*answer);
  return **answer;
}

}  // namespace

TEST_CASE("ServiceShell serves /health and /metrics on one listener when the ports are equal",
          "[service][net]") {
  net::AsioClock clock;
  core::Secrets secrets;
  secrets.binance.api_key = core::Secret("shell-test-key");
  testsupport::TempDir dir("t26_shell");
  const std::uint16_t port = testsupport::free_tcp_port();
  const std::string trace_path = dir.path() + "/trace.jsonl";
  {
    net::ServiceShell shell(clock, options("gateway", port, port, trace_path), secrets);
    REQUIRE(shell.start());
    CHECK(shell.http_port() == port);
    CHECK(shell.metrics_port() == port);
    REQUIRE(shell.trace() != nullptr);

    core::HttpResponse health = get(clock, port, "/health");
    CHECK(health.status == 200);
    CHECK(health.body == R"({"status":"ok","service":"gateway"})");
    core::HttpResponse metrics = get(clock, port, "/metrics?x=1");
    CHECK(metrics.status == 200);
    CHECK(metrics.body.find("t26_build_info{service=\"gateway\",version=\"0.1.0\"} 1\n") !=
          std::string::npos);
    CHECK(metrics.body.find("t26_http_requests_total{path=\"/health\"} 1\n") != std::string::npos);
    CHECK(get(clock, port, "/nope").status == 404);
  }
  std::ifstream in(trace_path);
  std::stringstream trace;
  trace << in.rdbuf();
  const std::string fp = core::Secret("shell-test-key").fingerprint();
  CHECK(trace.str().find("\"event\":\"start\"") != std::string::npos);
  CHECK(trace.str().find("key:Secret(fp=" + fp + ")") != std::string::npos);
  CHECK(trace.str().find("shell-test-key") == std::string::npos);
  CHECK(trace.str().find("\"event\":\"stop\"") != std::string::npos);
}

TEST_CASE("ServiceShell with port 0 binds two distinct free ports, and /metrics only on its own",
          "[service][net]") {
  net::AsioClock clock;
  core::Secrets secrets;
  net::ServiceShell shell(clock, options("normalizer"), secrets);
  REQUIRE(shell.start());
  CHECK(shell.http_port() != 0);
  CHECK(shell.metrics_port() != 0);
  CHECK(shell.http_port() != shell.metrics_port());
  CHECK(shell.trace() == nullptr);
  CHECK(get(clock, shell.http_port(), "/metrics").status == 404);
  CHECK(get(clock, shell.metrics_port(), "/health").status == 404);
  CHECK(get(clock, shell.metrics_port(), "/metrics").status == 200);
}

TEST_CASE("ServiceShell refuses to start on a port in use, naming it", "[service][net]") {
  net::AsioClock clock;
  core::Secrets secrets;
  net::ServiceShell first(clock, options("a"), secrets);
  REQUIRE(first.start());
  net::ServiceShell second(clock, options("b", first.http_port()), secrets);
  core::Status st = second.start();
  CHECK(st.code == core::Errc::kUnavailable);
  CHECK(st.message.find(std::to_string(first.http_port())) != std::string::npos);
}
