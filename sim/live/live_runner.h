/// @file sim/live/live_runner.h
/// @brief `sim run --live FILE`: a scenario file run against real processes on loopback, in
/// real time, with the expectations that apply (sim/live/live_workload.h).
///
/// Time: the run's `speed` (scenario seconds per wall second, default 1) divides the replay's
/// pace, every timeline time (`at`, `for`, `down_for`, `restart_after`) and run_for alike;
/// converge_within is a wall-clock bound as written (recovery of real processes does not go
/// faster). t = 0 is the moment the replay starts (the first websocket subscription for
/// gateway_replay, the first publish for normalizer_replay).
///
/// Timeline actions live:
///   bus_restart  nats-server SIGKILLed, started again after down_for on the same port and -sd
///                store dir (JetStream keeps its streams and consumers)
///   store_down   influxd SIGKILLed, started again after `for` (same data dirs)
///   kv_down      redis-server SIGKILLed, started again after `for` (empty: --save "")
///   crash        a service binary SIGKILLed, started again after restart_after (else at the
///                liveness phase); restart starts it
///   ws_drop, rest_throttle, exchange_latency  mockex POST /admin/faults
///   partition, heal, skew, and crash/restart of a host that is not a service binary
///                (publisher, exchange): "skipped live: ..." printed, the run goes on; the
///                expectations still hold without them.
/// A process that exits by itself (a crashed service) fails the run (safety). A process that
/// does not come up within its deadline is exit 1 (the environment, not the system).
#pragma once

#include <iosfwd>
#include <string>

#include "sim/runner.h"
#include "sim/scenario.h"

namespace sim::live {

struct LiveOptions {
  std::string bin_dir;  // the gateway, normalizer and mockex binaries
  double speed = 1;     // scenario seconds per wall second
  std::string commit = "unknown";
  std::string extra_args;  // e.g. " --set workload.duration=30s", for the reproduce line
};

/// Runs `scenario` live, printing what it starts, every fault, and per expectation PASS/FAIL
/// with its evidence to `out`. Exit codes as sim/runner.h (0, 1, 2, 3).
RunOutcome run_live(const Scenario& scenario, const LiveOptions& options, std::ostream& out);

}  // namespace sim::live
