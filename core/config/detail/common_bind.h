/// @file core/config/detail/common_bind.h
/// @brief Private to core/config: schema pieces several services share.
#pragma once

#include "core/config/common.h"
#include "core/config/detail/binder.h"

namespace core::config_detail {

/// service.name, .port (0 = any free port), .log_level, .log_format.
template <typename Service>
void bind_service_basics(Binder& b, Service& s) {
  b.text("name", s.name, Text::kToken);
  b.integer("port", s.port, 0, 65535);
  b.choice("log_level", s.log_level,
           {"TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "CRITICAL", "OFF"});
  b.choice("log_format", s.log_format, {"plain", "json"});
}

/// nats.url, .max_reconnect_attempts, .reconnect_wait_sec, .jetstream, .stream.
template <typename Nats>
void bind_nats_connection(Binder& b, Nats& n) {
  b.url("url", n.url, {"nats", "tls"});
  b.integer("max_reconnect_attempts", n.max_reconnect_attempts, -1, 1000000);
  b.seconds("reconnect_wait_sec", n.reconnect_wait_sec, 0.01, 3600);
  b.flag("jetstream", n.jetstream);
  b.text("stream", n.stream, Text::kToken);
}

/// valkey.url, .db, .max_connections.
template <typename Valkey>
void bind_valkey_connection(Binder& b, Valkey& v) {
  b.url("url", v.url, {"redis", "rediss"});
  b.integer("db", v.db, 0, 15);
  b.integer("max_connections", v.max_connections, 1, 1024);
}

void bind_monitoring(Binder& b, MonitoringConfig& m);
void bind_trace(Binder& b, TraceConfig& t);

}  // namespace core::config_detail
