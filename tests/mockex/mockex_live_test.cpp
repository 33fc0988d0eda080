// The real `mockex` binary on a free port: cpp-httplib for REST and a signed order, then the
// real CCXT client (node, tests/ccxt/mockex_ccxt.mjs; `make deps` installs node_modules).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <httplib.h>

#include "core/sign.h"
#include "tests/support/server_process.h"

using namespace std::chrono_literals;

namespace {

constexpr const char* kRecording = "fixtures/binance/BTCUSDT_2023-04-05T0000Z-0007Z.jsonl.zst";
constexpr const char* kLastTradeId = "3071248597";  // the recording's last trade
constexpr const char* kLastTradePrice = "28151.22";

/// `mockex` replaying the 2023 BTCUSDT recording at max speed on a free port.
struct MockexProcess {
  MockexProcess()
      : port(testsupport::free_tcp_port()),
        process({T26_MOCKEX_BIN, "--port", std::to_string(port), "--recording", kRecording,
                 "--speed", "max"},
                dir.path() + "/mockex.log") {
    process.start();
    REQUIRE(testsupport::wait_for_tcp(port, 30s));
  }
  testsupport::TempDir dir{"mockex-live"};
  std::uint16_t port;
  testsupport::ServerProcess process;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

TEST_CASE("The mockex binary serves REST and a signed order to cpp-httplib", "[mockex][net]") {
  MockexProcess mockex;
  httplib::Client client("127.0.0.1", mockex.port);
  const auto ping = client.Get("/api/v3/ping");
  REQUIRE(ping);
  CHECK(ping->status == 200);
  CHECK(ping->body == "{}");
  CHECK(ping->get_header_value("X-MBX-USED-WEIGHT-1M") == "1");

  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::string params = fmt::format(
      "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=20000.00"
      "&newClientOrderId=live1&timestamp={}",
      now_ms);
  const std::string body =
      params + "&signature=" + core::hmac_sha256_hex("mockex-test-secret", params);
  const auto order = client.Post("/api/v3/order", {{"X-MBX-APIKEY", "mockex-test-key"}}, body,
                                 "application/x-www-form-urlencoded");
  REQUIRE(order);
  INFO(order->body);
  CHECK(order->status == 200);
  CHECK(order->body.find(R"("clientOrderId":"live1")") != std::string::npos);
  CHECK(order->get_header_value("X-MBX-ORDER-COUNT-10S") == "1");

  const auto metrics = client.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("mockex_orders_total 1\n") != std::string::npos);
}

TEST_CASE("The real CCXT binance client trades against the mockex binary", "[mockex][net]") {
  INFO("node_modules/ccxt is installed by `make deps` (npm ci)");
  REQUIRE(std::system("test -d node_modules/ccxt") == 0);
  MockexProcess mockex;
  const std::string cmd =
      fmt::format("node tests/ccxt/mockex_ccxt.mjs http://127.0.0.1:{} {} {} > {}/ccxt.log 2>&1",
                  mockex.port, kLastTradeId, kLastTradePrice, mockex.dir.path());
  const int rc = std::system(cmd.c_str());
  INFO(read_file(mockex.dir.path() + "/ccxt.log") + mockex.process.log_tail());
  CHECK(rc == 0);
}
