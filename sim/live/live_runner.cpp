#include "sim/live/live_runner.h"

#include <algorithm>
#include <chrono>
#include <ostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "net/asio_clock.h"
#include "sim/live/gateway_live.h"
#include "sim/live/live_workload.h"
#include "sim/live/normalizer_live.h"
#include "sim/live/pipeline_live.h"

namespace sim::live {
namespace {

constexpr std::int64_t kPollUs = 250'000;

std::int64_t wall_us(std::int64_t scenario_us, double speed) {
  return static_cast<std::int64_t>(static_cast<double>(scenario_us) / speed);
}

// One timeline entry as it runs live; `act` empty when it is skipped.
struct Step {
  std::int64_t at_us = 0;  // scenario time
  std::string what;
  std::function<void()> act;
};

// A server the timeline takes down for a while and starts again; skipped when the workload
// runs no such server.
std::function<void()> outage(LiveWorld& world, net::AsioClock& clock, std::ostream& out,
                             const std::string& name, std::int64_t down_wall_us) {
  return [&world, &clock, &out, name, down_wall_us] {
    if (!world.has(name)) {
      out << "  skipped live: this workload runs no " << name << "\n";
      return;
    }
    world.stop(name);
    clock.call_after(down_wall_us, [&world, &out, name] {
      out << "  " << name << " started again\n";
      world.start(name);
    });
  };
}

// Validates every entry and maps it to what it does to the real processes.
core::Result<std::vector<Step>> plan(const Scenario& scenario, LiveWorkload& workload,
                                     LiveWorld& world, net::AsioClock& clock, double speed,
                                     std::ostream& out) {
  std::vector<Step> steps;
  const std::vector<std::string> services = workload.services();
  for (const TimelineEntry& e : scenario.timeline) {
    Step step{
        e.at_us,
        e.targets.empty() ? e.action : fmt::format("{} {}", e.action, fmt::join(e.targets, ",")),
        {}};
    auto down = entry_duration_us(e, "down_for", 1'000'000);
    auto lasting = entry_duration_us(e, "for", 2'000'000);
    auto restart_after = entry_duration_us(e, "restart_after", -1);
    for (const auto* r : {&down, &lasting, &restart_after})
      if (!*r) return r->status();
    const std::string target = e.targets.empty() ? "" : e.targets[0];
    const bool service = std::count(services.begin(), services.end(), target) > 0;
    if (e.action == "bus_restart") {
      step.act = outage(world, clock, out, "nats", wall_us(*down, speed));
    } else if (e.action == "store_down") {
      step.act = outage(world, clock, out, "influxd", wall_us(*lasting, speed));
    } else if (e.action == "kv_down") {
      step.act = outage(world, clock, out, "redis", wall_us(*lasting, speed));
    } else if ((e.action == "crash" || e.action == "restart") && service) {
      const std::int64_t after = *restart_after < 0 ? -1 : wall_us(*restart_after, speed);
      const bool crash = e.action == "crash";
      step.act = [&world, &clock, &out, target, after, crash] {
        if (!crash) return world.start(target);
        world.stop(target);
        if (after < 0) return;
        clock.call_after(after, [&world, &out, target] {
          out << "  " << target << " started again\n";
          world.start(target);
        });
      };
    } else if (e.action == "partition" || e.action == "heal" || e.action == "skew" ||
               e.action == "crash" || e.action == "restart") {
      const char* why = e.action == "partition" ? "no network to cut on loopback"
                        : e.action == "heal"    ? "nothing is partitioned live"
                        : e.action == "skew"    ? "the processes share the machine's clock"
                                                : "not a service binary of this workload";
      out << fmt::format("skipped live: {} at {:.3f}s ({})\n", step.what, e.at_us / 1e6, why);
      continue;
    } else {
      auto act = workload.action(e);
      if (!act) return act.status();
      step.act = std::move(*act);
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

core::Result<std::unique_ptr<LiveWorkload>> make_workload(const Scenario& scenario,
                                                          net::AsioClock& clock, double speed) {
  const auto kind = scenario.workload.find("kind");
  const std::string name = kind == scenario.workload.end() ? "" : kind->second;
  if (name == "gateway_replay") return make_gateway_live(scenario.workload, clock, speed);
  if (name == "normalizer_replay") return make_normalizer_live(scenario.workload, clock, speed);
  if (name == "pipeline") return make_pipeline_live(scenario.workload, clock, speed);
  return core::make_error(core::Errc::kConfig,
                          "workload.kind '{}' has no live mode (live: gateway_replay, "
                          "normalizer_replay, pipeline)",
                          name);
}

// Runs the loop until `done`, the deadline, or a broken invariant or process.
void run_phase(net::AsioClock& clock, std::int64_t wall_us, const std::function<bool()>& done) {
  clock.run_until(done, std::max<std::int64_t>(wall_us, 0));
}

int print_verdict(const std::vector<Expectation>& expectations,
                  const std::optional<std::string>& died, std::ostream& out) {
  int code = kExitPass;
  if (died) {
    out << "FAIL safety: every process runs unless the timeline stops it -- " << *died << "\n";
    code = kExitSafety;
  }
  for (const Expectation& e : expectations) {
    out << (e.pass ? "PASS " : "FAIL ") << (e.safety ? "safety: " : "liveness: ") << e.name
        << " -- " << e.evidence << "\n";
    if (e.pass) continue;
    if (e.safety) code = kExitSafety;
    if (!e.safety && code == kExitPass) code = kExitLiveness;
  }
  return code;
}

// The failure line first, then what reproduces it and every process's log tail.
void report_failure(const Scenario& scenario, const LiveOptions& options, const LiveWorkload& w,
                    const LiveWorld& world, const std::optional<std::string>& died,
                    RunOutcome& outcome, std::ostream& out) {
  outcome.failure = died ? "safety: " + *died
                    : w.safety_violation()
                        ? "safety: " + *w.safety_violation()
                        : fmt::format("liveness: no convergence within {}s: {}",
                                      scenario.converge_within_us / 1e6, w.progress());
  out << "SIM FAILED " << outcome.failure << "\n"
      << "scenario=" << scenario.path << " commit=" << options.commit
      << " live speed=" << options.speed << "\n"
      << "reproduce: build/bin/sim run --live " << scenario.path << " --speed " << options.speed
      << options.extra_args << "\n"
      << world.log_tails();
}

}  // namespace

RunOutcome run_live(const Scenario& scenario, const LiveOptions& options, std::ostream& out) {
  RunOutcome outcome;
  const auto wall_start = std::chrono::steady_clock::now();
  const double speed = options.speed;
  out << fmt::format("LIVE scenario={} commit={} speed={} bin_dir={}\n", scenario.path,
                     options.commit, speed, options.bin_dir);
  auto usage = [&](const std::string& why) {
    outcome.exit_code = kExitUsage;
    outcome.failure = why;
    return outcome;
  };
  // Destroyed in reverse: the workload's clients, then the processes, then the loop.
  net::AsioClock clock;
  auto workload = make_workload(scenario, clock, speed);
  if (!workload) return usage("config: " + workload.status().message);
  LiveWorkload& w = **workload;
  LiveWorld world(options.bin_dir);
  auto steps = plan(scenario, w, world, clock, speed, out);
  if (!steps) return usage("config: " + steps.status().message);
  for (const auto& note : w.skipped()) out << "skipped live: " << note << "\n";
  if (core::Status s = w.start(world); !s)
    return usage(fmt::format("live: setup: {}\n{}", s.message, world.log_tails()));
  const std::int64_t t0 = clock.now_us();
  out << fmt::format(
      "started in {:.1f}s (logs in {}, removed at exit); t=0 now\n",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count(),
      world.dir());
  std::vector<core::TimerId> timers;
  for (Step& step : *steps) {
    timers.push_back(clock.call_after(wall_us(step.at_us, speed), [&, step] {
      out << fmt::format("t={:.3f}s (scenario {:.3f}s) {}\n", (clock.now_us() - t0) / 1e6,
                         step.at_us / 1e6, step.what);
      step.act();
    }));
  }
  std::optional<std::string> died;
  std::function<void()> poll = [&] {
    w.poll();
    if (const auto gone = world.died(); !gone.empty() && !died)
      died = fmt::format("{} exited by itself", fmt::join(gone, ", "));
    clock.call_after(kPollUs, poll);
  };
  clock.call_after(kPollUs, poll);
  auto broken = [&] { return died.has_value() || w.safety_violation().has_value(); };
  run_phase(clock, wall_us(scenario.run_for_us, speed), broken);
  if (!broken()) {
    for (core::TimerId id : timers) clock.cancel(id);
    out << fmt::format("t={:.3f}s liveness phase: every process runs, faults end\n",
                       (clock.now_us() - t0) / 1e6);
    world.start_all();
    w.heal();
    run_phase(clock, scenario.converge_within_us, [&] { return broken() || w.converged(); });
  }
  outcome.exit_code = print_verdict(w.expectations(), died, out);
  outcome.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  if (outcome.exit_code == kExitPass) {
    out << fmt::format("LIVE PASS {} wall={:.1f}s\n", scenario.name, outcome.wall_seconds);
    return outcome;
  }
  report_failure(scenario, options, w, world, died, outcome, out);
  return outcome;
}

}  // namespace sim::live
