#include "net/service_shell.h"

#include <fstream>
#include <optional>

#include "core/json_text.h"
#include "core/log.h"
#include "core/version.h"
#include "net/asio_clock.h"
#include "net/beast_http_server.h"

namespace net {
namespace {

constexpr int kServeHealth = 1;
constexpr int kServeMetrics = 2;

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

}  // namespace

struct ServiceShell::Impl {
  AsioClock& clock;
  ShellOptions options;
  const core::Secrets& secrets;
  core::log::Logger log;
  core::metrics::Registry metrics;
  core::metrics::Gauge& uptime_seconds;
  core::metrics::Counter& health_requests;
  core::metrics::Counter& metrics_requests;
  core::metrics::Counter& other_requests;
  std::int64_t start_now_us = 0;
  std::unique_ptr<BeastHttpServer> http_server;
  std::unique_ptr<BeastHttpServer> metrics_server;  // null when sharing http_server
  std::uint16_t http_port = 0;
  std::uint16_t metrics_port = 0;
  std::ofstream trace_file;
  std::optional<core::TraceWriter> trace;
  bool started = false;
  bool stopped = false;
  core::HttpServer::Handler api_handler;
  std::function<void(core::json::ObjectWriter&)> health_fields;

  Impl(AsioClock& c, ShellOptions o, const core::Secrets& s)
      : clock(c),
        options(std::move(o)),
        secrets(s),
        log(options.logger.empty() ? options.service : options.logger),
        uptime_seconds(metrics.gauge("t26_uptime_seconds", "Seconds since the service started.")),
        health_requests(request_counter("/health")),
        metrics_requests(request_counter("/metrics")),
        other_requests(request_counter("other")) {}

  core::metrics::Counter& request_counter(const char* path) {
    return metrics.counter("t26_http_requests_total", "HTTP requests served by the shell.",
                           {{"path", path}});
  }

  void serve(int paths, const core::HttpRequest& request, const core::HttpResponder& responder) {
    std::string_view path = path_of(request.target);
    core::HttpResponse response;
    if ((paths & kServeHealth) && path == "/health") {
      health_requests.inc();
      core::json::ObjectWriter body(response.body);
      body.str("status", "ok").str("service", options.service);
      if (health_fields) health_fields(body);
      body.close();
      response.headers = {{"Content-Type", "application/json"}};
    } else if ((paths & kServeMetrics) && path == "/metrics") {
      metrics_requests.inc();
      uptime_seconds.set(static_cast<double>(clock.now_us() - start_now_us) / 1e6);
      response.headers = {{"Content-Type", "text/plain; version=0.0.4"}};
      response.body = metrics.render_prometheus();
    } else if ((paths & kServeHealth) && api_handler) {
      api_handler(request, responder);
      return;
    } else {
      other_requests.inc();
      response.status = 404;
      response.body = "not found\n";
    }
    responder.respond(std::move(response));
  }

  core::Result<std::uint16_t> listen(std::unique_ptr<BeastHttpServer>& server, int port,
                                     int paths) {
    server = std::make_unique<BeastHttpServer>(clock);
    server->set_handler(
        [this, paths](const core::HttpRequest& request, core::HttpResponder responder) {
          serve(paths, request, responder);
        });
    return server->listen("0.0.0.0", static_cast<std::uint16_t>(port));
  }

  core::Status bind_ports() {
    bool shared = options.http_port != 0 && options.http_port == options.metrics_port;
    auto http = listen(http_server, options.http_port,
                       shared ? kServeHealth | kServeMetrics : kServeHealth);
    if (!http) return http.status();
    http_port = *http;
    metrics_port = http_port;
    if (!shared) {
      auto bound = listen(metrics_server, options.metrics_port, kServeMetrics);
      if (!bound) return bound.status();
      metrics_port = *bound;
    }
    log.info("listening", {{"http_port", http_port}, {"metrics_port", metrics_port}});
    return core::Status::ok();
  }

  core::Status open_trace() {
    if (options.trace_path.empty()) return core::Status::ok();
    trace_file.open(options.trace_path, std::ios::out | std::ios::trunc);
    if (!trace_file) {
      return core::make_error(core::Errc::kIo, "cannot open trace.path '{}' for writing",
                              options.trace_path);
    }
    trace.emplace(trace_file);
    trace->event(clock.now_us(), options.service, "start")
        .str("version", core::kVersion)
        .i64("wall_us", clock.wall_us())
        .i64("http_port", http_port)
        .i64("metrics_port", metrics_port)
        .str("config", options.summary)
        .str("secrets", core::secrets_summary(secrets));
    trace_file.flush();
    return core::Status::ok();
  }

  void add_build_metrics() {
    metrics
        .gauge("t26_build_info", "Always 1; the labels say which build runs.",
               {{"service", options.service}, {"version", std::string(core::kVersion)}})
        .set(1);
    metrics.gauge("t26_start_time_seconds", "Unix time the service started, in seconds.")
        .set(static_cast<double>(clock.wall_us()) / 1e6);
  }
};

ServiceShell::ServiceShell(AsioClock& clock, ShellOptions options, const core::Secrets& secrets)
    : impl_(std::make_unique<Impl>(clock, std::move(options), secrets)) {}

ServiceShell::~ServiceShell() {
  stop();
}

core::Status ServiceShell::start() {
  Impl& s = *impl_;
  s.started = true;
  s.start_now_us = s.clock.now_us();
  s.add_build_metrics();
  core::Status st = s.bind_ports();
  if (!st) return st;
  return s.open_trace();
}

void ServiceShell::stop() {
  Impl& s = *impl_;
  if (!s.started || s.stopped) return;
  s.stopped = true;
  if (s.trace) {
    s.trace->event(s.clock.now_us(), s.options.service, "stop")
        .i64("uptime_us", s.clock.now_us() - s.start_now_us)
        .u64("health_requests", s.health_requests.value())
        .u64("metrics_requests", s.metrics_requests.value());
    s.trace_file.flush();
    if (!s.trace->status()) s.log.warn("trace write failed", {{"path", s.options.trace_path}});
  }
  if (s.http_server) s.http_server->stop();
  if (s.metrics_server) s.metrics_server->stop();
}

void ServiceShell::set_api_handler(core::HttpServer::Handler handler) {
  impl_->api_handler = std::move(handler);
}
void ServiceShell::set_health_fields(std::function<void(core::json::ObjectWriter&)> fields) {
  impl_->health_fields = std::move(fields);
}

core::metrics::Registry& ServiceShell::metrics() {
  return impl_->metrics;
}
core::TraceWriter* ServiceShell::trace() {
  return impl_->trace ? &*impl_->trace : nullptr;
}
std::uint16_t ServiceShell::http_port() const {
  return impl_->http_port;
}
std::uint16_t ServiceShell::metrics_port() const {
  return impl_->metrics_port;
}

}  // namespace net
