/// @file core/rate_budget.h
/// @brief RateBudget: one outbound REST limit of ONE exchange (a weight per minute, or a count
/// of new orders per 10 s or per day), held BEFORE a request would cross it, so a client stays
/// under its own limit, under what the exchange's headers report, and never provokes a 418.
/// The market-data gateway keeps one per exchange (weight); live_gateway's LiveExecutor keeps
/// three for Binance (weight per minute, orders per 10 s, orders per day).
///
/// Every REST call asks `acquire(weight, granted)` first and hands each response to
/// `observe()`. The limit per window (`window_ms`, a minute by default) is `limit_per_window`,
/// lowered to `exchange_limit_per_window * (1 - headroom_ratio)` when the exchange's own limit
/// is known. Usage is counted on a sliding window (the current wall-clock window plus the
/// overlapping part of the previous one, the arithmetic of core::kRateLimitScript), which is
/// never below the exchange's fixed window count. Besides, the count the exchange reports in
/// the `used_header` (`X-MBX-USED-WEIGHT-1M`, `X-MBX-ORDER-COUNT-10S`, ...) plus what we granted
/// since must fit under the exchange limit in the same window, which catches other clients on
/// our IP (or account). A 429 or 418 stops every grant for its
/// Retry-After (seconds; `stop_us_default` when absent); a 418 is also logged as an error.
/// Requests already in flight when a 429 arrives cannot be recalled.
///
/// Waiters are served FIFO: a request that does not fit waits (a Clock timer) and blocks the
/// ones behind it; with `queue_max` waiting, acquire refuses with kResourceExhausted.
///
/// Shared mode (`kv` given, i.e. `valkey.rate_limit_enabled`): the window lives in Valkey under
/// `t26:ratelimit:exchange:<name>[:<limit_name>]` and every instance draws from it through
/// core::kRateLimitScript, timed by `clock.wall_us()` (the same across hosts). One script call
/// is in flight at a time, for the head of the queue. When Valkey fails, grants fall back to the
/// local window (which counts every grant either way; each instance then spends up to the
/// whole limit, and the weight header still catches instances on one IP), `shared_ok()` turns
/// false, `<prefix>_rate_budget_fallback_total` counts every grant made so, and Valkey is tried
/// again after `shared_retry_us`. A 429 or 418 is shared too: its stop-until (wall ms) goes
/// into the same Valkey hash (core::kRateLimitStopScript keeps the later deadline), and the
/// script refuses every instance's grant until then, since the exchange counts per IP and a
/// second instance that keeps sending after the first one's 429 gets the IP banned (418).
/// Only requests granted before the stop reached Valkey still go out.
///
/// | option | config key | default |
/// |---|---|---|
/// | exchange | exchanges.<name> | "" (required) |
/// | limit_per_window | gateway: exchanges.<name>.rate_limit_per_min | 1200 |
/// | exchange_limit_per_window | (known per exchange: Binance 6000 weight, then what its
/// exchangeInfo `rateLimits` say, via set_exchange_limit(); 0 = unknown) | 0 |
/// | headroom_ratio | | 0.1 |
/// | window_ms | | 60000 |
/// | used_header | | X-MBX-USED-WEIGHT-1M |
/// | metric_prefix | "gateway", "live" | "" (required) |
/// | limit_name | label `limit` on the metrics when several budgets share an exchange | "" |
/// | queue_max | | 1000 |
/// | stop_us_default | | 60 s |
/// | shared_retry_us | | 5 s |
///
/// Metrics (label exchange, and limit when limit_name is set), named after metric_prefix:
/// <prefix>_exchange_weight_used (gauge, from the header), <prefix>_exchange_429_total,
/// <prefix>_exchange_418_total, <prefix>_rest_budget_wait_total (requests that had to wait),
/// <prefix>_rate_budget_fallback_total, <prefix>_rest_budget_limit (gauge: limit()).
///
/// Runs on the shard's loop. `granted` always runs later on the loop, never inside acquire.
/// Destroying the budget drops the waiters without calling them.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "core/http.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/ports/clock.h"
#include "core/ports/kv.h"
#include "core/status.h"

