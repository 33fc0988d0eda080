#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "core/config/gateway_config.h"
#include "core/config/live_gateway_config.h"
#include "core/config/normalizer_config.h"

namespace {

core::LoadOptions text(std::string yaml, std::vector<std::string> sets = {}, core::Env env = {}) {
  core::LoadOptions o;
  o.yaml_text = std::move(yaml);
  o.sets = std::move(sets);
  o.env = std::move(env);
  return o;
}

core::LoadOptions file(std::string path) {
  core::LoadOptions o;
  o.path = std::move(path);
  return o;
}

std::string error_of(const core::Result<core::GatewayConfig>& r) {
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code == core::Errc::kConfig);
  return r.status().message;
}

}  // namespace

TEST_CASE("Gateway defaults are the seed's values", "[config]") {
  core::GatewayConfig c;
  CHECK(c.service.name == "gateway");
  CHECK(c.service.port == 8080);
  CHECK(c.service.log_level == "INFO");
  CHECK(c.service.workers == 2);
  CHECK(c.nats.url == "nats://nats:4222");
  CHECK(c.nats.publish_subject_prefix == "ticks");
  CHECK(c.nats.max_reconnect_attempts == 10);
  CHECK(c.nats.reconnect_wait_sec == 2);
  CHECK(c.nats.jetstream);
  CHECK(c.valkey.url == "redis://valkey:6379");
  CHECK(c.valkey.db == 2);
  CHECK(c.valkey.max_connections == 10);
  CHECK(c.valkey.rate_limit_enabled);
  CHECK(c.exchanges.binance.enabled);
  CHECK(c.exchanges.binance.symbols == std::vector<std::string>{"BTCUSDT", "ETHUSDT", "SOLUSDT"});
  CHECK(c.exchanges.binance.poll_interval_sec == 60);
  CHECK(c.exchanges.binance.websocket_enabled);
  CHECK(c.exchanges.binance.rate_limit_per_min == 1200);
  CHECK_FALSE(c.exchanges.coinbase.enabled);
  CHECK(c.exchanges.coinbase.symbols == std::vector<std::string>{"BTC-USD", "ETH-USD"});
  CHECK(c.exchanges.coinbase.rate_limit_per_min == 600);
  CHECK_FALSE(c.exchanges.kraken.enabled);
  CHECK(c.exchanges.kraken.symbols == std::vector<std::string>{"XBTUSD", "ETHUSD"});
  CHECK_FALSE(c.exchanges.kraken.websocket_enabled);
  CHECK(c.exchanges.kraken.rate_limit_per_min == 300);
  CHECK(c.rate_limiting.window_sec == 60);
  CHECK(c.rate_limiting.max_requests_per_window == 1000);
  CHECK(c.rate_limiting.use_valkey_cache);
  CHECK(c.performance.max_ticks_per_sec == 10000);
  CHECK(c.performance.buffer_size == 5000);
  CHECK(c.performance.flush_interval_sec == 1);
  CHECK(c.monitoring.health_check_interval_sec == 30);
  CHECK(c.monitoring.metrics_port == 9080);
  CHECK(c.trace.path.empty());
}

TEST_CASE("Live gateway defaults are the seed's values", "[config]") {
  core::LiveGatewayConfig c;
  CHECK(c.service.name == "live-gateway");
  CHECK(c.service.port == 8200);
  CHECK(c.service.mode == "paper");
  CHECK(c.nats.subscribe_subject == "orders.*.new");
  CHECK(c.nats.publish_subject_prefix == "orders");
  CHECK(c.nats.fill_subject_prefix == "fills");
  CHECK(c.nats.queue_group == "live-gateway-workers");
  CHECK(c.exchanges.binance.enabled);
  CHECK(c.exchanges.binance.mode == "paper");
  CHECK(c.exchanges.binance.default_symbol == "BTCUSDT");
  CHECK(c.exchanges.binance.order_timeout_sec == 30);
  CHECK_FALSE(c.exchanges.coinbase.enabled);
  CHECK(c.execution.max_retries == 3);
  CHECK(c.execution.retry_delay_sec == 1);
  CHECK(c.execution.timeout_sec == 30);
  CHECK(c.execution.validate_orders);
  CHECK(c.monitoring.metrics_port == 9200);
  CHECK(c.safety.paper_trading_only);
  CHECK(c.safety.max_order_size_usd == "1000");
  CHECK(c.safety.max_position_size_usd == "10000");
  CHECK_FALSE(c.safety.require_manual_approval);
  CHECK_FALSE(c.safety.kill_switch);
}

