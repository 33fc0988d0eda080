/// @file sim/workload.h
/// @brief What a scenario runs: a Workload sets up its hosts in a world and judges the run.
///
/// The runner calls `setup` once, then runs the timeline (safety phase: `safety_violation`
/// is asked after every event batch and must stay empty), then heals every fault and runs
/// until `converged()` or the scenario's converge_within (liveness phase). The workload's
/// oracle state lives in the workload, outside every host, so a crash cannot erase it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "sim/scenario.h"
#include "sim/sim_world.h"

namespace sim {

/// The timeline actions the runner itself carries out, for "allowed actions" errors.
inline constexpr const char* kWorldActionNames =
    "bus_restart, partition, heal, crash, restart, skew, store_down, kv_down";

class Workload {
 public:
  virtual ~Workload() = default;
  virtual void setup(SimWorld& world) = 0;
  /// The first invariant broken so far, if any ("gap: expected seq 41, got 43").
  virtual std::optional<std::string> safety_violation() const = 0;
  virtual bool converged() const = 0;
  /// Why it has not converged yet (for the liveness failure line).
  virtual std::string progress() const = 0;
  /// The fault a timeline entry names that only this workload knows (ws_drop, rest_throttle,
  /// exchange_latency: scenario.h), to run at the entry's time; kConfig when it knows none.
  virtual core::Result<std::function<void()>> action(const TimelineEntry& entry) {
    return core::make_error(core::Errc::kConfig,
                            "{}: timeline: {} at {}us: this workload has no such action (it has "
                            "none of its own; the world's: {})",
                            entry.where, entry.action, entry.at_us, kWorldActionNames);
  }
  /// Takes one entry of the file's `expect:` (judged in safety_violation/converged);
  /// kConfig naming `expectation.where` when this workload does not know it.
  virtual core::Status expect(const Expectation& expectation) {
    return core::make_error(core::Errc::kConfig, "{}: expect: this workload takes no expectations",
                            expectation.where);
  }
  /// One line per expectation, "PASS ..." or "FAIL ..." with its evidence, for the verdict.
  virtual std::vector<std::string> report() const { return {}; }
};

/// Builds the workload named by `params.at("kind")`; kConfig names an unknown kind or param.
core::Result<std::unique_ptr<Workload>> make_workload(
    const std::map<std::string, std::string>& params);

}  // namespace sim
