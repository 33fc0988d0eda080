// MockexWorld: a MockExchange behind sim::SimHttpServer on host "server", with a
// SimHttpClient and SimWsClient on host "client", all in virtual time (SimClock starts at
// 2026-01-01T00:00:00Z, a minute boundary, so weight windows are exact).
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/sign.h"
#include "sim/mockex/server.h"
#include "sim/sim_clock.h"
#include "sim/sim_http_client.h"
#include "sim/sim_http_server.h"
#include "sim/sim_network.h"
#include "sim/sim_ws_client.h"

namespace mockex_test {

inline const std::string& recorded_exchange_info() {
  static const std::string body = [] {
    auto r = sim::mockex::read_exchange_info_recording(
        std::string(sim::mockex::kDefaultExchangeInfoRecording));
    REQUIRE(r.is_ok());
    return *r;
  }();
  return body;
}

inline sim::mockex::MockexConfig default_config() {
  sim::mockex::MockexConfig c;
  c.exchange_info_json = recorded_exchange_info();
  return c;
}

class MockexWorld {
 public:
  static constexpr std::int64_t kSecond = 1'000'000;

  explicit MockexWorld(sim::mockex::MockexConfig config = default_config()) {
    auto ex = sim::mockex::MockExchange::create(clock, server, std::move(config));
    REQUIRE(ex.is_ok());
    exchange = std::move(*ex);
    auto p = server.listen("0.0.0.0", 8080);
    REQUIRE(p.is_ok());
    port = *p;
  }

  std::int64_t now_ms() const { return clock.wall_us() / 1000; }

  core::HttpResponse send(std::string method, std::string target, std::string body = {},
                          core::Headers headers = {}) {
    core::HttpRequest req{std::move(method), std::move(target), std::move(headers),
                          std::move(body)};
    std::optional<core::Result<core::HttpResponse>> got;
    client.request(core::Url{"http", "server", port, ""}, std::move(req), 5 * kSecond,
                   [&](core::Result<core::HttpResponse> r) { got = std::move(r); });
    REQUIRE(clock.run_until([&] { return got.has_value(); }, 10 * kSecond));
    REQUIRE(got->is_ok());
    return std::move(**got);
  }
  core::HttpResponse get(std::string target) { return send("GET", std::move(target)); }

  /// `params` + "&timestamp=<now>" signed with `secret`, in the query or as a form body.
  core::HttpResponse send_signed(std::string method, std::string path, std::string params,
                                 bool in_body = false, std::string key = "mockex-test-key",
                                 std::string secret = "mockex-test-secret") {
    if (params.find("timestamp=") == std::string::npos)
      params += (params.empty() ? "" : "&") + std::string("timestamp=") + std::to_string(now_ms());
    const std::string signed_params =
        params + "&signature=" + core::hmac_sha256_hex(secret, params);
    core::Headers headers{{"X-MBX-APIKEY", key}};
    if (!in_body) return send(std::move(method), path + "?" + signed_params, {}, headers);
    headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    return send(std::move(method), std::move(path), signed_params, headers);
  }

  void feed_ws(const std::string& msg) { exchange->feed({now_ms() * 1000, "binance.ws", "", msg}); }

  sim::SimClock clock;
  sim::SimNetwork net{clock, core::Rng(26)};
  sim::SimHttpServer server{clock, net, "server"};
  sim::SimHttpClient client{clock, net, "client"};
  std::unique_ptr<sim::mockex::MockExchange> exchange;
  std::uint16_t port = 0;
};

inline std::string header(const core::HttpResponse& r, std::string_view name) {
  return core::find_header(r.headers, name).value_or("<absent>");
}

}  // namespace mockex_test
