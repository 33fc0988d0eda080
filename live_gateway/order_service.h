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
/// | `{publish_subject_prefix}.control` | every worker | kill switch, forwarded approvals (2) |
/// | paper.ticks_subject (`ticks.>`) | every worker | last prices, Executor::on_tick |
/// | `{p}.{account}.{status}` | publish | every OrderUpdate (rejected: code, reason) |
/// | `{fill_subject_prefix}.{account}` | publish | every Fill |
///
/// (1) No queue group: an open order lives in one worker's executor, so a queue group would
/// hand its cancel to the wrong worker half the time. The worker that holds the order acts,
/// the others ignore the message (and so does everyone for an order nobody holds).
/// (2) live_gateway/control.h. The kill switch is shared: halt() and resume() store it in the
/// Kv (`t26:live:halt`) and broadcast it, so every worker follows; a worker reads the Kv flag
/// before it subscribes to the intake (and again every `halt_refresh_us`, adopting a halt it
/// missed), so a halt survives restarts. approve() of an order another worker holds is
/// forwarded to it and answered when it replies (or UNKNOWN_ORDER after `approve_wait_us`).
///
/// With a non-empty `instance` the worker's open orders are kept in the Kv (open_order_store.h)
/// and its next incarnation with the same instance takes them up at start: pending approvals
/// are held again; paper orders died with the process, so their reservations are settled (the
/// filled part stays as position) and they are reported `expired`; live orders may still work
/// on the exchange, so their reservations are kept and they are logged for the operator. The
/// record is rewritten on every status change; a fill whose record write had not reached the Kv
/// when the process died is not kept as position (its order's reservation is released).
///
/// Metrics: live_orders_in_total, live_rejects_total{code} (ours and the executor's),
/// live_fills_total, live_order_latency_us (message in to executor submit, pending_approval
/// or rejection). Runs on the clock's loop thread; borrows clock, bus, kv and metrics, which
/// must outlive it. Kv answers after destruction are dropped.
#pragma once

#include <array>
#include <functional>
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
#include "live_gateway/open_order_store.h"
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
  /// The same for every incarnation of one worker, unique among the workers (service.instance_id);
  /// empty: nothing of this worker's open orders outlives it.
  std::string instance;
  std::int64_t approve_wait_us = 2'000'000;
  std::int64_t halt_refresh_us = 5'000'000;
  std::int64_t kv_retry_us = 1'000'000;

  /// The nats.* keys, paper.ticks_subject and the first enabled exchange's default_symbol.
  static OrderServiceOptions from_config(const core::LiveGatewayConfig& config,
                                         std::string worker_id);
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
  /// Subscribes to the control subject and the ticks, reads the kill switch and this
  /// instance's open orders from the Kv (retried every kv_retry_us while it fails), then
  /// subscribes to the intake: ready() from then on. `live` is null when live trading is off;
  /// orders with paper_trading true go to `paper`. Both must outlive the service.
  /// kInvalidArgument for a subscribe_subject that is not `{prefix}.*.{action}`; bus errors
  /// unchanged.
  core::Status start(Executor& paper, Executor* live);
  /// Unsubscribes; open orders stay with their executors.
  void stop();

  /// Approves a pending order by client_order_id (any account), held here or by another
  /// worker. `done` gets nullopt once the holder submitted it, kUnknownOrder when no worker
  /// answered within approve_wait_us. Runs on the loop, possibly inside this call.
  void approve(std::string_view client_order_id,
               std::function<void(std::optional<Rejection>)> done);
  /// Kill switch for every worker: new orders are rejected with kKillSwitch, open ones are
  /// cancelled. `by` says who (logged, stored with the flag).
  void halt(std::string_view reason = "halt requested", std::string_view by = "");
  void resume(std::string_view by = "");
  bool halted() const { return policy_.halted(); }

  /// Taking orders (the Kv state is read, the intake subscribed) and the bus is connected.
  bool ready() const;
  std::vector<OpenOrder> open_orders() const;
  std::vector<Position> positions() const;
  std::optional<core::Decimal> last_price(std::string_view symbol) const;

 private:
  struct Pending;  // an order between intake and admission (Kv round trips)

  void load_state();
  void restore(std::vector<OpenOrder> orders);
  void start_intake();
  void refresh_halt();
  void adopt_halt(const std::string& record);
  void on_control(const core::BusMessage& msg);
  void on_approved(const core::BusMessage& msg);
  bool approve_here(std::string_view client_order_id);
  void apply_halt(bool on, std::string_view reason, std::string_view by);
  void store(const OpenOrder& open);
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

  struct Forwarded {  // an approve() waiting for another worker's answer
    std::function<void(std::optional<Rejection>)> done;
    core::TimerId timer = 0;
  };

  core::Clock& clock_;
  core::Bus& bus_;
  core::Kv& kv_;
  OrderServiceOptions options_;
  SafetyPolicy policy_;
  OrderIntake intake_;
  ClientOrderIds ids_;
  Exposure exposure_;
  std::optional<OpenOrderStore> store_;  // with an instance
  std::string prefix_;
  std::string control_subject_;
  std::string halt_key_ = "t26:live:halt";
  std::string inbox_;
  std::uint64_t control_seq_ = 0;  // control messages seen: a Kv read older than one is stale
  std::uint64_t next_forward_ = 0;
  std::map<std::string, Forwarded> forwarded_;  // by reply subject
  bool intake_on_ = false;
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
