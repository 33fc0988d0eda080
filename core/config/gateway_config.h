/// @file core/config/gateway_config.h
/// @brief core::GatewayConfig: every key of the seed's gateway YAML, with the seed's defaults.
///
/// A value struct, validated by load_gateway_config() and copied into each component. Keys the
/// seed lacks but the design needs are marked (+). Durations are seconds (fractions allowed).
///
/// | key | meaning | default |
/// |---|---|---|
/// | service.name, .port | name in logs; HTTP port (/health), 0 = any free | "gateway", 8080 |
/// | service.log_level | TRACE..OFF (env LOG_LEVEL overrides) | "INFO" |
/// | service.log_format (+) | plain or json | "plain" |
/// | service.workers | single-threaded shards, each owning a slice of the symbols, [1, 64] | 2 |
/// | nats.url | nats:// or tls:// | "nats://nats:4222" |
/// | nats.publish_subject_prefix | ticks go to `{prefix}.{exchange}.{symbol}` | "ticks" |
/// | nats.max_reconnect_attempts | -1 = forever | 10 |
/// | nats.reconnect_wait_sec | | 2 |
/// | nats.jetstream (+) | JetStream (dedup, no loss) or core NATS | true |
/// | nats.stream (+) | JetStream stream for the ticks | "TICKS" |
/// | valkey.url, .db | shared rate-limit state | "redis://valkey:6379", 2 |
/// | valkey.max_connections | cap of net::HiredisKv's connection pool (opened as needed) | 10 |
/// | valkey.rate_limit_enabled | share the exchange budget, its 429 stop, the API limit | true |
/// | monitoring.health_check_interval_sec | how often the /ready checks run (HttpApi) | 30 |
/// | exchanges.{binance,coinbase,kraken}.* | see GatewayExchangeConfig | seed values |
/// | rate_limiting.window_sec, .max_requests_per_window | HTTP API client limit | 60, 1000 |
/// | rate_limiting.use_valkey_cache | | true |
/// | rate_limiting.trust_forwarded_for (+) | key clients by X-Forwarded-For (proxy) | false |
/// | performance.max_ticks_per_sec | 0 = no cap (benchmarks) | 10000 |
/// | performance.buffer_size | outbox of ticks kept while NATS is away | 5000 |
/// | performance.flush_interval_sec | | 1 |
/// | monitoring.* | see MonitoringConfig | 30, 9080 |
/// | trace.path (+) | see TraceConfig | "" |
#pragma once

#include <string>
#include <vector>

#include "core/config/common.h"
#include "core/config/options.h"
#include "core/status.h"

namespace core {

struct GatewayServiceConfig {
  std::string name = "gateway";
  int port = 8080;
  std::string log_level = "INFO";
  std::string log_format = "plain";
  int workers = 2;
};

struct GatewayNatsConfig {
  std::string url = "nats://nats:4222";
  std::string publish_subject_prefix = "ticks";
  int max_reconnect_attempts = 10;
  double reconnect_wait_sec = 2;
  bool jetstream = true;
  std::string stream = "TICKS";
};

struct ValkeyConfig {
  std::string url = "redis://valkey:6379";
  int db = 2;
  int max_connections = 10;
  bool rate_limit_enabled = true;
};

/// One exchange's market-data feed. `symbols` are the exchange's own spelling.
/// rest_url / ws_url (+) default to the real endpoints (PROTOCOLS.md); point them at mockex
/// with `--set exchanges.binance.rest_url=http://127.0.0.1:PORT`.
struct GatewayExchangeConfig {
  bool enabled = false;
  std::vector<std::string> symbols;
  double poll_interval_sec = 60;  // REST polling when the websocket is down, [1, 86400]
  bool websocket_enabled = true;
  int rate_limit_per_min = 1200;  // our own REST budget, [1, 1000000]
  std::string rest_url;           // http:// or https://
  std::string ws_url;             // ws:// or wss://
};

struct GatewayExchanges {
  GatewayExchangeConfig binance{.enabled = true,
                                .symbols = {"BTCUSDT", "ETHUSDT", "SOLUSDT"},
                                .rate_limit_per_min = 1200,
                                .rest_url = "https://api.binance.com",
                                .ws_url = "wss://stream.binance.com:9443"};
  GatewayExchangeConfig coinbase{.enabled = false,
                                 .symbols = {"BTC-USD", "ETH-USD"},
                                 .rate_limit_per_min = 600,
                                 .rest_url = "https://api.coinbase.com",
                                 .ws_url = "wss://advanced-trade-ws.coinbase.com"};
  GatewayExchangeConfig kraken{.enabled = false,
                               .symbols = {"XBTUSD", "ETHUSD"},
                               .websocket_enabled = false,
                               .rate_limit_per_min = 300,
                               .rest_url = "https://api.kraken.com",
                               .ws_url = "wss://ws.kraken.com/v2"};

  /// Calls f(name, exchange) for binance, coinbase, kraken in that order.
  template <typename F>
  void for_each(F&& f) const {
    f("binance", binance);
    f("coinbase", coinbase);
    f("kraken", kraken);
  }
};

struct RateLimitingConfig {
  int window_sec = 60;
  int max_requests_per_window = 1000;
  bool use_valkey_cache = true;
  bool trust_forwarded_for = false;
};

struct PerformanceConfig {
  int max_ticks_per_sec = 10000;
  int buffer_size = 5000;
  double flush_interval_sec = 1;
};

struct GatewayConfig {
  GatewayServiceConfig service;
  GatewayNatsConfig nats;
  ValkeyConfig valkey;
  GatewayExchanges exchanges;
  RateLimitingConfig rate_limiting;
  PerformanceConfig performance;
  MonitoringConfig monitoring{30, 9080};
  TraceConfig trace;
};

/// Errc::kConfig naming the key path and the offending value (see options.h).
Result<GatewayConfig> load_gateway_config(const LoadOptions& opts);
/// The full effective config as YAML (URL credentials masked); for the debug log.
std::string config_to_yaml(const GatewayConfig& config);
/// One line for the start-up log: the values an operator checks first.
std::string config_summary(const GatewayConfig& config);

}  // namespace core
