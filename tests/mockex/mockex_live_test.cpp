// The real `mockex` binary on a free port: cpp-httplib for REST and a signed order, then the
// real CCXT client (node, tests/ccxt/mockex_ccxt.mjs; `make deps` installs node_modules).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/sign.h"
#include "sim/replay/recording.h"
#include "tests/support/server_process.h"

using namespace std::chrono_literals;

namespace {

constexpr const char* kRecording = "fixtures/binance/BTCUSDT_2023-04-05T0000Z-0007Z.jsonl.zst";
// Has a 1000-level depth snapshot (its 8th record), so a market order can walk the book.
constexpr const char* kDepthRecording =
    "fixtures/binance/BTCUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst";
constexpr std::int64_t kWeightLimit = 40;

/// `mockex` started on a free port with `extra` flags, at max speed.
struct MockexProcess {
  explicit MockexProcess(std::vector<std::string> extra = {"--recording", kRecording})
      : port(testsupport::free_tcp_port()),
        process(
            [&] {
              std::vector<std::string> argv = {T26_MOCKEX_BIN, "--port", std::to_string(port),
                                               "--speed", "max"};
              argv.insert(argv.end(), extra.begin(), extra.end());
              return argv;
            }(),
            dir.path() + "/mockex.log") {
    process.start();
  }
  /// Waits until it listens (separate from starting, so two can start up at once).
  void wait_ready() const { REQUIRE(testsupport::wait_for_tcp(port, 30s)); }
  std::string url() const { return fmt::format("http://127.0.0.1:{}", port); }
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

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

/// Copies the first `records` records of the recording at `from` to `to` (a plain .jsonl) and
/// returns their BTCUSDT trades in order as [[id, "price", event time ms], ...].
nlohmann::json cut_recording(const std::string& from, const std::string& to, int records) {
  auto reader = sim::replay::RecordingReader::open(from);
  REQUIRE(reader);
  auto writer = sim::replay::RecordingWriter::open(to);
  REQUIRE(writer);
  nlohmann::json trades = nlohmann::json::array();
  sim::replay::Record record;
  for (int n = 0; n < records; ++n) {
    auto more = reader->next(record);
    if (!more.is_ok()) FAIL(more.status().message);
    if (!*more) break;
    if (auto s = writer->write(record); !s.is_ok()) FAIL(s.message);
    const auto msg = nlohmann::json::parse(record.msg, nullptr, false);
    if (record.src != "binance.ws" || msg.value("stream", "") != "btcusdt@trade") continue;
    const auto& d = msg["data"];
    trades.push_back({d["t"], d["p"], d["E"]});
  }
  REQUIRE(writer->close().is_ok());
  return trades;
}

}  // namespace

TEST_CASE("The mockex binary serves REST and a signed order to cpp-httplib", "[mockex][net]") {
  MockexProcess mockex;
  mockex.wait_ready();
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

TEST_CASE("The real CCXT binance and ccxt.pro clients trade and stream against mockex",
          "[mockex][net]") {
  INFO("node_modules/ccxt is installed by `make deps` (npm ci)");
  REQUIRE(std::system("test -d node_modules/ccxt") == 0);
  testsupport::TempDir dir("mockex-ccxt");
  write_file(dir.path() + "/rich.yaml", "starting_balances: {USDT: \"100000000\", BTC: \"1\"}\n");
  write_file(dir.path() + "/limited.yaml",
             fmt::format("rate_limits: {{weight_per_minute: {}}}\n", kWeightLimit));
  // The recording's depth snapshot and the 1200 frames around it: enough for every check,
  // replayed in a few seconds even under the sanitizers.
  const std::string recording = dir.path() + "/cut.jsonl";
  const auto trades = cut_recording(kDepthRecording, recording, 1200);
  write_file(dir.path() + "/expected.json",
             nlohmann::json{{"trades", trades}, {"weight_limit", kWeightLimit}}.dump());
  MockexProcess mockex(
      {"--recording", recording, "--start-on-subscribe", "--config", dir.path() + "/rich.yaml"});
  MockexProcess limited({"--config", dir.path() + "/limited.yaml"});
  mockex.wait_ready();
  limited.wait_ready();
  const std::string cmd =
      fmt::format("node tests/ccxt/mockex_ccxt.mjs {0}/expected.json {1} {2} > {0}/ccxt.log 2>&1",
                  dir.path(), mockex.url(), limited.url());
  const int rc = std::system(cmd.c_str());
  INFO(read_file(dir.path() + "/ccxt.log") + mockex.process.log_tail() +
       limited.process.log_tail());
  CHECK(rc == 0);
}

TEST_CASE("The mockex binary pings websockets and drops one that never pongs", "[mockex][net]") {
  MockexProcess mockex({"--ws-ping", "1", "--ws-pong-timeout", "3"});
  mockex.wait_ready();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(mockex.port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const timeval read_deadline{10, 0};  // no read blocks longer; the drop is due after 3 s
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &read_deadline, sizeof read_deadline);
  const std::string upgrade =
      "GET /ws/btcusdt@trade HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Version: 13\r\n\r\n";
  REQUIRE(::send(fd, upgrade.data(), upgrade.size(), 0) == static_cast<ssize_t>(upgrade.size()));
  const auto start = std::chrono::steady_clock::now();
  std::string bytes;
  char buf[512];
  ssize_t n = 0;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) bytes.append(buf, static_cast<std::size_t>(n));
  const auto open_for = std::chrono::steady_clock::now() - start;
  ::close(fd);
  INFO(mockex.process.log_tail());
  CHECK(n == 0);  // the server closed it, not the read deadline
  CHECK(bytes.starts_with("HTTP/1.1 101"));
  const auto body = bytes.substr(bytes.find("\r\n\r\n") + 4);
  CHECK(body.find(std::string("\x89\x00", 2)) == 0);  // a ping, then more
  CHECK(open_for >= 3s);
  CHECK(open_for < 8s);
}
