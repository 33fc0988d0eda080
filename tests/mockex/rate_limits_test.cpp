#include "sim/mockex/rate_limits.h"

#include <catch2/catch.hpp>

using sim::mockex::RateLimitConfig;
using sim::mockex::RateLimiter;
using sim::mockex::WeightParams;

namespace {

constexpr std::int64_t kMinute0 = 1723161240000;  // a whole minute, ms

RateLimitConfig small() {
  RateLimitConfig c;
  c.weight_per_minute = 10;
  c.orders_per_10s = 2;
  c.orders_per_day = 3;
  return c;
}

}  // namespace

TEST_CASE("Endpoint weights follow Binance's table", "[mockex][rate]") {
  using sim::mockex::request_weight;
  CHECK(request_weight("GET", "/api/v3/ping", {}) == 1);
  CHECK(request_weight("GET", "/api/v3/exchangeInfo", {}) == 20);
  CHECK(request_weight("GET", "/api/v3/depth", {}) == 5);
  CHECK(request_weight("GET", "/api/v3/depth", WeightParams{false, 0, 101, false}) == 25);
  CHECK(request_weight("GET", "/api/v3/depth", WeightParams{false, 0, 1000, false}) == 50);
  CHECK(request_weight("GET", "/api/v3/depth", WeightParams{false, 0, 5000, false}) == 250);
  CHECK(request_weight("GET", "/api/v3/ticker/price", WeightParams{true, 0, 0, false}) == 2);
  CHECK(request_weight("GET", "/api/v3/ticker/price", {}) == 4);
  CHECK(request_weight("GET", "/api/v3/ticker/24hr", WeightParams{false, 21, 0, false}) == 40);
  CHECK(request_weight("GET", "/api/v3/ticker/24hr", {}) == 80);
  CHECK(request_weight("GET", "/api/v3/openOrders", WeightParams{true, 0, 0, false}) == 6);
  CHECK(request_weight("GET", "/api/v3/openOrders", {}) == 80);
  CHECK(request_weight("GET", "/api/v3/order", {}) == 4);
  CHECK(request_weight("GET", "/api/v3/account", {}) == 20);
  CHECK(request_weight("POST", "/api/v3/order/test", WeightParams{false, 0, 0, true}) == 20);
  CHECK(sim::mockex::free_when_successful("POST", "/api/v3/order"));
  CHECK_FALSE(sim::mockex::free_when_successful("GET", "/api/v3/order"));
}

TEST_CASE("Used weight accumulates in the minute and shows in the headers", "[mockex][rate]") {
  RateLimiter limiter(small());
  CHECK(limiter.admit("1.2.3.4", 4, kMinute0 + 10).used_weight_1m == 4);
  const auto d = limiter.admit("1.2.3.4", 5, kMinute0 + 20);
  CHECK(d.admitted());
  CHECK(sim::mockex::rate_limit_headers(d, std::nullopt) ==
        std::vector<std::pair<std::string, std::string>>{{"X-MBX-USED-WEIGHT-1M", "9"},
                                                         {"X-MBX-USED-WEIGHT", "9"}});
  CHECK(limiter.used_weight("1.2.3.4", kMinute0 + 59999) == 9);
  CHECK(limiter.used_weight("1.2.3.4", kMinute0 + 60000) == 0);  // the window is fixed
  CHECK(limiter.admit("5.6.7.8", 10, kMinute0).admitted());      // weight is per IP
}

