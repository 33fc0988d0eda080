/// @file tests/sim/scenario_property.h
/// @brief The end of every swarm property test over scenarios: run the drawn scenario, and on
/// failure write it as a file `sim run` reproduces, then fail the property with the seed, the
/// path and the command.
///
/// Every failing case rapidcheck tries while shrinking is written; the last one it reports is
/// the shrunk one (scripts/check_broken_invariant.sh reads that path from the log).
#pragma once

#include <rapidcheck.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/core.h>

#include "core/rng.h"
#include "sim/runner.h"
#include "sim/scenario.h"

namespace simtest {

/// `s.timeline` in any order (sorted here, stably); `s.name` names the written file.
inline void check_scenario(sim::Scenario s) {
  std::stable_sort(s.timeline.begin(), s.timeline.end(),
                   [](const auto& a, const auto& b) { return a.at_us < b.at_us; });
  s.path = s.name;
  std::ostringstream out;
  const sim::RunOutcome outcome = sim::run_scenario(s, sim::RunOptions{}, out);
  if (outcome.exit_code == sim::kExitPass) return;
  std::filesystem::create_directories("out/sim");
  const std::string yaml = sim::scenario_to_yaml(s);
  const std::string path =
      fmt::format("out/sim/{}_{:016x}.yaml", s.name, core::stable_hash64(yaml));
  std::ofstream(path) << "# Written by a property test (" << s.name << "): a failing case.\n# "
                      << outcome.failure << "\n# reproduce: build/bin/sim run " << path << "\n"
                      << yaml;
  RC_FAIL(fmt::format("{}\nSEED={} scenario written to {}\nreproduce: build/bin/sim run {}",
                      outcome.failure, outcome.seed, path, path));
}

}  // namespace simtest
