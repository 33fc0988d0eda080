/// @file sim/sim_world.h
/// @brief sim::SimWorld: one virtual clock, one seed, a network, shared servers and hosts.
///
/// A world is built from a root seed; every random choice in it comes from `rng().fork(name)`
/// streams, and every event goes to the trace, so the same seed and binary replay the same
/// run byte for byte. Hosts are simulated processes: a factory builds the process from its
/// HostEnv (its own clock, Rng and the world's shared ports); `crash` destroys it (its
/// timers die with its SimHostClock, its connections reset) and `restart` builds it again.
/// What survives a crash is only what went through the shared Bus, Kv and Store servers,
/// which live in the world, not in the host. Single-threaded: everything runs on clock().
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/bus_options.h"
#include "core/http.h"
#include "core/ports/bus.h"
#include "core/ports/http.h"
#include "core/ports/kv.h"
#include "core/ports/store.h"
#include "core/ports/ws.h"
#include "core/rng.h"
#include "core/trace.h"
#include "sim/sim_bus_server.h"
#include "sim/sim_clock.h"
#include "sim/sim_host_clock.h"
#include "sim/sim_kv.h"
#include "sim/sim_network.h"
#include "sim/sim_store.h"

namespace sim {

class SimWorld;

/// What a simulated process is given. Valid for the life of that incarnation.
struct HostEnv {
  std::string name;
  std::uint32_t incarnation;  // 1 at first start, +1 per restart
  SimHostClock& clock;
  core::Rng rng;  // forked from the root by host name and incarnation
  SimWorld& world;

  /// A Bus client on this host, connected to the world's server (options.name := host name).
  std::unique_ptr<core::Bus> make_bus(core::BusOptions options) const;
  /// Handles on the world's Valkey and QuestDB; owned by the process, dropped on crash.
  std::unique_ptr<core::Kv> make_kv() const;
  std::unique_ptr<core::Store> make_store() const;
  /// HTTP and WebSocket on this host over the world's SimNetwork (peers dial it by its name).
  std::unique_ptr<core::HttpServer> make_http_server(core::HttpServerOptions options = {}) const;
  std::unique_ptr<core::HttpClient> make_http_client(core::HttpClientOptions options = {}) const;
  std::unique_ptr<core::WsClient> make_ws_client(core::WsClientOptions options = {}) const;
};

/// A simulated process: whatever the factory built. Destroyed on crash.
class Process {
 public:
  virtual ~Process() = default;
};

using ProcessFactory = std::function<std::unique_ptr<Process>(HostEnv& env)>;

class SimWorld final {
 public:
  /// `trace` must outlive the world.
  SimWorld(std::uint64_t seed, core::TraceWriter& trace);
  ~SimWorld();
  SimWorld(const SimWorld&) = delete;
  SimWorld& operator=(const SimWorld&) = delete;

  /// Host names of the shared servers, for partitions.
  static constexpr const char* kBusHost = "nats";
  static constexpr const char* kKvHost = "valkey";
  static constexpr const char* kStoreHost = "questdb";

  std::uint64_t seed() const { return rng_.seed(); }
  SimClock& clock() { return clock_; }
  SimNetwork& network() { return network_; }
  core::Rng& rng() { return rng_; }
  core::TraceWriter& trace() { return trace_; }
  SimBusServer& bus_server() { return bus_server_; }
  SimKv& kv_server() { return kv_server_; }
  SimStore& store_server() { return store_server_; }
  /// A trace line stamped with virtual time.
  core::TraceWriter::Event event(std::string_view actor, std::string_view name) {
    return trace_.event(clock_.now_us(), actor, name);
  }

  /// Records a parameter drawn from the seed; printed after the seed, in insertion order.
  void note_param(const std::string& name, const std::string& value);
  const std::vector<std::pair<std::string, std::string>>& params() const { return params_; }

  /// Adds a host and starts its process now.
  void add_host(const std::string& name, ProcessFactory factory);
  void crash(const std::string& name);
  void restart(const std::string& name);
  void skew(const std::string& name, std::int64_t skew_us);
  /// The NATS server crashes now and is back after `down_us`; JetStream state survives.
  void restart_bus(std::int64_t down_us);
  /// The store (QuestDB) refuses every request for `down_us`: kUnavailable, not in doubt.
  void store_down(std::int64_t down_us);
  /// Valkey refuses every command for `down_us`.
  void kv_down(std::int64_t down_us);
  /// Cuts `a` from `b` for `duration_us`; a cut longer than the network's partition reset
  /// also drops the bus connections across it.
  void partition(const std::string& a, const std::string& b, std::int64_t duration_us);
  /// Ends every fault: heals partitions, starts the bus server, the store, Valkey and every
  /// host that is down.
  void heal_all();
  bool alive(const std::string& name) const;
  /// The running process of `name`, or nullptr while it is down.
  template <typename P>
  P* process(const std::string& name) {
    auto it = hosts_.find(name);
    return it == hosts_.end() ? nullptr : dynamic_cast<P*>(it->second.process.get());
  }

 private:
  struct Host {
    ProcessFactory factory;
    std::unique_ptr<SimHostClock> clock;
    std::unique_ptr<HostEnv> env;
    std::unique_ptr<Process> process;
    std::uint32_t incarnation = 0;
    std::int64_t skew_us = 0;
  };

  void start(const std::string& name, Host& host);

  core::TraceWriter& trace_;
  core::Rng rng_;
  SimClock clock_;
  SimNetwork network_;
  SimBusServer bus_server_;
  SimKv kv_server_;
  SimStore store_server_;
  std::map<std::string, Host> hosts_;
  std::vector<std::pair<std::string, std::string>> params_;
  std::uint64_t store_outage_ = 0;  // the current outage; an older one's end does nothing
  std::uint64_t kv_outage_ = 0;
};

}  // namespace sim
