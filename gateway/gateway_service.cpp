#include "gateway/gateway_service.h"

#include <algorithm>

#include "core/exchange_info.h"
#include "core/log.h"
#include "core/rate_budget.h"
#include "core/sharding.h"
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

constexpr int kExchangeInfoWeight = 20;  // PROTOCOLS.md 1.2
// A failed exchangeInfo is asked again on the feed's REST path, at most this often.
constexpr std::int64_t kExchangeInfoRetryUs = 60'000'000;
constexpr std::int64_t kExchangeInfoTimeoutUs = 5'000'000;

using Pairs = std::vector<std::pair<std::string, std::string>>;

// How many shards of `parts` serve `exchange` (at least 1).
std::int64_t shards_serving(const std::vector<Pairs>& parts, const std::string& exchange) {
  std::int64_t n = 0;
  for (const auto& part : parts)
    n += std::any_of(part.begin(), part.end(), [&](const auto& p) { return p.first == exchange; });
  return std::max<std::int64_t>(1, n);
}

}  // namespace

struct GatewayService::Exchange {
  std::string name;
  core::Exchange id;
  std::string first_symbol;
  std::unique_ptr<core::RateBudget> budget;
  std::unique_ptr<RestFetcher> rest;
  std::unique_ptr<RestFetcher> info_rest;  // exchangeInfo: one attempt, no retries
  bool limit_known = false;
  bool info_in_flight = false;
  std::int64_t info_retry_at_us = 0;
  std::unique_ptr<core::WsClient> ws;
  std::unique_ptr<MarketFeed> feed;
};

TickPublisherOptions publisher_options(const core::GatewayConfig& config) {
  return {.subject_prefix = config.nats.publish_subject_prefix,
          .jetstream = config.nats.jetstream,
          .buffer_size = static_cast<std::size_t>(config.performance.buffer_size),
          .max_ticks_per_sec = static_cast<std::uint64_t>(config.performance.max_ticks_per_sec)};
}

std::vector<std::pair<std::string, std::string>> configured_pairs(
    const core::GatewayConfig& config) {
  Pairs out;
  config.exchanges.for_each([&](const char* name, const core::GatewayExchangeConfig& e) {
    if (!e.enabled) return;
    for (const auto& symbol : e.symbols) out.emplace_back(name, symbol);
  });
  return out;
}

GatewayService::GatewayService(GatewayPorts ports, const core::GatewayConfig& config,
                               TickerCache& cache, ShardSlot shard)
    : ports_(std::move(ports)),
      cache_(cache),
      publisher_(ports_.clock, ports_.bus, ports_.metrics, publisher_options(config)) {
  const std::vector<Pairs> parts = core::partition_symbols(configured_pairs(config), shard.count);
  owned_ = parts.at(shard.index);
  const bool shared = ports_.kv != nullptr && config.valkey.rate_limit_enabled;
  config.exchanges.for_each([&](const char* name, const core::GatewayExchangeConfig& e) {
    if (!e.enabled) return;
    core::GatewayExchangeConfig slice = e;
    std::erase_if(slice.symbols, [&](const std::string& symbol) {
      return std::find(owned_.begin(), owned_.end(),
                       std::pair<std::string, std::string>{name, symbol}) == owned_.end();
    });
    if (slice.symbols.empty()) return;
    auto x = std::make_unique<Exchange>();
    x->name = name;
    x->id = *core::parse_exchange(name);
    x->first_symbol = slice.symbols.front();
    core::RateBudgetOptions budget;
    budget.exchange = name;
    budget.limit_per_window = std::max<std::int64_t>(
        1, slice.rate_limit_per_min / (shared ? 1 : shards_serving(parts, name)));
    budget.exchange_limit_per_window = exchange_weight_per_min(x->id);
    budget.metric_prefix = "gateway";
    x->budget = std::make_unique<core::RateBudget>(ports_.clock, ports_.metrics, std::move(budget),
                                                   shared ? ports_.kv : nullptr);
    // The config loader has checked the URL, so parsing cannot fail here.
    const core::Url origin = *core::parse_url(e.rest_url);
    x->rest = std::make_unique<RestFetcher>(ports_.clock, ports_.http, *x->budget,
                                            ports_.rng.fork(std::string(name) + ".rest"),
                                            RestFetcherOptions{.origin = origin});
    x->info_rest = std::make_unique<RestFetcher>(
        ports_.clock, ports_.http, *x->budget, ports_.rng.fork(std::string(name) + ".info"),
        RestFetcherOptions{
            .origin = origin, .timeout_us = kExchangeInfoTimeoutUs, .retries_max = 0});
    x->ws = ports_.make_ws();
    Exchange& ref = *x;
    // The feed's REST path asks for the exchange's limit again while it is unknown.
    RestGet rest_get = [this, &ref](std::string target, int weight,
                                    std::function<void(core::Result<core::HttpResponse>)> done) {
      if (ref.id == core::Exchange::kBinance && !ref.limit_known && !ref.info_in_flight &&
          ports_.clock.now_us() >= ref.info_retry_at_us)
        fetch_exchange_limit(ref, {});
      ref.rest->get(std::move(target), weight, std::move(done));
    };
    x->feed = std::make_unique<MarketFeed>(
        ports_.clock, *x->ws, std::move(rest_get), ports_.rng.fork(std::string(name) + ".ws"),
        ports_.metrics, MarketFeedOptions{.exchange = x->id, .config = slice},
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
  for (auto& x : exchanges_) {
    if (x->id != core::Exchange::kBinance) {
      x->feed->start();
      continue;
    }
    fetch_exchange_limit(*x, [feed = x->feed.get()] { feed->start(); });
  }
}

void GatewayService::fetch_exchange_limit(Exchange& x, std::function<void()> then) {
  x.info_in_flight = true;
  x.info_rest->get("/api/v3/exchangeInfo?symbol=" + x.first_symbol, kExchangeInfoWeight,
                   [this, &x, alive = std::weak_ptr<int>(alive_),
                    then = std::move(then)](core::Result<core::HttpResponse> response) {
                     if (alive.expired()) return;
                     x.info_in_flight = false;
                     apply_exchange_limit(x, response);
                     if (then) then();
                   });
}

void GatewayService::apply_exchange_limit(Exchange& x,
                                          const core::Result<core::HttpResponse>& response) {
  core::log::Logger log("gateway");
  core::Status status = response.status();
  if (response.is_ok() && response->status != 200)
    status = core::make_error(core::Errc::kUnavailable, "exchangeInfo answered HTTP {}",
                              response->status);
  std::int64_t limit = 0;
  if (status) {
    auto limits = core::parse_rate_limits_text(response->body);
    status = limits.status();
    for (const auto& l : limits ? *limits : std::vector<core::ExchangeRateLimit>{})
      if (l.type == "REQUEST_WEIGHT" && l.window_ms == 60'000) limit = l.limit;
    if (status && limit == 0)
      status = core::make_error(core::Errc::kProtocol,
                                "exchangeInfo rateLimits has no REQUEST_WEIGHT limit per minute");
  }
  if (status) status = x.budget->set_exchange_limit(limit);
  if (!status) {
    x.info_retry_at_us = ports_.clock.now_us() + kExchangeInfoRetryUs;
    log.warn("exchange weight limit unknown, keeping the default",
             {{"exchange", x.name},
              {"default_per_min", exchange_weight_per_min(x.id)},
              {"error", status.message}});
    return;
  }
  x.limit_known = true;
  log.info("exchange weight limit read from exchangeInfo",
           {{"exchange", x.name}, {"limit_per_min", limit}, {"budget_per_min", x.budget->limit()}});
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
