/// @file sim/mockex/rate_limits.h
/// @brief Binance Spot REST rate limits in virtual time: request weight per IP over fixed
/// 1-minute windows, unfilled-order counts per account (10 s and 1 day), the response headers
/// that report them, 429 with Retry-After when over, and 418 with a growing ban for a client
/// that keeps going after its 429s.
///
/// Windows are aligned to the clock as Binance aligns them (minute at :00, 10 s at :00/:10/...,
/// day at 00:00 UTC): window index = now_ms / length. Time is a parameter of every call; nothing
/// reads a clock. Escalation: a request that does not fit the minute's remaining weight gets 429
/// (-1003, Retry-After = seconds to the next minute) while the IP has had fewer than
/// `tolerated_429_per_minute` 429s this minute; the next one starts a ban: 418 (-1003, "IP
/// banned until <epoch ms>", Retry-After = seconds left), and every request during the ban is
/// answered 418 too. The n-th ban of an IP lasts ban_ms_min * 2^(n-1), at most ban_ms_max
/// (Binance: "from 2 minutes to 3 days"). Refused requests add no weight.
/// Not thread-safe; one owner calls it.
///
/// | RateLimitConfig field | Binance value (PROTOCOLS.md 1.3) |
/// |---|---|
/// | weight_per_minute | 6000 |
/// | orders_per_10s, orders_per_day | 100, 200000 |
/// | tolerated_429_per_minute | 1 |
/// | ban_ms_min, ban_ms_max | 120000 (2 min), 259200000 (3 days) |
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/mockex/types.h"

namespace sim::mockex {

struct RateLimitConfig {
  std::int64_t weight_per_minute = 6000;
  std::int64_t orders_per_10s = 100;
  std::int64_t orders_per_day = 200000;
  int tolerated_429_per_minute = 1;
  std::int64_t ban_ms_min = 2 * 60 * 1000;
  std::int64_t ban_ms_max = 3LL * 24 * 3600 * 1000;
};

/// What the weight of a request depends on besides its path.
struct WeightParams {
  bool has_symbol = false;        // `symbol=` given
  std::size_t symbols_count = 0;  // entries of `symbols=[...]`
  int limit = 0;                  // depth `limit`, 0 = default (100)
  bool compute_commission_rates = false;
};

/// The documented weight of a request (PROTOCOLS.md 1.2); 1 for paths it does not list. For
/// order placement and cancels this is what a *failed* request costs (see free_when_successful).
std::int64_t request_weight(std::string_view method, std::string_view path,
                            const WeightParams& params);
/// POST/DELETE /api/v3/order and DELETE /api/v3/openOrders cost 0 when they succeed
/// (Binance since 2026-04-02); the caller charges request_weight() only on failure.
bool free_when_successful(std::string_view method, std::string_view path);

/// The verdict on one request. http_status 200 means admitted.
struct RateDecision {
  int http_status = 200;
  std::int64_t used_weight_1m = 0;
  std::optional<std::int64_t> retry_after_s;
  std::optional<BinanceError> error;

  bool admitted() const { return http_status == 200; }
};

/// The unfilled-order counts after an order placement, or -1015 when a window is full.
struct OrderCountDecision {
  std::int64_t count_10s = 0;
  std::int64_t count_1d = 0;
  std::optional<std::int64_t> retry_after_s;
  std::optional<BinanceError> error;
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimitConfig config) : config_(config) {}

  /// Admits a request of `weight` from `ip` (adding the weight), or refuses it with 429/418.
  RateDecision admit(const std::string& ip, std::int64_t weight, std::int64_t now_ms);
  /// Adds weight after the fact (a failed order request), without refusing anything.
  void charge(const std::string& ip, std::int64_t weight, std::int64_t now_ms);
  std::int64_t used_weight(const std::string& ip, std::int64_t now_ms) const;

  /// Counts a new order of `account`, or refuses it (429, -1015) when a window is full.
  OrderCountDecision count_order(const std::string& account, std::int64_t now_ms);
  /// An order's first fill gives its unit back in every window (faqs/order_count_decrement.md).
  void on_first_fill(const std::string& account, std::int64_t now_ms);
  /// (10 s, 1 day) counts now.
  std::pair<std::int64_t, std::int64_t> order_counts(const std::string& account,
                                                     std::int64_t now_ms) const;

  const RateLimitConfig& config() const { return config_; }

 private:
  struct IpState {
    std::int64_t minute = -1;
    std::int64_t used = 0;
    int refused_429 = 0;
    int bans = 0;
    std::int64_t banned_until_ms = 0;
  };
  struct OrderWindow {
    std::int64_t window_10s = -1;
    std::int64_t count_10s = 0;
    std::int64_t day = -1;
    std::int64_t count_1d = 0;
  };
  static void roll(IpState& s, std::int64_t now_ms);
  static void roll(OrderWindow& s, std::int64_t now_ms);
  void start_ban(IpState& s, std::int64_t now_ms) const;
  static RateDecision banned(const IpState& s, std::int64_t now_ms);

  RateLimitConfig config_;
  std::map<std::string, IpState> ips_;
  std::map<std::string, OrderWindow> accounts_;
};

/// Response headers for a decision, in this order: X-MBX-USED-WEIGHT-1M, X-MBX-USED-WEIGHT
/// (legacy, same value), then X-MBX-ORDER-COUNT-10S and -1D when `orders` is given, then
/// Retry-After when the decision has one.
std::vector<std::pair<std::string, std::string>> rate_limit_headers(
    const RateDecision& decision, const std::optional<OrderCountDecision>& orders);

}  // namespace sim::mockex
