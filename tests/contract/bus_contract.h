/// @file tests/contract/bus_contract.h
/// @brief The two worlds the Bus contract runs in, and helpers shared by its cases.
///
/// SimWorld: sim::SimClock + sim::SimBusServer (virtual time). NetWorld: net::AsioClock +
/// a real `nats-server -js` on a free port with its own store dir, which `crash_and_restart`
/// kills with SIGKILL and starts again on the same port and store. Each world offers
/// `clock`, `make_bus(name)`, `crash_and_restart(down_us)`; `BUS_CONTRACT_CASE` instantiates
/// one case body for both (the real one tagged [net]).
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "core/bus_options.h"
#include "core/jetstream.h"
#include "net/asio_clock.h"
#include "net/nats_bus.h"
#include "sim/sim_bus.h"
#include "sim/sim_bus_server.h"
#include "sim/sim_clock.h"
#include "tests/support/server_process.h"

namespace bus_contract {

constexpr std::int64_t kMs = 1000;
constexpr std::int64_t kDeadlineUs = 60'000 * kMs;

inline core::BusOptions options_named(const std::string& name) {
  core::BusOptions o;
  o.name = name;
  o.reconnect_wait_us = 50 * kMs;
  return o;
}

struct SimWorld {
  sim::SimClock clock;
  sim::SimBusServer server{clock, core::Rng(20260101), 100};

  std::unique_ptr<core::Bus> make_bus(const std::string& name) {
    return std::make_unique<sim::SimBus>(clock, server, options_named(name));
  }
  void crash_and_restart(std::int64_t down_us) { server.restart(down_us); }
};

struct NetWorld {
  net::AsioClock clock;
  testsupport::TempDir dir{"t26-bus"};
  std::uint16_t port = testsupport::free_tcp_port();
  testsupport::ServerProcess server{{"nats-server", "-js", "-a", "127.0.0.1", "-p",
                                     std::to_string(port), "-sd", dir.path() + "/js"},
                                    dir.path() + "/nats.log"};

  NetWorld() { REQUIRE(testsupport::wait_for_tcp(port, std::chrono::milliseconds(10'000))); }
  std::unique_ptr<core::Bus> make_bus(const std::string& name) {
    return make_bus(options_named(name));
  }
  /// A bus with `o` pointed at this world's server.
  std::unique_ptr<core::Bus> make_bus(core::BusOptions o) {
    o.url = "nats://127.0.0.1:" + std::to_string(port);
    return std::make_unique<net::NatsBus>(clock, o);
  }
  void crash_and_restart(std::int64_t down_us) {
    server.kill9();
    clock.call_after(down_us, [this] { server.start(); });
  }
};

/// Waits until the bus is connected, then creates the stream, retrying while the server's
/// JetStream is still starting.
inline void ensure_stream(core::Bus& bus, core::Clock& clock, const core::StreamSpec& spec) {
  REQUIRE(clock.run_until([&] { return bus.connected(); }, kDeadlineUs));
  core::JsApi api(bus, clock, 2'000 * kMs);
  core::Status result = core::make_error(core::Errc::kTimeout, "not tried");
  bool done = false;
  const std::int64_t start = clock.now_us();
  while (!result && clock.now_us() - start < kDeadlineUs) {
    done = false;
    api.ensure_stream(spec, [&](core::Status s) {
      result = std::move(s);
      done = true;
    });
    REQUIRE(clock.run_until([&] { return done; }, kDeadlineUs));
    if (!result) clock.run_for(100 * kMs);
  }
  INFO(result.to_string());
  REQUIRE(result.is_ok());
}

inline std::uint64_t stream_messages(core::Bus& bus, core::Clock& clock, const std::string& name) {
  core::JsApi api(bus, clock, 5'000 * kMs);
  core::Result<core::StreamState> state = core::make_error(core::Errc::kTimeout, "no answer");
  bool done = false;
  api.stream_info(name, [&](core::Result<core::StreamState> r) {
    state = std::move(r);
    done = true;
  });
  REQUIRE(clock.run_until([&] { return done; }, kDeadlineUs));
  INFO(state.status().to_string());
  REQUIRE(state.is_ok());
  return state->messages;
}

}  // namespace bus_contract

#define BUS_CONTRACT_CASE(name, body)                    \
  TEST_CASE(name " (SimBus)", "[contract][bus]") {       \
    body<bus_contract::SimWorld>();                      \
  }                                                      \
  TEST_CASE(name " (NatsBus)", "[contract][bus][net]") { \
    body<bus_contract::NetWorld>();                      \
  }
