/// @file sim/scenario.h
/// @brief A scenario file: a world, a workload, a timeline of faults, and what must hold.
///
/// ```yaml
/// name: bus_restart_and_partition
/// seed: 7                       # optional; `sim run --seed` overrides
/// world:
///   network: {latency_us_mean: 300, tail_ratio: 0.002}   # unset keys are drawn from the seed
/// workload: {kind: bus_stream, messages: 4000, interval: 5ms}
/// timeline:                     # the safety phase: faults happen, invariants always hold
///   - {at: 3s, bus_restart: {down_for: 1500ms}}
///   - {at: 9s, partition: [publisher, nats], for: 2s}
///   - {at: 14s, crash: consumer, restart_after: 500ms}
///   - {at: 16s, skew: publisher, by: -250ms}
///   - {at: 18s, store_down: {for: 3s}}     # the ILP database (also kv_down: Valkey)
///   - {at: 20s, ws_drop: {}}                # mock exchange faults, for workloads that run one:
///   - {at: 21s, rest_throttle: {count: 20, retry_after: 2s}}   # the next 20 REST calls get 429
///   - {at: 22s, exchange_latency: {add: 800ms}, for: 5s}      # REST answers delayed
///   - {at: 23s, submit_order: {id: o1, side: buy, type: market, qty: "0.01"}}  # live_orders
/// run_for: 25s                  # length of the safety phase
/// converge_within: 30s          # liveness: faults healed, the workload must finish by then
/// expect:                       # judged by the workload (Workload::expect), e.g. live_orders:
///   - {order: o1, status: filled, within: 2s}
/// ```
/// Durations are integers with a unit: us, ms, s, m, h. Errors name the file, the line and the
/// key, and list the allowed keys or actions. An entry's modifiers besides `at` are `for`,
/// `down_for`, `restart_after` and `by`; an action's own arguments go in its mapping.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace sim {

/// One timeline entry: the action name and its arguments as text (validated by the runner).
struct TimelineEntry {
  std::int64_t at_us = 0;
  std::string action;                       // bus_restart, partition, heal, crash, restart, skew,
                                            // store_down, kv_down; workload-defined:
                                            // ws_drop, rest_throttle, rest_errors,
                                            // exchange_latency, api_burst, submit_order, ...
  std::vector<std::string> targets;         // hosts the action applies to
  std::map<std::string, std::string> args;  // e.g. for=2s, down_for=1500ms, by=-250ms
  std::string where;                        // "file:line", for errors; not compared
  bool operator==(const TimelineEntry& o) const {
    return at_us == o.at_us && action == o.action && targets == o.targets && args == o.args;
  }
};

/// One entry of `expect:` as text; the workload validates and judges it (Workload::expect).
struct Expectation {
  std::map<std::string, std::string> fields;  // e.g. order=o1, status=filled, within=2s
  std::string where;                          // "file:line", for errors; not compared
  bool operator==(const Expectation& o) const { return fields == o.fields; }
};

struct Scenario {
  std::string path;
  std::string name;
  std::optional<std::uint64_t> seed;
  std::map<std::string, std::string> network;   // LinkProfile overrides by field name
  std::map<std::string, std::string> workload;  // kind and its parameters
  std::vector<TimelineEntry> timeline;          // sorted by at_us, then file order
  std::int64_t run_for_us = 0;
  std::int64_t converge_within_us = 60'000'000;
  std::vector<Expectation> expect;
};

/// The timeline actions a file may name (the world's, then those of the workloads).
const std::vector<std::string>& known_actions();

core::Result<Scenario> load_scenario(const std::string& path);
/// The scenario as a file `parse_scenario` reads back to the same scenario (path aside):
/// how a failing property test hands over its counterexample.
std::string scenario_to_yaml(const Scenario& scenario);
core::Result<Scenario> parse_scenario(const std::string& yaml_text, const std::string& path);

/// "250ms" -> 250000. Negative values allowed ("-250ms"); a bare number is an error.
core::Result<std::int64_t> parse_duration_us(const std::string& text);

/// The duration argument `key` of a timeline entry (`fallback` when absent); kConfig names
/// the action and key of a value that is not a duration.
core::Result<std::int64_t> entry_duration_us(const TimelineEntry& entry, const std::string& key,
                                             std::int64_t fallback);

}  // namespace sim
