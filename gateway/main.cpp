// gateway: market data in. Exchange feeds -> ticks on NATS (DESIGN.md section 4).
#include <memory>
#include <random>

#include "core/config/connections.h"
#include "core/config/gateway_config.h"
#include "gateway/gateway_service.h"
#include "gateway/http_api.h"
#include "net/beast_http_client.h"
#include "net/beast_ws_client.h"
#include "net/hiredis_kv.h"
#include "net/nats_bus.h"
#include "net/service_main.h"

namespace {

bool uses_valkey(const core::GatewayConfig& c) {
  return c.valkey.rate_limit_enabled || c.rate_limiting.use_valkey_cache;
}

/// Ticks go out as they come: nats.c's flusher would hold each about 1 ms (DESIGN.md section 7
/// wants fetch to publish p99 < 1 ms), and a tick burst is a burst of websocket frames, one
/// loop turn each, so there is nothing to batch within a turn anyway.
core::BusOptions gateway_bus_options(const core::GatewayConfig& c) {
  core::BusOptions o = core::bus_options_of(c);
  o.send_asap = true;
  return o;
}

/// The service's parts in construction order (destroyed in reverse).
struct Components {
  net::NatsBus bus;
  std::unique_ptr<net::HiredisKv> kv;
  net::BeastHttpClient http;
  gateway::TickerCache cache;
  gateway::GatewayService service;
  gateway::HttpApi api;

  Components(const core::GatewayConfig& config, net::ServiceContext& ctx)
      : bus(ctx.clock, gateway_bus_options(config)),
        kv(uses_valkey(config)
               ? std::make_unique<net::HiredisKv>(ctx.clock, core::kv_options_of(config))
               : nullptr),
        http(ctx.clock),
        service(
            gateway::GatewayPorts{
                .clock = ctx.clock,
                .bus = bus,
                .kv = kv.get(),
                .http = http,
                .make_ws = [&ctx] { return std::make_unique<net::BeastWsClient>(ctx.clock); },
                .metrics = ctx.shell.metrics(),
                .rng = core::Rng(std::random_device{}())},
            config, cache),
        api(ctx.clock, cache, config.rate_limiting.use_valkey_cache ? kv.get() : nullptr,
            ctx.shell.metrics(), gateway::limiter_options(config)) {
    api.add_ready_check("nats", [this] { return bus.connected(); });
    api.add_ready_check("feeds", [this] { return service.feeds_live(); });
    api.start_ready_checks(
        static_cast<std::int64_t>(config.monitoring.health_check_interval_sec * 1e6));
    ctx.shell.set_api_handler(
        [this](const core::HttpRequest& request, core::HttpResponder responder) {
          api.handle(request, std::move(responder));
        });
    ctx.shell.set_health_fields([this](core::json::ObjectWriter& out) {
      api.health_fields(out);
      out.boolean("exchange_budget_shared", service.budgets_shared_ok());
    });
    service.start();
  }
};

}  // namespace

int main(int argc, char** argv, char** envp) {
  const core::CliSpec spec{"gateway", "Market data in: exchange feeds to ticks on NATS.",
                           "config/gateway.yaml"};
  return net::run_service(spec, argc, argv, envp, &core::load_gateway_config,
                          [](const core::GatewayConfig& config, net::ServiceContext& ctx) {
                            return std::make_shared<Components>(config, ctx);
                          });
}
