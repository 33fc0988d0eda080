// HttpApi and TickerCache in virtual time: the seed's Test 4 (client rate limit), shared
// through sim::SimKv by two instances, the local fallback, /ready and the ticker routes.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "gateway/http_api.h"
#include "gateway/ticker_cache.h"
#include "sim/sim_clock.h"
#include "sim/sim_kv.h"

namespace {

constexpr std::int64_t kSecond = 1'000'000;

core::Decimal dec(const char* text) {
  return *core::Decimal::parse(text);
}

core::Tick btc_trade() {
  core::Tick t;
  t.exchange = core::Exchange::kBinance;
  t.symbol = "BTCUSDT";
  t.kind = core::TickKind::kTrade;
  t.ts_event_us = 1'723'161'300'123'000;
  t.ts_recv_us = 1'723'161'300'125'000;
  t.price = dec("61828.01");
  t.qty = dec("0.0010");
  t.trade_id = "3735684134";
  return t;
}

gateway::ClientLimiterOptions limits() {
  gateway::ClientLimiterOptions o;
  o.window_ms = 60'000;
  o.max_requests = 1000;
  return o;
}

struct ApiWorld {
  sim::SimClock clock;  // wall time starts at 2026-01-01T00:00:00Z (1767225600000 ms)
  sim::SimKv kv{clock};
  core::metrics::Registry metrics;
  gateway::TickerCache cache;
  gateway::HttpApi api{clock, cache, &kv, metrics, limits()};

  ApiWorld() { cache.update(btc_trade()); }

  std::uint64_t requests(const std::string& path, const std::string& code) {
    return metrics
        .counter("gateway_api_requests_total", "HTTP API requests answered, by route and status",
                 {{"path", path}, {"code", code}})
        .value();
  }
};

// From one client, 10.0.0.7, unless `peer` says otherwise.
core::HttpRequest get(std::string target, core::Headers headers = {},
                      std::string peer = "10.0.0.7") {
  return {"GET", std::move(target), std::move(headers), "", std::move(peer)};
}

// Sends `n` requests at once, round-robin over `apis`, and runs the loop until all are answered.
std::vector<core::HttpResponse> send_all(sim::SimClock& clock, std::vector<gateway::HttpApi*> apis,
                                         const core::HttpRequest& request, int n) {
  std::vector<core::HttpResponse> out;
  for (int i = 0; i < n; ++i) {
    apis[i % apis.size()]->handle(
        request, core::HttpResponder([&](core::HttpResponse r) { out.push_back(std::move(r)); }));
  }
  REQUIRE(clock.run_until([&] { return out.size() == static_cast<std::size_t>(n); }, kSecond));
  return out;
}

core::HttpResponse send_one(ApiWorld& w, const core::HttpRequest& request) {
  return send_all(w.clock, {&w.api}, request, 1).front();
}

std::size_t count_status(const std::vector<core::HttpResponse>& rs, int status) {
  std::size_t n = 0;
  for (const auto& r : rs) n += r.status == status ? 1 : 0;
  return n;
}

std::string health(const gateway::HttpApi& api) {
  std::string out;
  core::json::ObjectWriter w(out);
  api.health_fields(w);
  w.close();
  return out;
}

}  // namespace

TEST_CASE("TickerCache folds trade, ticker and book ticks into one view per symbol",
          "[gateway][api]") {
  gateway::TickerCache cache;
  cache.update(btc_trade());
  core::Tick book;
  book.exchange = core::Exchange::kBinance;
  book.symbol = "BTCUSDT";
  book.kind = core::TickKind::kBook;
  book.ts_event_us = 1'723'161'301'000'000;
  book.ts_recv_us = 1'723'161'301'000'500;
  book.bid = dec("61828.00");
  book.bid_qty = dec("1.5");
  book.ask = dec("61828.02");
  book.ask_qty = dec("0.25");
  cache.update(book);
  core::Tick ticker = book;
  ticker.kind = core::TickKind::kTicker;
  ticker.bid_qty.reset();
  ticker.ask_qty.reset();
  ticker.last = dec("61828.03");
  ticker.volume = dec("12345.678");
  cache.update(ticker);

  std::string json;
  REQUIRE(cache.append_json(core::Exchange::kBinance, "BTCUSDT", json));
  CHECK(json == R"({"exchange":"binance","symbol":"BTCUSDT","timestamp":1723161301000,)"
                R"("last":61828.03,"last_qty":0.0010,"bid":61828.00,"bid_qty":1.5,"ask":61828.02,)"
                R"("ask_qty":0.25,"volume":12345.678,"ts_event_us":1723161301000000,)"
                R"("ts_recv_us":1723161301000500,"ticks":3})");
  CHECK(cache.exchange_of("BTCUSDT") == core::Exchange::kBinance);
  CHECK_FALSE(cache.exchange_of("BTC-USD").has_value());
  CHECK_FALSE(cache.append_json(core::Exchange::kCoinbase, "BTCUSDT", json));
}

