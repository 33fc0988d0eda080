/// @file tests/live_gateway/order_world.h
/// @brief OrderWorld: a sim::SimWorld with live_gateway workers (OrderService + FakeExecutor
/// on their own SimBus and handle on the shared SimKv) and a "client" host that publishes
/// orders and ticks and records everything on the bus. Virtual time only.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/codec/bus_json.h"
#include "core/config/live_gateway_config.h"
#include "core/metrics.h"
#include "core/subject.h"
#include "live_gateway/order_service.h"
#include "sim/sim_world.h"
#include "sim/workloads/live_orders_hosts.h"
#include "tests/live_gateway/fake_executor.h"

namespace testsupport {

inline constexpr std::int64_t kSecondUs = 1'000'000;

struct WorkerSetup {
  core::LiveGatewayConfig config;
  live_gateway::SymbolTable symbols;
  bool live = false;  // give the service a live executor too
  /// Each worker's instance id is its host name, the same after a restart (open orders kept
  /// in the Kv); otherwise none (nothing outlives an incarnation).
  bool stable_instance = false;
};

// Batched sends (main sends at once), as these tests were written.
inline core::BusOptions bus_options(const std::string& name) {
  return sim::live_orders::order_bus_options(name, false);
}

struct Worker final : sim::Process {
  Worker(sim::HostEnv& env, const WorkerSetup& setup, FakeLedger& ledger)
      : bus(env.make_bus(bus_options(env.name))),
        kv(env.make_kv()),
        service(env.clock, *bus, *kv, metrics, policy(setup), options(env, setup)),
        paper(service.execution_events(), ledger, env.name, true),
        live(service.execution_events(), ledger, env.name + "-live") {
    REQUIRE(service.start(paper, setup.live ? &live : nullptr).is_ok());
  }
  static live_gateway::OrderServiceOptions options(const sim::HostEnv& env,
                                                   const WorkerSetup& setup) {
    return sim::live_orders::worker_service_options(env, setup.config, setup.stable_instance);
  }
  static live_gateway::SafetyPolicy policy(const WorkerSetup& setup) {
    auto p = live_gateway::SafetyPolicy::make(setup.config.safety, setup.symbols);
    REQUIRE(p.is_ok());
    return std::move(*p);
  }
  std::uint64_t orders_in() {
    return metrics.counter("live_orders_in_total", "Order messages received").value();
  }

  std::unique_ptr<core::Bus> bus;
  std::unique_ptr<core::Kv> kv;
  core::metrics::Registry metrics;
  live_gateway::OrderService service;
  FakeExecutor paper;
  FakeExecutor live;
};

struct Client final : sim::Process {
  explicit Client(sim::HostEnv& env) : bus(env.make_bus(bus_options("client"))) {
    (void)bus->subscribe(">", "", [this](const core::BusMessage& m) { seen.push_back(m); });
  }
  std::unique_ptr<core::Bus> bus;
  std::vector<core::BusMessage> seen;
};

class OrderWorld {
 public:
  explicit OrderWorld(WorkerSetup setup, std::vector<std::string> workers = {"w1"},
                      std::uint64_t seed = 7)
      : setup_(std::move(setup)), world_(seed, trace_) {
    world_.add_host("client", [](sim::HostEnv& env) { return std::make_unique<Client>(env); });
    for (const std::string& w : workers) {
      world_.add_host(
          w, [this](sim::HostEnv& env) { return std::make_unique<Worker>(env, setup_, ledger); });
      names_.push_back(w);
    }
    REQUIRE(wait([&] { return all_ready(); }));
    settle();  // the subscriptions reach the server
  }

  bool all_ready() {
    if (!client().bus->connected()) return false;
    for (const std::string& n : names_) {
      Worker* w = world_.process<Worker>(n);
      if (w == nullptr || !w->service.ready()) return false;
    }
    return true;
  }
  bool wait(const std::function<bool()>& done, std::int64_t timeout_us = 5 * kSecondUs) {
    return world_.clock().run_until(done, timeout_us);
  }
  void settle() { world_.clock().run_for(kSecondUs / 2); }

  Client& client() { return *world_.process<Client>("client"); }
  Worker& worker(const std::string& name = "w1") { return *world_.process<Worker>(name); }
  sim::SimWorld& sim() { return world_; }

  void send(const std::string& subject, const std::string& body) {
    REQUIRE(client().bus->publish(subject, body, {}, "").is_ok());
  }
  void tick(const std::string& symbol, const std::string& price) {
    send("ticks.binance." + symbol,
         fmt::format(
             R"({{"v":1,"exchange":"binance","symbol":"{}","kind":"trade",)"
             R"("ts_event":1,"ts_recv":2,"price":{},"qty":0.5,"side":"buy","trade_id":"1"}})",
             symbol, price));
  }

  /// The order updates published on subjects matching `pattern`, decoded.
  std::vector<core::OrderUpdate> updates(const std::string& pattern) {
    std::vector<core::OrderUpdate> out;
    for (const core::BusMessage& m : client().seen) {
      if (!core::subject_matches(pattern, m.subject)) continue;
      auto u = core::codec::decode_order_update(m.data);
      REQUIRE(u.is_ok());
      out.push_back(*u);
    }
    return out;
  }
  std::size_t count(const std::string& pattern) {
    std::size_t n = 0;
    for (const core::BusMessage& m : client().seen) n += core::subject_matches(pattern, m.subject);
    return n;
  }

  FakeLedger ledger;

 private:
  WorkerSetup setup_;
  core::TraceWriter trace_;
  sim::SimWorld world_;
  std::vector<std::string> names_;
};

}  // namespace testsupport
