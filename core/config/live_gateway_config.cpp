#include "core/config/live_gateway_config.h"

#include <fmt/ranges.h>

#include "core/config/detail/common_bind.h"

namespace core {
namespace {

using config_detail::Binder;
using config_detail::Text;

void bind_exchange(Binder& b, LiveExchangeConfig& e) {
  b.flag("enabled", e.enabled);
  b.choice("mode", e.mode, {"paper", "live"});
  b.text("default_symbol", e.default_symbol, Text::kToken);
  b.seconds("order_timeout_sec", e.order_timeout_sec, 0.1, 3600);
  b.url("api_url", e.api_url, {"http", "https"});
}

void bind_safety(Binder& b, SafetyConfig& s) {
  b.flag("paper_trading_only", s.paper_trading_only);
  b.decimal("max_order_size_usd", s.max_order_size_usd);
  b.decimal("max_position_size_usd", s.max_position_size_usd);
  b.flag("require_manual_approval", s.require_manual_approval);
  b.list("symbols_allowed", s.symbols_allowed, Text::kToken);
  b.flag("kill_switch", s.kill_switch);
  b.decimal("price_band_pct", s.price_band_pct);
}

void bind(Binder& b, LiveGatewayConfig& c) {
  b.section("service", [&](Binder& s) {
    config_detail::bind_service_basics(s, c.service);
    s.choice("mode", c.service.mode, {"paper", "live"});
    s.text("instance_id", c.service.instance_id, Text::kAny);
  });
  b.section("nats", [&](Binder& s) {
    config_detail::bind_nats_connection(s, c.nats);
    s.text("subscribe_subject", c.nats.subscribe_subject, Text::kToken);
    s.text("publish_subject_prefix", c.nats.publish_subject_prefix, Text::kToken);
    s.text("fill_subject_prefix", c.nats.fill_subject_prefix, Text::kToken);
    s.text("queue_group", c.nats.queue_group, Text::kToken);
  });
  b.section("valkey", [&](Binder& s) { config_detail::bind_valkey_connection(s, c.valkey); });
  b.section("exchanges", [&](Binder& s) {
    s.section("binance", [&](Binder& e) { bind_exchange(e, c.exchanges.binance); });
    s.section("coinbase", [&](Binder& e) { bind_exchange(e, c.exchanges.coinbase); });
    s.section("kraken", [&](Binder& e) { bind_exchange(e, c.exchanges.kraken); });
  });
  b.section("execution", [&](Binder& s) {
    s.integer("max_retries", c.execution.max_retries, 0, 100);
    s.seconds("retry_delay_sec", c.execution.retry_delay_sec, 0, 3600);
    s.seconds("timeout_sec", c.execution.timeout_sec, 0.1, 3600);
    s.flag("validate_orders", c.execution.validate_orders);
  });
  b.section("monitoring", [&](Binder& s) { config_detail::bind_monitoring(s, c.monitoring); });
  b.section("safety", [&](Binder& s) { bind_safety(s, c.safety); });
  b.section("paper", [&](Binder& s) {
    s.decimal("slippage_bps", c.paper.slippage_bps);
    s.decimal("fee_bps", c.paper.fee_bps);
    s.text("ticks_subject", c.paper.ticks_subject, Text::kToken);
  });
  b.section("trace", [&](Binder& s) { config_detail::bind_trace(s, c.trace); });
}

}  // namespace

Result<LiveGatewayConfig> load_live_gateway_config(const LoadOptions& opts) {
  return config_detail::load_config(opts, &bind);
}

std::string config_to_yaml(const LiveGatewayConfig& config) {
  return config_detail::dump_config(config, &bind);
}

std::string config_summary(const LiveGatewayConfig& c) {
  std::string exchanges;
  c.exchanges.for_each([&](const char* name, const LiveExchangeConfig& e) {
    if (!e.enabled) return;
    exchanges += fmt::format("{}{}({})", exchanges.empty() ? "" : ",", name, e.mode);
  });
  return fmt::format(
      "service={} mode={} paper_trading_only={} port={} nats={} jetstream={} subscribe={} "
      "queue_group={} exchanges={} max_order_size_usd={} max_position_size_usd={} "
      "kill_switch={} symbols_allowed=[{}] instance_id={} metrics_port={} trace={}",
      c.service.name, c.service.mode, c.safety.paper_trading_only, c.service.port,
      config_detail::mask_credentials(c.nats.url), c.nats.jetstream, c.nats.subscribe_subject,
      c.nats.queue_group, exchanges.empty() ? "none" : exchanges, c.safety.max_order_size_usd,
      c.safety.max_position_size_usd, c.safety.kill_switch,
      fmt::join(c.safety.symbols_allowed, " "),
      c.service.instance_id.empty() ? "none" : c.service.instance_id, c.monitoring.metrics_port,
      c.trace.path.empty() ? "off" : c.trace.path);
}

}  // namespace core