TEST_CASE("HttpApi serves /ticker/{symbol} and /ticker/{exchange}/{symbol} from the cache",
          "[gateway][api]") {
  ApiWorld w;
  const auto by_symbol = send_one(w, get("/ticker/BTCUSDT"));
  CHECK(by_symbol.status == 200);
  CHECK(core::find_header(by_symbol.headers, "content-type") == "application/json");
  CHECK(by_symbol.body.rfind(R"({"exchange":"binance","symbol":"BTCUSDT","timestamp":)", 0) == 0);
  const auto by_exchange = send_one(w, get("/ticker/binance/BTCUSDT?x=1"));
  CHECK(by_exchange.status == 200);
  CHECK(by_exchange.body == by_symbol.body);
  CHECK(w.requests("/ticker", "200") == 2);
}

TEST_CASE("HttpApi answers 404 JSON naming an unknown symbol, exchange or path", "[gateway][api]") {
  ApiWorld w;
  const auto unknown = send_one(w, get("/ticker/DOGEUSDT"));
  CHECK(unknown.status == 404);
  CHECK(unknown.body == R"({"error":"unknown symbol","symbol":"DOGEUSDT"})");
  CHECK(send_one(w, get("/ticker/kraken/BTCUSDT")).body ==
        R"({"error":"unknown symbol","exchange":"kraken","symbol":"BTCUSDT"})");
  CHECK(send_one(w, get("/ticker/ftx/BTCUSDT")).body ==
        R"({"error":"unknown exchange","exchange":"ftx"})");
  const auto other = send_one(w, get("/orders"));
  CHECK(other.status == 404);
  CHECK(other.body == R"({"error":"not found","path":"/orders"})");
  const auto post = send_one(w, {"POST", "/ticker/BTCUSDT", {}, ""});
  CHECK(post.status == 405);
  CHECK(core::find_header(post.headers, "Allow") == "GET");
  CHECK(w.requests("/ticker", "404") == 3);
  CHECK(w.requests("other", "404") == 1);
}

TEST_CASE("HttpApi /ready is 200 when every check passes and 503 naming the failing ones",
          "[gateway][api]") {
  ApiWorld w;
  bool nats = true;
  w.api.add_ready_check("nats", [&] { return nats; });
  w.api.add_ready_check("feeds", [] { return true; });
  const auto before = send_one(w, get("/ready"));
  CHECK(before.status == 503);
  CHECK(before.body == R"({"ready":false,"checks":{},"failing":[],"checked_at_ms":null})");
  w.api.start_ready_checks(kSecond);
  const auto ok = send_one(w, get("/ready"));
  CHECK(ok.status == 200);
  CHECK(
      ok.body ==
      R"({"ready":true,"checks":{"nats":true,"feeds":true},"failing":[],"checked_at_ms":1767225600000})");
  nats = false;
  w.clock.run_for(kSecond);
  const auto down = send_one(w, get("/ready"));
  CHECK(down.status == 503);
  CHECK(down.body == R"({"ready":false,"checks":{"nats":false,"feeds":true},"failing":["nats"],)"
                     R"("checked_at_ms":1767225601000})");
  CHECK(w.requests("/ready", "503") == 2);
  CHECK_THROWS_AS(w.api.start_ready_checks(kSecond), std::logic_error);
}

TEST_CASE("HttpApi /ready re-runs the checks every second while one fails, else every interval",
          "[gateway][api]") {
  ApiWorld w;
  bool feeds = false;  // at start the feeds are not live yet
  std::vector<std::int64_t> runs;
  w.api.add_ready_check("feeds", [&] {
    runs.push_back(w.clock.now_us());
    return feeds;
  });
  w.clock.call_after(2'500'000, [&] { feeds = true; });
  w.clock.call_after(40 * kSecond, [&] { feeds = false; });
  w.clock.call_after(64'500'000, [&] { feeds = true; });
  w.api.start_ready_checks(30 * kSecond);          // health_check_interval_sec: 30
  std::vector<std::pair<std::int64_t, int>> seen;  // (virtual us, status) at each change
  for (std::int64_t t = 0; t <= 100 * kSecond; t += 100'000) {
    w.clock.run_for(t - w.clock.now_us());
    const auto r = send_one(w, get("/ready"));
    if (seen.empty() || seen.back().second != r.status) seen.emplace_back(t, r.status);
  }
  // Ready 0.5 s after the feeds went live at 2.5 s, not 27.5 s later. The feed going down at
  // 40 s shows at the 63 s check (never per request), and up again at 64.5 s by 65 s.
  CHECK(seen == std::vector<std::pair<std::int64_t, int>>{
                    {0, 503}, {3 * kSecond, 200}, {63 * kSecond, 503}, {65 * kSecond, 200}});
  CHECK(runs == std::vector<std::int64_t>{0, 1 * kSecond, 2 * kSecond, 3 * kSecond, 33 * kSecond,
                                          63 * kSecond, 64 * kSecond, 65 * kSecond, 95 * kSecond});
  CHECK(send_one(w, get("/ready")).body ==
        R"({"ready":true,"checks":{"feeds":true},"failing":[],"checked_at_ms":1767225695000})");
}

