// Order in -> paper fill out through a real nats-server, with the real live_gateway binary
// (DESIGN.md section 7: p99 < 1 ms; memory < 50 MB RSS). The bench starts nats-server -js,
// redis-server and the live_gateway binary on free loopback ports (paper mode, a book tick
// with deep touch so every market order fills at once), then measures from its own NATS
// connection: latency one order at a time (publish to the fill arriving), throughput with a
// window of orders in flight, and the gateway's VmRSS / VmHWM from /proc. Buys and sells
// alternate so positions stay flat. Run from the repository root (`make bench`), optionally
// with the live_gateway binary to use as the first argument.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/codec/bus_json.h"
#include "net/asio_clock.h"
#include "net/nats_bus.h"
#include "tests/support/server_process.h"

namespace {

using namespace std::chrono_literals;
constexpr int kWarmup = 300;
constexpr std::size_t kLatencyOrders = 3000;
constexpr int kThroughputOrders = 20000;
constexpr int kWindow = 200;
constexpr double kTargetP99Us = 1000;
constexpr long kTargetRssKb = 50 * 1024;

long proc_status_kb(int pid, const std::string& key) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  return -1;
}

/// The order's sequence number from a fill's client_order_id ("b<n>"); -1 for other fills.
long order_number(const std::string& fill) {
  static const std::string kKey = R"("client_order_id":"b)";
  const auto at = fill.find(kKey);
  if (at == std::string::npos) return -1;
  return std::stol(fill.substr(at + kKey.size()));
}

std::string order_json(long n) {
  return fmt::format(R"({{"side":"{}","type":"market","quantity":0.001,"client_order_id":"b{}"}})",
                     n % 2 == 0 ? "buy" : "sell", n);
}

std::string book_tick() {
  core::Tick t;
  t.symbol = "BTCUSDT";
  t.kind = core::TickKind::kBook;
  t.bid = *core::Decimal::parse("44999.99");
  t.ask = *core::Decimal::parse("45000.01");
  t.bid_qty = t.ask_qty = *core::Decimal::parse("1000000");
  return core::codec::to_json(t);
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

struct Bench {
  explicit Bench(const std::string& binary)
      : nats_port(testsupport::free_tcp_port()),
        redis_port(testsupport::free_tcp_port()),
        nats({"nats-server", "-js", "-a", "127.0.0.1", "-p", std::to_string(nats_port), "-sd",
              dir.path() + "/js"},
             dir.path() + "/nats.log"),
        redis({"redis-server", "--port", std::to_string(redis_port), "--bind", "127.0.0.1",
               "--save", "", "--appendonly", "no"},
              dir.path() + "/redis.log"),
        gateway({"env",
                 "-u",
                 "ADMIN_TOKEN",
                 "-u",
                 "BINANCE_API_KEY",
                 "-u",
                 "BINANCE_SECRET",
                 binary,
                 "--config",
                 "config/local/live_gateway.yaml",
                 "--secrets-file",
                 "/dev/null",
                 "--set",
                 "service.port=0",
                 "--set",
                 "monitoring.metrics_port=0",
                 "--set",
                 "service.log_level=WARN",
                 "--set",
                 fmt::format("nats.url=nats://127.0.0.1:{}", nats_port),
                 "--set",
                 fmt::format("valkey.url=redis://127.0.0.1:{}", redis_port),
                 "--set",
                 "execution.validate_orders=false",
                 "--set",
                 fmt::format("exchanges.binance.api_url=http://127.0.0.1:{}",
                             testsupport::free_tcp_port()),
                 "--set",
                 "safety.max_position_size_usd=1000000000"},
                dir.path() + "/live_gateway.log") {}

  testsupport::TempDir dir{"t26-lgbench"};
  std::uint16_t nats_port;
  std::uint16_t redis_port;
  testsupport::ServerProcess nats;
  testsupport::ServerProcess redis;
  testsupport::ServerProcess gateway;
};

}  // namespace

