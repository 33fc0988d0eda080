#include "sim/workloads/live_orders_hosts.h"

#include <stdexcept>

#include "core/codec/bus_json.h"
#include "core/config/connections.h"
#include "core/subject.h"
#include "gateway/tick_publisher.h"

namespace sim::live_orders {
namespace {

template <typename T>
T must(core::Result<T> r, const char* what) {
  if (!r) throw std::logic_error(fmt::format("live_orders: {}: {}", what, r.status().message));
  return std::move(*r);
}

}  // namespace

core::BusOptions order_bus_options(const std::string& host, bool send_asap) {
  core::BusOptions o;
  o.name = host;
  o.jetstream = false;
  o.send_asap = send_asap;  // as live_gateway/main.cpp: an order's answer is one message
  return o;
}

live_gateway::OrderServiceOptions worker_service_options(const HostEnv& env,
                                                         const core::LiveGatewayConfig& config,
                                                         bool stable_instance) {
  auto o = live_gateway::OrderServiceOptions::from_config(
      config, env.name + "." + std::to_string(env.incarnation));
  if (stable_instance) o.instance = env.name;
  return o;
}

ExchangeHost::ExchangeHost(HostEnv& env, const LiveOrdersParams& params)
    : server_(env.make_http_server()) {
  mockex::MockexConfig config;
  config.exchange_info_json = params.exchange_info_json;
  exchange_ = must(mockex::MockExchange::create(env.clock, *server_, std::move(config)), "mockex");
  (void)must(server_->listen("0.0.0.0", kExchangePort), "listen");
}

MarketHost::MarketHost(HostEnv& env, const std::vector<MarketFrame>& frames, std::size_t& fed,
                       std::function<void(const MarketFrame&)> to_exchange)
    : env_(env),
      frames_(frames),
      fed_(fed),
      to_exchange_(std::move(to_exchange)),
      bus_(env.make_bus(order_bus_options(env.name))) {
  play();
}

MarketHost::~MarketHost() {
  env_.clock.cancel(timer_);
}

void MarketHost::play() {
  const std::int64_t now = env_.world.clock().now_us();
  for (; fed_ < frames_.size() && frames_[fed_].offset_us <= now; ++fed_) {
    const MarketFrame& f = frames_[fed_];
    to_exchange_(f);
    for (const core::Tick& t : f.ticks) {
      scratch_.clear();
      core::codec::encode(t, scratch_);
      // At most once, as the gateway's core NATS publish: a tick lost while the bus is down
      // only delays the next price.
      (void)bus_->publish(gateway::TickPublisher::subject("ticks", t), scratch_, {}, "");
    }
  }
  if (fed_ < frames_.size())
    timer_ = env_.clock.call_after(frames_[fed_].offset_us - now, [this] { play(); });
}

void GuardedExecutor::submit(const core::Order& order) {
  world_.event(host_, "executor_submit")
      .str("id", order.client_order_id.value_or(""))
      .boolean("paper", order.paper_trading);
  oracle_.on_executor(host_, order, halted_());
  inner_.submit(order);
}

WorkerHost::WorkerHost(HostEnv& env, const LiveOrdersParams& params, LiveOrdersOracle& oracle)
    : bus_(env.make_bus(order_bus_options(env.name))),
      kv_(env.make_kv()),
      http_(env.make_http_client()),
      service_(
          env.clock, *bus_, *kv_, metrics_,
          must(live_gateway::SafetyPolicy::make(params.config.safety, params.symbols), "safety"),
          worker_service_options(env, params.config)),
      paper_(must(live_gateway::PaperOptions::from_config(params.config), "paper"), env.clock,
             service_.execution_events()),
      guarded_paper_(paper_, env, oracle, [this] { return service_.halted(); }) {
  if (params.live) {
    core::ExchangeKeys keys{core::Secret(std::string(mockex::kDefaultApiKey)),
                            core::Secret(std::string(mockex::kDefaultApiSecret))};
    live_ = std::make_unique<live_gateway::LiveExecutor>(
        env.clock, *http_, metrics_, live_gateway::LiveExecutorOptions::from_config(params.config),
        std::move(keys), service_.execution_events());
    live_->start();
    guarded_live_.emplace(*live_, env, oracle, [this] { return service_.halted(); });
  }
  if (core::Status s = service_.start(guarded_paper_, live_ ? &*guarded_live_ : nullptr); !s)
    throw std::logic_error("live_orders: order service: " + s.message);
}

ClientHost::ClientHost(HostEnv& env, LiveOrdersOracle& oracle)
    : env_(env), oracle_(oracle), bus_(env.make_bus(order_bus_options(env.name))) {
  for (const char* subject : {"orders.>", "fills.>"}) {
    (void)must(bus_->subscribe(subject, "", [this](const core::BusMessage& m) { on_message(m); }),
               "subscribe");
  }
}

void ClientHost::on_message(const core::BusMessage& msg) {
  if (msg.subject.rfind("fills.", 0) == 0) {
    if (auto fill = core::codec::decode_fill(msg.data)) oracle_.on_fill(*fill);
    return;
  }
  // orders.{account}.{status}; the intake's own new/cancel/approve and control are not updates.
  const auto dot = msg.subject.rfind('.');
  if (!core::parse_order_status(std::string_view(msg.subject).substr(dot + 1))) return;
  if (auto update = core::codec::decode_order_update(msg.data)) {
    env_.world.event(env_.name, "update")
        .str("id", update->client_order_id)
        .str("status", core::order_status_name(update->status));
    oracle_.on_update(env_.world.clock().now_us(), *update);
  }
}

}  // namespace sim::live_orders
