/// @file core/config/common.h
/// @brief Config sections every service shares: monitoring and trace, and the log settings.
///
/// Values only; see options.h for how configs load. The service-specific structs are in
/// gateway_config.h, live_gateway_config.h and normalizer_config.h.
#pragma once

#include <string>

namespace core {

/// | key | meaning | default |
/// |---|---|---|
/// | health_check_interval_sec | seconds between self checks, [1, 3600] | 30 |
/// | metrics_port | Prometheus `/metrics` port, [0, 65535]; 0 = any free port | per service |
struct MonitoringConfig {
  double health_check_interval_sec = 30;
  int metrics_port = 9080;
};

/// | key | meaning | default |
/// |---|---|---|
/// | path | JSON-lines trace file; empty = no trace | "" |
struct TraceConfig {
  std::string path;
};

}  // namespace core
