/// @file gateway/gateway_service.h
/// @brief GatewayService: one shard of the gateway, written against the ports only, so the
/// same object runs in the `gateway` binary (Asio, nats.c, hiredis, Beast) and in SimWorld.
///
/// For every enabled exchange it owns the chain RateBudget -> RestFetcher -> MarketFeed (one
/// websocket client each) and sends every tick the feeds decode to the TickerCache (for the
/// HTTP API, shared by the shards) and the shard's TickPublisher (NATS). `symbols` narrows each
/// exchange to the slice this shard owns (core/sharding.h); empty keeps the config's lists.
///
/// Everything runs on `ports.clock`'s loop; the ports outlive the service.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/config/gateway_config.h"
#include "core/jetstream.h"
#include "core/metrics.h"
#include "core/ports/bus.h"
#include "core/ports/clock.h"
#include "core/ports/http.h"
#include "core/ports/kv.h"
#include "core/ports/ws.h"
#include "core/rng.h"
#include "gateway/tick_publisher.h"
#include "gateway/ticker_cache.h"

namespace core {
class RateBudget;
}  // namespace core

namespace gateway {

class MarketFeed;
class RestFetcher;

struct GatewayPorts {
  core::Clock& clock;
  core::Bus& bus;
  core::Kv* kv;  // null: Valkey off, every budget is local
  core::HttpClient& http;
  std::function<std::unique_ptr<core::WsClient>()> make_ws;
  core::metrics::Registry& metrics;
  core::Rng rng;
};

class GatewayService {
 public:
  /// `owned`: the (exchange, symbol) pairs this shard serves; empty = all configured ones.
  /// `cache` may be shared by the shards of one process (it locks); it outlives the service.
  GatewayService(GatewayPorts ports, const core::GatewayConfig& config, TickerCache& cache,
                 std::vector<std::pair<std::string, std::string>> owned = {});
  ~GatewayService();
  GatewayService(const GatewayService&) = delete;
  GatewayService& operator=(const GatewayService&) = delete;

  /// In JetStream mode creates the ticks stream (`nats.stream`, retried every second until
  /// NATS answers); starts every feed (snapshot, then websocket or polling). Call once.
  void start();
  /// Every feed is live (websocket fresh or polls succeeding); true without feeds.
  bool feeds_live() const;
  /// Every shared budget reaches Valkey (true when none is shared).
  bool budgets_shared_ok() const;
  TickPublisher& publisher() { return publisher_; }

 private:
  struct Exchange;
  void on_tick(const core::Tick& tick);
  void ensure_stream();

  GatewayPorts ports_;
  TickerCache& cache_;
  TickPublisher publisher_;
  std::vector<std::unique_ptr<Exchange>> exchanges_;
  core::StreamSpec stream_;
  std::unique_ptr<core::JsApi> js_;  // JetStream mode only
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

/// The publisher options from `nats.*` and `performance.*`.
TickPublisherOptions publisher_options(const core::GatewayConfig& config);

}  // namespace gateway
