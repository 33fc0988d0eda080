// gateway: market data in. Exchange feeds -> ticks on NATS (DESIGN.md section 4).
//
// Threads: `service.workers` shards (core/sharding.h), each a GatewayService on its own loop
// thread owning a slice of the (exchange, symbol) pairs; the HTTP API, /health and /metrics
// on the main loop. A shard has its own AsioClock, NATS connection, Valkey pool and HTTP and
// websocket clients: net::NatsBus and net::HiredisKv hand every callback (messages, JetStream
// acks, state changes, replies) to the loop they were built on, and their state is that loop's
// alone, so sharing one would run a shard's callbacks on another thread. Shared across threads
// are only the TickerCache (it locks) and the metrics registry (series are created under its
// lock; each shard writes its own, labelled shard="N"). The main loop reaches a shard only by
// posting to its clock (/ready and /health ask there, answers are posted back).
#include <algorithm>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "core/config/connections.h"
#include "core/config/gateway_config.h"
#include "core/sharding.h"
#include "gateway/gateway_service.h"
#include "gateway/http_api.h"
#include "net/beast_http_client.h"
#include "net/beast_ws_client.h"
#include "net/hiredis_kv.h"
#include "net/nats_bus.h"
#include "net/service_main.h"

namespace {

/// Ticks go out as they come: nats.c's flusher would hold each about 1 ms (DESIGN.md section 7
/// wants fetch to publish p99 < 1 ms). NatsBus still batches a burst: a write leaves once a
/// loop turn passed that published nothing more (net/detail/nats_loop.h).
core::BusOptions gateway_bus_options(const core::GatewayConfig& c) {
  core::BusOptions o = core::bus_options_of(c);
  o.send_asap = true;
  return o;
}

/// `valkey.max_connections` is the process's: each of `pools` Valkey pools gets a share.
core::KvOptions kv_options(const core::GatewayConfig& c, int pools) {
  core::KvOptions o = core::kv_options_of(c);
  o.max_connections = std::max(1, o.max_connections / pools);
  return o;
}

/// One shard, built on the main thread before its thread starts (the thread's start orders
/// the construction before all it does); after that only `clock.post` crosses threads.
struct Shard {
  gateway::ShardSlot slot;
  net::AsioClock clock;
  core::metrics::Registry metrics;  // a view adding shard="N"
  net::NatsBus bus;
  std::unique_ptr<net::HiredisKv> kv;
  net::BeastHttpClient http;
  gateway::GatewayService service;
  std::thread thread;

  Shard(const core::GatewayConfig& config, net::ServiceContext& ctx, gateway::TickerCache& cache,
        gateway::ShardSlot slot, int kv_pools)
      : slot(slot),
        metrics(ctx.shell.metrics(), {{"shard", std::to_string(slot.index)}}),
        bus(clock, gateway_bus_options(config)),
        kv(config.valkey.rate_limit_enabled
               ? std::make_unique<net::HiredisKv>(clock, kv_options(config, kv_pools))
               : nullptr),
        http(clock),
        service(
            gateway::GatewayPorts{
                .clock = clock,
                .bus = bus,
                .kv = kv.get(),
                .http = http,
                .make_ws = [this] { return std::make_unique<net::BeastWsClient>(clock); },
                .metrics = metrics,
                .rng = core::Rng(std::random_device{}())},
            config, cache, slot) {}

