// The real `mockex --admin` binary on a free port, driven by cpp-httplib: /admin/faults sets a
// forced 5xx, and accept-then-drop resets the real TCP connection (Beast) after placing the order.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include <fmt/format.h>
#include <httplib.h>

#include "core/sign.h"
#include "tests/support/server_process.h"

using namespace std::chrono_literals;

namespace {

struct AdminMockex {
  explicit AdminMockex(bool admin)
      : port(testsupport::free_tcp_port()),
        process(admin ? std::vector<std::string>{T26_MOCKEX_BIN, "--port", std::to_string(port),
                                                 "--admin"}
                      : std::vector<std::string>{T26_MOCKEX_BIN, "--port", std::to_string(port)},
                dir.path() + "/mockex.log") {
    process.start();
    REQUIRE(testsupport::wait_for_tcp(port, 30s));
  }
  testsupport::TempDir dir{"mockex-admin"};
  std::uint16_t port;
  testsupport::ServerProcess process;
};

std::string signed_order_body(const std::string& client_order_id) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::string params = fmt::format(
      "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=20000.00"
      "&newClientOrderId={}&timestamp={}",
      client_order_id, now_ms);
  return params + "&signature=" + core::hmac_sha256_hex("mockex-test-secret", params);
}

}  // namespace

TEST_CASE("mockex --admin injects faults over HTTP, and a dropped order response is a reset",
          "[mockex][net]") {
  AdminMockex mockex(true);
  httplib::Client client("127.0.0.1", mockex.port);
  client.set_read_timeout(5, 0);
  const auto set = client.Post("/admin/faults", R"({"error_next":1,"drop_order_response_next":1})",
                               "application/json");
  REQUIRE(set);
  CHECK(set->status == 200);
  const auto failed = client.Get("/api/v3/ping");
  REQUIRE(failed);
  CHECK(failed->status == 503);

  const auto dropped =
      client.Post("/api/v3/order", {{"X-MBX-APIKEY", "mockex-test-key"}},
                  signed_order_body("admin-1"), "application/x-www-form-urlencoded");
  CHECK_FALSE(dropped);  // the connection was reset: no response at all

  const auto metrics = client.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("mockex_orders_total 1\n") != std::string::npos);
  CHECK(metrics->body.find(R"(mockex_faults_injected_total{kind="drop_response"} 1)") !=
        std::string::npos);
  CHECK(metrics->body.find(R"(mockex_faults_injected_total{kind="5xx"} 1)") != std::string::npos);
}

TEST_CASE("mockex without --admin has no /admin/faults", "[mockex][net]") {
  AdminMockex mockex(false);
  httplib::Client client("127.0.0.1", mockex.port);
  const auto set = client.Post("/admin/faults", R"({"error_next":1})", "application/json");
  REQUIRE(set);
  CHECK(set->status == 404);
}