TEST_CASE("The seed's YAML files load to exactly the defaults", "[config]") {
  auto gw = core::load_gateway_config(file("config/gateway.yaml"));
  REQUIRE(gw.is_ok());
  CHECK(core::config_to_yaml(*gw) == core::config_to_yaml(core::GatewayConfig{}));
  auto live = core::load_live_gateway_config(file("config/live_gateway.yaml"));
  REQUIRE(live.is_ok());
  CHECK(core::config_to_yaml(*live) == core::config_to_yaml(core::LiveGatewayConfig{}));
  auto norm = core::load_normalizer_config(file("config/normalizer.yaml"));
  REQUIRE(norm.is_ok());
  CHECK(core::config_to_yaml(*norm) == core::config_to_yaml(core::NormalizerConfig{}));
}

TEST_CASE("Every shipped config file validates", "[config]") {
  int checked = 0;
  for (const char* dir : {"config", "config/local"}) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".yaml") continue;
      std::string stem = entry.path().stem().string();
      core::Status st = core::Status::ok();
      if (stem == "gateway") st = core::load_gateway_config(file(entry.path())).status();
      if (stem == "live_gateway") st = core::load_live_gateway_config(file(entry.path())).status();
      if (stem == "normalizer") st = core::load_normalizer_config(file(entry.path())).status();
      INFO(entry.path().string() << ": " << st.message);
      CHECK(st.is_ok());
      ++checked;
    }
  }
  CHECK(checked == 6);
}

TEST_CASE("An empty document keeps every default", "[config]") {
  auto c = core::load_gateway_config(text(""));
  REQUIRE(c.is_ok());
  CHECK(core::config_to_yaml(*c) == core::config_to_yaml(core::GatewayConfig{}));
}

TEST_CASE("A misspelled key fails with its full path and a suggestion", "[config]") {
  std::string msg =
      error_of(core::load_gateway_config(text("exchanges:\n  binance:\n    simbols: [BTCUSDT]\n")));
  CHECK(msg ==
        "config: unknown key 'exchanges.binance.simbols' (did you mean 'symbols'?) in config "
        "text line 3");
}

TEST_CASE("A misspelled key in a file names the file and line", "[config]") {
  auto path = std::filesystem::temp_directory_path() / "t26_config_test_typo.yaml";
  {
    std::ofstream out(path);
    out << "service:\n  wrokers: 4\n";
  }
  std::string msg = error_of(core::load_gateway_config(file(path.string())));
  CHECK(msg == fmt::format("config: unknown key 'service.wrokers' (did you mean 'workers'?) in "
                           "{} line 2",
                           path.string()));
  std::filesystem::remove(path);
}

TEST_CASE("An unknown key with no near match gets no suggestion", "[config]") {
  std::string msg = error_of(core::load_gateway_config(text("frobnicate: 1\n")));
  CHECK(msg == "config: unknown key 'frobnicate' in config text line 1");
}

TEST_CASE("A wrong type fails naming the path and the value", "[config]") {
  std::string msg = error_of(core::load_gateway_config(text("service:\n  workers: two\n")));
  CHECK(msg ==
        "config: 'service.workers' must be an integer in [1, 64], got \"two\" in config text "
        "line 2");
  msg = error_of(core::load_gateway_config(text("nats:\n  jetstream: maybe\n")));
  CHECK(msg ==
        "config: 'nats.jetstream' must be true or false, got \"maybe\" in config text "
        "line 2");
  msg = error_of(core::load_gateway_config(text("exchanges:\n  binance:\n    symbols: BTCUSDT\n")));
  CHECK(msg ==
        "config: 'exchanges.binance.symbols' must be a list of non-empty strings without "
        "spaces, got \"BTCUSDT\" in config text line 3");
  msg = error_of(core::load_gateway_config(text("service: 3\n")));
  CHECK(msg == "config: 'service' must be a mapping, got \"3\" in config text line 1");
}

TEST_CASE("performance.max_ticks_per_sec 0 loads as no cap, a negative value fails", "[config]") {
  auto c = core::load_gateway_config(text("performance:\n  max_ticks_per_sec: 0\n"));
  REQUIRE(c.is_ok());
  CHECK(c->performance.max_ticks_per_sec == 0);
  CHECK(error_of(core::load_gateway_config(text("performance:\n  max_ticks_per_sec: -1\n"))) ==
        "config: 'performance.max_ticks_per_sec' must be an integer in [0, 100000000], got \"-1\" "
        "in config text line 2");
}

