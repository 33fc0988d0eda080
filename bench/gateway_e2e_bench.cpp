// DESIGN.md section 7, gateway end to end on loopback: ticks/s into a real nats-server >= 50%
// of raw nats.c publish throughput measured in the same run; fetch-to-publish latency p99 < 1 ms;
// RSS < 50 MB.
//
// Per NATS mode (JetStream, then core NATS with nats.jetstream=false), each against its own
// nats-server (so the core run has no stream storing its subjects):
// 1. throughput: mockex replays the committed Binance recordings at max speed in a loop, the
//    Release gateway (no tick cap) is pointed at it, and a net::NatsBus subscriber on ticks.>
//    counts what arrives over a steady-state window after a warm-up. The gateway's VmRSS and
//    CPU (utime+stime over the window) are read from /proc, mockex's and nats-server's CPU too,
//    so the figures say which process was the bottleneck.
// 2. raw: the messages captured in (1) (subject, Nats-Msg-Id header, payload: the same bytes
//    on the wire) are published again with natsConnection_PublishMsg from a thread as fast as
//    it goes, and the same subscriber counts them; the rate is received ticks over first
//    publish to last arrival. The core ratio is taken against that. Beside it, the payloads
//    alone with natsConnection_Publish (no header: less for every process). In JetStream mode
//    also as the gateway publishes them: js_PublishAsync into the TICKS stream, each with its
//    own Nats-Msg-Id, at most buffer_size (5000) awaiting their PubAck; the JetStream ratio is
//    taken against that (the core one is printed too).
// 3. latency: the same chain with mockex at the recorded pace (--speed 1). Fetch to publish,
//    the DESIGN.md figure, is the gateway's own gateway_publish_latency_seconds histogram over
//    the window (frame arrival to the hand-off to the NATS connection), read from its /metrics
//    before and after. In JetStream mode its gateway_puback_latency_seconds (frame arrival to
//    the PubAck) is printed too, beside JetStream's own floor: raw js_Publish, one per
//    millisecond, each timed from the call to its PubAck. Beside them, the subscriber takes
//    arrival wall time minus the tick's ts_recv (the gateway's wall clock at the frame's
//    arrival, same machine) for every tick: that adds nats-server and the subscriber process,
//    and on an idle VM their wake-ups reach milliseconds at the tail. (1) reports both under
//    saturation.
// Run from the repository root or anywhere: paths come from the build (T26_SOURCE_DIR).
#include <nats/nats.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/core.h>

#include "bench/proc_stats.h"
#include "core/http.h"
#include "net/asio_clock.h"
#include "net/beast_http_client.h"
#include "net/nats_bus.h"
#include "tests/support/server_process.h"

namespace {

using testsupport::ServerProcess;

constexpr std::int64_t kStartTimeoutUs = 30'000'000;
constexpr std::size_t kMaxCapturedPayloads = 50'000;
constexpr const char* kRecordings[] = {
    T26_SOURCE_DIR "/fixtures/binance/BTCUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst",
    T26_SOURCE_DIR "/fixtures/binance/ETHUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst"};

struct Options {
  std::int64_t warmup_us = 3'000'000;
  std::int64_t window_us = 10'000'000;
  std::int64_t latency_window_us = 10'000'000;
  std::uint64_t raw_messages = 1'000'000;
  std::uint64_t raw_js_messages = 200'000;  // each one is stored: a smaller run
  std::vector<bool> jetstream_modes{true, false};
};

/// True once the process has exited (a zombie until ServerProcess reaps it) or is gone.
bool exited(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  return line.substr(line.rfind(')') + 2, 1) == "Z";
}

/// ts_recv of a tick's bus JSON without a full decode (the subscriber must stay cheap).
std::optional<std::int64_t> ts_recv_us(std::string_view json) {
  constexpr std::string_view kKey = "\"ts_recv\":";
  const auto at = json.find(kKey);
  if (at == std::string_view::npos) return std::nullopt;
  std::int64_t v = 0;
  for (auto i = at + kKey.size(); i < json.size() && json[i] >= '0' && json[i] <= '9'; ++i)
    v = v * 10 + (json[i] - '0');
  return v;
}

/// One message as the gateway published it.
struct Captured {
  std::string subject;
  std::string data;
  std::string msg_id;  // its Nats-Msg-Id header
};

/// The NatsBus subscriber on ticks.>: counts, takes latencies while `measuring`, and keeps the
/// first payloads for the raw phase.
struct Sink {
  explicit Sink(net::AsioClock& c) : clock(c) {}

