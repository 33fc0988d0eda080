// sim: runs scenario files in a simulated world (virtual time, one seed, a trace hash), or
// with --live against the real binaries on loopback (sim/live/live_runner.h).
//
//   sim run FILE... [--seed N] [--trace out.jsonl] [--speed max|N] [--check-determinism]
//                   [--set workload.KEY=VALUE|run_for=D|converge_within=D]...
//   sim run --live FILE... [--speed N] [--bin-dir DIR] [--set ...]...
//
// Exit codes: 0 pass, 1 usage or config, 2 safety, 3 liveness, 4 nondeterminism.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "sim/live/live_runner.h"
#include "sim/runner.h"
#include "sim/scenario.h"

#ifndef T26_COMMIT
#define T26_COMMIT "unknown"
#endif

namespace {

constexpr const char* kUsage =
    "usage: sim run FILE... [--seed N] [--trace out.jsonl] [--speed max|N] [--check-determinism]\n"
    "               [--set KEY=VALUE]...  (overrides in every FILE: workload.KEY, run_for,\n"
    "               converge_within; e.g. --set workload.loop_to=3m --set run_for=3m)\n"
    "       sim run --live FILE... [--speed N] [--bin-dir DIR] [--set KEY=VALUE]...\n"
    "  --live: the same file against real processes on loopback, in real time: nats-server -js,\n"
    "          redis-server, influxd (from PATH), mockex and the gateway/normalizer binaries\n"
    "          (from --bin-dir, default: the directory of this sim binary). --speed N runs\n"
    "          the replay and every timeline time N times faster (default 1); converge_within\n"
    "          stays wall time. Faults: bus_restart, store_down, kv_down kill and restart the\n"
    "          server; crash/restart kill -9 and restart a service binary; ws_drop,\n"
    "          rest_throttle, exchange_latency go to mockex /admin/faults; partition, heal,\n"
    "          skew print \"skipped live: ...\" and the run goes on. Workloads: gateway_replay,\n"
    "          normalizer_replay. Prints PASS/FAIL per expectation with its evidence.\n"
    "exit codes: 0 pass, 1 usage or config, 2 safety, 3 liveness, 4 nondeterminism\n";

int usage(const std::string& why) {
  std::cerr << "sim: " << why << "\n" << kUsage;
  return sim::kExitUsage;
}

// `--set` values: workload.KEY (any workload param), run_for, converge_within.
core::Status apply_overrides(const std::map<std::string, std::string>& overrides,
                             sim::Scenario& scenario) {
  for (const auto& [key, value] : overrides) {
    if (key.rfind("workload.", 0) == 0 && key.size() > 9) {
      scenario.workload[key.substr(9)] = value;
      continue;
    }
    if (key != "run_for" && key != "converge_within")
      return core::make_error(core::Errc::kConfig,
                              "--set {}: unknown key (allowed: workload.KEY, run_for, "
                              "converge_within)",
                              key);
    auto d = sim::parse_duration_us(value);
    if (!d) return core::make_error(core::Errc::kConfig, "--set {}: {}", key, d.status().message);
    (key == "run_for" ? scenario.run_for_us : scenario.converge_within_us) = *d;
  }
  return core::Status::ok();
}

// The directory of the running binary: where `--live` finds the service binaries.
std::string own_dir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? sim::kExitUsage : sim::kExitPass;
  }
  if (args[0] != "run") return usage("unknown command '" + args[0] + "'");
  sim::RunOptions options;
  options.commit = T26_COMMIT;
  std::vector<std::string> files;
  std::map<std::string, std::string> overrides;
  bool live = false;
  bool speed_given = false;
  sim::live::LiveOptions live_options;
  live_options.commit = T26_COMMIT;
  live_options.bin_dir = own_dir();
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--seed" && has_value) {
      char* end = nullptr;
      options.seed = std::strtoull(args[++i].c_str(), &end, 10);
      if (*end != '\0') return usage("--seed: not an unsigned integer: " + args[i]);
    } else if (a == "--trace" && has_value) {
      options.trace_path = args[++i];
    } else if (a == "--speed" && has_value) {
      const std::string v = args[++i];
      options.speed = v == "max" ? 0 : std::atof(v.c_str());
      if (v != "max" && options.speed <= 0)
        return usage("--speed: expected max or a positive number, got " + v);
      speed_given = true;
    } else if (a == "--set" && has_value) {
      const std::string& kv = args[++i];
      const auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) return usage("--set: expected KEY=VALUE, got " + kv);
      overrides[kv.substr(0, eq)] = kv.substr(eq + 1);
      live_options.extra_args += " --set " + kv;
    } else if (a == "--live") {
      live = true;
    } else if (a == "--bin-dir" && has_value) {
      live_options.bin_dir = args[++i];
    } else if (a == "--check-determinism") {
      options.check_determinism = true;
    } else if (a.rfind("--", 0) == 0) {
      return usage("unknown or incomplete option '" + a + "'");
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) return usage("no scenario file given");
  if (!options.trace_path.empty() && files.size() > 1)
    return usage("--trace takes one scenario file");
  if (live) {
    if (options.seed || !options.trace_path.empty() || options.check_determinism)
      return usage("--live runs real processes: no --seed, --trace or --check-determinism");
    if (speed_given && options.speed <= 0) return usage("--live --speed: expected a number > 0");
    live_options.speed = speed_given ? options.speed : 1;
    for (const char* binary : {"gateway", "normalizer", "mockex"}) {
      if (::access((live_options.bin_dir + "/" + binary).c_str(), X_OK) != 0)
        return usage("--live: no executable " + live_options.bin_dir + "/" + binary +
                     " (build it, or pass --bin-dir)");
    }
  }
  int verdict = sim::kExitPass;
  for (const std::string& file : files) {
    auto scenario = sim::load_scenario(file);
    if (!scenario) {
      std::cerr << "sim: " << scenario.status().message << "\n";
      return sim::kExitUsage;
    }
    if (core::Status s = apply_overrides(overrides, *scenario); !s) return usage(s.message);
    const sim::RunOutcome outcome = live ? sim::live::run_live(*scenario, live_options, std::cout)
                                         : sim::run_scenario(*scenario, options, std::cout);
    if (outcome.exit_code == sim::kExitUsage) std::cerr << "sim: " << outcome.failure << "\n";
    if (verdict == sim::kExitPass) verdict = outcome.exit_code;
  }
  return verdict;
}
