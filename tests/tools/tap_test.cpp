// build/bin/tap against a real nats-server: it prints what arrives and stops after --count.
#include <catch2/catch.hpp>

#include "net/asio_clock.h"
#include "net/nats_bus.h"
#include "tests/config/service_process.h"
#include "tests/support/server_process.h"

TEST_CASE("tap prints subject, headers and payload of each message, then stops at --count",
          "[tools][net]") {
  testsupport::TempDir dir("t26-tap");
  const std::uint16_t port = testsupport::free_tcp_port();
  testsupport::ServerProcess nats({"nats-server", "-a", "127.0.0.1", "-p", std::to_string(port)},
                                  dir.path() + "/nats.log");
  REQUIRE(testsupport::wait_for_tcp(port, std::chrono::seconds(10)));
  const std::string url = "nats://127.0.0.1:" + std::to_string(port);
  testsupport::ServiceProcess tap(T26_TAP_BIN,
                                  {"--url", url, "--count", "2", "--headers", "ticks.>"}, {});

  net::AsioClock clock;
  core::BusOptions options;
  options.url = url;
  options.jetstream = false;
  net::NatsBus bus(clock, options);
  // The tap subscribes some time after it starts: publish until it has seen two messages.
  bool seen_two = false;
  for (int i = 0; i < 200 && !seen_two; ++i) {
    (void)bus.publish("ticks.binance.BTCUSDT", R"({"price":"1.50"})",
                      {{"Nats-Msg-Id", "m" + std::to_string(i)}}, "");
    clock.run_for(50'000);
    seen_two = tap.read_until(
        [](const std::string& out) { return std::count(out.begin(), out.end(), '\n') >= 2; },
        std::chrono::milliseconds(20));
  }
  INFO(tap.output());
  REQUIRE(seen_two);
  CHECK(tap.wait(std::chrono::seconds(10)) == 0);
  const std::string first_line = tap.output().substr(0, tap.output().find('\n'));
  CHECK(first_line.rfind("ticks.binance.BTCUSDT [Nats-Msg-Id=m", 0) == 0);
  CHECK(first_line.find(R"(] {"price":"1.50"})") != std::string::npos);
}

TEST_CASE("tap refuses to start without a subject", "[tools]") {
  testsupport::ServiceProcess tap(T26_TAP_BIN, {"--count", "1"}, {});
  CHECK(tap.wait(std::chrono::seconds(10)) == 1);
  CHECK(tap.output().find("tap: no subject") != std::string::npos);
}
