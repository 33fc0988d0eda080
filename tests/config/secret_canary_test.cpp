// The secret canary: every binary runs with known fake keys through start-up, trace-level
// logging, a failed signed request (live_gateway, against a FakeExchange), /health, /metrics
// and its trace; the keys must show up nowhere but in the request the exchange received.
#include <signal.h>

#include <fstream>
#include <mutex>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>
#include <catch2/catch.hpp>

#include "core/secrets/secret.h"
#include "core/sign.h"
#include "tests/config/service_process.h"
#include "tests/support/server_process.h"

namespace {

using namespace std::chrono_literals;

constexpr const char* kCanaryKey = "canary-key-2b8e44";
constexpr const char* kCanarySecret = "canary-secret-7f3a91";
constexpr const char* kRejection =
    R"({"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."})";

/// Binance's account endpoint that rejects every key with -2015 (401), recording what came.
class FakeExchange {
 public:
  FakeExchange() {
    server_.Get("/api/v3/account", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      api_key_ = req.get_header_value("X-MBX-APIKEY");
      target_ = req.target;
      res.status = 401;
      res.set_content(kRejection, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeExchange() {
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::optional<std::string> api_key() const {
    std::lock_guard<std::mutex> lock(mu_);
    return api_key_;
  }
  std::string target() const {
    std::lock_guard<std::mutex> lock(mu_);
    return target_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::optional<std::string> api_key_;
  std::string target_;
};

/// The ports from the shell's `listening http_port=.. metrics_port=..` line, once logged.
std::optional<std::pair<int, int>> logged_ports(const std::string& output) {
  static const std::regex kListening("listening http_port=(\\d+) metrics_port=(\\d+)\\s");
  std::smatch m;
  if (!std::regex_search(output, m, kListening)) return std::nullopt;
  return std::make_pair(std::stoi(m[1]), std::stoi(m[2]));
}

std::string http_get(int port, const char* path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5);
  client.set_read_timeout(5);
  auto res = client.Get(path);
  REQUIRE(res);
  CHECK(res->status == 200);
  return res->body;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void check_no_canary(const std::string& where, const std::string& text) {
  INFO(where << ":\n" << text);
  CHECK(text.find(kCanaryKey) == std::string::npos);
  CHECK(text.find(kCanarySecret) == std::string::npos);
}

struct Binary {
  const char* name;
  const char* service_name;  // service.name in config/local/<name>.yaml
  const char* path;
};

/// The signature from the signed target the exchange received, or "" without one.
std::string signature_in(const std::string& target) {
  auto at = target.find("&signature=");
  return at == std::string::npos ? "" : target.substr(at + 11);
}

}  // namespace

TEST_CASE(
    "No binary reveals a secret in its logs, health, metrics or trace, even after a failed "
    "signed request",
    "[binaries][net]") {
  const Binary binaries[] = {{"gateway", "gateway", T26_GATEWAY_BIN},
                             {"live_gateway", "live-gateway", T26_LIVE_GATEWAY_BIN},
                             {"normalizer", "normalizer", T26_NORMALIZER_BIN}};
  for (const Binary& b : binaries) {
    SECTION(b.name) {
      testsupport::TempDir dir("t26_canary");
      FakeExchange exchange;
      const std::string trace_path = dir.path() + "/trace.jsonl";
      const bool live = std::string(b.name) == "live_gateway";
      std::vector<std::string> args = {"--config",    fmt::format("config/local/{}.yaml", b.name),
                                       "--log-level", "trace",
                                       "--set",       "trace.path=" + trace_path,
                                       "--set",       "service.port=0",
                                       "--set",       "monitoring.metrics_port=0"};
      if (live) {
        args.push_back("--set");
        args.push_back(
            fmt::format("exchanges.binance.api_url=http://127.0.0.1:{}", exchange.port()));
        // The fake exchange serves no exchangeInfo; without filters to load, the key check
        // goes out at once.
        args.push_back("--set");
        args.push_back("execution.validate_orders=false");
      }
      testsupport::ServiceProcess p(b.path, args,
                                    {std::string("BINANCE_API_KEY=") + kCanaryKey,
                                     std::string("BINANCE_SECRET=") + kCanarySecret});
      const bool ready =
          p.read_until([](const std::string& out) { return logged_ports(out).has_value(); }, 30s);
      const bool checked = !live || p.read_until("binance key check result=", 30s);
      INFO(b.name << " output:\n" << p.output());
      REQUIRE(ready);
      REQUIRE(checked);
      const auto [http_port, metrics_port] = *logged_ports(p.output());

      const std::string health = http_get(http_port, "/health");
      // Services add their own fields after these two (rate limiter mode, execution mode).
      CHECK(health.starts_with(fmt::format(R"({{"status":"ok","service":"{}")", b.service_name)));
      const std::string metrics = http_get(metrics_port, "/metrics");
      CHECK(metrics.find(fmt::format("t26_build_info{{service=\"{}\",version=", b.service_name)) !=
            std::string::npos);
      CHECK(metrics.find("t26_start_time_seconds ") != std::string::npos);

      p.signal(SIGTERM);
      REQUIRE(p.wait() == 0);
      INFO(b.name << " output after SIGTERM:\n" << p.output());
      const std::string trace = read_file(trace_path);
      CHECK_FALSE(trace.empty());
      CHECK(trace.find(fmt::format("Secret(fp={})", core::Secret(kCanarySecret).fingerprint())) !=
            std::string::npos);
      CHECK(trace.find("\"event\":\"stop\"") != std::string::npos);

      check_no_canary("output", p.output());
      check_no_canary("/health", health);
      check_no_canary("/metrics", metrics);
      check_no_canary("trace", trace);
      if (live) {
        CHECK(p.output().find("result=rejected status=401 code=-2015") != std::string::npos);
        CHECK(metrics.find(
                  "live_gateway_key_check_total{exchange=\"binance\",result=\"rejected\"} 1") !=
              std::string::npos);
        CHECK(trace.find("\"result\":\"rejected\",\"status\":401,\"code\":-2015") !=
              std::string::npos);
        // The request really was signed with the canary, so the greps above meant something.
        CHECK(exchange.api_key() == std::optional<std::string>(kCanaryKey));
        const std::string signature = signature_in(exchange.target());
        const std::string query = exchange.target().substr(
            std::string("/api/v3/account?").size(),
            exchange.target().size() - std::string("/api/v3/account?&signature=").size() -
                signature.size());
        CHECK(signature == core::hmac_sha256_hex(kCanarySecret, query));
        // A signature stands in for the secret while its timestamp is fresh.
        CHECK(p.output().find(signature) == std::string::npos);
        CHECK(trace.find(signature) == std::string::npos);
      } else {
        CHECK_FALSE(exchange.api_key());
      }
    }
  }
}