TEST_CASE("HttpApi counts an asynchronous ready check that has not answered in a second as failing",
          "[gateway][api]") {
  ApiWorld w;
  std::vector<gateway::HttpApi::ReadyAnswer> asked;
  w.api.add_async_ready_check(
      "shards", [&](gateway::HttpApi::ReadyAnswer a) { asked.push_back(std::move(a)); });
  w.api.start_ready_checks(30 * kSecond);
  REQUIRE(asked.size() == 1);
  w.clock.run_for(kSecond - 1);
  CHECK(send_one(w, get("/ready")).body ==
        R"({"ready":false,"checks":{},"failing":[],"checked_at_ms":null})");
  w.clock.run_for(1);
  CHECK(
      send_one(w, get("/ready")).body ==
      R"({"ready":false,"checks":{"shards":false},"failing":["shards"],"checked_at_ms":1767225601000})");
  asked[0](true);  // too late: that run is over
  CHECK(send_one(w, get("/ready")).status == 503);
  w.clock.run_for(kSecond);
  REQUIRE(asked.size() == 2);
  asked[1](true);
  CHECK(send_one(w, get("/ready")).body ==
        R"({"ready":true,"checks":{"shards":true},"failing":[],"checked_at_ms":1767225602000})");
  w.clock.run_for(30 * kSecond - 1);
  CHECK(asked.size() == 2);
  w.clock.run_for(1);
  CHECK(asked.size() == 3);
}

TEST_CASE("HttpApi answers max_requests_per_window of 1500 requests, then 429 with Retry-After",
          "[gateway][api][ratelimit]") {
  ApiWorld w;
  w.api.start_ready_checks(30 * kSecond);
  const auto rs = send_all(w.clock, {&w.api}, get("/ticker/BTCUSDT"), 1500);
  for (std::size_t i = 0; i < rs.size(); ++i) {
    INFO("request " << i);
    REQUIRE(rs[i].status == (i < 1000 ? 200 : 429));
  }
  // The window ends in 60 s, and the previous one still weighs in full for one more ms.
  CHECK(core::find_header(rs[1000].headers, "Retry-After") == "61");
  CHECK(rs[1000].body == R"({"error":"rate limited","client":"10.0.0.7","retry_after_sec":61})");
  CHECK(w.requests("/ticker", "429") == 500);
  CHECK(health(w.api) == R"({"rate_limiter":"valkey","rate_limiter_fallbacks":0})");
  // /ready is not limited.
  CHECK(send_one(w, get("/ready")).status == 200);
}

TEST_CASE("HttpApi allows requests again once Retry-After has passed, and all after two windows",
          "[gateway][api][ratelimit]") {
  ApiWorld w;
  const auto first = send_all(w.clock, {&w.api}, get("/ticker/BTCUSDT"), 1001);
  REQUIRE(first.back().status == 429);
  const auto retry_sec = std::stoll(*core::find_header(first.back().headers, "Retry-After"));
  w.clock.run_for(retry_sec * kSecond);
  CHECK(send_one(w, get("/ticker/BTCUSDT")).status == 200);
  w.clock.run_for(120 * kSecond);
  const auto again = send_all(w.clock, {&w.api}, get("/ticker/BTCUSDT"), 1001);
  CHECK(count_status(again, 200) == 1000);
  CHECK(again.back().status == 429);
}

TEST_CASE("client_key is the peer address; X-Forwarded-For only behind a trusted proxy",
          "[gateway][api]") {
  const auto req = get("/ticker/BTCUSDT", {{"x-forwarded-for", " 10.0.0.9 , 10.0.0.1"}});
  CHECK(gateway::client_key(req, false) == "10.0.0.7");
  CHECK(gateway::client_key(req, true) == "10.0.0.9");
  CHECK(gateway::client_key(get("/", {}, ""), false) == "unknown");
  CHECK(gateway::client_key(get("/", {{"X-Forwarded-For", " "}}, "::1"), true) == "::1");
  CHECK(gateway::client_key(get("/", {}, std::string(100, 'a')), false) == std::string(64, 'a'));
}

