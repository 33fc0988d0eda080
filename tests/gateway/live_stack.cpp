#include "tests/gateway/live_stack.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>
#include <tuple>

#include <fmt/format.h>
#include <httplib.h>

#include "core/codec/bus_json.h"
#include "core/jetstream.h"
#include "gateway/feed/feed_protocol.h"
#include "sim/replay/recording.h"
#include "tests/mockex/mockex_world.h"

using namespace std::chrono_literals;

namespace gwlive {
namespace {

std::int64_t to_us(std::chrono::milliseconds ms) {
  return std::chrono::duration_cast<std::chrono::microseconds>(ms).count();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

/// Polls `done` every 20 ms until it holds or `timeout` passes.
bool poll(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return done();
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

core::BusOptions tap_options(const std::string& url) {
  core::BusOptions o;
  o.url = url;
  o.name = "gwlive-tap";
  o.jetstream = false;
  return o;
}

/// Every record of the recordings, each file's offsets from its first record merged in time
/// order (the order the mockex binary replays them in, all starting together).
std::vector<sim::replay::Record> merged_records(const std::vector<std::string>& paths) {
  std::vector<std::pair<std::int64_t, sim::replay::Record>> all;
  for (const auto& path : paths) {
    auto reader = sim::replay::RecordingReader::open(path);
    REQUIRE(reader.is_ok());
    sim::replay::Record r;
    std::int64_t first = -1;
    while (true) {
      auto more = reader->next(r);
      REQUIRE(more.is_ok());
      if (!*more) break;
      if (first < 0) first = r.t_us;
      all.emplace_back(r.t_us - first, r);
    }
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<sim::replay::Record> out;
  for (auto& [offset, r] : all) out.push_back(std::move(r));
  return out;
}

std::string tick_json(const core::Tick& t) {
  return core::codec::to_json(t);
}

}  // namespace

Venue binance_venue() {
  return {core::Exchange::kBinance,
          "binance",
          {"BTCUSDT"},
          "",
          {"fixtures/binance/BTCUSDT_2023-04-05T0000Z-0007Z.jsonl.zst"}};
}
Venue coinbase_venue() {
  return {core::Exchange::kCoinbase,
          "coinbase",
          {"BTC-USD", "ETH-USD"},
          "/coinbase",
          {"fixtures/coinbase/advanced_trade_2026-08-09T2105Z_BTC-USD_ETH-USD.jsonl.zst"}};
}
Venue kraken_venue() {
  return {core::Exchange::kKraken,
          "kraken",
          {"XMRUSD", "SCEUR"},
          "/kraken/v2",
          {"fixtures/kraken/ws_v1_2021-04-17T1648Z_trade.jsonl.zst",
           "fixtures/kraken/ws_v1_2021-04-17T1648Z_ticker.jsonl.zst"}};
}

core::Tick comparable(core::Tick t, bool keep_seq) {
  if (t.ts_event_us == t.ts_recv_us) t.ts_event_us = 0;
  t.ts_recv_us = 0;
  if (!keep_seq) t.seq.reset();
  return t;
}

bool from_websocket(const Venue& venue, const core::Tick& tick) {
  return venue.exchange != core::Exchange::kBinance || tick.kind != core::TickKind::kTicker;
}

std::vector<core::Tick> expected_ticks(const Venue& venue) {
  mockex_test::MockexWorld world;
  auto protocol = gateway::feed::make_feed_protocol(venue.exchange, venue.symbols);
  sim::SimWsClient ws(world.clock, world.net, "client");
  std::vector<std::string> frames;
  bool open = false;
  ws.connect(protocol->ws_url("ws://server:" + std::to_string(world.port) + venue.ws_path),
             {.on_open = [&] { open = true; },
              .on_text = [&](const std::string& text) { frames.push_back(text); },
              .on_close = [](int, const std::string&) {}});
  REQUIRE(world.clock.run_until([&] { return open; }, 5 * mockex_test::MockexWorld::kSecond));
  for (auto& message : protocol->subscribe_messages()) REQUIRE(ws.send_text(message).is_ok());
  world.clock.run_for(mockex_test::MockexWorld::kSecond);
  for (const auto& record : merged_records(venue.recordings)) {
    world.exchange->feed(record);
    world.clock.run_for(1000);
  }
  world.clock.run_for(mockex_test::MockexWorld::kSecond);
  std::vector<core::Tick> out;
  for (const auto& frame : frames)
    (void)protocol->decode_frame(frame, 0,
                                 [&](const core::Tick& t) { out.push_back(comparable(t)); });
  return out;
}

TickTap::TickTap(const std::string& nats_url, const std::string& subject)
    : bus_(clock_, tap_options(nats_url)) {
  REQUIRE(clock_.run_until([&] { return bus_.connected(); }, 20'000'000));
  auto id = bus_.subscribe(subject, "", [this](const core::BusMessage& m) {
    auto tick = core::codec::decode_tick(m.data);
    if (!tick) {
      ++undecodable;
      return;
    }
    ticks.push_back(*tick);
    std::string id;
    for (const auto& [name, value] : m.headers)
      if (name == "Nats-Msg-Id") id = value;
    msg_ids.push_back(id);
  });
  REQUIRE(id.is_ok());
}

bool TickTap::wait(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  return clock_.run_until(done, to_us(timeout));
}

LiveStack::LiveStack(Venue venue, std::string speed)
    : venue_(std::move(venue)),
      nats_port_(testsupport::free_tcp_port()),
      redis_port_(testsupport::free_tcp_port()),
      mockex_port_(testsupport::free_tcp_port()),
      nats_store_(dir_.path() + "/js"),
      nats_({"nats-server", "-js", "-a", "127.0.0.1", "-p", std::to_string(nats_port_), "-sd",
             nats_store_},
            dir_.path() + "/nats.log"),
      redis_({"redis-server", "--bind", "127.0.0.1", "--port", std::to_string(redis_port_),
              "--save", "", "--appendonly", "no"},
             dir_.path() + "/redis.log"),
      mockex_(
          [&] {
            std::vector<std::string> argv = {T26_MOCKEX_BIN,
                                             "--port",
                                             std::to_string(mockex_port_),
                                             "--admin",
                                             "--start-on-subscribe",
                                             "--speed",
                                             speed,
                                             "--recording"};
            argv.insert(argv.end(), venue_.recordings.begin(), venue_.recordings.end());
            return argv;
          }(),
          dir_.path() + "/mockex.log") {
  nats_.start();
  redis_.start();
  mockex_.start();
  INFO(nats_.log_tail() + redis_.log_tail() + mockex_.log_tail());
  REQUIRE(testsupport::wait_for_tcp(nats_port_, 30s));
  REQUIRE(testsupport::wait_for_tcp(redis_port_, 30s));
  REQUIRE(testsupport::wait_for_tcp(mockex_port_, 60s));
}

std::string LiveStack::nats_url() const {
  return fmt::format("nats://127.0.0.1:{}", nats_port_);
}

GatewayProcess& LiveStack::start_gateway(const std::vector<std::string>& sets) {
  const std::string mockex = fmt::format("127.0.0.1:{}", mockex_port_);
  std::vector<std::string> values = {
      "service.port=0",
      "monitoring.metrics_port=0",
      "nats.url=" + nats_url(),
      fmt::format("valkey.url=redis://127.0.0.1:{}", redis_port_),
      "performance.max_ticks_per_sec=0",
      "performance.buffer_size=200000",
  };
  for (const char* name : {"binance", "coinbase", "kraken"}) {
    const bool on = venue_.name == name;
    values.push_back(fmt::format("exchanges.{}.enabled={}", name, on ? "true" : "false"));
    if (!on) continue;
    values.push_back(fmt::format("exchanges.{}.rest_url=http://{}", name, mockex));
    values.push_back(fmt::format("exchanges.{}.ws_url=ws://{}{}", name, mockex, venue_.ws_path));
    values.push_back(fmt::format("exchanges.{}.websocket_enabled=true", name));
    values.push_back(fmt::format("exchanges.{}.poll_interval_sec=3600", name));
    std::string list;
    for (const auto& s : venue_.symbols) list += (list.empty() ? "\"" : ",\"") + s + "\"";
    values.push_back(fmt::format("exchanges.{}.symbols=[{}]", name, list));
  }
  values.insert(values.end(), sets.begin(), sets.end());
  std::vector<std::string> argv = {T26_GATEWAY_BIN, "--config", "config/local/gateway.yaml"};
  for (const auto& v : values) {
    argv.push_back("--set");
    argv.push_back(v);
  }
  auto g = std::make_unique<GatewayProcess>();
  g->log_path = fmt::format("{}/gateway{}.log", dir_.path(), gateways_.size());
  g->process = std::make_unique<testsupport::ServerProcess>(argv, g->log_path);
  g->process->start();
  static const std::regex kListening("listening http_port=(\\d+) metrics_port=(\\d+)\\s");
  std::smatch m;
  std::string log;
  const bool up = poll(
      [&] {
        log = read_file(g->log_path);
        return std::regex_search(log, m, kListening);
      },
      60s);
  INFO(log);
  REQUIRE(up);
  g->http_port = std::stoi(m[1]);
  g->metrics_port = std::stoi(m[2]);
  gateways_.push_back(std::move(g));
  return *gateways_.back();
}

bool LiveStack::wait_replay_finished(std::chrono::milliseconds timeout) {
  return poll(
      [&] {
        const std::string log = mockex_log();
        std::size_t n = 0;
        for (auto at = log.find("replay finished"); at != std::string::npos;
             at = log.find("replay finished", at + 1))
          ++n;
        return n >= venue_.recordings.size();
      },
      timeout);
}

std::string LiveStack::mockex_log() const {
  return read_file(dir_.path() + "/mockex.log");
}

std::string LiveStack::mockex_get(const std::string& path) const {
  return http_get(mockex_port_, path);
}

int LiveStack::mockex_faults(const std::string& json) const {
  httplib::Client client("127.0.0.1", mockex_port_);
  const auto r = client.Post("/admin/faults", json, "application/json");
  return r ? r->status : 0;
}

double metric_value(const std::string& text, const std::string& sample) {
  static const std::regex kShard(R"(shard="\d+")");
  double sum = 0;
  bool found = false;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto space = line.rfind(' ');
    if (line.empty() || line[0] == '#' || space == std::string::npos) continue;
    const std::string series = line.substr(0, space);
    std::string unsharded = std::regex_replace(series, kShard, "");
    for (const auto& [from, to] :
         {std::pair<std::string, std::string>{",,", ","}, {"{,", "{"}, {",}", "}"}, {"{}", ""}}) {
      if (const auto at = unsharded.find(from); at != std::string::npos)
        unsharded.replace(at, from.size(), to);
    }
    const bool whole_family =
        sample.find('{') == std::string::npos && series.substr(0, series.find('{')) == sample;
    if (series != sample && unsharded != sample && !whole_family) continue;
    sum += std::stod(line.substr(space + 1));
    found = true;
  }
  return found ? sum : -1;
}

std::string http_get(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(5, 0);
  const auto r = client.Get(path);
  return r ? r->body : std::string();
}

std::string first_difference(const std::vector<core::Tick>& got,
                             const std::vector<core::Tick>& want) {
  const std::size_t n = std::min(got.size(), want.size());
  for (std::size_t i = 0; i < n; ++i)
    if (!(got[i] == want[i]))
      return fmt::format("at {} of {}/{}:\n got  {}\n want {}", i, got.size(), want.size(),
                         tick_json(got[i]), tick_json(want[i]));
  if (got.size() != want.size())
    return fmt::format("sizes differ: got {}, want {}; first extra: {}", got.size(), want.size(),
                       got.size() > n ? tick_json(got[n]) : tick_json(want[n]));
  return {};
}

StreamContents read_stream(const std::string& nats_url, const std::string& stream) {
  net::AsioClock clock;
  net::NatsBus bus(clock, tap_options(nats_url));
  REQUIRE(clock.run_until([&] { return bus.connected(); }, 20'000'000));
  core::JsApi js(bus, clock);
  std::optional<core::Result<core::StreamState>> info;
  js.stream_info(stream, [&](core::Result<core::StreamState> r) { info = std::move(r); });
  REQUIRE(clock.run_until([&] { return info.has_value(); }, 10'000'000));
  REQUIRE(info->is_ok());
  StreamContents out;
  out.messages = (*info)->messages;
  const std::string inbox = bus.new_inbox();
  auto sub = bus.subscribe(inbox, "", [&](const core::BusMessage& m) {
    auto tick = core::codec::decode_tick(m.data);
    REQUIRE(tick.is_ok());
    out.ticks.push_back(*tick);
    std::string id;
    for (const auto& [name, value] : m.headers)
      if (name == "Nats-Msg-Id") id = value;
    out.msg_ids.push_back(id);
    (void)bus.publish(m.reply, "+ACK", {}, "");
  });
  REQUIRE(sub.is_ok());
  core::ConsumerSpec spec;
  spec.stream = stream;
  spec.durable = "gwlive-check";
  spec.max_ack_pending = 10000;
  std::optional<core::Status> made;
  js.ensure_consumer(spec, inbox, [&](core::Status s) { made = std::move(s); });
  REQUIRE(clock.run_until([&] { return made.has_value(); }, 10'000'000));
  REQUIRE(made->is_ok());
  REQUIRE(clock.run_until([&] { return out.ticks.size() >= out.messages; }, 60'000'000));
  clock.run_for(300'000);  // a redelivery would show up as an extra message
  return out;
}

std::vector<core::Tick> websocket_ticks(const Venue& venue, const std::vector<core::Tick>& ticks,
                                        bool keep_seq) {
  std::vector<core::Tick> out;
  for (const auto& t : ticks)
    if (from_websocket(venue, t)) out.push_back(comparable(t, keep_seq));
  return out;
}

std::vector<core::Tick> in_recording_order(const Venue& venue, std::vector<core::Tick> ticks) {
  if (venue.recordings.size() > 1) {
    std::stable_sort(ticks.begin(), ticks.end(), [](const core::Tick& a, const core::Tick& b) {
      return std::tie(a.symbol, a.kind) < std::tie(b.symbol, b.kind);
    });
  }
  return ticks;
}

void check_ticks_equal_recording(const Venue& venue, const std::string& speed) {
  const auto want = expected_ticks(venue);
  REQUIRE(want.size() >= 10);
  LiveStack stack(venue, speed);
  TickTap tap(stack.nats_url(), "ticks." + venue.name + ".>");
  auto& gateway = stack.start_gateway();
  auto received = [&] { return websocket_ticks(venue, tap.ticks, true).size(); };
  // The cheap size test first: the filtered count copies every tick.
  const bool all =
      tap.wait([&] { return tap.ticks.size() >= want.size() && received() >= want.size(); }, 120s);
  const bool finished = stack.wait_replay_finished(30s);
  // Anything published twice would arrive right behind the rest: give it a moment.
  tap.wait([] { return false; }, 500ms);
  INFO(gateway.process->log_tail() + "\n" + stack.mockex_log().substr(0, 2000));
  CHECK(all);
  CHECK(finished);
  CHECK(tap.undecodable == 0);
  CHECK(first_difference(in_recording_order(venue, websocket_ticks(venue, tap.ticks, true)),
                         in_recording_order(venue, want)) == "");
  std::set<std::string> ids(tap.msg_ids.begin(), tap.msg_ids.end());
  CHECK(ids.size() == tap.msg_ids.size());
  CHECK(ids.count("") == 0);
}

}  // namespace gwlive