namespace core {

struct RateBudgetOptions {
  std::string exchange;
  std::int64_t limit_per_window = 1200;
  std::int64_t exchange_limit_per_window = 0;
  double headroom_ratio = 0.1;
  std::int64_t window_ms = 60'000;
  std::string used_header = "X-MBX-USED-WEIGHT-1M";
  std::string metric_prefix;
  std::string limit_name;
  std::size_t queue_max = 1000;
  std::int64_t stop_us_default = 60'000'000;
  std::int64_t shared_retry_us = 5'000'000;
};

class RateBudget {
 public:
  /// `kv` null: a local budget; otherwise shared through Valkey. `kv` and `metrics` must
  /// outlive the budget.
  RateBudget(core::Clock& clock, core::metrics::Registry& metrics, RateBudgetOptions options,
             core::Kv* kv = nullptr);
  ~RateBudget();
  RateBudget(const RateBudget&) = delete;
  RateBudget& operator=(const RateBudget&) = delete;

  /// Calls `granted` with ok once `weight` fits; kResourceExhausted at once when `queue_max`
  /// requests wait already; kInvalidArgument when `weight` is < 1 or above the limit.
  void acquire(int weight, std::function<void(core::Status)> granted);
  /// Reads the used_header, and Retry-After on a 429 or 418. `sent_wall_us` (clock.wall_us()
  /// when the request went out; < 0 = unknown): a header from a request sent in an earlier
  /// window may count that window, so it does not bind the current one.
  void observe(const core::HttpResponse& response, std::int64_t sent_wall_us = -1);

  /// The exchange's own limit per window became known (e.g. exchangeInfo `rateLimits`): the
  /// budget grants at most min(limit_per_window, exchange_limit_per_window x (1 - headroom))
  /// from now on, waiters included. kInvalidArgument (budget unchanged) when that is < 1.
  core::Status set_exchange_limit(std::int64_t exchange_limit_per_window);
  /// The weight per window this budget grants at most.
  std::int64_t limit() const { return limit_; }
  /// False while a shared budget runs on its local fallback.
  bool shared_ok() const { return shared_ok_; }
  /// True while a 429/418 this instance received stops it (a stop shared by another
  /// instance shows only as the shared script refusing grants).
  bool stopped() const;
  std::size_t waiting() const { return queue_.size(); }

 private:
  struct Waiter {
    int weight;
    std::function<void(core::Status)> granted;
    bool waited;   // counted in gateway_rest_budget_wait_total when granted
    bool prepaid;  // the shared script already counted it
  };
  /// Current window plus the weighted previous one, as core::kRateLimitScript counts.
  struct Window {
    std::int64_t length_ms = 60'000;
    std::int64_t start_ms = 0;
    std::int64_t cur = 0;
    std::int64_t prev = 0;
    void roll(std::int64_t now_ms);
    std::int64_t used(std::int64_t now_ms);
    /// Milliseconds (>= 1) until `cost` may fit under `limit`; a lower bound to re-check at.
    std::int64_t wait_ms(std::int64_t now_ms, std::int64_t cost, std::int64_t limit);
  };

  void pump();
  /// 0 when `weight` fits locally now, else microseconds to wait before checking again.
  std::int64_t local_wait_us(int weight);
  void ask_shared(int weight);
  void on_shared_reply(const core::Result<core::KvReply>& reply);
  void grant_front();
  /// Sets the shared stop-until (core::kRateLimitStopScript) `stop_us` from now.
  void share_stop(std::int64_t stop_us);
  /// The front cannot go now: check again after `delay_us`.
  void hold(std::int64_t delay_us);

  core::Clock& clock_;
  RateBudgetOptions options_;
  core::Kv* kv_;
  std::int64_t limit_;
  std::int64_t exchange_cap_;  // exchange limit less headroom; 0 = unknown
  std::string kv_key_;
  core::log::Logger log_;

  std::deque<Waiter> queue_;
  Window window_;
  std::int64_t reported_window_ = -1;  // the wall window (index) of reported_used_
  std::int64_t reported_used_ = 0;     // the exchange's count (header) plus our grants since
  std::int64_t stopped_until_us_ = 0;  // now_us
  core::TimerId timer_ = 0;
  bool timer_pending_ = false;
  bool shared_in_flight_ = false;
  bool shared_ok_ = true;
  std::int64_t shared_retry_at_us_ = 0;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);

  core::metrics::Gauge& weight_used_;
  core::metrics::Gauge& limit_gauge_;
  core::metrics::Counter& got_429_;
  core::metrics::Counter& got_418_;
  core::metrics::Counter& waits_;
  core::metrics::Counter& fallbacks_;
};

}  // namespace core
