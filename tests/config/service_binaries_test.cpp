// Runs the built service binaries as a user would: exit codes, output, and the secret canary.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/secrets/secret.h"
#include "tests/config/service_process.h"

namespace {

constexpr const char* kCanaryKey = "CANARY-key-7c1e2f9d0a";
constexpr const char* kCanarySecret = "CANARY-secret-b44d19e3f2";

using testsupport::ServiceProcess;

const std::vector<std::string> kCanaryEnv = {
    std::string("BINANCE_API_KEY=") + kCanaryKey, std::string("BINANCE_SECRET=") + kCanarySecret,
    std::string("COINBASE_API_KEY=") + kCanaryKey, std::string("KRAKEN_SECRET=") + kCanarySecret};

struct Binary {
  const char* name;
  const char* path;
};
const Binary kBinaries[] = {{"gateway", T26_GATEWAY_BIN},
                            {"live_gateway", T26_LIVE_GATEWAY_BIN},
                            {"normalizer", T26_NORMALIZER_BIN}};

void check_no_canary(const std::string& output) {
  INFO(output);
  CHECK(output.find(kCanaryKey) == std::string::npos);
  CHECK(output.find(kCanarySecret) == std::string::npos);
  CHECK(output.find("CANARY") == std::string::npos);
}

}  // namespace

TEST_CASE("No binary prints a secret from the environment, even at debug level", "[binaries]") {
  for (const Binary& b : kBinaries) {
    ServiceProcess p(b.path,
                     {"--check-config", "--config", fmt::format("config/local/{}.yaml", b.name),
                      "--log-level", "trace"},
                     kCanaryEnv);
    INFO(b.name << "\n" << p.output());
    REQUIRE(p.wait() == 0);
    check_no_canary(p.output());
    CHECK(p.output().find(fmt::format("Secret(fp={})", core::Secret(kCanaryKey).fingerprint())) !=
          std::string::npos);
    CHECK(p.output().find("effective config") != std::string::npos);
    CHECK(p.output().find("config ok") != std::string::npos);
  }
}

TEST_CASE("No binary prints a secret from a secrets file, and JSON logs are one object a line",
          "[binaries]") {
  auto path = std::filesystem::temp_directory_path() / "t26_binaries_test_secrets.env";
  std::ofstream(path) << "export BINANCE_API_KEY=\"" << kCanaryKey << "\"\nBINANCE_SECRET='"
                      << kCanarySecret << "'\n";
  for (const Binary& b : kBinaries) {
    ServiceProcess p(b.path,
                     {"--check-config", "--config", fmt::format("config/local/{}.yaml", b.name),
                      "--secrets-file", path.string(), "--set", "service.log_format=json"},
                     {"LOG_LEVEL=DEBUG"});
    INFO(b.name << "\n" << p.output());
    REQUIRE(p.wait() == 0);
    check_no_canary(p.output());
    std::istringstream lines(p.output());
    int count = 0;
    for (std::string line; std::getline(lines, line); ++count) {
      auto j = nlohmann::json::parse(line);
      CHECK(j.contains("ts"));
      CHECK(j.contains("level"));
      CHECK(j.at("logger") == b.name);
      CHECK(j.contains("msg"));
    }
    CHECK(count == 3);  // starting, effective config (debug from env LOG_LEVEL), config ok
  }
  std::filesystem::remove(path);
}

TEST_CASE("A config error exits 1 naming the key path and the value", "[binaries]") {
  ServiceProcess p(T26_GATEWAY_BIN,
                   {"--config", "config/local/gateway.yaml", "--set", "service.workers=0"}, {});
  REQUIRE(p.wait() == 1);
  CHECK(p.output() ==
        "gateway: config: 'service.workers' must be an integer in [1, 64], got \"0\" in --set "
        "service.workers=0\n");
}

TEST_CASE("CONFIG_PATH from the environment picks the config file", "[binaries]") {
  ServiceProcess p(T26_LIVE_GATEWAY_BIN, {"--check-config"}, {"CONFIG_PATH=config/missing.yaml"});
  REQUIRE(p.wait() == 1);
  CHECK(p.output() ==
        "live_gateway: config: cannot read 'config/missing.yaml': No such file or directory\n");
}

TEST_CASE("A bad argument exits 1 with the usage text", "[binaries]") {
  ServiceProcess p(T26_NORMALIZER_BIN, {"--bogus"}, {});
  REQUIRE(p.wait() == 1);
  CHECK(p.output().rfind("normalizer: unknown argument '--bogus'\nusage: normalizer", 0) == 0);
  ServiceProcess help(T26_NORMALIZER_BIN, {"--help"}, {});
  REQUIRE(help.wait() == 0);
  CHECK(help.output().rfind("usage: normalizer", 0) == 0);
}

TEST_CASE("A service runs until SIGTERM and then exits 0", "[binaries]") {
  ServiceProcess p(T26_GATEWAY_BIN,
                   {"--config", "config/local/gateway.yaml", "--set", "service.port=0", "--set",
                    "monitoring.metrics_port=0"},
                   kCanaryEnv);
  REQUIRE(p.read_until("running", std::chrono::seconds(30)));
  p.signal(SIGTERM);
  REQUIRE(p.wait() == 0);
  CHECK(p.output().find("stopping signal=15") != std::string::npos);
  check_no_canary(p.output());
}
