/// @file sim/workloads/live_orders.h
/// @brief The `live_orders` workload: REAL live_gateway workers (OrderService, PaperEngine and,
/// in live mode, LiveExecutor) in the `live-gateway-workers` queue group, against the REAL mock
/// exchange, driven by orders from the timeline and judged on what reaches the bus, the
/// executors, the Kv and the exchange.
///
/// Hosts: `exchange` (MockExchange on port 8080, the recorded exchangeInfo cut to BTCUSDT,
/// ETHUSDT and SOLUSDT), `market` (feeds
/// the recording's bookTicker and trade frames of BTCUSDT to the exchange and publishes their
/// ticks on `ticks.binance.BTCUSDT`, one frame per stream per `market_interval`), `w1`..`wN`
/// (one worker each, composed as live_gateway/main.cpp does, with service.instance_id = the
/// host name so a restarted worker takes up its open orders; exchange filters from the
/// recorded exchangeInfo; in live mode with mockex's default keys), `client` (publishes the
/// timeline's orders, records every update and fill). The oracle lives in the workload.
///
/// Timeline actions: `submit_order: {id, account, symbol, side, type, qty, price, paper, tif}`
/// (id is the client_order_id; account acct, symbol BTCUSDT, side buy, type limit with a price
/// else market, paper true; values go into the JSON as written, so a bad one tests the intake),
/// `cancel_order: {id, account}`, `approve: {id, account}` (on NATS), `halt: {worker, reason}`
/// and `resume: {worker}` (the admin kill switch, on `worker` or the first one running),
/// `drop_order_response: {count}` (the exchange executes the next order and resets the
/// connection), `exchange_latency: {add: 2s, for: 8s}` (every REST answer late); crash a worker
/// with the world's `crash: w1, restart_after: 2s`.
///
/// Expectations (`expect:`): `{order: o1, status: filled, within: 2s}`,
/// `{order: o2, rejected: MAX_ORDER_SIZE}`, `{order: o3, status: failed, code: TIMEOUT}`.
/// Met when an update with that status (and code) is published; `within` counts from the
/// order's submit_order. Safety, as each message or executor call arrives: no order fills more
/// than its quantity and no fill id repeats; no client_order_id reaches an executor twice, nor
/// any while its worker is halted; a final update contradicting every expectation of its order,
/// or an expectation past its `within`, fails. Read every 100 ms: the Kv exposure total of each
/// (account, symbol) traded stays <= max_position_size_usd, and the exchange never holds more
/// orders than live orders reached an executor. Liveness: every expectation met.
///
/// | param | meaning | default |
/// |---|---|---|
/// | workers | worker hosts | 1 |
/// | mode | paper, or live (LiveExecutor; safety.paper_trading_only false) | paper |
/// | paper_only | safety.paper_trading_only (paper mode only) | true |
/// | max_order_size_usd, max_position_size_usd, price_band_pct | safety.* | 1000, 10000, 5 |
/// | symbols_allowed | comma-separated | BTCUSDT,ETHUSDT,SOLUSDT |
/// | require_manual_approval, kill_switch | safety.* | false |
/// | order_timeout | exchanges.binance.order_timeout_sec | 30s |
/// | request_timeout, retry_delay, max_retries | execution.* | 5s, 1s, 3 |
/// | recording, market_duration, market_interval | market data slice and thinning | BTCUSDT
/// 2024-08-08, 60s, 250ms |
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/config/live_gateway_config.h"
#include "core/decimal.h"
#include "core/types.h"
#include "live_gateway/safety_policy.h"
#include "sim/workload.h"

namespace sim {

/// One recorded frame the market host plays: fed to the exchange, its ticks to the bus.
struct MarketFrame {
  std::int64_t offset_us = 0;
  std::string msg;
  std::vector<core::Tick> ticks;
};

struct LiveOrdersParams {
  int workers = 1;
  bool live = false;
  core::LiveGatewayConfig config;
  live_gateway::SymbolTable symbols;
  std::string exchange_info_json;
  std::vector<MarketFrame> frames;
};

/// kConfig naming the parameter that is wrong and the known ones.
core::Result<LiveOrdersParams> parse_live_orders_params(
    const std::map<std::string, std::string>& params);

/// What the workload saw of one client_order_id.
struct OrderTrack {
  std::int64_t submitted_us = -1;
  std::optional<core::Decimal> qty;  // of the first submit; unset when it was not a number
  std::vector<std::pair<std::int64_t, core::OrderUpdate>> updates;
  core::Decimal filled_qty;
  std::set<std::string> executors;  // hosts whose executor got it
};

/// The oracle: the workers' executors and the client report to it; it outlives every host.
class LiveOrdersOracle {
 public:
  void on_submit(const std::string& id, std::int64_t now_us, std::optional<core::Decimal> qty);
  void on_executor(const std::string& host, const core::Order& order, bool halted);
  void on_update(std::int64_t now_us, const core::OrderUpdate& update);
  void on_fill(const core::Fill& fill);
  void fail(std::string why) {
    if (!violation_) violation_ = std::move(why);
  }
  const std::optional<std::string>& violation() const { return violation_; }
  const std::map<std::string, OrderTrack>& orders() const { return orders_; }
  std::size_t live_orders() const { return live_ids_.size(); }

  /// Expectations by order, checked against each final update as it arrives.
  struct Expected {
    std::string where;
    std::string order;
    core::OrderStatus status = core::OrderStatus::kFilled;
    std::optional<core::RejectCode> code;
    std::optional<std::int64_t> within_us;
    std::optional<std::int64_t> met_us;
    std::string evidence;
  };
  std::vector<Expected>& expected() { return expected_; }
  const std::vector<Expected>& expected() const { return expected_; }

 private:
  std::map<std::string, OrderTrack> orders_;
  std::set<std::string> fill_ids_;
  std::set<std::string> live_ids_;
  std::vector<Expected> expected_;
  std::optional<std::string> violation_;
};

class LiveOrdersWorkload final : public Workload {
 public:
  explicit LiveOrdersWorkload(LiveOrdersParams params);
  void setup(SimWorld& world) override;
  std::optional<std::string> safety_violation() const override { return oracle_.violation(); }
  bool converged() const override;
  std::string progress() const override;
  core::Result<std::function<void()>> action(const TimelineEntry& entry) override;
  core::Status expect(const Expectation& expectation) override;
  std::vector<std::string> report() const override;

 private:
  void poll();
  std::string last_status(const std::string& order) const;
  core::Result<std::function<void()>> submit_action(const TimelineEntry& e);
  core::Result<std::function<void()>> control_action(const TimelineEntry& e);
  void publish(const std::string& subject, const std::string& body);
  void set_exchange_latency(std::int64_t ms);

  LiveOrdersParams params_;
  LiveOrdersOracle oracle_;
  SimWorld* world_ = nullptr;
  std::map<std::string, std::int64_t> planned_;  // submit_order times by id
  std::int64_t cap_micro_usd_ = 0;
  std::size_t market_fed_ = 0;  // frames played so far (survives a market crash)
};

}  // namespace sim
