/// @file sim/workloads/normalizer_host.h
/// @brief sim::NormalizerHost: the normalizer process as normalizer/main.cpp composes it
/// (NormalizerService over a bus and a store), on a simulated host's SimBus and the world's
/// SimStore. Shared by the normalizer_replay and pipeline workloads.
///
/// Lives on its host's loop; a crash destroys it, and `on_exit` then gets the redeliveries
/// this incarnation skipped as already stored (so a workload can sum them over restarts).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

#include "core/bus_options.h"
#include "core/config/normalizer_config.h"
#include "core/metrics.h"
#include "normalizer/normalizer_service.h"
#include "sim/sim_world.h"

namespace sim {

class NormalizerHost final : public Process {
 public:
  NormalizerHost(HostEnv& env, const core::NormalizerConfig& config,
                 std::function<void(std::uint64_t skipped)> on_exit = {})
      : on_exit_(std::move(on_exit)),
        bus_(env.make_bus(bus_options(config))),
        store_(env.make_store()),
        service_(env.clock, *bus_, *store_, metrics_, &env.world.trace(), config) {
    service_.start();
  }
  ~NormalizerHost() override {
    if (on_exit_) on_exit_(skipped());
  }
  NormalizerHost(const NormalizerHost&) = delete;
  NormalizerHost& operator=(const NormalizerHost&) = delete;

  /// Redeliveries at or below the stored checkpoint, skipped by this incarnation.
  std::uint64_t skipped() {
    return metrics_
        .counter("normalizer_redelivered_skipped_total",
                 "Redeliveries at or below the stored checkpoint")
        .value();
  }

 private:
  // As normalizer/main.cpp, reconnecting forever; the sim's defaults otherwise (a 250 ms
  // reconnect wait, the bus's client name).
  static core::BusOptions bus_options(const core::NormalizerConfig& config) {
    core::BusOptions o;
    o.jetstream = config.nats.jetstream;
    o.max_reconnect_attempts = -1;
    return o;
  }

  std::function<void(std::uint64_t)> on_exit_;
  core::metrics::Registry metrics_;
  std::unique_ptr<core::Bus> bus_;
  std::unique_ptr<core::Store> store_;
  normalizer::NormalizerService service_;
};

}  // namespace sim