TEST_CASE("The request over the weight limit gets 429 with Retry-After, the next 418",
          "[mockex][rate]") {
  RateLimiter limiter(small());
  for (int i = 0; i < 10; ++i) REQUIRE(limiter.admit("ip", 1, kMinute0 + i).admitted());
  const auto limited = limiter.admit("ip", 1, kMinute0 + 15000);
  CHECK(limited.http_status == 429);
  CHECK(limited.retry_after_s == 45);
  REQUIRE(limited.error);
  CHECK(limited.error->code == -1003);
  CHECK(limited.error->msg ==
        "Too much request weight used; current limit is 10 request weight per 1 MINUTE. Please "
        "use WebSocket Streams for live updates to avoid polling the API.");
  CHECK(sim::mockex::rate_limit_headers(limited, std::nullopt).back() ==
        std::pair<std::string, std::string>{"Retry-After", "45"});

  const auto banned = limiter.admit("ip", 1, kMinute0 + 16000);
  CHECK(banned.http_status == 418);
  CHECK(banned.retry_after_s == 120);
  CHECK(banned.error->msg ==
        "Way too much request weight used; IP banned until 1723161376000. Please use WebSocket "
        "Streams for live updates to avoid bans.");
  // During the ban even a fresh minute answers 418 with the time left.
  CHECK(limiter.admit("ip", 1, kMinute0 + 60000).http_status == 418);
  CHECK(limiter.admit("ip", 1, kMinute0 + 60000).retry_after_s == 76);
  CHECK(limiter.admit("ip", 1, kMinute0 + 136000).admitted());
}

TEST_CASE("Each new ban of an IP lasts twice as long, up to three days", "[mockex][rate]") {
  RateLimiter limiter(small());
  std::int64_t now = kMinute0;
  std::vector<std::int64_t> bans_s;
  for (int round = 0; round < 14; ++round) {
    now = (now / 60000 + 1) * 60000;  // the next fresh minute after the ban
    REQUIRE(limiter.admit("ip", 10, now).admitted());
    REQUIRE(limiter.admit("ip", 1, now).http_status == 429);
    const auto ban = limiter.admit("ip", 1, now);
    REQUIRE(ban.http_status == 418);
    bans_s.push_back(*ban.retry_after_s);
    now += *ban.retry_after_s * 1000;
  }
  CHECK(bans_s[0] == 120);
  CHECK(bans_s[1] == 240);
  CHECK(bans_s[2] == 480);
  CHECK(bans_s[11] == 245760);  // 120 s * 2^11
  CHECK(bans_s[12] == 259200);  // 120 s * 2^12 is beyond 3 days: capped
  CHECK(bans_s[13] == 259200);
}

TEST_CASE("Unfilled order counts refuse with -1015 and give a unit back on the first fill",
          "[mockex][rate]") {
  RateLimiter limiter(small());
  auto first = limiter.count_order("alice", kMinute0);
  CHECK(first.count_10s == 1);
  CHECK(first.count_1d == 1);
  CHECK(limiter.count_order("alice", kMinute0 + 1).count_10s == 2);
  const auto full = limiter.count_order("alice", kMinute0 + 2000);
  REQUIRE(full.error);
  CHECK(*full.error ==
        sim::mockex::BinanceError{429, -1015,
                                  "Too many new orders; current limit is 2 orders per 10 SECOND."});
  CHECK(full.retry_after_s == 8);
  limiter.on_first_fill("alice", kMinute0 + 3000);
  const auto again = limiter.count_order("alice", kMinute0 + 4000);
  CHECK_FALSE(again.error);
  CHECK(sim::mockex::rate_limit_headers({}, again) ==
        std::vector<std::pair<std::string, std::string>>{{"X-MBX-USED-WEIGHT-1M", "0"},
                                                         {"X-MBX-USED-WEIGHT", "0"},
                                                         {"X-MBX-ORDER-COUNT-10S", "2"},
                                                         {"X-MBX-ORDER-COUNT-1D", "2"}});
  // Next 10 s window: the day count (limit 3) is what refuses now.
  CHECK(limiter.count_order("alice", kMinute0 + 10000).count_1d == 3);
  CHECK(limiter.count_order("alice", kMinute0 + 10001).error->msg ==
        "Too many new orders; current limit is 3 orders per 1 DAY.");
}
