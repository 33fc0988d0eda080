#include "core/config/detail/common_bind.h"

namespace core::config_detail {

void bind_monitoring(Binder& b, MonitoringConfig& m) {
  b.seconds("health_check_interval_sec", m.health_check_interval_sec, 1, 3600);
  b.integer("metrics_port", m.metrics_port, 0, 65535);
}

void bind_trace(Binder& b, TraceConfig& t) {
  b.text("path", t.path, Text::kAny);
}

}  // namespace core::config_detail