  net::AsioClock& clock;
  std::uint64_t received = 0;
  std::int64_t last_arrival_us = 0;  // now_us
  bool measuring = false;
  std::vector<std::int64_t> latencies_us;
  std::vector<Captured> captured;

  void on_message(const core::BusMessage& m) {
    ++received;
    last_arrival_us = clock.now_us();
    if (measuring)
      if (const auto ts = ts_recv_us(m.data)) latencies_us.push_back(clock.wall_us() - *ts);
    if (captured.size() < kMaxCapturedPayloads) {
      const auto id = std::find_if(m.headers.begin(), m.headers.end(),
                                   [](const auto& h) { return h.name == "Nats-Msg-Id"; });
      captured.push_back({m.subject, m.data, id == m.headers.end() ? "" : id->value});
    }
  }
};

struct Percentiles {
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  std::size_t samples = 0;
};

Percentiles percentiles(std::vector<std::int64_t> v) {
  Percentiles p;
  p.samples = v.size();
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  const auto at = [&v](double q) {
    return static_cast<double>(v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))]) /
           1000.0;
  };
  p.p50_ms = at(0.50);
  p.p99_ms = at(0.99);
  p.max_ms = static_cast<double>(v.back()) / 1000.0;
  return p;
}

struct Chain {
  std::unique_ptr<ServerProcess> mockex;
  std::unique_ptr<ServerProcess> gateway;
  std::uint16_t metrics_port = 0;
};

/// The gateway's /metrics text, "" if unreadable.
std::string metrics_text(net::AsioClock& clock, const Chain& chain) {
  net::BeastHttpClient http(clock);
  auto origin = core::parse_url(fmt::format("http://127.0.0.1:{}", chain.metrics_port));
  std::optional<std::string> body;
  core::HttpRequest request;
  request.method = "GET";
  request.target = "/metrics";
  http.request(*origin, std::move(request), 5'000'000,
               [&](core::Result<core::HttpResponse> r) { body = r ? r->body : std::string(); });
  clock.run_until([&] { return body.has_value(); }, 6'000'000);
  return body.value_or("");
}

/// What the gateway's /metrics says at one moment.
struct GatewayCounts {
  /// Every `gateway_ticks_dropped_total` series summed: ticks the gateway counted and
  /// skipped (outbox full at max speed, the tick cap).
  std::uint64_t dropped = 0;
  /// Per histogram name (gateway_publish_latency_seconds, gateway_puback_latency_seconds),
  /// its exchange="binance" buckets: (upper bound in s, cumulative count).
  std::map<std::string, std::vector<std::pair<double, std::uint64_t>>> latency_buckets;
};

constexpr std::string_view kPublishLatency = "gateway_publish_latency_seconds";
constexpr std::string_view kPubackLatency = "gateway_puback_latency_seconds";

GatewayCounts gateway_counts(net::AsioClock& clock, const Chain& chain) {
  GatewayCounts c;
  std::istringstream lines(metrics_text(clock, chain));
  for (std::string line; std::getline(lines, line);) {
    const auto value = line.substr(line.rfind(' ') + 1);
    if (line.starts_with("gateway_ticks_dropped_total")) c.dropped += std::stoull(value);
    const auto le = line.find("le=\"");
    const auto name = line.substr(0, line.find("_bucket{"));
    if ((name != kPublishLatency && name != kPubackLatency) ||
        line.find("exchange=\"binance\"") == std::string::npos || le == std::string::npos)
      continue;
    const auto bound = line.substr(le + 4, line.find('"', le + 4) - le - 4);
    c.latency_buckets[name].emplace_back(bound == "+Inf" ? 1e9 : std::stod(bound),
                                         std::stoull(value));
  }
  return c;
}

