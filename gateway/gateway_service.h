/// @file gateway/gateway_service.h
/// @brief GatewayService: one shard of the gateway, written against the ports only, so the
/// same object runs in the `gateway` binary (Asio, nats.c, hiredis, Beast) and in SimWorld.
///
/// For every enabled exchange it owns the chain RateBudget -> RestFetcher -> MarketFeed (one
/// websocket client each) and sends every tick the feeds decode to the TickerCache (for the
/// HTTP API, shared by the shards) and the shard's TickPublisher (NATS). A ShardSlot narrows
/// each exchange to the (exchange, symbol) pairs this shard owns (core::partition_symbols of
/// configured_pairs()); a local (unshared) budget then gets rate_limit_per_min divided by the
/// number of shards serving that exchange, so the process as a whole stays under it. A shared
/// budget (Valkey) counts every shard in one window, so each keeps the whole limit.
///
/// Binance: before its feed starts, the service reads the exchange's REQUEST_WEIGHT limit per
/// minute from `GET /api/v3/exchangeInfo?symbol=<first symbol>` (weight 20, one attempt) and
/// sets it on the budget (RateBudget::set_exchange_limit, which keeps 10% headroom). When that
/// fails the budget keeps Binance's documented 6000 (a logged warning), and the next REST call
/// of the feed (its snapshot or poll path) at least a minute later asks again.
///
/// Everything runs on `ports.clock`'s loop; the ports outlive the service.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/config/gateway_config.h"
#include "core/http.h"
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

/// Which of `count` shards this service is; {0, 1} serves every configured symbol.
struct ShardSlot {
  std::size_t index = 0;
  std::size_t count = 1;
};

/// Every (exchange, symbol) pair of the enabled exchanges, in config order.
std::vector<std::pair<std::string, std::string>> configured_pairs(
    const core::GatewayConfig& config);

class GatewayService {
 public:
  /// `cache` may be shared by the shards of one process (it locks); it outlives the service.
  /// `shard.index` < `shard.count`.
  GatewayService(GatewayPorts ports, const core::GatewayConfig& config, TickerCache& cache,
                 ShardSlot shard = {});
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
  /// The (exchange, symbol) pairs this shard serves.
  const std::vector<std::pair<std::string, std::string>>& owned() const { return owned_; }
  TickPublisher& publisher() { return publisher_; }

 private:
  struct Exchange;
  void on_tick(const core::Tick& tick);
  void ensure_stream();
  /// Reads the exchange's weight limit into its budget, then runs `then` (may be empty).
  void fetch_exchange_limit(Exchange& x, std::function<void()> then);
  void apply_exchange_limit(Exchange& x, const core::Result<core::HttpResponse>& response);

  GatewayPorts ports_;
  TickerCache& cache_;
  TickPublisher publisher_;
  std::vector<std::pair<std::string, std::string>> owned_;
  std::vector<std::unique_ptr<Exchange>> exchanges_;
  core::StreamSpec stream_;
  std::unique_ptr<core::JsApi> js_;  // JetStream mode only
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

/// The publisher options from `nats.*` and `performance.*`.
TickPublisherOptions publisher_options(const core::GatewayConfig& config);

}  // namespace gateway
