#include "core/config/gateway_config.h"

#include <fmt/ranges.h>

#include "core/config/detail/common_bind.h"

namespace core {
namespace {

using config_detail::Binder;
using config_detail::Text;

void bind_exchange(Binder& b, GatewayExchangeConfig& e) {
  b.flag("enabled", e.enabled);
  b.list("symbols", e.symbols, Text::kToken);
  b.seconds("poll_interval_sec", e.poll_interval_sec, 1, 86400);
  b.flag("websocket_enabled", e.websocket_enabled);
  b.integer("rate_limit_per_min", e.rate_limit_per_min, 1, 1000000);
  b.url("rest_url", e.rest_url, {"http", "https"});
  b.url("ws_url", e.ws_url, {"ws", "wss"});
}

void bind(Binder& b, GatewayConfig& c) {
  b.section("service", [&](Binder& s) {
    config_detail::bind_service_basics(s, c.service);
    s.integer("workers", c.service.workers, 1, 64);
  });
  b.section("nats", [&](Binder& s) {
    config_detail::bind_nats_connection(s, c.nats);
    s.text("publish_subject_prefix", c.nats.publish_subject_prefix, Text::kToken);
  });
  b.section("valkey", [&](Binder& s) {
    config_detail::bind_valkey_connection(s, c.valkey);
    s.flag("rate_limit_enabled", c.valkey.rate_limit_enabled);
  });
  b.section("exchanges", [&](Binder& s) {
    s.section("binance", [&](Binder& e) { bind_exchange(e, c.exchanges.binance); });
    s.section("coinbase", [&](Binder& e) { bind_exchange(e, c.exchanges.coinbase); });
    s.section("kraken", [&](Binder& e) { bind_exchange(e, c.exchanges.kraken); });
  });
  b.section("rate_limiting", [&](Binder& s) {
    s.integer("window_sec", c.rate_limiting.window_sec, 1, 86400);
    s.integer("max_requests_per_window", c.rate_limiting.max_requests_per_window, 1, 1000000000);
    s.flag("use_valkey_cache", c.rate_limiting.use_valkey_cache);
    s.flag("trust_forwarded_for", c.rate_limiting.trust_forwarded_for);
  });
  b.section("performance", [&](Binder& s) {
    s.integer("max_ticks_per_sec", c.performance.max_ticks_per_sec, 0, 100000000);
    s.integer("buffer_size", c.performance.buffer_size, 1, 100000000);
    s.seconds("flush_interval_sec", c.performance.flush_interval_sec, 0.001, 3600);
  });
  b.section("monitoring", [&](Binder& s) { config_detail::bind_monitoring(s, c.monitoring); });
  b.section("trace", [&](Binder& s) { config_detail::bind_trace(s, c.trace); });
}

}  // namespace

Result<GatewayConfig> load_gateway_config(const LoadOptions& opts) {
  return config_detail::load_config(opts, &bind);
}

std::string config_to_yaml(const GatewayConfig& config) {
  return config_detail::dump_config(config, &bind);
}

std::string config_summary(const GatewayConfig& c) {
  std::string exchanges;
  c.exchanges.for_each([&](const char* name, const GatewayExchangeConfig& e) {
    if (!e.enabled) return;
    exchanges +=
        fmt::format("{}{}[{}]", exchanges.empty() ? "" : ",", name, fmt::join(e.symbols, " "));
  });
  return fmt::format(
      "service={} workers={} port={} nats={} jetstream={} subject_prefix={} exchanges={} "
      "metrics_port={} trace={}",
      c.service.name, c.service.workers, c.service.port,
      config_detail::mask_credentials(c.nats.url), c.nats.jetstream, c.nats.publish_subject_prefix,
      exchanges.empty() ? "none" : exchanges, c.monitoring.metrics_port,
      c.trace.path.empty() ? "off" : c.trace.path);
}

}  // namespace core
