// LiveExecutor against MockExchange behind SimHttpServer, in virtual time: places, fills and
// cancels; filter rejects without retry; unsent requests retried; in-doubt orders looked up
// before anything is resent, so exactly one order exists; unknown past order_timeout fails.
#include <catch2/catch.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "live_gateway/live_executor.h"
#include "tests/mockex/mockex_world.h"

using mockex_test::MockexWorld;

namespace {

constexpr std::int64_t kSecond = MockexWorld::kSecond;

constexpr const char* kBook =
    R"({"stream":"btcusdt@bookTicker","data":{"u":100,"s":"BTCUSDT","b":"60000.00000000",)"
    R"("B":"1.50000000","a":"60000.01000000","A":"2.00000000"}})";
constexpr const char* kTrade =
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1767225600100,"s":"BTCUSDT","t":7,)"
    R"("p":"60000.01000000","q":"0.01000000","T":1767225600099,"m":false,"M":true}})";

core::Decimal dec(const char* text) {
  return core::Decimal::parse(text).value();
}

core::Order market_buy(const std::string& id, const char* qty = "0.01") {
  core::Order o;
  o.account = "acct";
  o.symbol = "BTCUSDT";
  o.side = core::Side::kBuy;
  o.type = core::OrderType::kMarket;
  o.quantity = dec(qty);
  o.paper_trading = false;
  o.client_order_id = id;
  return o;
}

core::Order limit_buy(const std::string& id, const char* price, const char* qty = "0.01") {
  core::Order o = market_buy(id, qty);
  o.type = core::OrderType::kLimit;
  o.price = dec(price);
  return o;
}

/// A MockexWorld seeded with a BTCUSDT book and trade, and a LiveExecutor pointed at it.
struct LiveWorld {
  explicit LiveWorld(live_gateway::LiveExecutorOptions o = options(),
                     sim::mockex::MockexConfig config = mockex_test::default_config())
      : w(std::move(config)) {
    w.feed_ws(kBook);
    w.feed_ws(kTrade);
    o.api_url = "http://server:" + std::to_string(w.port);
    core::ExchangeKeys keys{core::Secret("mockex-test-key"), core::Secret("mockex-test-secret")};
    executor = std::make_unique<live_gateway::LiveExecutor>(
        w.clock, w.client, metrics, o, std::move(keys),
        live_gateway::ExecutionEvents{[this](const core::OrderUpdate& u) { updates.push_back(u); },
                                      [this](const core::Fill& f) { fills.push_back(f); }});
  }

  static live_gateway::LiveExecutorOptions options() {
    live_gateway::LiveExecutorOptions o;
    o.request_timeout_us = 5 * kSecond;
    o.max_retries = 3;
    o.retry_delay_us = kSecond;
    o.order_timeout_us = 20 * kSecond;
    o.poll_interval_us = 2 * kSecond;
    return o;
  }

  /// Runs until the last update is final for `id`.
  void run_until_final(const std::string& id, std::int64_t timeout_us = 120 * kSecond) {
    REQUIRE(w.clock.run_until(
        [&] {
          return !updates.empty() && updates.back().client_order_id == id &&
                 updates.back().status != core::OrderStatus::kAccepted &&
                 updates.back().status != core::OrderStatus::kPartiallyFilled;
        },
        timeout_us));
  }

  std::vector<core::OrderStatus> statuses() const {
    std::vector<core::OrderStatus> out;
    for (const auto& u : updates) out.push_back(u.status);
    return out;
  }

  bool metric(const std::string& line) {
    return metrics.render_prometheus().find(line + "\n") != std::string::npos;
  }
  bool mockex_metric(const std::string& line) {
    return w.exchange->metrics().render_prometheus().find(line + "\n") != std::string::npos;
  }
  std::string exchange_status(const std::string& id) {
    const auto r = w.send_signed("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=" + id);
    return r.status == 200 ? nlohmann::json::parse(r.body)["status"].get<std::string>() : r.body;
  }

