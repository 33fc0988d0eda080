// Issue 8 item 6, the normalizer through real servers: ticks/s from a real nats-server -js
// through the normalizer binary into influxd (ILP over HTTP), bar rows written, and the
// normalizer's VmRSS. Not Google Benchmark: the figure is a pipeline rate across processes.
//
// It starts nats-server -js and influxd on free loopback ports, publishes the recorded
// BTCUSDT trades (fixtures/binance/derived, 19,904 per pass, `--passes N` times with fresh
// trade ids per pass) into stream TICKS with net::NatsBus + core::JsPublisher, and only then
// starts the normalizer, so the rate measured is the normalizer's own: first stored
// checkpoint to the checkpoint covering the last message (the checkpoint row is written with
// the bars, so "stored" means the bars are in influxd). Run from the repository root.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "core/codec/bus_json.h"
#include "core/js_publisher.h"
#include "core/streams.h"
#include "net/asio_clock.h"
#include "net/detail/http1.h"
#include "net/nats_bus.h"
#include "sim/replay/csv.h"
#include "tests/support/server_process.h"

namespace {

constexpr std::int64_t kMs = 1000;
constexpr const char* kTrades =
    "fixtures/binance/derived/BTCUSDT-trades-2024-08-08T2354Z-2024-08-09T0005Z.csv.zst";

std::string influx_config(const std::string& dir, std::uint16_t http, std::uint16_t rpc) {
  const std::string path = dir + "/influxdb.conf";
  std::ofstream(path) << "reporting-disabled = true\nbind-address = \"127.0.0.1:" << rpc
                      << "\"\n[meta]\n  dir = \"" << dir << "/meta\"\n[data]\n  dir = \"" << dir
                      << "/data\"\n  wal-dir = \"" << dir << "/wal\"\n[http]\n  bind-address = "
                      << "\"127.0.0.1:" << http << "\"\n  log-enabled = false\n";
  return path;
}

/// A blocking request to influxd; status 0 when it did not answer.
net::detail::HttpResponse influx(net::AsioClock& clock, std::uint16_t port,
                                 const std::string& method, const std::string& target) {
  net::detail::HttpRequest request;
  request.method = method;
  request.host = "127.0.0.1";
  request.port = port;
  request.target = target;
  std::optional<net::detail::HttpResponse> out;
  net::detail::http_request(clock.io_context(), request,
                            [&](auto r) { out = r ? *r : net::detail::HttpResponse{}; });
  clock.run_until([&] { return out.has_value(); }, 6'000 * kMs);
  return out.value_or(net::detail::HttpResponse{});
}

/// The stored checkpoint (stream sequence), 0 when none yet.
std::uint64_t checkpoint(net::AsioClock& clock, std::uint16_t port) {
  const auto r = influx(clock, port, "GET",
                        "/query?db=t26&q=SELECT%20stream_seq%20FROM%20ohlcv_1m_checkpoint");
  if (r.status != 200) return 0;
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  const auto* values = &j;
  for (const char* k : {"results", "series"}) {
    if (!values->contains(k) || (*values)[k].empty()) return 0;
    values = &(*values)[k][0];
  }
  return (*values)["values"][0][1].get<std::uint64_t>();
}

long rss_kb(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

/// Publishes every trade `passes` times (ids offset per pass); false on a timeout.
bool publish_all(net::AsioClock& clock, net::NatsBus& bus, int passes, std::size_t& published) {
  auto trades = sim::replay::read_csv(kTrades);
  if (!trades) return false;
  core::JsPublisher publisher(bus, clock, core::OutboxOptions{.capacity = 50'000});
  for (int pass = 0; pass < passes; ++pass) {
    for (const auto& c : *trades) {
      core::Tick t;
      t.symbol = "BTCUSDT";
      t.ts_event_us = std::stoll(c[3]) * kMs;
      t.ts_recv_us = std::stoll(c[7]) / kMs;
      t.price = *core::Decimal::parse(c[1]);
      t.qty = *core::Decimal::parse(c[2]);
      t.side = c[4] == "true" ? core::Side::kSell : core::Side::kBuy;
      t.trade_id = std::to_string(std::stoull(c[0]) + pass * 100'000'000ULL);
      while (publisher.pending() >= 40'000) clock.run_for(1 * kMs);
      (void)publisher.publish("ticks.binance.BTCUSDT", core::codec::to_json(t),
                              "binance:BTCUSDT:trade:" + *t.trade_id);
      ++published;
    }
  }
  return clock.run_until([&] { return publisher.pending() == 0; }, 120'000 * kMs);
}

}  // namespace

int main(int argc, char** argv) {
  const int passes = argc > 2 && std::string(argv[1]) == "--passes" ? std::stoi(argv[2]) : 5;
  testsupport::TempDir dir("t26-norm-bench");
  const auto http = testsupport::free_tcp_port(), rpc = testsupport::free_tcp_port();
  const auto nats_port = testsupport::free_tcp_port();
  testsupport::ServerProcess influxd(
      {"influxd", "run", "-config", influx_config(dir.path(), http, rpc)},
      dir.path() + "/influxd.log");
  testsupport::ServerProcess nats({"nats-server", "-js", "-a", "127.0.0.1", "-p",
                                   std::to_string(nats_port), "-sd", dir.path() + "/js"},
                                  dir.path() + "/nats.log");
  if (!testsupport::wait_for_tcp(http, std::chrono::seconds(20)) ||
      !testsupport::wait_for_tcp(nats_port, std::chrono::seconds(20)))
    return std::fprintf(stderr, "servers did not start\n"), 1;
  net::AsioClock clock;
  for (int i = 0;
       i < 100 && influx(clock, http, "POST", "/query?q=CREATE%20DATABASE%20t26").status != 200;
       ++i)
    clock.run_for(100 * kMs);

  core::BusOptions o;
  o.url = fmt::format("nats://127.0.0.1:{}", nats_port);
  net::NatsBus bus(clock, o);
  clock.run_until([&] { return bus.connected(); }, 10'000 * kMs);
  core::JsApi api(bus, clock);
  std::optional<core::Status> stream;
  while (!stream || !*stream) {  // JetStream may still be starting
    stream.reset();
    api.ensure_stream(core::ticks_stream("ticks"), [&](core::Status s) { stream = s; });
    clock.run_until([&] { return stream.has_value(); }, 10'000 * kMs);
    if (!*stream) clock.run_for(100 * kMs);
  }
  std::size_t published = 0;
  const auto t_pub = std::chrono::steady_clock::now();
  if (!publish_all(clock, bus, passes, published))
    return std::fprintf(stderr, "publishing timed out\n"), 1;
  const double pub_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_pub).count();

  testsupport::ServerProcess normalizer(
      {T26_NORMALIZER_BIN, "--config", "config/normalizer.yaml", "--set", "service.port=0", "--set",
       "monitoring.metrics_port=0", "--set", "nats.url=" + o.url, "--set", "nats.ack_wait_sec=1",
       "--set", fmt::format("store.write_url=http://127.0.0.1:{}/write?db=t26", http),
       "--secrets-file", "/dev/null", "--log-level", "WARN"},
      dir.path() + "/normalizer.log");
  // The clock starts at the first stored checkpoint: start-up and the 2 * AckWait hold after
  // connecting are not throughput.
  std::uint64_t seq = 0;
  long rss_max = 0;
  auto wait_seq = [&](auto done, int timeout_s) {
    for (int i = 0; i < timeout_s * 40 && !done(seq = checkpoint(clock, http)); ++i) {
      rss_max = std::max(rss_max, rss_kb(normalizer.pid()));
      clock.run_for(20 * kMs);
    }
    return done(seq);
  };
  if (!wait_seq([](std::uint64_t s) { return s > 0; }, 60))
    return std::fprintf(stderr, "no checkpoint\n%s", normalizer.log_tail().c_str()), 1;
  const std::uint64_t seq0 = seq;
  const auto t0 = std::chrono::steady_clock::now();
  if (!wait_seq([&](std::uint64_t s) { return s >= published; }, 300))
    return std::fprintf(stderr, "stuck at %llu\n", static_cast<unsigned long long>(seq)), 1;
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print(
      "normalizer e2e (nats-server -js -> normalizer -> influxd, loopback): {} ticks published "
      "in {:.2f} s ({:.0f}/s); normalizer {:.0f} ticks/s over {} ticks in {:.2f} s; VmRSS max "
      "{} kB (target < 50 MB); seed target 1000 ticks/s\n",
      published, pub_s, published / pub_s, (seq - seq0) / s, seq - seq0, s, rss_max);
  return 0;
}
