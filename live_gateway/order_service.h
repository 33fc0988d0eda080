/// @file live_gateway/order_service.h
/// @brief OrderService: one worker's order path. Bus intake -> OrderIntake -> SafetyPolicy ->
/// ClientOrderIds (duplicates) -> Exposure (position cap) -> manual approval -> Executor, and
/// the executor's updates and fills back out to the bus.
///
/// Subjects (DESIGN.md section 3; `{p}` = nats.publish_subject_prefix):
/// | subject | how | what |
/// |---|---|---|
/// | nats.subscribe_subject (`orders.*.new`) | queue group | new orders |
/// | `{p}.*.cancel`, `{p}.*.approve` | every worker (1) | cancel, approve |
/// | paper.ticks_subject (`ticks.>`) | every worker | last prices, Executor::on_tick |
/// | `{p}.{account}.{status}` | publish | every OrderUpdate (rejected: code, reason) |
/// | `{fill_subject_prefix}.{account}` | publish | every Fill |
///
/// (1) No queue group: an open order lives in one worker's executor, so a queue group would
/// hand its cancel to the wrong worker half the time. The worker that holds the order acts,
/// the others ignore the message (and so does everyone for an order nobody holds).
///
/// Metrics: live_orders_in_total, live_rejects_total{code} (ours and the executor's),
/// live_fills_total, live_order_latency_us (message in to executor submit, pending_approval
/// or rejection). Runs on the clock's loop thread; borrows clock, bus, kv and metrics, which
/// must outlive it. Kv answers after destruction are dropped.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/live_gateway_config.h"
#include "core/metrics.h"
#include "core/ports/bus.h"
#include "core/ports/clock.h"
#include "core/ports/kv.h"
#include "live_gateway/client_order_ids.h"
#include "live_gateway/executor.h"
#include "live_gateway/exposure.h"
#include "live_gateway/order_intake.h"
#include "live_gateway/safety_policy.h"

namespace live_gateway {

struct OrderServiceOptions {
  std::string subscribe_subject = "orders.*.new";
  std::string publish_subject_prefix = "orders";
  std::string fill_subject_prefix = "fills";
  std::string queue_group = "live-gateway-workers";
  std::string ticks_subject = "ticks.>";
  std::string default_symbol = "BTCUSDT";
  /// Unique per worker incarnation, 1..24 of [A-Za-z0-9._:/-]: generated client_order_ids
  /// and Kv claims carry it.
  std::string worker_id = "lg";

  /// The nats.* keys, paper.ticks_subject and the first enabled exchange's default_symbol.
  static OrderServiceOptions from_config(const core::LiveGatewayConfig& config,
                                         std::string worker_id);
};

/// An order this worker holds: waiting for approval or working in an executor.
struct OpenOrder {
  core::Order order;
  core::OrderStatus status = core::OrderStatus::kPendingApproval;
  core::Decimal notional_usd;  // reserved in Exposure
  core::Decimal filled_qty;
  core::Decimal filled_usd;
};

/// Net quantity (buys minus sells) and traded notional per (account, symbol), from this
/// worker's fills.
struct Position {
  std::string account;
  std::string symbol;
  core::Decimal net_qty;
  core::Decimal bought_usd;
  core::Decimal sold_usd;
};

class OrderService {
 public:
  OrderService(core::Clock& clock, core::Bus& bus, core::Kv& kv, core::metrics::Registry& metrics,
               SafetyPolicy policy, OrderServiceOptions options);
  ~OrderService();
  OrderService(const OrderService&) = delete;
  OrderService& operator=(const OrderService&) = delete;

  /// The callbacks to build the executors with (they may run inside submit/cancel/on_tick).
  ExecutionEvents execution_events();
  /// Subscribes and starts taking orders. `live` is null when live trading is off; orders with
  /// paper_trading true go to `paper`. Both must outlive the service. kInvalidArgument for a
  /// subscribe_subject that is not `{prefix}.*.{action}`; bus errors unchanged.
  core::Status start(Executor& paper, Executor* live);
  /// Unsubscribes; open orders stay with their executors.
  void stop();

  /// Approves a pending order by client_order_id (any account): kUnknownOrder when this worker
  /// holds no such pending order.
  std::optional<Rejection> approve(std::string_view client_order_id);
  /// Kill switch: new orders are rejected with kKillSwitch, open ones are cancelled.
  void halt();
  void resume();
  bool halted() const { return policy_.halted(); }

  /// Started and the bus is connected.
  bool ready() const;
  std::vector<OpenOrder> open_orders() const;
  std::vector<Position> positions() const;
  std::optional<core::Decimal> last_price(std::string_view symbol) const;

 private:
  struct Pending;  // an order between intake and admission (Kv round trips)

  void on_order_message(const core::BusMessage& msg);
  void on_new(const std::string& account, const std::string& body);
  void on_cancel(const std::string& account, const std::string& client_order_id);
  void on_tick(const core::BusMessage& msg);
  void claim(std::shared_ptr<Pending> p);
  void reserve(std::shared_ptr<Pending> p);
  void admit(std::shared_ptr<Pending> p);
  void submit(OpenOrder& open);
  void cancel_open(const std::string& key);
  void finish_locally(const std::string& key, core::OrderStatus status);
  void on_update(const core::OrderUpdate& update);
  void on_fill(const core::Fill& fill);
  void reject(const core::Order& order, const Rejection& rejection, std::int64_t t0_us);
  void publish_update(const core::OrderUpdate& update);
  core::OrderUpdate update_for(const core::Order& order, core::OrderStatus status) const;
  Executor& executor_for(const core::Order& order);
  void count_reject(core::RejectCode code);
  template <typename F>
  auto guarded(F f);

  core::Clock& clock_;
  core::Bus& bus_;
  OrderServiceOptions options_;
  SafetyPolicy policy_;
  OrderIntake intake_;
  ClientOrderIds ids_;
  Exposure exposure_;
  std::string prefix_;
  Executor* paper_ = nullptr;
  Executor* live_ = nullptr;
  std::vector<core::SubscriptionId> subscriptions_;
  std::map<std::string, OpenOrder> open_;  // by "{account}/{client_order_id}"
  std::map<std::string, Position> positions_;
  std::map<std::string, core::Decimal, std::less<>> last_;
  std::string scratch_;
  core::metrics::Counter& orders_in_;
  core::metrics::Counter& fills_;
  core::metrics::Histogram& latency_us_;
  std::array<core::metrics::Counter*, 17> rejects_{};
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace live_gateway