/// A quantile of one of the gateway's latency histograms over a window: the upper bound (ms)
/// of the bucket holding it; -1 without observations.
double histogram_quantile_ms(const GatewayCounts& before, const GatewayCounts& after,
                             std::string_view name, double q) {
  const auto b = before.latency_buckets.find(std::string(name));
  const auto a = after.latency_buckets.find(std::string(name));
  if (a == after.latency_buckets.end() || a->second.empty()) return -1;
  const auto& buckets = a->second;
  const auto at = [&](std::size_t i) {
    const std::uint64_t was =
        b != before.latency_buckets.end() && i < b->second.size() ? b->second[i].second : 0;
    return buckets[i].second - was;
  };
  const std::uint64_t total = at(buckets.size() - 1);
  if (total == 0) return -1;
  for (std::size_t i = 0; i < buckets.size(); ++i)
    if (static_cast<double>(at(i)) >= q * static_cast<double>(total))
      return buckets[i].first * 1000.0;
  return -1;
}

/// mockex replaying the recordings at `speed` and the gateway pointed at it and at NATS.
Chain start_chain(const std::string& dir, std::uint16_t nats_port, bool jetstream,
                  const std::string& speed, const std::string& tag) {
  const auto mockex_port = testsupport::free_tcp_port();
  std::vector<std::string> mockex_args{T26_MOCKEX_BIN, "--port", std::to_string(mockex_port),
                                       "--speed",      speed,    "--loop",
                                       "--recording"};
  for (const char* r : kRecordings) mockex_args.emplace_back(r);
  Chain c;
  c.metrics_port = testsupport::free_tcp_port();
  c.mockex = std::make_unique<ServerProcess>(mockex_args, dir + "/mockex-" + tag + ".log");
  if (!testsupport::wait_for_tcp(mockex_port, std::chrono::seconds(20)))
    throw std::runtime_error("mockex not listening: " + c.mockex->log_tail());
  const auto set = [](std::string kv) { return std::vector<std::string>{"--set", std::move(kv)}; };
  std::vector<std::string> gw{T26_GATEWAY_BIN, "--config",
                              T26_SOURCE_DIR "/config/local/gateway.yaml"};
  for (const auto& kv :
       {"service.port=0", "service.log_level=WARN", "valkey.rate_limit_enabled=false",
        "rate_limiting.use_valkey_cache=false", "performance.max_ticks_per_sec=0",
        "exchanges.binance.symbols=[BTCUSDT,ETHUSDT]"}) {
    const auto a = set(kv);
    gw.insert(gw.end(), a.begin(), a.end());
  }
  for (const auto& kv : {fmt::format("monitoring.metrics_port={}", c.metrics_port),
                         fmt::format("nats.url=nats://127.0.0.1:{}", nats_port),
                         fmt::format("nats.jetstream={}", jetstream),
                         fmt::format("exchanges.binance.rest_url=http://127.0.0.1:{}", mockex_port),
                         fmt::format("exchanges.binance.ws_url=ws://127.0.0.1:{}", mockex_port)}) {
    const auto a = set(kv);
    gw.insert(gw.end(), a.begin(), a.end());
  }
  c.gateway = std::make_unique<ServerProcess>(gw, dir + "/gateway-" + tag + ".log");
  return c;
}

struct ThroughputResult {
  double ticks_per_sec = 0;
  Percentiles latency;
  std::uint64_t rss_kb = 0;
  double gateway_cpu = 0, mockex_cpu = 0, nats_cpu = 0, bench_cpu = 0;
  std::uint64_t dropped = 0;  // ticks the gateway dropped during the window (not counted above)
  double fetch_to_publish_p50_ms = -1, fetch_to_publish_p99_ms = -1;  // its own histogram
  double puback_p50_ms = -1, puback_p99_ms = -1;                      // JetStream only
};

