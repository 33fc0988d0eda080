#include "core/config/normalizer_config.h"

#include "core/config/detail/common_bind.h"

namespace core {
namespace {

using config_detail::Binder;
using config_detail::Text;

void bind(Binder& b, NormalizerConfig& c) {
  b.section("service", [&](Binder& s) { config_detail::bind_service_basics(s, c.service); });
  b.section("nats", [&](Binder& s) {
    config_detail::bind_nats_connection(s, c.nats);
    s.text("subscribe_subject", c.nats.subscribe_subject, Text::kToken);
    s.text("durable_name", c.nats.durable_name, Text::kToken);
    s.text("queue_group", c.nats.queue_group, Text::kToken);
    s.seconds("ack_wait_sec", c.nats.ack_wait_sec, 0.1, 3600);
    s.integer("max_ack_pending", c.nats.max_ack_pending, 1, 1000000);
  });
  b.section("store", [&](Binder& s) {
    s.url("write_url", c.store.write_url, {"http", "https"});
    s.text("table", c.store.table, Text::kToken);
    s.integer("batch_size", c.store.batch_size, 1, 1000000);
    s.integer("batch_ticks", c.store.batch_ticks, 1, 1000000);
    s.seconds("flush_interval_sec", c.store.flush_interval_sec, 0.001, 3600);
    s.seconds("timeout_sec", c.store.timeout_sec, 0.1, 3600);
  });
  b.section("bars", [&](Binder& s) { s.seconds("grace_sec", c.bars.grace_sec, 0, 3600); });
  b.section("monitoring", [&](Binder& s) { config_detail::bind_monitoring(s, c.monitoring); });
  b.section("trace", [&](Binder& s) { config_detail::bind_trace(s, c.trace); });
}

}  // namespace

Result<NormalizerConfig> load_normalizer_config(const LoadOptions& opts) {
  return config_detail::load_config(opts, &bind);
}

std::string config_to_yaml(const NormalizerConfig& config) {
  return config_detail::dump_config(config, &bind);
}

std::string config_summary(const NormalizerConfig& c) {
  return fmt::format(
      "service={} port={} nats={} jetstream={} subscribe={} durable={} store={} table={} "
      "metrics_port={} trace={}",
      c.service.name, c.service.port, config_detail::mask_credentials(c.nats.url), c.nats.jetstream,
      c.nats.subscribe_subject, c.nats.durable_name,
      config_detail::mask_credentials(c.store.write_url), c.store.table, c.monitoring.metrics_port,
      c.trace.path.empty() ? "off" : c.trace.path);
}

}  // namespace core