int main(int argc, char** argv) {
  const std::string binary = argc > 1 ? argv[1] : T26_LIVE_GATEWAY_BIN;
  Bench b(binary);
  if (!testsupport::wait_for_tcp(b.nats_port, 10s) || !testsupport::wait_for_tcp(b.redis_port, 10s))
    return std::fprintf(stderr, "nats-server or redis-server did not start\n"), 1;
  net::AsioClock clock;
  core::BusOptions options;
  options.url = fmt::format("nats://127.0.0.1:{}", b.nats_port);
  options.name = "live-gateway-bench";
  options.send_asap = true;  // like an OMS waiting for its answer
  net::NatsBus bus(clock, options);
  if (!clock.run_until([&] { return bus.connected(); }, 10'000'000))
    return std::fprintf(stderr, "no NATS connection\n"), 1;

  // The floor this machine sets: our own message through nats-server and back, same loop.
  std::vector<double> echo_us;
  std::int64_t echo_t0 = 0;
  (void)bus.subscribe("bench.echo", "", [&](const core::BusMessage&) {
    echo_us.push_back(static_cast<double>(clock.now_us() - echo_t0));
  });
  for (std::size_t i = 0; i < kLatencyOrders; ++i) {
    echo_t0 = clock.now_us();
    (void)bus.publish("bench.echo", "x", {}, "");
    if (!clock.run_until([&] { return echo_us.size() > i; }, 5'000'000))
      return std::fprintf(stderr, "echo lost\n"), 1;
  }

  std::unordered_map<long, std::int64_t> sent_us;
  std::vector<double> latency_us;
  long fills = 0;
  long last_fill = -1;
  (void)bus.subscribe("fills.bench", "", [&](const core::BusMessage& m) {
    const long n = order_number(m.data);
    const auto it = sent_us.find(n);
    if (it == sent_us.end()) return;
    latency_us.push_back(static_cast<double>(clock.now_us() - it->second));
    sent_us.erase(it);
    ++fills;
    last_fill = n;
  });
  long next = 0;
  auto send = [&] {
    sent_us[next] = clock.now_us();
    (void)bus.publish("orders.bench.new", order_json(next), {}, "");
    return next++;
  };

  // Ready once an order placed after our book tick fills (intake and ticks subscribed).
  const std::string tick = book_tick();
  bool ready = false;
  for (int attempt = 0; attempt < 150 && !ready; ++attempt) {
    (void)bus.publish("ticks.binance.BTCUSDT", tick, {}, "");
    const long n = send();
    ready = clock.run_until([&] { return last_fill == n; }, 200'000);
  }
  if (!ready) {
    std::fprintf(stderr, "live_gateway never filled an order:\n%s\n", b.gateway.log_tail().c_str());
    return 1;
  }

  auto one_at_a_time = [&](int count) {
    for (int i = 0; i < count; ++i) {
      const long n = send();
      if (!clock.run_until([&] { return last_fill == n; }, 5'000'000)) return false;
    }
    return true;
  };
  latency_us.clear();
  if (!one_at_a_time(kWarmup)) return std::fprintf(stderr, "warm-up order lost\n"), 1;
  latency_us.clear();
  if (!one_at_a_time(static_cast<int>(kLatencyOrders)))
    return std::fprintf(stderr, "order lost\n"), 1;
  const std::vector<double> sequential = latency_us;

  latency_us.clear();
  fills = 0;
  const std::int64_t t0 = clock.now_us();
  long sent = 0;
  while (fills < kThroughputOrders) {
    while (sent < kThroughputOrders && sent - fills < kWindow) {
      send();
      ++sent;
    }
    if (!clock.run_until([&, before = fills] { return fills > before; }, 5'000'000))
      return std::fprintf(stderr, "throughput: fills stopped at %ld\n", fills), 1;
  }
  const double seconds = static_cast<double>(clock.now_us() - t0) / 1e6;
  const int pid = b.gateway.pid();
  const long rss_kb = proc_status_kb(pid, "VmRSS");
  const long hwm_kb = proc_status_kb(pid, "VmHWM");

  std::printf("live_gateway bench: %s, paper mode, market orders through nats-server -js\n",
              binary.c_str());
  std::printf("| measure | value | target (DESIGN.md 7) |\n|---|---|---|\n");
  std::printf("| order->fill p50, one at a time (%zu orders) | %.0f us | |\n", kLatencyOrders,
              percentile(sequential, 0.50));
  std::printf("| order->fill p99, one at a time | %.0f us | < %.0f us |\n",
              percentile(sequential, 0.99), kTargetP99Us);
  std::printf("| order->fill max, one at a time | %.0f us | |\n", percentile(sequential, 1.0));
  std::printf("| floor: our own NATS round trip p50 / p99 | %.0f / %.0f us | |\n",
              percentile(echo_us, 0.50), percentile(echo_us, 0.99));
  std::printf("| throughput, %d in flight (%d orders) | %.0f orders/s | |\n", kWindow,
              kThroughputOrders, kThroughputOrders / seconds);
  std::printf("| order->fill p50 / p99 under that load | %.0f / %.0f us | |\n",
              percentile(latency_us, 0.50), percentile(latency_us, 0.99));
  std::printf("| live_gateway VmRSS after the run | %.1f MB | < %.0f MB |\n", rss_kb / 1024.0,
              kTargetRssKb / 1024.0);
  std::printf("| live_gateway VmHWM (peak RSS) | %.1f MB | |\n", hwm_kb / 1024.0);
  return 0;
}
