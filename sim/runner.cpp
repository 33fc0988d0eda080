#include "sim/runner.h"

#include <chrono>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>
#include <thread>

#include "sim/sim_world.h"
#include "sim/workload.h"

namespace sim {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

// Swarm testing: what the file leaves open is drawn from the seed, and every drawn value is
// recorded, so a seed names a whole world, not only its timing.
core::Status draw_network(SimWorld& world, const std::map<std::string, std::string>& fixed) {
  core::Rng rng = world.rng().fork("params");
  LinkProfile link;
  auto pick = [&](const std::string& key, auto drawn, auto& field) -> core::Status {
    auto it = fixed.find(key);
    if (it == fixed.end()) {
      field = drawn;
    } else {
      try {
        field = static_cast<std::decay_t<decltype(field)>>(std::stod(it->second));
      } catch (const std::exception&) {
        return core::make_error(core::Errc::kConfig, "world.network.{}: not a number: \"{}\"", key,
                                it->second);
      }
    }
    world.note_param(key, fmt::format("{}", field));
    return core::Status::ok();
  };
  static const double kTails[] = {0.0, 0.001, 0.01};
  static const double kPartials[] = {0.0, 0.0, 0.05};
  static const double kLosses[] = {0.0, 0.001, 0.01};
  core::Status s = pick("latency_us_mean", rng.random_int(50, 1001), link.latency_us_mean);
  if (s) s = pick("latency_us_min", std::int64_t{20}, link.latency_us_min);
  if (s) s = pick("tail_ratio", kTails[rng.random_int(0, 3)], link.tail_ratio);
  if (s) s = pick("tail_us_max", std::int64_t{50'000}, link.tail_us_max);
  if (s) s = pick("partial_write_ratio", kPartials[rng.random_int(0, 3)], link.partial_write_ratio);
  if (s) s = pick("loss_ratio", kLosses[rng.random_int(0, 3)], link.loss_ratio);
  std::int64_t reset_us = 0;
  if (s) s = pick("partition_reset_us", std::int64_t{10'000'000}, reset_us);
  for (const auto& [key, value] : fixed) {
    static const std::set<std::string> kKnown = {
        "latency_us_mean",     "latency_us_min", "tail_ratio",        "tail_us_max",
        "partial_write_ratio", "loss_ratio",     "partition_reset_us"};
    if (!kKnown.count(key))
      return core::make_error(core::Errc::kConfig, "world.network.{}: unknown key", key);
  }
  if (!s) return s;
  world.network().set_default_profile(link);
  world.network().set_partition_reset_us(reset_us);
  return core::Status::ok();
}

core::Status check_host(SimWorld& world, const std::string& host, const TimelineEntry& e) {
  if (world.alive(host) || host == SimWorld::kBusHost || host == SimWorld::kKvHost ||
      host == SimWorld::kStoreHost) {
    return core::Status::ok();
  }
  return core::make_error(core::Errc::kConfig, "{}: timeline: {} at {}us names unknown host '{}'",
                          e.where, e.action, e.at_us, host);
}

// Validates every entry against the world, then schedules it on the world clock.
core::Status schedule_timeline(SimWorld& world, Workload& workload,
                               const std::vector<TimelineEntry>& timeline) {
  static const std::set<std::string> kWorldActions = {
      "bus_restart", "partition", "heal", "crash", "restart", "skew", "store_down", "kv_down"};
  for (const TimelineEntry& e : timeline) {
    if (!kWorldActions.count(e.action)) {
      auto act = workload.action(e);
      if (!act) return act.status();
      world.clock().call_after(e.at_us, std::move(*act));
      continue;
    }
    for (const std::string& host : e.targets) {
      if (core::Status s = check_host(world, host, e); !s) return s;
    }
    const std::size_t need = e.action == "partition" ? 2
                             : (e.action == "crash" || e.action == "restart" || e.action == "skew")
                                 ? 1
                                 : 0;
    if (e.targets.size() != need) {
      return core::make_error(core::Errc::kConfig,
                              "{}: timeline: {} at {}us needs {} host(s), got {}", e.where,
                              e.action, e.at_us, need, e.targets.size());
    }
    auto down = entry_duration_us(e, "down_for", 1'000'000);
    auto lasting = entry_duration_us(e, "for", 2'000'000);
    auto restart_after = entry_duration_us(e, "restart_after", -1);
    auto by = entry_duration_us(e, "by", 0);
    for (const auto* r : {&down, &lasting, &restart_after, &by}) {
      if (!*r) return r->status();
    }
    std::function<void()> act;
    const std::string target = e.targets.empty() ? "" : e.targets[0];
    if (e.action == "bus_restart") {
      act = [&world, d = *down] { world.restart_bus(d); };
    } else if (e.action == "partition") {
      act = [&world, a = e.targets[0], b = e.targets[1], d = *lasting] {
        world.partition(a, b, d);
      };
    } else if (e.action == "store_down") {
      act = [&world, d = *lasting] { world.store_down(d); };
    } else if (e.action == "kv_down") {
      act = [&world, d = *lasting] { world.kv_down(d); };
    } else if (e.action == "heal") {
      act = [&world] { world.heal_all(); };
    } else if (e.action == "crash") {
      act = [&world, target, after = *restart_after] {
        world.crash(target);
        if (after >= 0)
          world.clock().call_after(after, [&world, target] { world.restart(target); });
      };
    } else if (e.action == "restart") {
      act = [&world, target] { world.restart(target); };
    } else {
      act = [&world, target, skew = *by] { world.skew(target, skew); };
    }
    world.clock().call_after(e.at_us, std::move(act));
  }
  return core::Status::ok();
}

class Pacer {
 public:
  explicit Pacer(double speed) : speed_(speed), start_(std::chrono::steady_clock::now()) {}
  void wait_for(std::int64_t virtual_us) const {
    if (speed_ <= 0) return;
    const auto due =
        start_ + std::chrono::microseconds(static_cast<std::int64_t>(virtual_us / speed_));
    std::this_thread::sleep_until(due);
  }

 private:
  double speed_;
  std::chrono::steady_clock::time_point start_;
};

// Runs events until `deadline_us`; stops early when `stop()` holds after an event.
bool run_phase(SimWorld& world, std::int64_t deadline_us, const Pacer& pacer,
               const std::function<bool()>& stop) {
  SimClock& clock = world.clock();
  if (stop()) return true;
  while (true) {
    pacer.wait_for(clock.now_us());
    if (!clock.run_next(deadline_us)) break;
    if (stop()) return true;
  }
  if (clock.now_us() < deadline_us) clock.run_for(deadline_us - clock.now_us());
  return stop();
}

RunOutcome run_once(const Scenario& scenario, const RunOptions& options, std::uint64_t seed,
                    core::TraceWriter& trace, std::ostream& out) {
  RunOutcome outcome;
  outcome.seed = seed;
  const auto wall_start = std::chrono::steady_clock::now();
  // The workload first: its oracle outlives the world, whose hosts report to it as they die.
  auto workload = make_workload(scenario.workload);
  SimWorld world(seed, trace);
  core::Status status = workload ? draw_network(world, scenario.network) : workload.status();
  if (status) {
    (*workload)->setup(world);
    status = schedule_timeline(world, **workload, scenario.timeline);
    for (std::size_t i = 0; status && i < scenario.expect.size(); ++i)
      status = (*workload)->expect(scenario.expect[i]);
  }
  if (!status) {
    outcome.exit_code = kExitUsage;
    outcome.failure = "config: " + status.message;
    return outcome;
  }
  outcome.params = world.params();
  std::string line = "params:";
  for (const auto& [k, v] : outcome.params) line += " " + k + "=" + v;
  out << line << "\n";

  Workload& w = **workload;
  const Pacer pacer(options.speed);
  const bool unsafe = run_phase(world, scenario.run_for_us, pacer,
                                [&] { return w.safety_violation().has_value(); });
  if (unsafe) {
    outcome.exit_code = kExitSafety;
    outcome.failure =
        fmt::format("safety: {} (t={:.6f}s)", *w.safety_violation(), world.clock().now_us() / 1e6);
  } else {
    // Liveness: every fault ends, every host runs, and the workload must finish in time.
    world.heal_all();
    world.event("world", "liveness_phase");
    const std::int64_t deadline = world.clock().now_us() + scenario.converge_within_us;
    run_phase(world, deadline, pacer,
              [&] { return w.converged() || w.safety_violation().has_value(); });
    if (w.safety_violation()) {
      outcome.exit_code = kExitSafety;
      outcome.failure = fmt::format("safety: {} (t={:.6f}s)", *w.safety_violation(),
                                    world.clock().now_us() / 1e6);
    } else if (!w.converged()) {
      outcome.exit_code = kExitLiveness;
      outcome.failure = fmt::format("liveness: no convergence within {}s: {}",
                                    scenario.converge_within_us / 1e6, w.progress());
    }
  }
  for (const std::string& expectation : w.report()) out << expectation << "\n";
  world.event("world", "end")
      .str("verdict", outcome.exit_code == kExitPass ? "pass" : outcome.failure);
  outcome.events = world.clock().events_run();
  outcome.virtual_us = world.clock().now_us();
  outcome.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return outcome;
}

}  // namespace

RunOutcome run_scenario(const Scenario& scenario, const RunOptions& options, std::ostream& out) {
  const std::uint64_t seed = options.seed.value_or(scenario.seed.value_or(1));
  out << "SEED=" << seed << " scenario=" << scenario.path << " commit=" << options.commit << "\n";
  std::ofstream file;
  if (!options.trace_path.empty()) file.open(options.trace_path, std::ios::trunc);
  core::TraceWriter trace_to_file(file);
  core::TraceWriter trace_in_memory;
  core::TraceWriter& trace = options.trace_path.empty() ? trace_in_memory : trace_to_file;

  RunOutcome outcome = run_once(scenario, options, seed, trace, out);
  outcome.trace_sha256 = trace.sha256_hex();
  outcome.trace_lines = trace.lines();
  if (outcome.exit_code == kExitPass && options.check_determinism) {
    core::TraceWriter again;
    std::ostringstream quiet;
    run_once(scenario, options, seed, again, quiet);
    if (again.sha256_hex() != outcome.trace_sha256) {
      outcome.exit_code = kExitNondeterminism;
      outcome.failure = fmt::format("nondeterminism: seed {} gave trace sha256 {} then {}", seed,
                                    outcome.trace_sha256, again.sha256_hex());
    }
  }
  const std::string trace_name = options.trace_path.empty() ? "(memory)" : options.trace_path;
  if (outcome.exit_code != kExitPass) {
    out << "SIM FAILED " << outcome.failure << "\n"
        << "SEED=" << seed << " scenario=" << scenario.path << " commit=" << options.commit << "\n";
    std::string line = "params:";
    for (const auto& [k, v] : outcome.params) line += " " + k + "=" + v;
    out << line << "\n"
        << "trace: " << trace_name << " sha256=" << outcome.trace_sha256 << "\n"
        << "reproduce: build/bin/sim run " << scenario.path << " --seed " << seed << "\n";
    return outcome;
  }
  const double rate = outcome.wall_seconds > 0 ? outcome.events / outcome.wall_seconds : 0;
  out << fmt::format("PASS {} events={} virtual={:.3f}s wall={:.3f}s events_per_s={:.0f}\n",
                     scenario.name, outcome.events, outcome.virtual_us / 1e6, outcome.wall_seconds,
                     rate)
      << "trace: " << trace_name << " lines=" << outcome.trace_lines
      << " sha256=" << outcome.trace_sha256 << "\n";
  return outcome;
}

}  // namespace sim
