/// @file net/service_shell.h
/// @brief net::ServiceShell: what every service runs beside its own logic: `/health` on
/// service.port, Prometheus `/metrics` on monitoring.metrics_port, and the JSON-lines trace.
///
/// Built by run_service() (service_main.h) on the service's AsioClock; all of it runs on that
/// loop's thread. start() binds the ports (0 binds a free one; equal non-zero ports share one
/// listener serving both paths), logs `listening http_port=.. metrics_port=..` at info, opens
/// the trace and writes its `start` event: service, version, ports, config summary and secret
/// fingerprints, never a secret's value. stop() writes the `stop` event and closes the
/// listeners; the destructor calls it. Components add their own metrics to metrics() and
/// events to trace() (null when trace.path is empty).
///
/// | metric | meaning |
/// |---|---|
/// | t26_build_info{service,version} | always 1 |
/// | t26_start_time_seconds | Unix time of start() |
/// | t26_uptime_seconds | seconds since start(), as of this scrape |
/// | t26_http_requests_total{path} | requests served: /health, /metrics, other |
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/json_text.h"
#include "core/metrics.h"
#include "core/ports/http.h"
#include "core/secrets/secrets.h"
#include "core/status.h"
#include "core/trace.h"

namespace net {

class AsioClock;

struct ShellOptions {
  std::string service;     // service.name: /health body, metric label, trace actor
  std::string logger;      // log name, the binary's ("live_gateway"); "" = `service`
  int http_port = 0;       // service.port
  int metrics_port = 0;    // monitoring.metrics_port
  std::string trace_path;  // trace.path; "" = no trace
  std::string summary;     // config summary (credentials masked) for the start event
};

class ServiceShell {
 public:
  /// Borrows `clock` and `secrets`; both must outlive the shell.
  ServiceShell(AsioClock& clock, ShellOptions options, const core::Secrets& secrets);
  ~ServiceShell();
  ServiceShell(const ServiceShell&) = delete;
  ServiceShell& operator=(const ServiceShell&) = delete;

  /// kUnavailable naming the port when one cannot be bound; kIo naming the trace file when
  /// it cannot be opened. Call once.
  core::Status start();
  /// Writes the trace's stop event and stops listening. Idempotent.
  void stop();

  core::metrics::Registry& metrics();
  /// The service's trace, or null when trace.path is empty. Loop thread only.
  core::TraceWriter* trace();
  /// The service's own routes on service.port: every request there except /health (and
  /// /metrics when the ports are shared) goes to `handler`; without one the shell answers 404.
  void set_api_handler(core::HttpServer::Handler handler);
  /// Adds the service's fields to the /health body after "status" and "service" (e.g. whether
  /// a fallback is in use). Called per /health request on the loop thread.
  void set_health_fields(std::function<void(core::json::ObjectWriter&)> fields);
  /// The bound ports, valid after start().
  std::uint16_t http_port() const;
  std::uint16_t metrics_port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace net
