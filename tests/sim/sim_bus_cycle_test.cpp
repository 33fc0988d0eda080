// sim::SimBus mirrors net::NatsBus connection cycles (tests/net/bus_cycle_test.cpp): after
// max_reconnect_attempts it reports kClosed, drops its reconnect buffer and starts again.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "core/bus_options.h"
#include "sim/sim_bus.h"
#include "sim/sim_bus_server.h"
#include "sim/sim_clock.h"

namespace {

constexpr std::int64_t kMs = 1000;
constexpr std::int64_t kDeadlineUs = 30'000 * kMs;

struct World {
  sim::SimClock clock;
  sim::SimBusServer server{clock, core::Rng(7), 100};
  std::vector<core::BusState> states;

  std::unique_ptr<sim::SimBus> make_bus(bool jetstream) {
    core::BusOptions o;
    o.name = "cycle";
    o.jetstream = jetstream;
    o.max_reconnect_attempts = 2;
    o.reconnect_wait_us = 100 * kMs;
    auto bus = std::make_unique<sim::SimBus>(clock, server, o);
    bus->on_state([this](core::BusState s) { states.push_back(s); });
    return bus;
  }
  std::size_t count(core::BusState s) const {
    return static_cast<std::size_t>(std::count(states.begin(), states.end(), s));
  }
};

std::function<void(const core::BusMessage&)> collect(std::vector<std::string>& into) {
  return [&into](const core::BusMessage& m) { into.push_back(m.data); };
}

}  // namespace

TEST_CASE(
    "SimBus starts new connection cycles after its reconnect attempts run out and is "
    "back with its subscriptions when the server returns") {
  World w;
  auto bus = w.make_bus(false);
  std::vector<std::string> got;
  REQUIRE(bus->subscribe("cycle.before", "", collect(got)).is_ok());
  REQUIRE(w.clock.run_until([&] { return bus->connected(); }, kDeadlineUs));
  CHECK(bus->connection_cycles() == 1);

  w.server.stop();
  REQUIRE(
      w.clock.run_until([&] { return w.count(core::BusState::kDisconnected) == 1; }, kDeadlineUs));
  REQUIRE(bus->publish("cycle.before", "buffered then dropped", {}, "").is_ok());
  REQUIRE(w.clock.run_until([&] { return w.count(core::BusState::kClosed) == 2; }, kDeadlineUs));
  CHECK_FALSE(bus->connected());
  CHECK(bus->connection_cycles() == 2);

  w.server.start();
  REQUIRE(
      w.clock.run_until([&] { return w.count(core::BusState::kReconnected) == 1; }, kDeadlineUs));
  CHECK(bus->connected());
  CHECK(w.states.back() == core::BusState::kReconnected);
  CHECK(w.count(core::BusState::kConnected) == 1);
  CHECK(bus->connection_cycles() == 3);
  REQUIRE(bus->publish("cycle.before", "after", {}, "").is_ok());
  w.clock.run_for(500 * kMs);
  CHECK(got == std::vector<std::string>{"after"});
}

TEST_CASE(
    "SimBus refuses publishes while closed and connects once a server that was down "
    "from the start comes up") {
  World w;
  w.server.stop();
  auto bus = w.make_bus(true);
  std::vector<std::string> got;
  REQUIRE(bus->subscribe("cycle.late", "", collect(got)).is_ok());
  REQUIRE(w.clock.run_until([&] { return w.count(core::BusState::kClosed) == 1; }, kDeadlineUs));
  CHECK(bus->publish("cycle.late", "lost", {}, "").code == core::Errc::kUnavailable);

  w.server.start();
  REQUIRE(w.clock.run_until([&] { return w.count(core::BusState::kConnected) == 1; }, kDeadlineUs));
  CHECK(bus->connected());
  CHECK(w.states.back() == core::BusState::kConnected);
  CHECK(w.count(core::BusState::kReconnected) == 0);
  REQUIRE(bus->publish("cycle.late", "up", {}, "").is_ok());
  REQUIRE(w.clock.run_until([&] { return got.size() == 1; }, kDeadlineUs));
  CHECK(got == std::vector<std::string>{"up"});
}
