/// @file sim/live/live_workload.h
/// @brief What `sim run --live` runs for a scenario's workload: real processes in a LiveWorld,
/// judged on what the real stores hold, with the expectations of the sim workload that apply.
///
/// The runner (sim/live/live_runner.h) calls `start` (processes up; returns at t = 0 of the
/// timeline), `poll` every 250 ms on its loop, runs the timeline until run_for (the safety
/// phase), then starts every stopped process, calls `heal` and runs until `converged` or
/// converge_within (the liveness phase), and prints `expectations`. Every call runs on the
/// runner's thread (its net::AsioClock loop). Kinds: gateway_replay (sim/live/gateway_live.h),
/// normalizer_replay (sim/live/normalizer_live.h), pipeline (sim/live/pipeline_live.h).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "net/asio_clock.h"
#include "sim/live/live_world.h"
#include "sim/scenario.h"

namespace sim::live {

/// One judged expectation: `safety` ones broken exit 2, the others 3.
struct Expectation {
  std::string name;
  bool safety = false;
  bool pass = false;
  std::string evidence;
};

class LiveWorkload {
 public:
  virtual ~LiveWorkload() = default;
  /// Starts the workload's processes, waiting for each with a deadline; returns once the
  /// replay begins. kUnavailable names what did not come up.
  virtual core::Status start(LiveWorld& world) = 0;
  virtual void poll() = 0;
  /// The first invariant broken so far, if any.
  virtual std::optional<std::string> safety_violation() const = 0;
  /// The faults are over (every process runs again): undo lasting workload faults.
  virtual void heal() {}
  virtual bool converged() const = 0;
  virtual std::string progress() const = 0;
  /// The fault a timeline entry names that only this workload knows (ws_drop, rest_throttle,
  /// exchange_latency), to run at the entry's time; kConfig when it knows none.
  virtual core::Result<std::function<void()>> action(const TimelineEntry& entry) {
    return core::make_error(core::Errc::kConfig, "timeline: {} at {}us: no such action live",
                            entry.action, entry.at_us);
  }
  /// Services a timeline crash/restart may name.
  virtual std::vector<std::string> services() const = 0;
  /// Workload parameters that have no meaning live, as "skipped live" notes.
  virtual std::vector<std::string> skipped() const { return {}; }
  virtual std::vector<Expectation> expectations() const = 0;
};

/// Builds the live workload for `params.at("kind")`; `speed` (> 0) compresses the replay and
/// the timeline alike. kConfig names an unknown kind or parameter, or a kind without live mode.
core::Result<std::unique_ptr<LiveWorkload>> make_live_workload(
    const std::map<std::string, std::string>& params, net::AsioClock& clock, double speed);

}  // namespace sim::live