/// Waits for the first tick, warms up, then measures one window.
ThroughputResult measure_chain(net::AsioClock& clock, Sink& sink, const Chain& chain, int nats_pid,
                               std::int64_t warmup_us, std::int64_t window_us) {
  const int gateway_pid = chain.gateway->pid();
  if (!clock.run_until([&] { return sink.received > 0 || exited(gateway_pid); }, kStartTimeoutUs) ||
      sink.received == 0)
    throw std::runtime_error("no tick arrived; gateway log:\n" + chain.gateway->log_tail());
  clock.run_for(warmup_us);
  const auto gw0 = bench::sample_proc(chain.gateway->pid());
  const auto mx0 = bench::sample_proc(chain.mockex->pid());
  const auto ns0 = bench::sample_proc(nats_pid);
  const auto self0 = bench::sample_proc(getpid());
  const auto counts0 = gateway_counts(clock, chain);
  const auto count0 = sink.received;
  const auto t0 = clock.now_us();
  sink.latencies_us.clear();
  sink.measuring = true;
  clock.run_for(window_us);
  sink.measuring = false;
  const auto elapsed_us = clock.now_us() - t0;
  ThroughputResult r;
  r.ticks_per_sec =
      static_cast<double>(sink.received - count0) * 1e6 / static_cast<double>(elapsed_us);
  const auto gw1 = bench::sample_proc(chain.gateway->pid());
  r.rss_kb = gw1.rss_kb;
  r.gateway_cpu = bench::cpu_percent(gw0, gw1, elapsed_us);
  r.mockex_cpu = bench::cpu_percent(mx0, bench::sample_proc(chain.mockex->pid()), elapsed_us);
  r.nats_cpu = bench::cpu_percent(ns0, bench::sample_proc(nats_pid), elapsed_us);
  r.bench_cpu = bench::cpu_percent(self0, bench::sample_proc(getpid()), elapsed_us);
  const auto counts1 = gateway_counts(clock, chain);
  r.dropped = counts1.dropped - counts0.dropped;
  r.fetch_to_publish_p50_ms = histogram_quantile_ms(counts0, counts1, kPublishLatency, 0.50);
  r.fetch_to_publish_p99_ms = histogram_quantile_ms(counts0, counts1, kPublishLatency, 0.99);
  r.puback_p50_ms = histogram_quantile_ms(counts0, counts1, kPubackLatency, 0.50);
  r.puback_p99_ms = histogram_quantile_ms(counts0, counts1, kPubackLatency, 0.99);
  r.latency = percentiles(std::move(sink.latencies_us));
  sink.latencies_us = {};
  return r;
}

struct RawResult {
  double publish_per_sec = 0;   // publish calls (and, for JetStream, PubAcks), first to last
  double received_per_sec = 0;  // the subscriber's view, first publish to last arrival
  std::uint64_t received = 0;
  std::uint64_t failed = 0;  // publishes nats.c refused or JetStream did not acknowledge
};

using CapturedList = std::vector<Captured>;
/// Publishes `count` of the captured messages (cycled) on `nc`, returns the failures.
using PublishAll =
    std::function<std::uint64_t(natsConnection*, const CapturedList&, std::uint64_t)>;

