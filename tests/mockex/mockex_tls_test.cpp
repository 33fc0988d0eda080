// `mockex --tls CERT KEY` with a self-signed certificate the test makes with the openssl CLI:
// our own net::BeastHttpClient and net::BeastWsClient trusting it get a ticker over https and
// a trade over wss (and refuse the server without it), then the real CCXT client over https
// and wss with NODE_EXTRA_CA_CERTS.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "net/asio_clock.h"
#include "net/beast_http_client.h"
#include "net/beast_ws_client.h"
#include "tests/support/server_process.h"

using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kMs = 1000;
constexpr const char* kRecording = "fixtures/binance/BTCUSDT_2023-04-05T0000Z-0007Z.jsonl.zst";
constexpr const char* kFirstTradeId = "3071245454";  // the recording's first trade

/// A fresh self-signed certificate for 127.0.0.1 and `mockex --tls` with it, holding the
/// replay until the first websocket subscription.
struct TlsMockex {
  TlsMockex()
      : port(testsupport::free_tcp_port()),
        process({T26_MOCKEX_BIN, "--port", std::to_string(port), "--recording", kRecording,
                 "--speed", "max", "--start-on-subscribe", "--tls", cert(), key()},
                dir.path() + "/mockex.log") {
    const std::string make_cert = fmt::format(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
        " -addext subjectAltName=IP:127.0.0.1 -keyout {} -out {} 2>/dev/null",
        key(), cert());
    REQUIRE(std::system(make_cert.c_str()) == 0);
    process.start();
    REQUIRE(testsupport::wait_for_tcp(port, 30s));
  }
  std::string cert() const { return dir.path() + "/cert.pem"; }
  std::string key() const { return dir.path() + "/key.pem"; }

  testsupport::TempDir dir{"mockex-tls"};
  std::uint16_t port;
  testsupport::ServerProcess process;
};

core::Result<core::HttpResponse> get(net::AsioClock& clock, core::HttpClient& client,
                                     std::uint16_t port, const std::string& target) {
  std::optional<core::Result<core::HttpResponse>> result;
  client.request(core::Url{"https", "127.0.0.1", port, ""}, {"GET", target, {}, ""}, 5000 * kMs,
                 [&](core::Result<core::HttpResponse> r) { result.emplace(std::move(r)); });
  REQUIRE(clock.run_until([&] { return result.has_value(); }, 10'000 * kMs));
  return std::move(*result);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

TEST_CASE("mockex --tls serves wss and https to our clients trusting the test's certificate",
          "[mockex][net][tls]") {
  TlsMockex mockex;
  INFO(mockex.process.log_tail());
  net::AsioClock clock;

  net::BeastWsClient ws(clock, core::WsClientOptions{.ca_file = mockex.cert()});
  std::vector<std::string> frames;
  std::optional<std::string> closed;
  ws.connect(
      fmt::format("wss://127.0.0.1:{}/ws/btcusdt@trade", mockex.port),
      {{},
       [&](const std::string& text) { frames.push_back(text); },
       [&](int code, const std::string& reason) { closed = fmt::format("{} {}", code, reason); }});
  REQUIRE(clock.run_until([&] { return !frames.empty() || closed; }, 20'000 * kMs));
  INFO(closed.value_or("open"));
  REQUIRE_FALSE(frames.empty());
  CHECK(frames[0].find(R"("e":"trade")") != std::string::npos);
  CHECK(frames[0].find(fmt::format(R"("t":{},)", kFirstTradeId)) != std::string::npos);

  net::BeastHttpClient https(clock, core::HttpClientOptions{.ca_file = mockex.cert()});
  auto ticker = get(clock, https, mockex.port, "/api/v3/ticker/price?symbol=BTCUSDT");
  REQUIRE(ticker.is_ok());
  CHECK(ticker->status == 200);
  CHECK(ticker->body.starts_with(R"({"symbol":"BTCUSDT","price":")"));

  net::BeastHttpClient system_cas(clock);
  auto untrusted = get(clock, system_cas, mockex.port, "/api/v3/ping");
  REQUIRE_FALSE(untrusted.is_ok());
  CHECK(untrusted.status().code == core::Errc::kUnavailable);
  CHECK(untrusted.status().message.find("certificate verify failed") != std::string::npos);
  ws.close(core::kWsCloseNormal, "done");
  clock.run_until([&] { return closed.has_value(); }, 5000 * kMs);
}

TEST_CASE("The real CCXT client reaches mockex --tls over https and wss", "[mockex][net][tls]") {
  INFO("node_modules/ccxt is installed by `make deps` (npm ci)");
  REQUIRE(std::system("test -d node_modules/ccxt") == 0);
  TlsMockex mockex;
  const std::string cmd = fmt::format(
      "NODE_EXTRA_CA_CERTS={0} node tests/ccxt/mockex_ccxt_tls.mjs https://127.0.0.1:{1} {2}"
      " > {3}/ccxt.log 2>&1",
      mockex.cert(), mockex.port, kFirstTradeId, mockex.dir.path());
  const int rc = std::system(cmd.c_str());
  INFO(read_file(mockex.dir.path() + "/ccxt.log") + mockex.process.log_tail());
  CHECK(rc == 0);
}
