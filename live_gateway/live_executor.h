/// @file live_gateway/live_executor.h
/// @brief LiveExecutor: the Executor that trades on Binance Spot over signed REST, and never
/// submits an order twice.
///
/// Requests go to `exchanges.binance.api_url` through a core::HttpClient, signed with
/// HMAC-SHA256 (core/sign.h) over `...&recvWindow=5000&timestamp=<server ms>` with the
/// X-MBX-APIKEY header; the server clock offset comes from GET /api/v3/time at start().
/// Orders: POST /api/v3/order with newClientOrderId = the order's client_order_id and
/// newOrderRespType=FULL (fills become core::Fill with paper=false, fill_id = tradeId); cancel
/// is DELETE /api/v3/order; working orders are polled with GET /api/v3/order every
/// `poll_interval_us`, and fills found that way are reported as one Fill per poll at the
/// average price of the new quantity (fee unknown: 0, fee_asset empty, fill_id
/// `<orderId>-p<n>`).
///
/// Failures (binance_rest.h classifies them):
/// - never sent (connect failed): sent again after retry_delay * 2^n, at most max_retries
///   times, then `failed` kExchangeError;
/// - refused (4xx): `rejected` with binance::reject_code, never retried; 429/418 also hold
///   every request until Retry-After has passed;
/// - unknown (timeout, in-doubt transport error, 5xx, -1007): the order is looked up by
///   origClientOrderId before anything else is sent. Found: it goes on from the state found.
///   -2013 (absence proven): sent again, counted against max_retries. Lookup failed: looked up
///   again after the retry delay. An order still unknown `order_timeout_sec` after its outcome
///   first became unknown is reported `failed` kTimeout with the first cause and the last
///   lookup's result in the reason (checked between lookups, so a lookup whose connects are
///   still being retried may carry it past the bound by up to its own retries).
///
/// Rate limits (PROTOCOLS.md section 1) are kept BEFORE a request goes out, by three
/// core::RateBudget (metrics `live_*` with limits weight_1m, orders_10s, orders_1d): every
/// request takes its weight (GET /api/v3/order 4, others 1) from `weight_per_min`, and a new
/// order also takes one from `orders_per_10s` and `orders_per_day`; each is held at 90 % of the
/// exchange's limit and also under what X-MBX-USED-WEIGHT-1M / X-MBX-ORDER-COUNT-10S / -1D
/// report. A request that does not fit waits (FIFO), so orders are delayed, not rejected.
///
/// Metrics: live_exchange_requests_total{endpoint,code} (code is the HTTP status or the
/// transport error: unavailable, timeout, in_doubt...), live_in_doubt_total. Keys are
/// core::Secret and appear in no log, metric or reason. Runs on `clock`'s loop thread; borrows
/// clock, http and metrics, which must outlive it; destroying it cancels its timers, and
/// replies still in flight are ignored.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/config/live_gateway_config.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/ports/clock.h"
#include "core/ports/http.h"
#include "core/rate_budget.h"
#include "core/secrets/secrets.h"
#include "live_gateway/binance_rest.h"
#include "live_gateway/executor.h"

namespace live_gateway {

struct LiveExecutorOptions {
  std::string api_url = "https://api.binance.com";
  std::int64_t request_timeout_us = 30'000'000;  // execution.timeout_sec
  int max_retries = 3;                           // execution.max_retries
  std::int64_t retry_delay_us = 1'000'000;       // execution.retry_delay_sec
  std::int64_t order_timeout_us = 30'000'000;    // exchanges.binance.order_timeout_sec
  std::int64_t poll_interval_us = 2'000'000;
  int recv_window_ms = 5000;
  std::int64_t weight_per_min = 6000;  // the exchange's limits
  std::int64_t orders_per_10s = 100;
  std::int64_t orders_per_day = 200'000;

  static LiveExecutorOptions from_config(const core::LiveGatewayConfig& config);
};

class LiveExecutor final : public Executor {
 public:
  /// `keys` must be complete (KeyCheck decides whether live trading may start).
  LiveExecutor(core::Clock& clock, core::HttpClient& http, core::metrics::Registry& metrics,
               LiveExecutorOptions options, core::ExchangeKeys keys, ExecutionEvents events);
  ~LiveExecutor() override;
  LiveExecutor(const LiveExecutor&) = delete;
  LiveExecutor& operator=(const LiveExecutor&) = delete;

  /// Learns the server clock offset (GET /api/v3/time); orders sent before it is known use 0.
  void start();
  void submit(const core::Order& order) override;
  void cancel(const std::string& account, const std::string& client_order_id) override;
  void on_tick(const core::Tick&) override {}
  std::size_t working_orders() const override { return orders_.size(); }

  /// Server time minus our wall time, in ms, as last measured.
  std::int64_t clock_offset_ms() const { return clock_offset_ms_; }

 private:
  struct Working;
  using Done = std::function<void(binance::Reply)>;

  void send(std::string method, std::string path, std::string params, int attempt, Done done);
  /// Takes the request's weight, and for a new order its place in both order counts.
  void acquire(const std::string& method, const std::string& path,
               std::function<void(core::Status)> granted);
  void dispatch(std::string method, std::string path, std::string params, int attempt, Done done);
  void send_order(const std::string& id);
  void on_order_reply(const std::string& id, binance::Reply reply);
  void look_up(const std::string& id);
  void on_lookup_reply(const std::string& id, binance::Reply reply);
  void send_cancel(const std::string& id);
  void poll();
  void schedule_poll();
  void mark_unknown(Working& w, const std::string& evidence);
  void apply_row(Working& w, const binance::OrderRow& row);
  /// A rejected update for an order or cancel this executor will not handle.
  void refuse(const std::string& account, const std::string& symbol, const std::string& id,
              core::RejectCode code, std::string reason);
  void report(Working& w, core::OrderStatus status, std::optional<core::RejectCode> code,
              std::string reason);
  /// Reports the final update and forgets the order (`Working` references die here).
  void finish(const std::string& id, core::OrderStatus status, std::optional<core::RejectCode> code,
              std::string reason);
  std::int64_t backoff_us(int attempt) const;
  Working* find(const std::string& id);

  core::Clock& clock_;
  core::HttpClient& http_;
  core::metrics::Registry& metrics_;
  LiveExecutorOptions options_;
  core::ExchangeKeys keys_;
  ExecutionEvents events_;
  core::log::Logger log_;
  core::metrics::Counter& in_doubt_total_;
  core::Result<core::Url> origin_;
  std::map<std::string, std::unique_ptr<Working>> orders_;  // by client_order_id
  std::int64_t clock_offset_ms_ = 0;
  core::RateBudget weight_;
  core::RateBudget orders_10s_;
  core::RateBudget orders_1d_;
  std::optional<core::TimerId> poll_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace live_gateway
