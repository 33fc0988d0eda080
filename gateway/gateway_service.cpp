#include "gateway/gateway_service.h"

#include <algorithm>

#include "core/log.h"
#include "core/rate_budget.h"
#include "core/streams.h"
#include "gateway/market_feed.h"
#include "gateway/rest_fetcher.h"

namespace gateway {
namespace {

// Binance publishes its REQUEST_WEIGHT limit; Coinbase and Kraken count requests, not
// weight, so for them our own rate_limit_per_min is the only bound.
std::int64_t exchange_weight_per_min(core::Exchange exchange) {
  return exchange == core::Exchange::kBinance ? 6000 : 0;
}

}  // namespace

struct GatewayService::Exchange {
  std::unique_ptr<core::RateBudget> budget;
  std::unique_ptr<RestFetcher> rest;
  std::unique_ptr<core::WsClient> ws;
  std::unique_ptr<MarketFeed> feed;
};

TickPublisherOptions publisher_options(const core::GatewayConfig& config) {
  return {.subject_prefix = config.nats.publish_subject_prefix,
          .jetstream = config.nats.jetstream,
          .buffer_size = static_cast<std::size_t>(config.performance.buffer_size),
          .max_ticks_per_sec = static_cast<std::uint64_t>(config.performance.max_ticks_per_sec)};
}

GatewayService::GatewayService(GatewayPorts ports, const core::GatewayConfig& config,
                               TickerCache& cache,
                               std::vector<std::pair<std::string, std::string>> owned)
    : ports_(std::move(ports)),
      cache_(cache),
      publisher_(ports_.clock, ports_.bus, ports_.metrics, publisher_options(config)) {
  config.exchanges.for_each([&](const char* name, const core::GatewayExchangeConfig& e) {
    if (!e.enabled) return;
    core::GatewayExchangeConfig slice = e;
    if (!owned.empty()) {
      std::erase_if(slice.symbols, [&](const std::string& symbol) {
        return std::find(owned.begin(), owned.end(),
                         std::pair<std::string, std::string>{name, symbol}) == owned.end();
      });
    }
    if (slice.symbols.empty()) return;
    const core::Exchange id = *core::parse_exchange(name);
    auto x = std::make_unique<Exchange>();
    const bool shared = ports_.kv != nullptr && config.valkey.rate_limit_enabled;
    core::RateBudgetOptions budget;
    budget.exchange = name;
    budget.limit_per_window = slice.rate_limit_per_min;
    budget.exchange_limit_per_window = exchange_weight_per_min(id);
    budget.metric_prefix = "gateway";
    x->budget = std::make_unique<core::RateBudget>(ports_.clock, ports_.metrics, std::move(budget),
                                                   shared ? ports_.kv : nullptr);
    // The config loader has checked the URL, so parsing cannot fail here.
    x->rest = std::make_unique<RestFetcher>(
        ports_.clock, ports_.http, *x->budget, ports_.rng.fork(std::string(name) + ".rest"),
        RestFetcherOptions{.origin = *core::parse_url(e.rest_url)});
    x->ws = ports_.make_ws();
    x->feed = std::make_unique<MarketFeed>(
        ports_.clock, *x->ws, x->rest->as_rest_get(), ports_.rng.fork(std::string(name) + ".ws"),
        ports_.metrics, MarketFeedOptions{.exchange = id, .config = slice},
        [this](const core::Tick& tick) { on_tick(tick); });
    exchanges_.push_back(std::move(x));
  });
  if (config.nats.jetstream) {
    stream_ = core::ticks_stream(config.nats.publish_subject_prefix);
    stream_.name = config.nats.stream;
    js_ = std::make_unique<core::JsApi>(ports_.bus, ports_.clock);
  }
}

void GatewayService::ensure_stream() {
  js_->ensure_stream(stream_, [this, alive = std::weak_ptr<int>(alive_)](core::Status s) {
    if (alive.expired() || s) return;
    core::log::Logger("gateway").warn("stream not ready, retrying",
                                      {{"stream", stream_.name}, {"error", s.message}});
    ports_.clock.call_after(1'000'000, [this, alive] {
      if (!alive.expired()) ensure_stream();
    });
  });
}

GatewayService::~GatewayService() = default;

void GatewayService::start() {
  if (js_) ensure_stream();
  for (auto& x : exchanges_) x->feed->start();
}

bool GatewayService::feeds_live() const {
  return std::all_of(exchanges_.begin(), exchanges_.end(),
                     [](const auto& x) { return x->feed->live(); });
}

bool GatewayService::budgets_shared_ok() const {
  return std::all_of(exchanges_.begin(), exchanges_.end(),
                     [](const auto& x) { return x->budget->shared_ok(); });
}

void GatewayService::on_tick(const core::Tick& tick) {
  cache_.update(tick);
  // Refusals (over the cap, outbox full) are counted and logged by the publisher.
  (void)publisher_.publish(tick);
}

}  // namespace gateway