  void start() {
    clock.post([this] { service.start(); });
    thread = std::thread([this] { clock.run(); });
  }
  /// Stops the loop (posted: a stop() before run() would be lost) and joins its thread.
  ~Shard() {
    if (!thread.joinable()) return;
    clock.post([this] { clock.stop(); });
    thread.join();
  }
};

/// The shards to run: one per non-empty slice of the pairs; when workers exceed the pairs the
/// rest would own nothing and are not started. No pairs at all: one shard with nothing to do.
std::vector<gateway::ShardSlot> shard_slots(const core::GatewayConfig& config) {
  const auto count = static_cast<std::size_t>(config.service.workers);
  const auto parts = core::partition_symbols(gateway::configured_pairs(config), count);
  std::vector<gateway::ShardSlot> out;
  for (std::size_t i = 0; i < count; ++i)
    if (!parts[i].empty()) out.push_back({i, count});
  if (out.empty()) out.push_back({0, 1});
  return out;
}

std::string owned_text(const gateway::GatewayService& service) {
  std::string out;
  for (const auto& [exchange, symbol] : service.owned())
    out += (out.empty() ? "" : ",") + exchange + ":" + symbol;
  return out;
}

/// The service's parts in construction order (destroyed in reverse: the API first, then the
/// shards, each stopped and joined before its parts go).
struct Components {
  net::AsioClock& main;
  gateway::TickerCache cache;
  std::unique_ptr<net::HiredisKv> api_kv;  // the client limiter's, on the main loop
  std::vector<std::unique_ptr<Shard>> shards;
  gateway::HttpApi api;
  bool budgets_shared_ok = true;  // main loop; as of the last /ready run

  Components(const core::GatewayConfig& config, net::ServiceContext& ctx,
             const std::vector<gateway::ShardSlot>& slots)
      : main(ctx.clock),
        api_kv(config.rate_limiting.use_valkey_cache
                   ? std::make_unique<net::HiredisKv>(
                         ctx.clock, kv_options(config, static_cast<int>(slots.size()) + 1))
                   : nullptr),
        api(ctx.clock, cache, api_kv.get(), ctx.shell.metrics(), gateway::limiter_options(config)) {
    const int kv_pools = static_cast<int>(slots.size()) + (api_kv ? 1 : 0);
    for (const auto& slot : slots)
      shards.push_back(std::make_unique<Shard>(config, ctx, cache, slot, kv_pools));
    const auto started = static_cast<int>(shards.size());  // <= workers
    ctx.log.info("shards", {{"workers", config.service.workers},
                            {"started", started},
                            {"idle", config.service.workers - started}});
    for (const auto& s : shards)
      ctx.log.info("shard owns", {{"shard", s->slot.index}, {"pairs", owned_text(s->service)}});
    api.add_async_ready_check("nats", [this](gateway::HttpApi::ReadyAnswer answer) {
      ask_shards([](Shard& s) { return s.bus.connected(); }, std::move(answer));
    });
    api.add_async_ready_check("feeds", [this](gateway::HttpApi::ReadyAnswer answer) {
      ask_shards([](Shard& s) { return s.service.budgets_shared_ok(); },
                 [this](bool ok) { budgets_shared_ok = ok; });
      ask_shards([](Shard& s) { return s.service.feeds_live(); }, std::move(answer));
    });
    ctx.shell.set_api_handler(
        [this](const core::HttpRequest& request, core::HttpResponder responder) {
          api.handle(request, std::move(responder));
        });
    ctx.shell.set_health_fields([this](core::json::ObjectWriter& out) {
      api.health_fields(out);
      out.boolean("exchange_budget_shared", budgets_shared_ok);
    });
    for (auto& s : shards) s->start();
    api.start_ready_checks(
        static_cast<std::int64_t>(config.monitoring.health_check_interval_sec * 1e6));
  }

  /// Runs `probe` on every shard's loop; `done` gets whether all said true, on the main loop.
  void ask_shards(std::function<bool(Shard&)> probe, std::function<void(bool)> done) {
    struct Poll {
      std::size_t left;
      bool ok;
      std::function<void(bool)> done;
    };
    auto poll = std::make_shared<Poll>(Poll{shards.size(), true, std::move(done)});
    for (auto& s : shards) {
      s->clock.post([shard = s.get(), &main = main, probe, poll] {
        const bool ok = probe(*shard);
        main.post([poll, ok] {
          poll->ok = poll->ok && ok;
          if (--poll->left == 0) poll->done(poll->ok);
        });
      });
    }
  }
};

}  // namespace

int main(int argc, char** argv, char** envp) {
  const core::CliSpec spec{"gateway", "Market data in: exchange feeds to ticks on NATS.",
                           "config/gateway.yaml"};
  return net::run_service(spec, argc, argv, envp, &core::load_gateway_config,
                          [](const core::GatewayConfig& config, net::ServiceContext& ctx) {
                            return std::make_shared<Components>(config, ctx, shard_slots(config));
                          });
}
