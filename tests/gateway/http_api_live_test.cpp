// HttpApi against a real redis-server: two instances, each with its own net::HiredisKv
// connection, share one client budget through kRateLimitScript.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "gateway/http_api.h"
#include "net/asio_clock.h"
#include "net/hiredis_kv.h"
#include "tests/support/server_process.h"

namespace {

constexpr std::int64_t kSecond = 1'000'000;

core::KvOptions kv_options(std::uint16_t port) {
  core::KvOptions o;
  o.url = "redis://127.0.0.1:" + std::to_string(port);
  return o;
}

}  // namespace

TEST_CASE("Two HttpApi instances sharing a real Valkey answer exactly max_requests_per_window OKs",
          "[gateway][api][net]") {
  testsupport::TempDir dir{"t26-api"};
  const std::uint16_t port = testsupport::free_tcp_port();
  testsupport::ServerProcess redis{
      {"redis-server", "--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "",
       "--appendonly", "no", "--dir", dir.path()},
      dir.path() + "/redis.log"};
  REQUIRE(testsupport::wait_for_tcp(port, std::chrono::seconds(10)));
  net::AsioClock clock;
  net::HiredisKv kv_a(clock, kv_options(port));
  net::HiredisKv kv_b(clock, kv_options(port));
  REQUIRE(clock.run_until([&] { return kv_a.connected() && kv_b.connected(); }, 5 * kSecond));

  core::metrics::Registry metrics;
  gateway::TickerCache cache;
  core::Tick tick;
  tick.symbol = "BTCUSDT";
  tick.price = *core::Decimal::parse("61828.01");
  cache.update(tick);
  gateway::ClientLimiterOptions limits;
  // A day: the windows are aligned to wall time, so a short one could roll over mid-test
  // and let the previous window's weight admit one more.
  limits.window_ms = 86'400'000;
  limits.max_requests = 1000;
  gateway::HttpApi api_a(clock, cache, &kv_a, metrics, limits);
  gateway::HttpApi api_b(clock, cache, &kv_b, metrics, limits);

  int ok = 0;
  int limited = 0;
  std::optional<std::string> retry_after;
  const core::HttpRequest request{"GET", "/ticker/BTCUSDT", {}, "", "127.0.0.1"};  // one client
  for (int i = 0; i < 1500; ++i) {
    (i % 2 == 0 ? api_a : api_b).handle(request, core::HttpResponder([&](core::HttpResponse r) {
                                          if (r.status == 200) ++ok;
                                          if (r.status != 429) return;
                                          ++limited;
                                          retry_after = core::find_header(r.headers, "Retry-After");
                                        }));
  }
  REQUIRE(clock.run_until([&] { return ok + limited == 1500; }, 10 * kSecond));
  CHECK(ok == 1000);
  CHECK(limited == 500);
  REQUIRE(retry_after.has_value());
  CHECK(std::stoll(*retry_after) >= 1);
  std::string health;
  core::json::ObjectWriter w(health);
  api_a.health_fields(w);
  w.close();
  CHECK(health == R"({"rate_limiter":"valkey","rate_limiter_fallbacks":0})");
}
