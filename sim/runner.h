/// @file sim/runner.h
/// @brief Runs one scenario in a SimWorld: seed and parameters first, safety phase, liveness
/// phase, trace hash last; a failure prints everything needed to reproduce it.
///
/// Exit codes (fixed, STYLE.md rule 11): 0 pass, 1 usage or config, 2 safety, 3 liveness,
/// 4 nondeterminism (the same seed gave two different traces).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/scenario.h"

namespace sim {

enum ExitCode : int {
  kExitPass = 0,
  kExitUsage = 1,
  kExitSafety = 2,
  kExitLiveness = 3,
  kExitNondeterminism = 4,
};

struct RunOptions {
  std::optional<std::uint64_t> seed;  // overrides the file's; else the file's; else 1
  std::string trace_path;             // empty: the trace is kept in memory only
  std::string commit = "unknown";
  double speed = 0;                // 0: as fast as possible; N: N virtual seconds per wall second
  bool check_determinism = false;  // run twice, compare trace hashes
};

struct RunOutcome {
  int exit_code = kExitPass;
  std::uint64_t seed = 0;
  std::string failure;  // "safety: gap: ..." when exit_code is 2 or 3
  std::string trace_sha256;
  std::uint64_t trace_lines = 0;
  std::uint64_t events = 0;     // SimClock events run
  std::int64_t virtual_us = 0;  // virtual time covered
  double wall_seconds = 0;
  std::vector<std::pair<std::string, std::string>> params;
};

/// Runs `scenario`, printing progress lines and the verdict to `out`.
RunOutcome run_scenario(const Scenario& scenario, const RunOptions& options, std::ostream& out);

}  // namespace sim