  MockexWorld w;
  core::metrics::Registry metrics;
  std::vector<core::OrderUpdate> updates;
  std::vector<core::Fill> fills;
  std::unique_ptr<live_gateway::LiveExecutor> executor;
};

using S = core::OrderStatus;

}  // namespace

TEST_CASE("LiveExecutorOptions come from execution.* and the exchange's order_timeout_sec",
          "[live][executor]") {
  core::LiveGatewayConfig c;
  c.execution.timeout_sec = 2.5;
  c.execution.max_retries = 5;
  c.execution.retry_delay_sec = 0.25;
  c.exchanges.binance.order_timeout_sec = 12;
  c.exchanges.binance.api_url = "http://127.0.0.1:8088";
  const auto o = live_gateway::LiveExecutorOptions::from_config(c);
  CHECK(o.api_url == "http://127.0.0.1:8088");
  CHECK(o.request_timeout_us == 2'500'000);
  CHECK(o.max_retries == 5);
  CHECK(o.retry_delay_us == 250'000);
  CHECK(o.order_timeout_us == 12'000'000);
}

TEST_CASE("A live market order is placed under our client order id and reported filled with fills",
          "[live][executor]") {
  LiveWorld lw;
  lw.executor->start();
  lw.executor->submit(market_buy("live-1"));
  CHECK(lw.executor->working_orders() == 1);
  lw.run_until_final("live-1");
  CHECK(lw.statuses() == std::vector<S>{S::kAccepted, S::kFilled});
  const auto& done = lw.updates.back();
  CHECK(done.filled_qty == dec("0.01"));
  CHECK(done.avg_price == dec("60000.01"));
  CHECK(done.exchange_order_id == "1");
  CHECK_FALSE(done.paper);
  REQUIRE(lw.fills.size() == 1);
  CHECK(lw.fills[0].price == dec("60000.01"));
  CHECK(lw.fills[0].qty == dec("0.01"));
  CHECK(lw.fills[0].fee == dec("0.00001"));
  CHECK(lw.fills[0].fee_asset == "BTC");
  CHECK(lw.fills[0].client_order_id == "live-1");
  CHECK_FALSE(lw.fills[0].paper);
  CHECK(lw.executor->working_orders() == 0);
  CHECK(lw.exchange_status("live-1") == "FILLED");
  CHECK(lw.metric(R"(live_exchange_requests_total{code="200",endpoint="POST /api/v3/order"} 1)"));
  CHECK(lw.metric(R"(live_exchange_requests_total{code="200",endpoint="GET /api/v3/time"} 1)"));
}

TEST_CASE("A resting limit order is canceled on request and reported canceled",
          "[live][executor]") {
  LiveWorld lw;
  lw.executor->submit(limit_buy("rest-1", "59000"));
  REQUIRE(lw.w.clock.run_until([&] { return !lw.updates.empty(); }, 10 * kSecond));
  CHECK(lw.statuses() == std::vector<S>{S::kAccepted});
  CHECK(lw.exchange_status("rest-1") == "NEW");
  lw.w.clock.run_for(5 * kSecond);  // polls see nothing new
  CHECK(lw.updates.size() == 1);
  lw.executor->cancel("acct", "rest-1");
  lw.run_until_final("rest-1");
  CHECK(lw.statuses() == std::vector<S>{S::kAccepted, S::kCanceled});
  CHECK(lw.fills.empty());
  CHECK(lw.exchange_status("rest-1") == "CANCELED");
  CHECK(lw.executor->working_orders() == 0);
  lw.executor->cancel("acct", "rest-1");
  CHECK(lw.updates.back().code == core::RejectCode::kUnknownOrder);
}

TEST_CASE("Filter violations are rejected with their code and sent exactly once",
          "[live][executor]") {
  auto [order, code] = GENERATE(table<core::Order, core::RejectCode>({
      {limit_buy("lot", "59000", "0.000001"), core::RejectCode::kLotSize},
      {limit_buy("tick", "59000.001"), core::RejectCode::kPriceFilter},
      {limit_buy("notional", "59000", "0.0001"), core::RejectCode::kMinNotional},
      {market_buy("broke", "5"), core::RejectCode::kInsufficientBalance},
  }));
  LiveWorld lw;
  const std::string id = *order.client_order_id;
  lw.executor->submit(order);
  lw.run_until_final(id);
  REQUIRE(lw.updates.size() == 1);
  CHECK(lw.updates[0].status == S::kRejected);
  CHECK(lw.updates[0].code == code);
  CHECK(lw.updates[0].reason.find("HTTP 400") != std::string::npos);
  lw.w.clock.run_for(30 * kSecond);
  CHECK(lw.metric(R"(live_exchange_requests_total{code="400",endpoint="POST /api/v3/order"} 1)"));
  CHECK(lw.mockex_metric("mockex_orders_total 0"));
}

TEST_CASE("Connection refused is retried max_retries times with backoff, then the order fails",
          "[live][executor]") {
  LiveWorld lw;
  lw.w.server.stop();
  const std::int64_t start = lw.w.clock.now_us();
  lw.executor->submit(market_buy("refused-1"));
  lw.run_until_final("refused-1");
  CHECK(lw.statuses() == std::vector<S>{S::kFailed});
  CHECK(lw.updates[0].code == core::RejectCode::kExchangeError);
  CHECK(lw.updates[0].reason.find("not sent (4 attempts)") != std::string::npos);
  // Backoff 1 + 2 + 4 s between the four attempts.
  CHECK(lw.w.clock.now_us() - start >= 7 * kSecond);
  CHECK(lw.metric(
      R"(live_exchange_requests_total{code="unavailable",endpoint="POST /api/v3/order"} 4)"));
  CHECK(lw.metric("live_in_doubt_total 0"));
}

TEST_CASE("A 5xx on the order is looked up first and, proven absent, sent again and fills once",
          "[live][executor]") {
  LiveWorld lw;
  lw.w.exchange->faults().error_next = 2;  // the order, then the first lookup
  lw.executor->submit(market_buy("five-1"));
  lw.run_until_final("five-1");
  CHECK(lw.statuses() == std::vector<S>{S::kAccepted, S::kFilled});
  CHECK(lw.fills.size() == 1);
  CHECK(lw.metric(R"(live_exchange_requests_total{code="503",endpoint="POST /api/v3/order"} 1)"));
  CHECK(lw.metric(R"(live_exchange_requests_total{code="503",endpoint="GET /api/v3/order"} 1)"));
  CHECK(lw.metric(R"(live_exchange_requests_total{code="400",endpoint="GET /api/v3/order"} 1)"));
  CHECK(lw.metric(R"(live_exchange_requests_total{code="200",endpoint="POST /api/v3/order"} 1)"));
  CHECK(lw.metric("live_in_doubt_total 1"));
  CHECK(lw.mockex_metric("mockex_orders_total 1"));
  CHECK(lw.w.exchange->model().order_count() == 1);
}

TEST_CASE("When the exchange accepts the order and drops the response, exactly one order exists",
          "[live][executor]") {
  SECTION("a market order: the lookup finds it filled") {
    LiveWorld lw;
    lw.w.exchange->faults().drop_order_response_next = 1;
    lw.executor->submit(market_buy("drop-1"));
    lw.run_until_final("drop-1");
    CHECK(lw.statuses() == std::vector<S>{S::kAccepted, S::kFilled});
    CHECK(lw.updates.back().filled_qty == dec("0.01"));
    CHECK(lw.updates.back().avg_price == dec("60000.01"));
    REQUIRE(lw.fills.size() == 1);
    CHECK(lw.fills[0].qty == dec("0.01"));
    CHECK(lw.fills[0].price == dec("60000.01"));
    CHECK(lw.fills[0].fill_id == "1-p1");
    CHECK(lw.metric(
        R"(live_exchange_requests_total{code="in_doubt",endpoint="POST /api/v3/order"} 1)"));
    CHECK(lw.metric("live_in_doubt_total 1"));
    CHECK(lw.mockex_metric("mockex_orders_total 1"));
    CHECK(lw.mockex_metric(R"(mockex_faults_injected_total{kind="drop_response"} 1)"));
    CHECK(lw.w.exchange->model().order_count() == 1);
  }
  SECTION("a limit order: found resting, then canceled") {
    LiveWorld lw;
    lw.w.exchange->faults().drop_order_response_next = 1;
    lw.executor->submit(limit_buy("drop-2", "59000"));
    REQUIRE(lw.w.clock.run_until([&] { return !lw.updates.empty(); }, 30 * kSecond));
    CHECK(lw.statuses() == std::vector<S>{S::kAccepted});
    lw.executor->cancel("acct", "drop-2");
    lw.run_until_final("drop-2");
    CHECK(lw.statuses() == std::vector<S>{S::kAccepted, S::kCanceled});
    CHECK(lw.mockex_metric("mockex_orders_total 1"));
    CHECK(lw.w.exchange->model().order_count() == 1);
  }
}

TEST_CASE("An order whose outcome stays unknown past order_timeout_sec fails with TIMEOUT",
          "[live][executor]") {
  LiveWorld lw;
  lw.w.exchange->faults().drop_order_response_next = 1;
  const std::int64_t start = lw.w.clock.now_us();
  lw.executor->submit(market_buy("lost-1"));
  REQUIRE(lw.w.clock.run_until([&] { return lw.w.exchange->model().order_count() == 1; },
                               10 * kSecond));
  lw.w.server.stop();  // the lookups cannot reach the exchange
  lw.run_until_final("lost-1");
  CHECK(lw.statuses() == std::vector<S>{S::kFailed});
  const auto& failed = lw.updates[0];
  CHECK(failed.code == core::RejectCode::kTimeout);
  CHECK(failed.reason.find("order_timeout 20000 ms") != std::string::npos);
  CHECK(failed.reason.find("cause: order send: read from") != std::string::npos);
  CHECK(failed.reason.find("last: lookup: connect") != std::string::npos);
  const std::int64_t elapsed = lw.w.clock.now_us() - start;
  CHECK(elapsed >= 20 * kSecond);
  CHECK(elapsed < 40 * kSecond);
  CHECK(lw.metric(
      R"(live_exchange_requests_total{code="in_doubt",endpoint="POST /api/v3/order"} 1)"));
  CHECK(lw.metrics.render_prometheus().find(R"(code="200",endpoint="POST /api/v3/order")") ==
        std::string::npos);
  CHECK(lw.mockex_metric("mockex_orders_total 1"));
  CHECK(lw.executor->working_orders() == 0);
}

TEST_CASE("A 429 rejects the order RATE_LIMITED and holds the next request until Retry-After",
          "[live][executor]") {
  LiveWorld lw;
  lw.w.exchange->faults().throttle_next = 1;
  lw.w.exchange->faults().retry_after_sec = 5;
  const std::int64_t start = lw.w.clock.now_us();
  lw.executor->submit(market_buy("hot-1"));
  lw.run_until_final("hot-1");
  CHECK(lw.updates.back().status == S::kRejected);
  CHECK(lw.updates.back().code == core::RejectCode::kRateLimited);
  lw.executor->submit(market_buy("hot-2"));
  lw.run_until_final("hot-2");
  CHECK(lw.updates.back().status == S::kFilled);
  CHECK(lw.w.clock.now_us() - start >= 5 * kSecond);
  CHECK(lw.mockex_metric("mockex_orders_total 1"));
}

namespace {

/// mockex with small limits (weight 10 per minute, 5 new orders per 10 s) and an executor that
/// knows them; polls rare enough not to matter.
LiveWorld small_limits_world() {
  sim::mockex::MockexConfig c = mockex_test::default_config();
  c.rate_limits.weight_per_minute = 10;
  c.rate_limits.orders_per_10s = 5;
  live_gateway::LiveExecutorOptions o = LiveWorld::options();
  o.weight_per_min = 10;
  o.orders_per_10s = 5;
  o.poll_interval_us = 600 * kSecond;
  o.order_timeout_us = 600 * kSecond;
  return LiveWorld(o, c);
}

std::size_t count_status(const LiveWorld& lw, core::OrderStatus status) {
  return static_cast<std::size_t>(std::count_if(lw.updates.begin(), lw.updates.end(),
                                                [&](const auto& u) { return u.status == status; }));
}

/// live_rest_budget_wait_total for one of the executor's limits.
double budget_waits(LiveWorld& lw, const std::string& limit) {
  const std::string text = lw.metrics.render_prometheus();
  const std::string key =
      R"(live_rest_budget_wait_total{exchange="binance",limit=")" + limit + "\"} ";
  const auto at = text.find(key);
  return at == std::string::npos ? -1 : std::stod(text.substr(at + key.size()));
}

bool any_429(LiveWorld& lw) {
  return lw.w.exchange->metrics().render_prometheus().find("code=\"429\"") != std::string::npos;
}

}  // namespace