/// The gateway's messages byte for byte: subject, Nats-Msg-Id header and payload. The
/// messages are built once, so the loop costs what publishing them costs.
std::uint64_t publish_core(natsConnection* nc, const CapturedList& captured, std::uint64_t count) {
  std::vector<natsMsg*> msgs;
  for (const auto& c : captured) {
    natsMsg* m = nullptr;
    if (natsMsg_Create(&m, c.subject.c_str(), nullptr, c.data.data(),
                       static_cast<int>(c.data.size())) != NATS_OK ||
        natsMsgHeader_Set(m, "Nats-Msg-Id", c.msg_id.c_str()) != NATS_OK)
      throw std::runtime_error("cannot build a raw message");
    msgs.push_back(m);
  }
  std::uint64_t failed = 0;
  for (std::uint64_t i = 0; i < count; ++i)
    if (natsConnection_PublishMsg(nc, msgs[i % msgs.size()]) != NATS_OK) ++failed;
  natsConnection_FlushTimeout(nc, 30'000);
  for (natsMsg* m : msgs) natsMsg_Destroy(m);
  return failed;
}

/// The same payloads on the same subjects without the header: what nats.c and the server
/// do for the smallest message the gateway could send.
std::uint64_t publish_core_payload_only(natsConnection* nc, const CapturedList& captured,
                                        std::uint64_t count) {
  std::uint64_t failed = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    const auto& c = captured[i % captured.size()];
    if (natsConnection_Publish(nc, c.subject.c_str(), c.data.data(),
                               static_cast<int>(c.data.size())) != NATS_OK)
      ++failed;
  }
  natsConnection_FlushTimeout(nc, 30'000);
  return failed;
}

/// As the gateway's outbox does: every message its own Nats-Msg-Id, at most 5000 unacked.
std::uint64_t publish_jetstream(natsConnection* nc, const CapturedList& captured,
                                std::uint64_t count) {
  jsOptions o;
  jsOptions_Init(&o);
  o.PublishAsync.MaxPending = 5000;
  o.PublishAsync.StallWait = 30'000;
  jsCtx* js = nullptr;
  if (natsConnection_JetStream(&js, nc, &o) != NATS_OK) return count;
  std::uint64_t failed = 0;
  std::string id;
  jsPubOptions po;
  for (std::uint64_t i = 0; i < count; ++i) {
    const auto& c = captured[i % captured.size()];
    id = fmt::format("bench:raw:{}", i);
    jsPubOptions_Init(&po);
    po.MsgId = id.c_str();
    if (js_PublishAsync(js, c.subject.c_str(), c.data.data(), static_cast<int>(c.data.size()),
                        &po) != NATS_OK)
      ++failed;
  }
  jsPubOptions_Init(&po);
  po.MaxWait = 30'000;
  if (js_PublishAsyncComplete(js, &po) != NATS_OK) ++failed;
  natsMsgList pending{};
  if (js_PublishAsyncGetPendingList(&pending, js) == NATS_OK) {
    failed += static_cast<std::uint64_t>(pending.Count);
    natsMsgList_Destroy(&pending);
  }
  jsCtx_Destroy(js);
  return failed;
}

/// Runs `publish_all` from a thread on a plain nats.c connection while the loop receives.
RawResult measure_raw(net::AsioClock& clock, Sink& sink, std::uint16_t nats_port,
                      std::uint64_t count, const PublishAll& publish_all) {
  natsConnection* nc = nullptr;
  const auto url = fmt::format("nats://127.0.0.1:{}", nats_port);
  if (natsConnection_ConnectTo(&nc, url.c_str()) != NATS_OK)
    throw std::runtime_error("raw publisher cannot connect to " + url);
  const auto captured = sink.captured;  // the sink may append while the thread reads
  clock.run_for(500'000);               // let the chain's last ticks drain
  const auto base = sink.received;
  std::atomic<std::int64_t> published_us{0};
  std::uint64_t failed = 0;
  const auto t0 = clock.now_us();
  std::thread publisher([&] {
    failed = publish_all(nc, captured, count);
    published_us = clock.now_us();
  });
  // Done when everything arrived, or nothing has for a second after the flush (the server
  // dropped some to a slow consumer: the rate then counts what arrived).
  const auto deadline_us = t0 + 60'000'000;
  while (sink.received - base < count && clock.now_us() < deadline_us &&
         !(published_us != 0 && clock.now_us() - sink.last_arrival_us > 1'000'000))
    clock.run_for(50'000);
  publisher.join();
  natsConnection_Destroy(nc);
  RawResult r;
  r.received = sink.received - base;
  r.failed = failed;
  r.publish_per_sec = static_cast<double>(count) * 1e6 / static_cast<double>(published_us - t0);
  r.received_per_sec =
      static_cast<double>(r.received) * 1e6 / static_cast<double>(sink.last_arrival_us - t0);
  return r;
}

/// The loopback floor for the latency figures: raw nats.c publishes stamped with the wall
/// clock, one per millisecond, through the same server and subscriber path, sent at once as
/// the gateway sends (nats.c's default flusher would add about 1 ms).
Percentiles measure_floor(net::AsioClock& clock, Sink& sink, std::uint16_t nats_port, int count) {
  natsConnection* nc = nullptr;
  natsOptions* opts = nullptr;
  const auto url = fmt::format("nats://127.0.0.1:{}", nats_port);
  const bool ok = natsOptions_Create(&opts) == NATS_OK &&
                  natsOptions_SetURL(opts, url.c_str()) == NATS_OK &&
                  natsOptions_SetSendAsap(opts, true) == NATS_OK &&
                  natsConnection_Connect(&nc, opts) == NATS_OK;
  natsOptions_Destroy(opts);
  if (!ok) throw std::runtime_error("floor publisher cannot connect to " + url);
  sink.latencies_us.clear();
  sink.measuring = true;
  std::atomic<bool> done{false};
  std::thread publisher([&] {
    std::string payload;
    for (int i = 0; i < count; ++i) {
      payload = fmt::format("{{\"ts_recv\":{}}}", clock.wall_us());
      natsConnection_Publish(nc, "ticks.bench.floor", payload.data(),
                             static_cast<int>(payload.size()));
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    natsConnection_FlushTimeout(nc, 5'000);
    done = true;
  });
  while (!done) clock.run_for(50'000);
  publisher.join();
  clock.run_for(200'000);
  natsConnection_Destroy(nc);
  sink.measuring = false;
  auto p = percentiles(std::move(sink.latencies_us));
  sink.latencies_us = {};
  return p;
}

/// JetStream's own floor for fetch to PubAck: raw js_Publish, one per millisecond, each
/// timed from the call to its PubAck (the same server, stream and message sizes).
Percentiles measure_js_floor(std::uint16_t nats_port, int count) {
  natsConnection* nc = nullptr;
  const auto url = fmt::format("nats://127.0.0.1:{}", nats_port);
  if (natsConnection_ConnectTo(&nc, url.c_str()) != NATS_OK)
    throw std::runtime_error("JetStream floor publisher cannot connect to " + url);
  jsCtx* js = nullptr;
  if (natsConnection_JetStream(&js, nc, nullptr) != NATS_OK)
    throw std::runtime_error("JetStream floor publisher has no JetStream context");
  const std::string payload(200, 'x');
  std::vector<std::int64_t> us;
  jsPubOptions po;
  for (int i = 0; i < count; ++i) {
    const std::string id = fmt::format("bench:floor:{}", i);
    jsPubOptions_Init(&po);
    po.MsgId = id.c_str();
    jsPubAck* ack = nullptr;
    const auto t0 = std::chrono::steady_clock::now();
    if (js_Publish(&ack, js, "ticks.bench.floor", payload.data(), static_cast<int>(payload.size()),
                   &po, nullptr) == NATS_OK)
      us.push_back(std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::steady_clock::now() - t0)
                       .count());
    jsPubAck_Destroy(ack);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  return percentiles(std::move(us));
}

void stop_chain(Chain& chain) {
  chain.gateway->terminate();
  chain.mockex->terminate();
}

void print_raw(const char* what, const RawResult& raw) {
  fmt::print("{:<44} {:>14.0f} {:>18}\n", fmt::format("raw nats.c {} publish/s", what),
             raw.publish_per_sec, "");
  fmt::print("{:<44} {:>14.0f} {:>18}\n", fmt::format("raw nats.c {} received msgs/s", what),
             raw.received_per_sec, "");
  fmt::print("{:<44} {:>14} {:>18}\n", "  failed publishes (received of sent)",
             fmt::format("{} ({})", raw.failed, raw.received), "");
}

/// The comparators of one mode, all measured in the same run.
struct Raws {
  RawResult core;               // the gateway's messages, header included
  RawResult core_payload_only;  // the same without the Nats-Msg-Id header
  std::optional<RawResult> js;  // JetStream mode: js_PublishAsync as the outbox does
};

void print_ratio(const char* what, double ticks_per_sec, const RawResult& raw, bool target) {
  fmt::print("{:<44} {:>13.1f}% {:>18}\n", what, 100.0 * ticks_per_sec / raw.received_per_sec,
             target ? ">= 50%" : "");
}

void print_mode(bool jetstream, const ThroughputResult& t, const Raws& raws,
                const ThroughputResult& paced, const Percentiles& floor,
                const std::optional<Percentiles>& js_floor) {
  const char* mode = jetstream ? "jetstream" : "core";
  fmt::print("\n== gateway end to end, nats {} ==\n", mode);
  fmt::print("{:<44} {:>14} {:>18}\n", "what", "measured", "target");
  fmt::print("{:<44} {:>14.0f} {:>18}\n", "gateway e2e ticks/s (mockex max speed)", t.ticks_per_sec,
             "");
  fmt::print("{:<44} {:>14} {:>18}\n", "  ticks the gateway dropped in the window", t.dropped, "");
  print_raw("core", raws.core);
  print_raw("core payload-only", raws.core_payload_only);
  if (raws.js) print_raw("JetStream async", *raws.js);
  if (raws.js)
    print_ratio("gateway / raw JetStream async received", t.ticks_per_sec, *raws.js, true);
  print_ratio("gateway / raw core received", t.ticks_per_sec, raws.core, !raws.js);
  print_ratio("gateway / raw core payload-only received", t.ticks_per_sec, raws.core_payload_only,
              false);
  fmt::print("{:<44} {:>11.3f} ms {:>18}\n", "fetch to publish p50 (gateway histogram, <=)",
             paced.fetch_to_publish_p50_ms, "");
  fmt::print("{:<44} {:>11.3f} ms {:>18}\n", "fetch to publish p99 (gateway histogram, <=)",
             paced.fetch_to_publish_p99_ms, "< 1 ms");
  fmt::print("{:<44} {:>11.3f} ms {:>18}\n", "  same, max speed (saturated)",
             t.fetch_to_publish_p99_ms, "");
  if (js_floor) {
    fmt::print("{:<44} {:>11.3f} ms {:>18}\n", "fetch to PubAck p50 (gateway histogram, <=)",
               paced.puback_p50_ms, "");
    fmt::print("{:<44} {:>11.3f} ms {:>18}\n", "fetch to PubAck p99 (gateway histogram, <=)",
               paced.puback_p99_ms, "");
    fmt::print("{:<44} {:>11.3f} ms {:>18}\n", "floor: raw js_Publish 1/ms to PubAck p50",
               js_floor->p50_ms, "");
    fmt::print("{:<44} {:>11.3f} ms {:>18}\n", "floor: raw js_Publish 1/ms to PubAck p99",
               js_floor->p99_ms, "");
  }
  fmt::print("{:<44} {:>11.3f} ms {:>18}\n", "latency p50, recorded pace", paced.latency.p50_ms,
             "");
  fmt::print("{:<44} {:>11.3f} ms {:>18}\n", "latency p99, recorded pace", paced.latency.p99_ms,
             "");
  fmt::print("{:<44} {:>11.3f} ms {:>18}\n", "latency max, recorded pace", paced.latency.max_ms,
             "");
  fmt::print("{:<44} {:>14} {:>18}\n", "  samples (ticks/s at recorded pace)",
             fmt::format("{} ({:.0f})", paced.latency.samples, paced.ticks_per_sec), "");
  fmt::print("{:<44} {:>11.3f} ms {:>18}\n", "floor: raw nats.c asap 1/ms latency p50",
             floor.p50_ms, "");
  fmt::print("{:<44} {:>11.3f} ms {:>18}\n", "floor: raw nats.c asap 1/ms latency p99",
             floor.p99_ms, "");
  fmt::print("{:<44} {:>11.3f} ms {:>18}\n", "latency p50, max speed", t.latency.p50_ms, "");
  fmt::print("{:<44} {:>11.3f} ms {:>18}\n", "latency p99, max speed", t.latency.p99_ms, "");
  fmt::print("{:<44} {:>11.1f} MB {:>18}\n", "gateway VmRSS, steady state (max speed)",
             static_cast<double>(t.rss_kb) / 1024.0, "< 50 MB");
  fmt::print("{:<44} {:>11.1f} MB {:>18}\n", "gateway VmRSS, recorded pace",
             static_cast<double>(paced.rss_kb) / 1024.0, "< 50 MB");
  fmt::print("{:<44} {:>13.1f}% {:>18}\n", "gateway CPU (max speed, % of one core)", t.gateway_cpu,
             "");
  fmt::print("{:<44} {:>14.0f} {:>18}\n", "gateway ticks per CPU-second (max speed)",
             t.ticks_per_sec * 100.0 / std::max(t.gateway_cpu, 0.1), "");
  fmt::print("{:<44} {:>13.1f}% {:>18}\n", "mockex CPU (max speed)", t.mockex_cpu, "");
  fmt::print("{:<44} {:>13.1f}% {:>18}\n", "nats-server CPU (max speed)", t.nats_cpu, "");
  fmt::print("{:<44} {:>13.1f}% {:>18}\n", "bench subscriber process CPU (max speed)", t.bench_cpu,
             "");
  fmt::print("{:<44} {:>13.1f}% {:>18}\n", "gateway CPU (recorded pace)", paced.gateway_cpu, "");
  std::fflush(stdout);
}

void run_mode(const Options& o, bool jetstream, const std::string& dir, std::uint16_t nats_port,
              int nats_pid) {
  net::AsioClock clock;
  core::BusOptions bus_options;
  bus_options.url = fmt::format("nats://127.0.0.1:{}", nats_port);
  bus_options.name = "gateway_e2e_bench";
  bus_options.jetstream = false;  // a plain subscriber
  net::NatsBus bus(clock, bus_options);
  Sink sink(clock);
  if (!bus.subscribe("ticks.>", "", [&sink](const core::BusMessage& m) { sink.on_message(m); }))
    throw std::runtime_error("subscribe ticks.> failed");
  if (!clock.run_until([&] { return bus.connected(); }, kStartTimeoutUs))
    throw std::runtime_error("bench subscriber cannot reach nats-server");
  const auto tag = jetstream ? std::string("js") : std::string("core");
  auto fast = start_chain(dir, nats_port, jetstream, "max", tag + "-max");
  const auto throughput = measure_chain(clock, sink, fast, nats_pid, o.warmup_us, o.window_us);
  stop_chain(fast);
  Raws raws;
  raws.core = measure_raw(clock, sink, nats_port, o.raw_messages, publish_core);
  raws.core_payload_only =
      measure_raw(clock, sink, nats_port, o.raw_messages, publish_core_payload_only);
  if (jetstream)
    raws.js = measure_raw(clock, sink, nats_port, o.raw_js_messages, publish_jetstream);
  auto paced = start_chain(dir, nats_port, jetstream, "1", tag + "-paced");
  sink.received = 0;
  const auto latency =
      measure_chain(clock, sink, paced, nats_pid, o.warmup_us, o.latency_window_us);
  stop_chain(paced);
  const auto floor = measure_floor(clock, sink, nats_port, 2000);
  std::optional<Percentiles> js_floor;
  if (jetstream) js_floor = measure_js_floor(nats_port, 2000);
  print_mode(jetstream, throughput, raws, latency, floor, js_floor);
}

std::optional<Options> parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    const bool has_value = i + 1 < argc;
    if (flag == "--window-sec" && has_value) {
      o.window_us = o.latency_window_us = std::stoll(argv[++i]) * 1'000'000;
    } else if (flag == "--raw-messages" && has_value) {
      o.raw_messages = std::stoull(argv[++i]);
    } else if (flag == "--raw-js-messages" && has_value) {
      o.raw_js_messages = std::stoull(argv[++i]);
    } else if (flag == "--mode" && has_value) {
      const std::string_view m = argv[++i];
      if (m != "jetstream" && m != "core" && m != "both") return std::nullopt;
      o.jetstream_modes =
          m == "both" ? std::vector<bool>{true, false} : std::vector<bool>{m == "jetstream"};
    } else {
      return std::nullopt;
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = parse_args(argc, argv);
  if (!options) {
    fmt::print(stderr,
               "usage: gateway_e2e_bench [--window-sec N] [--raw-messages N] [--raw-js-messages N] "
               "[--mode jetstream|core|both]\n");
    return 2;
  }
  try {
    testsupport::TempDir dir("t26-e2e-bench");
    fmt::print("gateway_e2e_bench: mockex + gateway (Release), logs in {}\n", dir.path());
    for (const bool jetstream : options->jetstream_modes) {
      // A fresh nats-server per mode: the TICKS stream the JetStream run creates would go on
      // storing every ticks.> message of the core run, the gateway's and the raw publisher's.
      const std::string mode = jetstream ? "js" : "core";
      const auto nats_port = testsupport::free_tcp_port();
      ServerProcess nats({"nats-server", "-js", "-sd", dir.path() + "/" + mode + "-store", "-a",
                          "127.0.0.1", "-p", std::to_string(nats_port)},
                         dir.path() + "/nats-" + mode + ".log");
      if (!testsupport::wait_for_tcp(nats_port, std::chrono::seconds(20)))
        throw std::runtime_error("nats-server not listening: " + nats.log_tail());
      run_mode(*options, jetstream, dir.path(), nats_port, nats.pid());
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "gateway_e2e_bench: {}\n", e.what());
    return 1;
  }
  return 0;
}
