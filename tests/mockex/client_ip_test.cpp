// MockExchange counts request weight, 429s and 418 bans per client IP (PROTOCOLS.md 1.2): the
// peer address of the connection (the SimNetwork host), not X-Forwarded-For.
#include "tests/mockex/mockex_world.h"

namespace {

using mockex_test::header;
using mockex_test::MockexWorld;
constexpr std::int64_t kSecond = MockexWorld::kSecond;

/// A second client host beside MockexWorld's "client".
struct OtherHost {
  OtherHost(MockexWorld& w, std::string name) : w(w), client(w.clock, w.net, std::move(name)) {}
  core::HttpResponse get(std::string target, core::Headers headers = {}) {
    std::optional<core::Result<core::HttpResponse>> got;
    client.request(core::Url{"http", "server", w.port, ""},
                   core::HttpRequest{"GET", std::move(target), std::move(headers), ""}, 5 * kSecond,
                   [&](core::Result<core::HttpResponse> r) { got = std::move(r); });
    REQUIRE(w.clock.run_until([&] { return got.has_value(); }, 10 * kSecond));
    REQUIRE(got->is_ok());
    return std::move(**got);
  }
  MockexWorld& w;
  sim::SimHttpClient client;
};

sim::mockex::MockexConfig weight_limit(std::int64_t per_minute) {
  auto config = mockex_test::default_config();
  config.rate_limits.weight_per_minute = per_minute;
  return config;
}

}  // namespace

TEST_CASE("MockExchange counts weight per client host: a ban on one leaves the other alone",
          "[mockex][server]") {
  MockexWorld w(weight_limit(3));
  OtherHost other(w, "client-2");
  for (int i = 1; i <= 3; ++i)
    CHECK(header(w.get("/api/v3/ping"), "X-MBX-USED-WEIGHT-1M") == std::to_string(i));
  CHECK(w.get("/api/v3/ping").status == 429);
  CHECK(w.get("/api/v3/ping").status == 418);
  // The second host has its own minute: weight 1, 2, 3, then its own 429.
  for (int i = 1; i <= 3; ++i) {
    const auto r = other.get("/api/v3/ping");
    CHECK(r.status == 200);
    CHECK(header(r, "X-MBX-USED-WEIGHT-1M") == std::to_string(i));
  }
  CHECK(other.get("/api/v3/ping").status == 429);
  CHECK(w.get("/api/v3/time").status == 418);  // the first is still banned
}

TEST_CASE("MockExchange ignores X-Forwarded-For: a client cannot pick a fresh IP",
          "[mockex][server]") {
  MockexWorld w(weight_limit(2));
  OtherHost same(w, "client");  // another connection from the same host
  CHECK(same.get("/api/v3/ping", {{"X-Forwarded-For", "10.9.9.1"}}).status == 200);
  CHECK(same.get("/api/v3/ping", {{"X-Forwarded-For", "10.9.9.2"}}).status == 200);
  const auto r = w.get("/api/v3/ping");
  CHECK(r.status == 429);
  CHECK(header(r, "X-MBX-USED-WEIGHT-1M") == "2");
}

TEST_CASE("MockExchange counts hosts behind one NAT address as one IP", "[mockex][server]") {
  auto config = weight_limit(2);
  config.nat = {{"client", "198.51.100.7"}, {"client-2", "198.51.100.7"}};
  MockexWorld w(std::move(config));
  OtherHost other(w, "client-2");
  CHECK(header(w.get("/api/v3/ping"), "X-MBX-USED-WEIGHT-1M") == "1");
  CHECK(header(other.get("/api/v3/ping"), "X-MBX-USED-WEIGHT-1M") == "2");
  CHECK(w.get("/api/v3/ping").status == 429);
  CHECK(other.get("/api/v3/ping").status == 418);
}
