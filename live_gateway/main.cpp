// live_gateway: orders out. Order intake from NATS -> safety -> paper or live execution.
#include <unistd.h>

#include <fmt/format.h>

#include <memory>
#include <optional>

#include "core/config/connections.h"
#include "core/config/live_gateway_config.h"
#include "live_gateway/admin_http.h"
#include "live_gateway/key_check.h"
#include "live_gateway/live_executor.h"
#include "live_gateway/order_service.h"
#include "live_gateway/paper_engine.h"
#include "live_gateway/safety_policy.h"
#include "net/beast_http_client.h"
#include "net/hiredis_kv.h"
#include "net/nats_bus.h"
#include "net/service_main.h"

namespace {

constexpr std::int64_t kRetryUs = 2'000'000;
constexpr std::int64_t kExchangeInfoTimeoutUs = 10'000'000;

core::BusOptions bus_options(const core::LiveGatewayConfig& c) {
  core::BusOptions o = core::bus_options_of(c);
  o.send_asap = true;  // an order's answer is one message: batching would hold it ~1 ms
  return o;
}

/// Unique per incarnation (generated client_order_ids and duplicate claims carry it): the pid
/// and the start second, within the 24 characters OrderService allows.
std::string worker_id(const net::AsioClock& clock) {
  return fmt::format("lg{}-{}", getpid(), clock.wall_us() / 1'000'000 % 100'000'000);
}

/// The service's parts in construction order (destroyed in reverse). The order path starts
/// once the exchange filters are known (execution.validate_orders: from the exchange's
/// exchangeInfo, retried until it answers), so no order is checked against missing filters.
struct Components {
  const core::LiveGatewayConfig& config;
  net::ServiceContext& ctx;
  core::log::Logger log{"live_gateway"};
  net::NatsBus bus;
  net::HiredisKv kv;
  net::BeastHttpClient http;
  live_gateway::KeyCheck key_check;
  std::unique_ptr<live_gateway::OrderService> orders;
  std::unique_ptr<live_gateway::PaperEngine> paper;
  std::unique_ptr<live_gateway::LiveExecutor> live;

  Components(const core::LiveGatewayConfig& c, net::ServiceContext& context)
      : config(c),
        ctx(context),
        bus(ctx.clock, bus_options(config)),
        kv(ctx.clock, core::kv_options_of(config)),
        http(ctx.clock),
        key_check(ctx.clock, http, ctx.shell.metrics(), ctx.shell.trace(), config, ctx.secrets) {
    ctx.shell.set_api_handler([this](const core::HttpRequest&, core::HttpResponder responder) {
      core::HttpResponse r;
      r.status = 503;
      r.headers = {{"Content-Type", "application/json"}};
      r.body = R"({"error":"starting: exchange filters not loaded yet"})";
      responder.respond(std::move(r));
    });
    if (config.execution.validate_orders) {
      load_exchange_info();
    } else {
      key_check.start();
      start_orders({});
    }
  }

  void load_exchange_info() {
    auto origin = core::parse_url(config.exchanges.binance.api_url);
    core::HttpRequest req{"GET", "/api/v3/exchangeInfo", {}, {}};
    http.request(
        *origin, std::move(req), kExchangeInfoTimeoutUs,
        [this](core::Result<core::HttpResponse> r) {
          if (r && r->status == 200) {
            auto table = live_gateway::symbol_table_from_exchange_info(r->body);
            // The key check waits for the exchange to answer: a check sent while it is still
            // starting would fail as unreachable and pin the service to paper.
            if (table) {
              key_check.start();
              return start_orders(std::move(*table));
            }
            log.warn("exchangeInfo unreadable, retrying", {{"error", table.status().message}});
          } else {
            log.warn("exchangeInfo not loaded, retrying",
                     {{"error", r ? fmt::format("HTTP {}", r->status) : r.status().message}});
          }
          ctx.clock.call_after(kRetryUs, [this] { load_exchange_info(); });
        });
  }

  /// What the config asks for; live runs only if the key check also passed.
  bool live_requested() const {
    return config.service.mode == "live" && !config.safety.paper_trading_only &&
           config.exchanges.binance.enabled && config.exchanges.binance.mode == "live";
  }

  std::string paper_reason() const {
    if (config.safety.paper_trading_only) return "safety.paper_trading_only is true";
    if (config.service.mode != "live") return "service.mode is paper";
    if (!config.exchanges.binance.enabled || config.exchanges.binance.mode != "live")
      return "exchanges.binance.mode is not live";
    if (!ctx.secrets.binance.complete()) return "the Binance keys are not set";
    return "the Binance key check did not pass";
  }

  void start_orders(live_gateway::SymbolTable table) {
    if (live_requested() && key_check.outcome() == live_gateway::KeyCheck::Outcome::kPending) {
      // Live or paper is decided once, after the keys have been tried.
      ctx.clock.call_after(
          200'000, [this, table = std::move(table)]() mutable { start_orders(std::move(table)); });
      return;
    }
    auto policy = live_gateway::SafetyPolicy::make(config.safety, std::move(table));
    auto paper_options = live_gateway::PaperOptions::from_config(config);
    if (!policy || !paper_options) {
      log.error("cannot start the order path",
                {{"error", !policy ? policy.status().message : paper_options.status().message}});
      return;
    }
    orders = std::make_unique<live_gateway::OrderService>(
        ctx.clock, bus, kv, ctx.shell.metrics(), std::move(*policy),
        live_gateway::OrderServiceOptions::from_config(config, worker_id(ctx.clock)));
    paper = std::make_unique<live_gateway::PaperEngine>(*paper_options, ctx.clock,
                                                        orders->execution_events());
    if (live_requested() && key_check.live_trading_allowed()) {
      live = std::make_unique<live_gateway::LiveExecutor>(
          ctx.clock, http, ctx.shell.metrics(),
          live_gateway::LiveExecutorOptions::from_config(config), ctx.secrets.binance,
          orders->execution_events());
      live->start();
      log.warn("execution mode", {{"mode", "live"}, {"exchange", "binance"}});
    } else {
      log.info("execution mode", {{"mode", "paper"}, {"why", paper_reason()}});
    }
    if (core::Status s = orders->start(*paper, live.get()); !s) {
      log.error("order path failed to start", {{"error", s.message}});
      return;
    }
    ctx.shell.set_api_handler(live_gateway::make_admin_handler(*orders, ctx.secrets.admin_token));
    ctx.shell.set_health_fields([this](core::json::ObjectWriter& out) {
      out.str("mode", live ? "live" : "paper").boolean("halted", orders->halted());
    });
  }
};

}  // namespace

int main(int argc, char** argv, char** envp) {
  const core::CliSpec spec{"live_gateway",
                           "Orders out: NATS order intake, safety checks, paper or live execution.",
                           "config/live_gateway.yaml"};
  return net::run_service(spec, argc, argv, envp, &core::load_live_gateway_config,
                          [](const core::LiveGatewayConfig& config, net::ServiceContext& ctx) {
                            return std::make_shared<Components>(config, ctx);
                          });
}
