/// @file sim/workloads/live_orders_hosts.h
/// @brief The simulated processes of the `live_orders` workload (live_orders.h): the mock
/// exchange, the market-data feed, a live_gateway worker and the order client. Each is built
/// by SimWorld from its HostEnv and dies with its host; what they observe goes to the
/// workload's LiveOrdersOracle, which outlives them. All run on the world's loop.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/metrics.h"
#include "core/ports/bus.h"
#include "core/ports/http.h"
#include "core/ports/kv.h"
#include "live_gateway/live_executor.h"
#include "live_gateway/order_service.h"
#include "live_gateway/paper_engine.h"
#include "sim/mockex/server.h"
#include "sim/sim_world.h"
#include "sim/workloads/live_orders.h"

namespace sim::live_orders {

inline constexpr std::uint16_t kExchangePort = 8080;

/// A bus client on `host` as the order path uses it: core NATS only (no stream).
core::BusOptions order_bus_options(const std::string& host, bool send_asap = true);
/// The order path's options for the worker on `env`: worker_id `{host}.{incarnation}` (unique
/// per incarnation, as main's pid and start time), instance = the host name when
/// `stable_instance` (a restart takes up its open orders), else none.
live_gateway::OrderServiceOptions worker_service_options(const HostEnv& env,
                                                         const core::LiveGatewayConfig& config,
                                                         bool stable_instance = true);

/// MockExchange on port kExchangePort.
class ExchangeHost final : public Process {
 public:
  ExchangeHost(HostEnv& env, const LiveOrdersParams& params);
  mockex::MockExchange& exchange() { return *exchange_; }

 private:
  std::unique_ptr<core::HttpServer> server_;
  std::unique_ptr<mockex::MockExchange> exchange_;
};

/// Plays `frames` at their offsets from the world's start: each to `to_exchange`, its ticks on
/// the bus. `fed` (owned by the workload) survives a crash, so a restart goes on from there.
class MarketHost final : public Process {
 public:
  MarketHost(HostEnv& env, const std::vector<MarketFrame>& frames, std::size_t& fed,
             std::function<void(const MarketFrame&)> to_exchange);
  ~MarketHost() override;
  MarketHost(const MarketHost&) = delete;
  MarketHost& operator=(const MarketHost&) = delete;

 private:
  void play();

  HostEnv& env_;
  const std::vector<MarketFrame>& frames_;
  std::size_t& fed_;
  std::function<void(const MarketFrame&)> to_exchange_;
  std::unique_ptr<core::Bus> bus_;
  core::TimerId timer_ = 0;
  std::string scratch_;
};

/// Reports every order before it reaches the wrapped executor, with its worker's halt flag.
class GuardedExecutor final : public live_gateway::Executor {
 public:
  GuardedExecutor(live_gateway::Executor& inner, const HostEnv& env, LiveOrdersOracle& oracle,
                  std::function<bool()> halted)
      : inner_(inner),
        world_(env.world),
        host_(env.name),
        oracle_(oracle),
        halted_(std::move(halted)) {}
  void submit(const core::Order& order) override;
  void cancel(const std::string& account, const std::string& client_order_id) override {
    inner_.cancel(account, client_order_id);
  }
  void on_tick(const core::Tick& tick) override { inner_.on_tick(tick); }
  std::size_t working_orders() const override { return inner_.working_orders(); }

 private:
  live_gateway::Executor& inner_;
  SimWorld& world_;
  std::string host_;
  LiveOrdersOracle& oracle_;
  std::function<bool()> halted_;
};

/// One live_gateway worker as live_gateway/main.cpp composes it, on simulated ports.
class WorkerHost final : public Process {
 public:
  WorkerHost(HostEnv& env, const LiveOrdersParams& params, LiveOrdersOracle& oracle);
  live_gateway::OrderService& service() { return service_; }

 private:
  core::metrics::Registry metrics_;
  std::unique_ptr<core::Bus> bus_;
  std::unique_ptr<core::Kv> kv_;
  std::unique_ptr<core::HttpClient> http_;
  live_gateway::OrderService service_;
  live_gateway::PaperEngine paper_;
  GuardedExecutor guarded_paper_;
  std::unique_ptr<live_gateway::LiveExecutor> live_;
  std::optional<GuardedExecutor> guarded_live_;
};

/// Publishes the timeline's order messages; hands every update and fill to the oracle.
class ClientHost final : public Process {
 public:
  ClientHost(HostEnv& env, LiveOrdersOracle& oracle);
  core::Bus& bus() { return *bus_; }

 private:
  void on_message(const core::BusMessage& msg);

  HostEnv& env_;
  LiveOrdersOracle& oracle_;
  std::unique_ptr<core::Bus> bus_;
};

}  // namespace sim::live_orders
