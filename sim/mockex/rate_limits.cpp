#include "sim/mockex/rate_limits.h"

#include <algorithm>
#include <array>

namespace sim::mockex {
namespace {

constexpr std::int64_t kMinuteMs = 60 * 1000;
constexpr std::int64_t kTenSecondsMs = 10 * 1000;
constexpr std::int64_t kDayMs = 24 * 3600 * 1000;

struct FixedWeight {
  std::string_view method;
  std::string_view path;
  std::int64_t weight;
};

constexpr std::array<FixedWeight, 11> kFixedWeights{{
    {"GET", "/api/v3/ping", 1},
    {"GET", "/api/v3/time", 1},
    {"GET", "/api/v3/exchangeInfo", 20},
    {"GET", "/api/v3/trades", 25},
    {"GET", "/api/v3/aggTrades", 4},
    {"GET", "/api/v3/klines", 2},
    {"GET", "/api/v3/avgPrice", 2},
    {"POST", "/api/v3/order", 1},
    {"GET", "/api/v3/order", 4},
    {"DELETE", "/api/v3/order", 1},
    {"DELETE", "/api/v3/openOrders", 1},
}};

std::int64_t depth_weight(int limit) {
  if (limit <= 0 || limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
}

std::int64_t ticker_24hr_weight(const WeightParams& p) {
  if (p.has_symbol || (p.symbols_count >= 1 && p.symbols_count <= 20)) return 2;
  if (p.symbols_count >= 21 && p.symbols_count <= 100) return 40;
  return 80;
}

std::int64_t seconds_until(std::int64_t until_ms, std::int64_t now_ms) {
  return (until_ms - now_ms + 999) / 1000;
}

}  // namespace

std::int64_t request_weight(std::string_view method, std::string_view path, const WeightParams& p) {
  for (const auto& f : kFixedWeights) {
    if (f.method == method && f.path == path) return f.weight;
  }
  if (method == "GET" && path == "/api/v3/depth") return depth_weight(p.limit);
  if (method == "GET" && (path == "/api/v3/ticker/price" || path == "/api/v3/ticker/bookTicker")) {
    return p.has_symbol ? 2 : 4;
  }
  if (method == "GET" && path == "/api/v3/ticker/24hr") return ticker_24hr_weight(p);
  if (method == "POST" && path == "/api/v3/order/test") return p.compute_commission_rates ? 20 : 1;
  if (method == "GET" && path == "/api/v3/openOrders") return p.has_symbol ? 6 : 80;
  if (method == "GET" && path == "/api/v3/account") return 20;
  return 1;
}

bool free_when_successful(std::string_view method, std::string_view path) {
  return (path == "/api/v3/order" && (method == "POST" || method == "DELETE")) ||
         (path == "/api/v3/openOrders" && method == "DELETE");
}

RateDecision RateLimiter::admit(const std::string& ip, std::int64_t weight, std::int64_t now_ms) {
  IpState& s = ips_[ip];
  roll(s, now_ms);
  if (now_ms < s.banned_until_ms) return banned(s, now_ms);
  if (s.used + weight <= config_.weight_per_minute) {
    s.used += weight;
    return RateDecision{200, s.used, std::nullopt, std::nullopt};
  }
  if (s.refused_429 >= config_.tolerated_429_per_minute) {
    start_ban(s, now_ms);
    return banned(s, now_ms);
  }
  ++s.refused_429;
  const std::int64_t next_minute_ms = (s.minute + 1) * kMinuteMs;
  return RateDecision{
      429, s.used, seconds_until(next_minute_ms, now_ms),
      BinanceError{429, -1003,
                   fmt::format("Too much request weight used; current limit is {} request weight "
                               "per 1 MINUTE. Please use WebSocket Streams for live updates to "
                               "avoid polling the API.",
                               config_.weight_per_minute)}};
}

void RateLimiter::start_ban(IpState& s, std::int64_t now_ms) const {
  ++s.bans;
  std::int64_t duration = config_.ban_ms_min;
  for (int i = 1; i < s.bans && duration < config_.ban_ms_max; ++i) duration *= 2;
  s.banned_until_ms = now_ms + std::min(duration, config_.ban_ms_max);
}

RateDecision RateLimiter::banned(const IpState& s, std::int64_t now_ms) {
  return RateDecision{
      418, s.used, seconds_until(s.banned_until_ms, now_ms),
      BinanceError{418, -1003,
                   fmt::format("Way too much request weight used; IP banned until {}. Please use "
                               "WebSocket Streams for live updates to avoid bans.",
                               s.banned_until_ms)}};
}

void RateLimiter::charge(const std::string& ip, std::int64_t weight, std::int64_t now_ms) {
  IpState& s = ips_[ip];
  roll(s, now_ms);
  s.used += weight;
}

std::int64_t RateLimiter::used_weight(const std::string& ip, std::int64_t now_ms) const {
  const auto it = ips_.find(ip);
  if (it == ips_.end() || it->second.minute != now_ms / kMinuteMs) return 0;
  return it->second.used;
}

OrderCountDecision RateLimiter::count_order(const std::string& account, std::int64_t now_ms) {
  OrderWindow& s = accounts_[account];
  roll(s, now_ms);
  OrderCountDecision d{s.count_10s, s.count_1d, std::nullopt, std::nullopt};
  auto refuse = [&](std::int64_t limit, std::string_view interval, std::int64_t until_ms) {
    d.retry_after_s = seconds_until(until_ms, now_ms);
    d.error = BinanceError{
        429, -1015,
        fmt::format("Too many new orders; current limit is {} orders per {}.", limit, interval)};
    return d;
  };
  if (s.count_10s >= config_.orders_per_10s) {
    return refuse(config_.orders_per_10s, "10 SECOND", (s.window_10s + 1) * kTenSecondsMs);
  }
  if (s.count_1d >= config_.orders_per_day) {
    return refuse(config_.orders_per_day, "1 DAY", (s.day + 1) * kDayMs);
  }
  d.count_10s = ++s.count_10s;
  d.count_1d = ++s.count_1d;
  return d;
}

void RateLimiter::on_first_fill(const std::string& account, std::int64_t now_ms) {
  OrderWindow& s = accounts_[account];
  roll(s, now_ms);
  if (s.count_10s > 0) --s.count_10s;
  if (s.count_1d > 0) --s.count_1d;
}

std::pair<std::int64_t, std::int64_t> RateLimiter::order_counts(const std::string& account,
                                                                std::int64_t now_ms) const {
  const auto it = accounts_.find(account);
  if (it == accounts_.end()) return {0, 0};
  const OrderWindow& s = it->second;
  return {s.window_10s == now_ms / kTenSecondsMs ? s.count_10s : 0,
          s.day == now_ms / kDayMs ? s.count_1d : 0};
}

void RateLimiter::roll(IpState& s, std::int64_t now_ms) {
  const std::int64_t minute = now_ms / kMinuteMs;
  if (minute == s.minute) return;
  s.minute = minute;
  s.used = 0;
  s.refused_429 = 0;
}

void RateLimiter::roll(OrderWindow& s, std::int64_t now_ms) {
  if (const std::int64_t w = now_ms / kTenSecondsMs; w != s.window_10s) {
    s.window_10s = w;
    s.count_10s = 0;
  }
  if (const std::int64_t day = now_ms / kDayMs; day != s.day) {
    s.day = day;
    s.count_1d = 0;
  }
}

std::vector<std::pair<std::string, std::string>> rate_limit_headers(
    const RateDecision& decision, const std::optional<OrderCountDecision>& orders) {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string used = std::to_string(decision.used_weight_1m);
  out.emplace_back("X-MBX-USED-WEIGHT-1M", used);
  out.emplace_back("X-MBX-USED-WEIGHT", used);
  if (orders) {
    out.emplace_back("X-MBX-ORDER-COUNT-10S", std::to_string(orders->count_10s));
    out.emplace_back("X-MBX-ORDER-COUNT-1D", std::to_string(orders->count_1d));
  }
  const auto retry = decision.retry_after_s ? decision.retry_after_s
                                            : (orders ? orders->retry_after_s : std::nullopt);
  if (retry) out.emplace_back("Retry-After", std::to_string(*retry));
  return out;
}

}  // namespace sim::mockex
