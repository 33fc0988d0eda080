/// @file core/config/live_gateway_config.h
/// @brief core::LiveGatewayConfig: every key of the seed's live-gateway YAML, seed defaults.
///
/// A value struct, validated by load_live_gateway_config(). Keys the seed lacks but the design
/// needs are marked (+). Money limits are decimal strings ("1000", "250.50"): the loader checks
/// they are non-negative decimal numbers and keeps every digit; SafetyPolicy parses them into
/// core::Decimal. Live trading needs service.mode live, safety.paper_trading_only false, the
/// exchange's mode live and its keys; otherwise the service runs paper.
///
/// | key | meaning | default |
/// |---|---|---|
/// | service.name, .port, .log_level | | "live-gateway", 8200, "INFO" |
/// | service.log_format (+) | plain or json | "plain" |
/// | service.mode | paper or live | "paper" |
/// | service.instance_id (+) | this worker across restarts (1) | "" |
/// | nats.url | | "nats://nats:4222" |
/// | nats.subscribe_subject | order intake | "orders.*.new" |
/// | nats.publish_subject_prefix | status to `{prefix}.{account}.{status}` | "orders" |
/// | nats.fill_subject_prefix | fills to `{prefix}.{account}` | "fills" |
/// | nats.queue_group | workers share the intake | "live-gateway-workers" |
/// | nats.max_reconnect_attempts, .reconnect_wait_sec (+) | | 10, 2 |
/// | nats.jetstream (+), nats.stream (+) | | true, "ORDERS" |
/// | valkey.url, .db, .max_connections (+) | position reservations | "redis://valkey:6379", 2, 10 |
/// | exchanges.{binance,coinbase,kraken}.* | see LiveExchangeConfig | seed values |
/// | execution.max_retries | NetworkError retries, [0, 100] | 3 |
/// | execution.retry_delay_sec, .timeout_sec | | 1, 30 |
/// | execution.validate_orders | | true |
/// | monitoring.* | see MonitoringConfig | 30, 9200 |
/// | safety.paper_trading_only | | true |
/// | safety.max_order_size_usd, .max_position_size_usd | decimal strings | "1000", "10000" |
/// | safety.require_manual_approval | | false |
/// | safety.symbols_allowed (+) | others rejected; empty rejects all | BTCUSDT ETHUSDT SOLUSDT |
/// | safety.kill_switch (+) | reject every new order | false |
/// | safety.price_band_pct (+) | max distance of a limit from the last tick, % | "5" |
/// | paper.slippage_bps (+) | market orders fill this far through the touch | "2" |
/// | paper.fee_bps (+) | fee charged on paper fills, in the quote asset | "10" |
/// | paper.ticks_subject (+) | ticks the paper engine fills from | "ticks.>" |
/// | trace.path (+) | see TraceConfig | "" |
///
/// (1) Unique among the workers and the same for each incarnation of one (1..24 of
/// [A-Za-z0-9._:/-]): its open orders are kept in Valkey under it, so a restarted worker takes
/// up its pending approvals and settles what its orders reserved. Empty: nothing outlives the
/// process (reservations of its orders stay reserved).
#pragma once

#include <string>
#include <vector>

#include "core/config/common.h"
#include "core/config/options.h"
#include "core/status.h"

namespace core {

struct LiveServiceConfig {
  std::string name = "live-gateway";
  int port = 8200;
  std::string log_level = "INFO";
  std::string log_format = "plain";
  std::string mode = "paper";
  std::string instance_id;
};

struct LiveNatsConfig {
  std::string url = "nats://nats:4222";
  std::string subscribe_subject = "orders.*.new";
  std::string publish_subject_prefix = "orders";
  std::string fill_subject_prefix = "fills";
  std::string queue_group = "live-gateway-workers";
  int max_reconnect_attempts = 10;
  double reconnect_wait_sec = 2;
  bool jetstream = true;
  std::string stream = "ORDERS";
};

struct LiveValkeyConfig {
  std::string url = "redis://valkey:6379";
  int db = 2;
  int max_connections = 10;
};

/// One exchange's order path. api_url (+) defaults to the real REST endpoint (PROTOCOLS.md).
struct LiveExchangeConfig {
  bool enabled = false;
  std::string mode = "paper";  // paper or live
  std::string default_symbol;
  double order_timeout_sec = 30;  // [0.1, 3600]
  std::string api_url;
};

struct LiveExchanges {
  LiveExchangeConfig binance{
      .enabled = true, .default_symbol = "BTCUSDT", .api_url = "https://api.binance.com"};
  LiveExchangeConfig coinbase{.default_symbol = "BTC-USD", .api_url = "https://api.coinbase.com"};
  LiveExchangeConfig kraken{.default_symbol = "XBTUSD", .api_url = "https://api.kraken.com"};

  /// Calls f(name, exchange) for binance, coinbase, kraken in that order.
  template <typename F>
  void for_each(F&& f) const {
    f("binance", binance);
    f("coinbase", coinbase);
    f("kraken", kraken);
  }
};

struct ExecutionConfig {
  int max_retries = 3;
  double retry_delay_sec = 1;
  double timeout_sec = 30;
  bool validate_orders = true;
};

struct SafetyConfig {
  bool paper_trading_only = true;
  std::string max_order_size_usd = "1000";
  std::string max_position_size_usd = "10000";
  bool require_manual_approval = false;
  std::vector<std::string> symbols_allowed{"BTCUSDT", "ETHUSDT", "SOLUSDT"};
  bool kill_switch = false;
  std::string price_band_pct = "5";
};

/// The paper engine: decimal strings like the safety limits.
struct PaperConfig {
  std::string slippage_bps = "2";
  std::string fee_bps = "10";
  std::string ticks_subject = "ticks.>";
};
struct LiveGatewayConfig {
  LiveServiceConfig service;
  LiveNatsConfig nats;
  LiveValkeyConfig valkey;
  LiveExchanges exchanges;
  ExecutionConfig execution;
  MonitoringConfig monitoring{30, 9200};
  SafetyConfig safety;
  PaperConfig paper;
  TraceConfig trace;
};

Result<LiveGatewayConfig> load_live_gateway_config(const LoadOptions& opts);
std::string config_to_yaml(const LiveGatewayConfig& config);
std::string config_summary(const LiveGatewayConfig& config);

}  // namespace core