TEST_CASE("HttpApi limits each client address on its own budget, whatever X-Forwarded-For says",
          "[gateway][api]") {
  ApiWorld w;
  const auto a = send_all(w.clock, {&w.api},
                          get("/ticker/BTCUSDT", {{"X-Forwarded-For", "a"}}, "10.0.0.1"), 1001);
  const auto a_again = send_all(w.clock, {&w.api},
                                get("/ticker/BTCUSDT", {{"X-Forwarded-For", "b"}}, "10.0.0.1"), 1);
  const auto b = send_all(w.clock, {&w.api}, get("/ticker/BTCUSDT", {}, "10.0.0.2"), 10);
  CHECK(count_status(a, 200) == 1000);
  CHECK(a_again[0].status == 429);
  CHECK(count_status(b, 200) == 10);
}

TEST_CASE("HttpApi behind a trusted proxy limits each X-Forwarded-For client on its own",
          "[gateway][api]") {
  ApiWorld w;
  auto o = limits();
  o.trust_forwarded_for = true;
  gateway::HttpApi proxied{w.clock, w.cache, &w.kv, w.metrics, o};
  const auto a = send_all(w.clock, {&proxied},
                          get("/ticker/BTCUSDT", {{"X-Forwarded-For", "a"}}, "10.0.0.1"), 1001);
  const auto b = send_all(w.clock, {&proxied},
                          get("/ticker/BTCUSDT", {{"X-Forwarded-For", "b"}}, "10.0.0.1"), 10);
  CHECK(count_status(a, 200) == 1000);
  CHECK(count_status(b, 200) == 10);
}

TEST_CASE("Two HttpApi instances sharing one Valkey answer exactly max_requests_per_window OKs",
          "[gateway][api][ratelimit]") {
  ApiWorld w;
  gateway::HttpApi second{w.clock, w.cache, &w.kv, w.metrics, limits()};
  w.kv.set_latency_us(300);
  const auto rs = send_all(w.clock, {&w.api, &second}, get("/ticker/BTCUSDT"), 1500);
  CHECK(count_status(rs, 200) == 1000);
  CHECK(count_status(rs, 429) == 500);
}

TEST_CASE("HttpApi falls back to a local limiter with the same numbers while Valkey is down",
          "[gateway][api][ratelimit]") {
  ApiWorld w;
  w.kv.set_available(false);
  const auto rs = send_all(w.clock, {&w.api}, get("/ticker/BTCUSDT"), 1500);
  CHECK(count_status(rs, 200) == 1000);
  CHECK(count_status(rs, 429) == 500);
  CHECK(core::find_header(rs.back().headers, "Retry-After") == "61");
  CHECK(health(w.api) == R"({"rate_limiter":"local_fallback","rate_limiter_fallbacks":1500})");
  CHECK(w.metrics
            .counter("gateway_api_limiter_fallback_total",
                     "API requests limited locally because Valkey failed")
            .value() == 1500);
  // Valkey is tried again after valkey_retry_us and the limiter goes back to it.
  w.kv.set_available(true);
  w.clock.run_for(5 * kSecond);
  CHECK(send_one(w, get("/ticker/BTCUSDT")).status == 200);
  CHECK(health(w.api) == R"({"rate_limiter":"valkey","rate_limiter_fallbacks":1500})");
}

TEST_CASE("HttpApi without sharing limits locally and says so", "[gateway][api][ratelimit]") {
  ApiWorld w;
  auto o = limits();
  o.shared = false;
  gateway::HttpApi local{w.clock, w.cache, &w.kv, w.metrics, o};
  const auto rs = send_all(w.clock, {&local}, get("/ticker/BTCUSDT"), 1001);
  CHECK(count_status(rs, 200) == 1000);
  CHECK(w.kv.size() == 0);
  CHECK(health(local) == R"({"rate_limiter":"local","rate_limiter_fallbacks":0})");
}

TEST_CASE("limiter_options reads rate_limiting.* and valkey.rate_limit_enabled", "[gateway][api]") {
  core::GatewayConfig c;
  c.rate_limiting.window_sec = 10;
  c.rate_limiting.max_requests_per_window = 5;
  auto o = gateway::limiter_options(c);
  CHECK(o.window_ms == 10'000);
  CHECK(o.max_requests == 5);
  CHECK(o.shared);
  CHECK_FALSE(o.trust_forwarded_for);
  c.rate_limiting.trust_forwarded_for = true;
  CHECK(gateway::limiter_options(c).trust_forwarded_for);
  c.valkey.rate_limit_enabled = false;
  CHECK_FALSE(gateway::limiter_options(c).shared);
  c.valkey.rate_limit_enabled = true;
  c.rate_limiting.use_valkey_cache = false;
  CHECK_FALSE(gateway::limiter_options(c).shared);
}