TEST_CASE(
    "At small weight and order-count limits the executor never gets a 429: orders wait "
    "for the windows instead of being rejected",
    "[live][executor][budget]") {
  LiveWorld lw = small_limits_world();
  lw.executor->start();
  const std::int64_t t0 = lw.w.clock.now_us();
  for (int i = 0; i < 12; ++i) lw.executor->submit(limit_buy(fmt::format("slow-{}", i), "50000"));
  REQUIRE(
      lw.w.clock.run_until([&] { return count_status(lw, S::kAccepted) == 12; }, 600 * kSecond));
  CHECK(count_status(lw, S::kRejected) == 0);
  CHECK(count_status(lw, S::kFailed) == 0);
  CHECK_FALSE(any_429(lw));
  // 13 requests at 9 weight per minute (10 less the headroom), 12 orders at 4 per 10 s.
  CHECK(lw.w.clock.now_us() - t0 >= 10 * kSecond);
  CHECK(budget_waits(lw, "weight_1m") > 0);
  CHECK(budget_waits(lw, "orders_10s") > 0);
  CHECK(lw.metric(R"(live_exchange_429_total{exchange="binance",limit="weight_1m"} 0)"));
}

TEST_CASE(
    "The executor holds new orders when X-MBX-ORDER-COUNT-10S says another client on the "
    "account has used the window",
    "[live][executor][budget]") {
  sim::mockex::MockexConfig c = mockex_test::default_config();
  c.rate_limits.orders_per_10s = 5;
  live_gateway::LiveExecutorOptions o = LiveWorld::options();
  o.orders_per_10s = 5;
  o.poll_interval_us = 600 * kSecond;
  o.order_timeout_us = 600 * kSecond;
  LiveWorld lw(o, c);
  lw.executor->start();
  lw.w.clock.run_for(kSecond);
  for (int i = 0; i < 3; ++i) {  // another client of the same account: 3 of the 5
    auto r = lw.w.send_signed("POST", "/api/v3/order",
                              fmt::format("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&"
                                          "quantity=0.01&price=50000&newClientOrderId=other-{}",
                                          i));
    REQUIRE(r.status == 200);
  }
  // One at a time, so each is sent knowing the count the previous answer reported (requests
  // already in flight cannot learn it). Trusting only our own count, the third would get 429.
  for (std::size_t i = 0; i < 6; ++i) {
    lw.executor->submit(limit_buy(fmt::format("held-{}", i), "50000"));
    REQUIRE(lw.w.clock.run_until([&] { return count_status(lw, S::kAccepted) == i + 1; },
                                 60 * kSecond));
  }
  CHECK_FALSE(any_429(lw));
  CHECK(count_status(lw, S::kRejected) == 0);
  CHECK(budget_waits(lw, "orders_10s") >= 1);
}