TEST_CASE("An out-of-range value fails naming the path and the value", "[config]") {
  std::string msg = error_of(core::load_gateway_config(text("service:\n  workers: 65\n")));
  CHECK(
      msg ==
      "config: 'service.workers' must be an integer in [1, 64], got \"65\" in config text line 2");
  msg = error_of(core::load_gateway_config(text("monitoring:\n  metrics_port: 70000\n")));
  CHECK(msg ==
        "config: 'monitoring.metrics_port' must be an integer in [0, 65535], got \"70000\" "
        "in config text line 2");
  msg = error_of(core::load_gateway_config(text("nats:\n  url: http://nats:4222\n")));
  CHECK(msg ==
        "config: 'nats.url' must be a URL starting with nats:// or tls://, got "
        "\"http://nats:4222\" in config text line 2");
  msg = error_of(core::load_gateway_config(text("service:\n  log_level: LOUD\n")));
  CHECK(msg ==
        "config: 'service.log_level' must be one of TRACE DEBUG INFO WARN WARNING ERROR "
        "CRITICAL OFF, got \"LOUD\" in config text line 2");
}

TEST_CASE("Every error of a document is reported at once", "[config]") {
  std::string msg =
      error_of(core::load_gateway_config(text("service:\n  workers: 0\n  port: x\n")));
  CHECK(msg.find("'service.workers'") != std::string::npos);
  CHECK(msg.find("'service.port'") != std::string::npos);
}

TEST_CASE("A repeated key is refused", "[config]") {
  std::string msg = error_of(core::load_gateway_config(text("service:\n  port: 1\n  port: 2\n")));
  CHECK(msg == "config: duplicate key 'service.port' in config text line 3");
}

TEST_CASE("Overrides with --set replace scalars, lists and whole sections", "[config]") {
  auto c = core::load_gateway_config(
      text("service:\n  workers: 3\n",
           {"service.workers=4", "exchanges.binance.symbols=[BTCUSDT]", "nats.jetstream=false",
            "exchanges.kraken={enabled: true, symbols: [XBTUSD]}", "trace.path=/tmp/t.jsonl"}));
  REQUIRE(c.is_ok());
  CHECK(c->service.workers == 4);
  CHECK(c->exchanges.binance.symbols == std::vector<std::string>{"BTCUSDT"});
  CHECK_FALSE(c->nats.jetstream);
  CHECK(c->exchanges.kraken.enabled);
  CHECK(c->exchanges.kraken.symbols == std::vector<std::string>{"XBTUSD"});
  CHECK(c->exchanges.kraken.rate_limit_per_min == 300);
  CHECK(c->trace.path == "/tmp/t.jsonl");
}

TEST_CASE("Overrides with --set apply in order and the last one wins", "[config]") {
  auto c = core::load_gateway_config(text("", {"service.workers=4", "service.workers=5"}));
  REQUIRE(c.is_ok());
  CHECK(c->service.workers == 5);
}

TEST_CASE("An override with an empty value sets the empty string", "[config]") {
  auto c = core::load_gateway_config(text("trace:\n  path: /x\n", {"trace.path="}));
  REQUIRE(c.is_ok());
  CHECK(c->trace.path.empty());
}

TEST_CASE("A bad override names the key and the assignment", "[config]") {
  std::string msg = error_of(core::load_gateway_config(text("", {"service.workers=two"})));
  CHECK(msg ==
        "config: 'service.workers' must be an integer in [1, 64], got \"two\" in --set "
        "service.workers=two");
  msg = error_of(core::load_gateway_config(text("", {"exchanges.binance.simbols=[X]"})));
  CHECK(msg ==
        "config: unknown key 'exchanges.binance.simbols' (did you mean 'symbols'?) in "
        "--set exchanges.binance.simbols=[X]");
  msg = error_of(core::load_gateway_config(text("", {"workers"})));
  CHECK(msg == "config: --set expects a.b.c=value, got 'workers'");
  msg = error_of(
      core::load_gateway_config(text("service:\n  workers: 3\n", {"service.workers.x=1"})));
  CHECK(msg == "config: --set service.workers.x=1: 'service.workers' is not a mapping");
  msg = error_of(core::load_gateway_config(text("", {"service.workers.x=1"})));
  CHECK(msg ==
        "config: 'service.workers' must be an integer in [1, 64], got a mapping in --set "
        "service.workers.x=1");
}

