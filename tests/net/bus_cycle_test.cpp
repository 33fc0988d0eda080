// net::NatsBus against a real nats-server that stays down longer than nats.c's reconnect
// attempts: the bus reports kClosed, starts new connection cycles and is back when the
// server is.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "core/bus_options.h"
#include "net/asio_clock.h"
#include "net/nats_bus.h"
#include "tests/support/server_process.h"

namespace {

constexpr std::int64_t kMs = 1000;
constexpr std::int64_t kDeadlineUs = 30'000 * kMs;

struct Fixture {
  net::AsioClock clock;
  testsupport::TempDir dir{"t26-cycle"};
  std::uint16_t port = testsupport::free_tcp_port();
  testsupport::ServerProcess server{{"nats-server", "-a", "127.0.0.1", "-p", std::to_string(port)},
                                    dir.path() + "/nats.log"};
  std::vector<core::BusState> states;

  std::unique_ptr<net::NatsBus> make_bus() {
    core::BusOptions o;
    o.name = "cycle";
    o.url = "nats://127.0.0.1:" + std::to_string(port);
    o.max_reconnect_attempts = 2;
    o.reconnect_wait_us = 100 * kMs;
    auto bus = std::make_unique<net::NatsBus>(clock, o);
    bus->on_state([this](core::BusState s) { states.push_back(s); });
    return bus;
  }
  std::size_t count(core::BusState s) const {
    return static_cast<std::size_t>(std::count(states.begin(), states.end(), s));
  }
  void start_server() {
    server.start();
    INFO(server.log_tail());
    REQUIRE(testsupport::wait_for_tcp(port, std::chrono::milliseconds(10'000)));
  }
};

std::function<void(const core::BusMessage&)> collect(std::vector<std::string>& into) {
  return [&into](const core::BusMessage& m) { into.push_back(m.data); };
}

}  // namespace

TEST_CASE(
    "NatsBus starts new connection cycles after nats.c gives up and is back with its "
    "subscriptions when the server returns",
    "[net]") {
  Fixture f;
  REQUIRE(testsupport::wait_for_tcp(f.port, std::chrono::milliseconds(10'000)));
  auto bus = f.make_bus();
  std::vector<std::string> before, during, gone;
  REQUIRE(bus->subscribe("cycle.before", "", collect(before)).is_ok());
  REQUIRE(f.clock.run_until([&] { return bus->connected(); }, kDeadlineUs));
  REQUIRE(bus->publish("cycle.before", "1", {}, "").is_ok());
  REQUIRE(f.clock.run_until([&] { return before.size() == 1; }, kDeadlineUs));
  CHECK(bus->connection_cycles() == 1);

  f.server.kill9();
  REQUIRE(f.clock.run_until([&] { return f.count(core::BusState::kClosed) == 1; }, kDeadlineUs));
  CHECK_FALSE(bus->connected());
  CHECK(bus->publish("cycle.before", "lost", {}, "").code == core::Errc::kUnavailable);
  // Subscribing while closed is accepted and takes effect with the next cycle.
  auto during_id = bus->subscribe("cycle.during", "", collect(during));
  REQUIRE(during_id.is_ok());
  auto gone_id = bus->subscribe("cycle.gone", "", collect(gone));
  REQUIRE(gone_id.is_ok());
  REQUIRE(bus->unsubscribe(gone_id.value()).is_ok());
  // The server stays down through a whole second cycle: the bus keeps going.
  REQUIRE(f.clock.run_until([&] { return f.count(core::BusState::kClosed) == 2; }, kDeadlineUs));
  CHECK(bus->connection_cycles() >= 2);
  CHECK_FALSE(bus->connected());

  f.start_server();
  REQUIRE(
      f.clock.run_until([&] { return f.count(core::BusState::kReconnected) == 1; }, kDeadlineUs));
  CHECK(bus->connected());
  CHECK(f.states.back() == core::BusState::kReconnected);
  CHECK(f.count(core::BusState::kConnected) == 1);  // only the very first connect
  CHECK(bus->connection_cycles() >= 3);
  REQUIRE(bus->publish("cycle.before", "2", {}, "").is_ok());
  REQUIRE(bus->publish("cycle.during", "3", {}, "").is_ok());
  REQUIRE(bus->publish("cycle.gone", "4", {}, "").is_ok());
  REQUIRE(f.clock.run_until([&] { return before.size() == 2 && during.size() == 1; }, kDeadlineUs));
  f.clock.run_for(100 * kMs);  // nothing else arrives
  CHECK(before == std::vector<std::string>{"1", "2"});
  CHECK(during == std::vector<std::string>{"3"});
  CHECK(gone.empty());
  CHECK(bus->unsubscribe(during_id.value()).is_ok());
}

TEST_CASE("NatsBus connects when the server comes up long after it was down at construction",
          "[net]") {
  Fixture f;
  f.server.kill9();
  auto bus = f.make_bus();
  std::vector<std::string> got;
  REQUIRE(bus->subscribe("cycle.late", "", collect(got)).is_ok());
  REQUIRE(f.clock.run_until([&] { return f.count(core::BusState::kClosed) == 2; }, kDeadlineUs));
  CHECK_FALSE(bus->connected());
  CHECK(bus->publish("cycle.late", "lost", {}, "").code == core::Errc::kUnavailable);
  CHECK(bus->connection_cycles() >= 2);

  f.start_server();
  REQUIRE(f.clock.run_until([&] { return f.count(core::BusState::kConnected) == 1; }, kDeadlineUs));
  CHECK(bus->connected());
  CHECK(f.states.back() == core::BusState::kConnected);  // never up before: a first connect
  CHECK(f.count(core::BusState::kReconnected) == 0);
  REQUIRE(bus->publish("cycle.late", "up", {}, "").is_ok());
  REQUIRE(f.clock.run_until([&] { return got.size() == 1; }, kDeadlineUs));
  CHECK(got == std::vector<std::string>{"up"});
}
