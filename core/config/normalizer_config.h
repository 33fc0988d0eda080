/// @file core/config/normalizer_config.h
/// @brief core::NormalizerConfig: ticks in from NATS, 1-minute OHLCV out to an ILP store.
///
/// The seed has no normalizer YAML; the keys follow the gateway's naming.
///
/// | key | meaning | default |
/// |---|---|---|
/// | service.name, .port, .log_level, .log_format | | "normalizer", 8300, "INFO", "plain" |
/// | nats.url | | "nats://nats:4222" |
/// | nats.subscribe_subject | | "ticks.>" |
/// | nats.jetstream, nats.stream | | true, "TICKS" |
/// | nats.durable_name | JetStream durable consumer | "normalizer" |
/// | nats.queue_group | normalizers sharing the work (core NATS mode) | "normalizer-workers" |
/// | nats.ack_wait_sec, .max_ack_pending | redelivery after ack_wait; in-flight cap | 30, 1000 |
/// | nats.max_reconnect_attempts, .reconnect_wait_sec | | 10, 2 |
/// | store.write_url | full ILP/HTTP write URL: QuestDB `http://host:9000/write`, influxdb
/// `http://host:8086/write?db=NAME` | "http://questdb:9000/write" | | store.table | | "ohlcv_1m" |
/// | store.batch_size | changed bars that trigger a write before the interval, [1, 1000000] | 1000
/// | | store.batch_ticks | ticks taken in that trigger a write before the interval, [1, 1000000] |
/// 500 | | store.flush_interval_sec, .timeout_sec | | 1, 10 | | bars.grace_sec | event-time
/// watermark lag before a minute closes | 5 | | monitoring.* | see MonitoringConfig | 30, 9300 | |
/// trace.path | see TraceConfig | "" |
#pragma once

#include <string>

#include "core/config/common.h"
#include "core/config/options.h"
#include "core/status.h"

namespace core {

struct NormalizerServiceConfig {
  std::string name = "normalizer";
  int port = 8300;
  std::string log_level = "INFO";
  std::string log_format = "plain";
};

struct NormalizerNatsConfig {
  std::string url = "nats://nats:4222";
  std::string subscribe_subject = "ticks.>";
  bool jetstream = true;
  std::string stream = "TICKS";
  std::string durable_name = "normalizer";
  std::string queue_group = "normalizer-workers";
  double ack_wait_sec = 30;
  int max_ack_pending = 1000;
  int max_reconnect_attempts = 10;
  double reconnect_wait_sec = 2;
};

struct StoreConfig {
  std::string write_url = "http://questdb:9000/write";
  std::string table = "ohlcv_1m";
  int batch_size = 1000;
  int batch_ticks = 500;
  double flush_interval_sec = 1;
  double timeout_sec = 10;
};

struct BarsConfig {
  double grace_sec = 5;
};

struct NormalizerConfig {
  NormalizerServiceConfig service;
  NormalizerNatsConfig nats;
  StoreConfig store;
  BarsConfig bars;
  MonitoringConfig monitoring{30, 9300};
  TraceConfig trace;
};

Result<NormalizerConfig> load_normalizer_config(const LoadOptions& opts);
std::string config_to_yaml(const NormalizerConfig& config);
std::string config_summary(const NormalizerConfig& config);

}  // namespace core
