#include "sim/sim_world.h"

#include <stdexcept>

#include "sim/host_ports.h"
#include "sim/sim_bus.h"
#include "sim/sim_http_client.h"
#include "sim/sim_http_server.h"
#include "sim/sim_ws_client.h"

namespace sim {

std::unique_ptr<core::Bus> HostEnv::make_bus(core::BusOptions options) const {
  options.name = name;
  return std::make_unique<SimBus>(clock, world.bus_server(), std::move(options));
}

std::unique_ptr<core::Kv> HostEnv::make_kv() const {
  return std::make_unique<HostKv>(world.kv_server());
}

std::unique_ptr<core::Store> HostEnv::make_store() const {
  return std::make_unique<HostStore>(world.store_server());
}

std::unique_ptr<core::HttpServer> HostEnv::make_http_server(core::HttpServerOptions options) const {
  return std::make_unique<SimHttpServer>(clock, world.network(), name, options);
}

std::unique_ptr<core::HttpClient> HostEnv::make_http_client(core::HttpClientOptions options) const {
  return std::make_unique<SimHttpClient>(clock, world.network(), name, options);
}

std::unique_ptr<core::WsClient> HostEnv::make_ws_client(core::WsClientOptions options) const {
  return std::make_unique<SimWsClient>(clock, world.network(), name, options);
}

SimWorld::SimWorld(std::uint64_t seed, core::TraceWriter& trace)
    : trace_(trace),
      rng_(seed),
      network_(clock_, rng_.fork("network")),
      bus_server_(clock_, rng_.fork("bus")),
      kv_server_(clock_),
      store_server_(clock_) {
  bus_server_.attach(network_, kBusHost);
  event("world", "start").u64("seed", seed);
}

SimWorld::~SimWorld() {
  // Processes go first: they may still hold connections and timers in the world.
  for (auto& [name, host] : hosts_) {
    host.process.reset();
    if (host.clock) host.clock->halt();
  }
}

void SimWorld::note_param(const std::string& name, const std::string& value) {
  params_.emplace_back(name, value);
  event("world", "param").str("name", name).str("value", value);
}

void SimWorld::add_host(const std::string& name, ProcessFactory factory) {
  auto [it, inserted] = hosts_.emplace(name, Host{});
  if (!inserted) throw std::invalid_argument("SimWorld: host '" + name + "' added twice");
  it->second.factory = std::move(factory);
  start(name, it->second);
}

void SimWorld::start(const std::string& name, Host& host) {
  ++host.incarnation;
  host.clock = std::make_unique<SimHostClock>(clock_);
  host.clock->set_skew_us(host.skew_us);
  host.env = std::make_unique<HostEnv>(
      HostEnv{name, host.incarnation, *host.clock,
              rng_.fork(name + "#" + std::to_string(host.incarnation)), *this});
  event(name, "host_start").u64("incarnation", host.incarnation);
  host.process = host.factory(*host.env);
}

void SimWorld::crash(const std::string& name) {
  Host& host = hosts_.at(name);
  if (!host.process) return;
  event(name, "host_crash").u64("incarnation", host.incarnation);
  host.clock->halt();  // first: nothing of the dead process may run again
  network_.crash_host(name);
  host.process.reset();
}

void SimWorld::restart(const std::string& name) {
  Host& host = hosts_.at(name);
  if (host.process) crash(name);
  start(name, host);
}

void SimWorld::skew(const std::string& name, std::int64_t skew_us) {
  Host& host = hosts_.at(name);
  host.skew_us = skew_us;
  if (host.clock) host.clock->set_skew_us(skew_us);
  event(name, "clock_skew").i64("skew_us", skew_us);
}

void SimWorld::restart_bus(std::int64_t down_us) {
  event(kBusHost, "server_restart").i64("down_us", down_us);
  bus_server_.restart(down_us);
  clock_.call_after(down_us, [this] { event(kBusHost, "server_up"); });
}

void SimWorld::store_down(std::int64_t down_us) {
  event(kStoreHost, "server_down").i64("down_us", down_us);
  store_server_.set_available(false);
  clock_.call_after(down_us, [this, outage = ++store_outage_] {
    if (outage != store_outage_) return;
    event(kStoreHost, "server_up");
    store_server_.set_available(true);
  });
}

void SimWorld::kv_down(std::int64_t down_us) {
  event(kKvHost, "server_down").i64("down_us", down_us);
  kv_server_.set_available(false);
  clock_.call_after(down_us, [this, outage = ++kv_outage_] {
    if (outage != kv_outage_) return;
    event(kKvHost, "server_up");
    kv_server_.set_available(true);
  });
}

void SimWorld::partition(const std::string& a, const std::string& b, std::int64_t duration_us) {
  event("world", "partition").str("a", a).str("b", b).i64("duration_us", duration_us);
  network_.partition(a, b);
  clock_.call_after(network_.partition_reset_us(), [this, a, b] {
    if (network_.partitioned(a, b)) bus_server_.drop_partitioned();
  });
  clock_.call_after(duration_us, [this, a, b] {
    event("world", "heal").str("a", a).str("b", b);
    network_.heal(a, b);
  });
}

void SimWorld::heal_all() {
  event("world", "heal_all");
  network_.heal_all();
  if (!bus_server_.running()) bus_server_.start();
  ++store_outage_;
  ++kv_outage_;
  store_server_.set_available(true);
  kv_server_.set_available(true);
  for (auto& [name, host] : hosts_) {
    if (!host.process) start(name, host);
  }
}

bool SimWorld::alive(const std::string& name) const {
  auto it = hosts_.find(name);
  return it != hosts_.end() && it->second.process != nullptr;
}

}  // namespace sim
