// sim::live::LiveWorld (sim/live/live_world.h), the processes of `sim run --live`: a server
// stopped and started again keeps its port, and a process that cannot start is reported with
// its log instead of being waited for.
#include <catch2/catch.hpp>

#include <chrono>

#include "sim/live/live_world.h"

using namespace std::chrono_literals;

TEST_CASE("LiveWorld starts nats-server again on its port after a stop", "[sim][net]") {
  sim::live::LiveWorld world(T26_BIN_DIR);
  REQUIRE(world.start_nats().is_ok());
  const std::string url = world.nats_url();
  const auto port = static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  world.stop("nats");
  CHECK_FALSE(sim::live::wait_for_tcp(port, 200ms));
  world.start("nats");
  CHECK(sim::live::wait_for_tcp(port, 30s));
  CHECK(world.nats_url() == url);
  CHECK(world.died().empty());
}

TEST_CASE("LiveWorld reports a mockex that exits at start with its log", "[sim][net]") {
  sim::live::LiveWorld world(T26_BIN_DIR);
  const core::Status s = world.start_mockex({"--recording", "no/such/recording.jsonl"});
  CHECK(s.code == core::Errc::kUnavailable);
  CHECK(s.message.find("mockex exited") != std::string::npos);
  CHECK(s.message.find("no/such/recording.jsonl") != std::string::npos);
}

TEST_CASE("prometheus_value reads one sample by name and labels, 0 when absent", "[sim]") {
  const std::string text =
      "# HELP mockex_http_responses_total HTTP responses sent, by status\n"
      "mockex_http_responses_total{code=\"200\"} 17\n"
      "mockex_http_responses_total{code=\"429\"} 5\n";
  CHECK(sim::live::prometheus_value(text, "mockex_http_responses_total{code=\"429\"}") == 5);
  CHECK(sim::live::prometheus_value(text, "mockex_http_responses_total{code=\"200\"}") == 17);
  CHECK(sim::live::prometheus_value(text, "mockex_http_responses_total{code=\"418\"}") == 0);
}
