/// @file
/// @brief What a benchmark reads of another process from /proc: CPU time and resident memory,
/// and the CPU share between two samples. Linux only; a missing process reads as zero.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace bench {

/// CPU time (utime+stime, in clock ticks) and VmRSS of a process.
struct ProcSample {
  std::uint64_t cpu_ticks = 0;
  std::uint64_t rss_kb = 0;
};

inline ProcSample sample_proc(int pid) {
  ProcSample s;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  // Fields after the parenthesised command name: state is field 3; utime 14, stime 15.
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i == 14 || i == 15) s.cpu_ticks += std::stoull(field);
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  while (std::getline(status, line))
    if (line.starts_with("VmRSS:")) s.rss_kb = std::stoull(line.substr(6));
  return s;
}

/// Percent of one core the process used between two samples `window_us` apart.
inline double cpu_percent(const ProcSample& from, const ProcSample& to, std::int64_t window_us) {
  const double seconds = static_cast<double>(to.cpu_ticks - from.cpu_ticks) /
                         static_cast<double>(sysconf(_SC_CLK_TCK));
  return 100.0 * seconds / (static_cast<double>(window_us) / 1e6);
}

}  // namespace bench