TEST_CASE("A list item of the wrong kind is named by its index", "[config]") {
  std::string msg =
      error_of(core::load_gateway_config(text("", {"exchanges.binance.symbols=[BTCUSDT, [x]]"})));
  CHECK(msg ==
        "config: 'exchanges.binance.symbols[1]' must be a non-empty string without "
        "spaces, got a list in --set exchanges.binance.symbols=[BTCUSDT, [x]]");
  msg = error_of(core::load_gateway_config(text("", {"exchanges.binance.symbols=[A, A]"})));
  CHECK(msg ==
        "config: 'exchanges.binance.symbols[1]' must be different from the items before "
        "it, got \"A\" in --set exchanges.binance.symbols=[A, A]");
}

TEST_CASE("Env LOG_LEVEL overrides the file and --set overrides env", "[config]") {
  auto c = core::load_gateway_config(
      text("service:\n  log_level: INFO\n", {}, {{"LOG_LEVEL", "debug"}}));
  REQUIRE(c.is_ok());
  CHECK(c->service.log_level == "DEBUG");
  c = core::load_gateway_config(text("", {"service.log_level=ERROR"}, {{"LOG_LEVEL", "debug"}}));
  REQUIRE(c.is_ok());
  CHECK(c->service.log_level == "ERROR");
  std::string msg = error_of(core::load_gateway_config(text("", {}, {{"LOG_LEVEL", "chatty"}})));
  CHECK(msg ==
        "config: 'service.log_level' must be one of TRACE DEBUG INFO WARN WARNING ERROR "
        "CRITICAL OFF, got \"chatty\" in env LOG_LEVEL");
}

TEST_CASE("Money limits stay decimal strings and refuse anything else", "[config]") {
  auto c = core::load_live_gateway_config(
      text("safety:\n  max_order_size_usd: 250.50\n  max_position_size_usd: 0.000000001\n"));
  REQUIRE(c.is_ok());
  CHECK(c->safety.max_order_size_usd == "250.50");
  CHECK(c->safety.max_position_size_usd == "0.000000001");
  for (const char* bad : {"-1", "1e3", "1.", ".5", "abc"}) {
    auto r = core::load_live_gateway_config(
        text("", {fmt::format("safety.max_order_size_usd={}", bad)}));
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().message ==
          fmt::format("config: 'safety.max_order_size_usd' must be a non-negative decimal number, "
                      "got \"{0}\" in --set safety.max_order_size_usd={0}",
                      bad));
  }
}

TEST_CASE("Choices match without regard to case and keep the canonical spelling", "[config]") {
  auto c = core::load_live_gateway_config(text("service:\n  mode: LIVE\n  log_format: JSON\n"));
  REQUIRE(c.is_ok());
  CHECK(c->service.mode == "live");
  CHECK(c->service.log_format == "json");
}

TEST_CASE("The normalizer reads its store and consumer settings", "[config]") {
  auto c = core::load_normalizer_config(
      text("store:\n  write_url: http://127.0.0.1:8086/write?db=t26\n  batch_size: 10\n"
           "bars:\n  grace_sec: 2\nnats:\n  durable_name: n2\n"));
  REQUIRE(c.is_ok());
  CHECK(c->store.write_url == "http://127.0.0.1:8086/write?db=t26");
  CHECK(c->bars.grace_sec == 2);
  CHECK(c->store.table == "ohlcv_1m");
  CHECK(c->store.batch_size == 10);
  CHECK(c->nats.subscribe_subject == "ticks.>");
  CHECK(c->nats.durable_name == "n2");
}

TEST_CASE("The config dump masks URL credentials and loads back to the same config", "[config]") {
  auto c = core::load_gateway_config(text("", {"nats.url=nats://user:hunter2@nats:4222"}));
  REQUIRE(c.is_ok());
  CHECK(c->nats.url == "nats://user:hunter2@nats:4222");
  std::string yaml = core::config_to_yaml(*c);
  CHECK(yaml.find("hunter2") == std::string::npos);
  CHECK(yaml.find("nats://***@nats:4222") != std::string::npos);
  CHECK(core::config_summary(*c).find("hunter2") == std::string::npos);
  auto again = core::load_gateway_config(text(yaml));
  REQUIRE(again.is_ok());
  CHECK(core::config_to_yaml(*again) == yaml);
}

TEST_CASE("A missing config file is an error naming the path", "[config]") {
  std::string msg = error_of(core::load_gateway_config(file("config/nope.yaml")));
  CHECK(msg == "config: cannot read 'config/nope.yaml': No such file or directory");
}

TEST_CASE("Invalid YAML is an error naming the line", "[config]") {
  std::string msg = error_of(core::load_gateway_config(text("service:\n  workers: [1,\n")));
  CHECK(msg.rfind("config: config text line ", 0) == 0);
  CHECK(msg.find("is not valid YAML") != std::string::npos);
}
