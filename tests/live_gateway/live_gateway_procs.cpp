#include "tests/live_gateway/live_gateway_procs.h"

#include <fmt/format.h>
#include <httplib.h>

#include <regex>
#include <stdexcept>
#include <thread>

#include "core/codec/bus_json.h"

namespace lgtest {

namespace {

using namespace std::chrono_literals;
constexpr const char* kRecording = "fixtures/binance/BTCUSDT_2023-04-05T0000Z-0007Z.jsonl.zst";

std::vector<std::string> mockex_argv(std::uint16_t port, bool recording) {
  std::vector<std::string> argv{T26_MOCKEX_BIN, "--port", std::to_string(port), "--admin"};
  if (recording) argv.insert(argv.end(), {"--recording", kRecording, "--speed", "1", "--loop"});
  return argv;
}

std::vector<std::string> gateway_argv(const Backends& b, const std::string& api_url,
                                      const std::vector<std::string>& args,
                                      const std::vector<std::string>& env) {
  std::vector<std::string> argv{"env",           "-u", "ADMIN_TOKEN", "-u", "BINANCE_API_KEY", "-u",
                                "BINANCE_SECRET"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.insert(argv.end(), {T26_LIVE_GATEWAY_BIN, "--config", "config/local/live_gateway.yaml",
                           "--secrets-file", "/dev/null", "--set", "service.port=0", "--set",
                           "monitoring.metrics_port=0", "--set", "nats.url=" + b.nats_url(),
                           "--set", "valkey.url=redis://127.0.0.1:" + std::to_string(b.redis_port),
                           "--set", "exchanges.binance.api_url=" + api_url});
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

core::BusOptions probe_options(const std::string& url) {
  core::BusOptions o;
  o.url = url;
  o.name = "live-gateway-test";
  return o;
}

}  // namespace

Backends::Backends()
    : nats_port(testsupport::free_tcp_port()),
      redis_port(testsupport::free_tcp_port()),
      nats({"nats-server", "-js", "-a", "127.0.0.1", "-p", std::to_string(nats_port), "-sd",
            dir.path() + "/js"},
           dir.path() + "/nats.log"),
      redis({"redis-server", "--port", std::to_string(redis_port), "--bind", "127.0.0.1", "--save",
             "", "--appendonly", "no"},
            dir.path() + "/redis.log") {
  if (!testsupport::wait_for_tcp(nats_port, 10s) || !testsupport::wait_for_tcp(redis_port, 10s))
    throw std::runtime_error("nats-server or redis-server did not start:\n" + nats.log_tail() +
                             redis.log_tail());
}

std::string Backends::nats_url() const {
  return fmt::format("nats://127.0.0.1:{}", nats_port);
}

Mockex::Mockex(const std::string& dir, bool recording)
    : port(testsupport::free_tcp_port()),
      process(mockex_argv(port, recording), dir + "/mockex.log") {
  if (!testsupport::wait_for_tcp(port, 60s))
    throw std::runtime_error("mockex did not start:\n" + process.log_tail());
}

std::string Mockex::url() const {
  return fmt::format("http://127.0.0.1:{}", port);
}

std::optional<long> Mockex::orders_total() const {
  httplib::Client client("127.0.0.1", port);
  const auto r = client.Get("/metrics");
  if (!r || r->status != 200) return std::nullopt;
  std::smatch m;
  static const std::regex kLine("\nmockex_orders_total ([0-9]+)\n");
  if (!std::regex_search(r->body, m, kLine)) return std::nullopt;
  return std::stol(m[1]);
}

bool Mockex::set_faults(const std::string& json) const {
  httplib::Client client("127.0.0.1", port);
  const auto r = client.Post("/admin/faults", json, "application/json");
  return r && r->status == 200;
}

LiveGateway::LiveGateway(const Backends& backends, const std::string& api_url,
                         const std::vector<std::string>& args, const std::vector<std::string>& env)
    : log_path_(backends.dir.path() + "/live_gateway.log"),
      process_(gateway_argv(backends, api_url, args, env), log_path_) {}

bool LiveGateway::wait_ready(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  static const std::regex kListening("listening http_port=([0-9]+)");
  while (std::chrono::steady_clock::now() < deadline) {
    if (http_port_ == 0) {
      std::smatch m;
      const std::string text = log();
      if (std::regex_search(text, m, kListening))
        http_port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
    }
    if (http_port_ != 0) {
      httplib::Client client("127.0.0.1", http_port_);
      const auto r = client.Get("/ready");
      if (r && r->status == 200) return true;
    }
    std::this_thread::sleep_for(50ms);  // polling a child process: harness code
  }
  return false;
}

int LiveGateway::post(const std::string& path, const std::string& token) const {
  httplib::Client client("127.0.0.1", http_port_);
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  const auto r = client.Post(path, headers, "", "application/json");
  return r ? r->status : -1;
}

std::string LiveGateway::get(const std::string& path) const {
  httplib::Client client("127.0.0.1", http_port_);
  const auto r = client.Get(path);
  return r ? r->body : std::string();
}

BusProbe::BusProbe(const std::string& url) : bus_(clock_, probe_options(url)) {
  if (!wait_for([&] { return bus_.connected(); }, 10s))
    throw std::runtime_error("the test's NATS connection did not come up: " + url);
}

void BusProbe::watch(const std::string& subject) {
  auto id =
      bus_.subscribe(subject, "", [this](const core::BusMessage& m) { received_.push_back(m); });
  if (!id) throw std::runtime_error("subscribe " + subject + ": " + id.status().message);
}

std::vector<std::string> BusProbe::bodies(const std::string& subject) const {
  std::vector<std::string> out;
  for (const auto& m : received_)
    if (m.subject == subject) out.push_back(m.data);
  return out;
}

void BusProbe::publish(const std::string& subject, const std::string& body) {
  const core::Status s = bus_.publish(subject, body, {}, "");
  if (!s) throw std::runtime_error("publish " + subject + ": " + s.message);
}

void BusProbe::publish_trade(const std::string& price, const std::string& qty) {
  core::Tick t;
  t.symbol = "BTCUSDT";
  t.ts_event_us = t.ts_recv_us = clock_.wall_us();
  t.seq = ++seq_;
  t.price = *core::Decimal::parse(price);
  t.qty = *core::Decimal::parse(qty);
  t.side = core::Side::kSell;
  t.trade_id = std::to_string(seq_);
  std::string out;
  core::codec::encode(t, out);
  publish("ticks.binance.BTCUSDT", out);
}

void BusProbe::publish_book(const std::string& bid, const std::string& ask,
                            const std::string& qty) {
  core::Tick t;
  t.symbol = "BTCUSDT";
  t.kind = core::TickKind::kBook;
  t.ts_event_us = t.ts_recv_us = clock_.wall_us();
  t.bid = *core::Decimal::parse(bid);
  t.ask = *core::Decimal::parse(ask);
  t.bid_qty = t.ask_qty = *core::Decimal::parse(qty);
  std::string out;
  core::codec::encode(t, out);
  publish("ticks.binance.BTCUSDT", out);
}

bool BusProbe::wait_for(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  return clock_.run_until(done, static_cast<std::int64_t>(timeout.count()) * 1000);
}

bool BusProbe::wait_gateway_sees_ticks(const std::string& price,
                                       std::chrono::milliseconds timeout) {
  watch("orders.probe.rejected");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (int n = 0; std::chrono::steady_clock::now() < deadline; ++n) {
    publish_trade(price, "0.001");
    publish("orders.probe.new",
            fmt::format(R"({{"symbol":"BTCUSDT","side":"buy","type":"limit","quantity":0.0001,)"
                        R"("price":1,"client_order_id":"probe-{}"}})",
                        n));
    bool band = false;
    wait_for(
        [&] {
          for (const auto& body : bodies("orders.probe.rejected"))
            if (body.find(R"("code":"PRICE_BAND")") != std::string::npos) band = true;
          return band;
        },
        300ms);
    if (band) return true;
  }
  return false;
}

}  // namespace lgtest
