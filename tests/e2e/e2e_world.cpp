#include "tests/e2e/e2e_world.h"

#include <catch2/catch.hpp>

#include <sstream>

#include <fmt/format.h>

#include "normalizer/bar_rows.h"
#include "sim/replay/csv.h"
#include "tests/config/service_process.h"

namespace e2e {
namespace {

constexpr std::int64_t kMs = 1000;
constexpr std::int64_t kMinuteUs = 60'000'000;

std::vector<sim::replay::CsvRow> read_csv(const std::string& path) {
  auto rows = sim::replay::read_csv(path);
  REQUIRE(rows.is_ok());
  return *rows;
}

core::Decimal dec(const std::string& text) {
  auto d = core::Decimal::parse(text);
  REQUIRE(d.is_ok());
  return *d;
}

std::string describe(const core::Bar& b) {
  return fmt::format("o={} h={} l={} c={} v={} n={}", b.open.to_string(), b.high.to_string(),
                     b.low.to_string(), b.close.to_string(), b.volume.to_string(), b.trades);
}

std::map<std::int64_t, core::Bar> bars_of(const core::QueryResult& r) {
  std::map<std::int64_t, core::Bar> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    auto bar = normalizer::bar_from_row(r, i);
    if (bar) out[bar->ts_minute_us] = *bar;
  }
  return out;
}

/// argv of one of our service binaries: free ports, no secrets, `sets` as --set overrides.
std::vector<std::string> service_args(const std::string& binary, const std::string& config,
                                      const std::vector<std::string>& sets) {
  std::vector<std::string> argv{binary,
                                "--config",
                                config,
                                "--set",
                                "service.port=0",
                                "--set",
                                "monitoring.metrics_port=0",
                                "--secrets-file",
                                "/dev/null"};
  for (const auto& s : sets) {
    argv.push_back("--set");
    argv.push_back(s);
  }
  return argv;
}

}  // namespace

Recording recording_2023(const std::string& speed) {
  return {"fixtures/binance/BTCUSDT_2023-04-05T0000Z-0007Z.jsonl.zst",
          "fixtures/binance/derived/BTCUSDT-trades-2023-04-05T0000Z-0006Z.csv.zst",
          "fixtures/binance/derived/BTCUSDT-1m-bars-COMPUTED-from-trades-2023.csv", speed};
}

Recording recording_2024(const std::string& speed) {
  return {"fixtures/binance/BTCUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst",
          "fixtures/binance/derived/BTCUSDT-trades-2024-08-08T2354Z-2024-08-09T0005Z.csv.zst",
          "fixtures/binance/derived/BTCUSDT-1m-bars-COMPUTED-from-trades-2024.csv", speed};
}

std::map<std::int64_t, core::Bar> fold_trades(const std::string& trades_csv) {
  // Columns: trade_id, price, qty, trade_time_ms, ... The CSV is in trade id order.
  std::map<std::int64_t, core::Bar> bars;
  for (const auto& c : read_csv(trades_csv)) {
    const std::int64_t minute = std::stoll(c[3]) * kMs / kMinuteUs * kMinuteUs;
    const core::Decimal price = dec(c[1]);
    auto [it, fresh] = bars.try_emplace(minute);
    core::Bar& b = it->second;
    if (fresh) {
      b.ts_minute_us = minute;
      b.symbol = "BTCUSDT";
      b.open = b.high = b.low = price;
      b.volume = dec("0");
    }
    b.high = std::max(b.high, price);
    b.low = std::min(b.low, price);
    b.close = price;
    auto volume = b.volume.add(dec(c[2]));
    REQUIRE(volume.is_ok());
    b.volume = *volume;
    ++b.trades;
  }
  return bars;
}

std::string diff_reference(const std::string& bars_csv,
                           const std::map<std::int64_t, core::Bar>& bars) {
  for (const auto& c : read_csv(bars_csv)) {
    core::Bar want;
    want.ts_minute_us = std::stoll(c[0]) * kMs;
    want.symbol = "BTCUSDT";
    want.open = dec(c[1]);
    want.high = dec(c[2]);
    want.low = dec(c[3]);
    want.close = dec(c[4]);
    want.volume = dec(c[5]);
    want.trades = std::stoull(c[7]);
    const auto it = bars.find(want.ts_minute_us);
    if (it == bars.end()) return fmt::format("reference minute {} missing", c[0]);
    if (!(it->second == want))
      return fmt::format("reference minute {}: want {}, got {}", c[0], describe(want),
                         describe(it->second));
  }
  return {};
}

std::string diff_bars(const std::map<std::int64_t, core::Bar>& want,
                      const std::map<std::int64_t, core::Bar>& got) {
  for (const auto& [minute, bar] : want) {
    const auto it = got.find(minute);
    if (it == got.end()) return fmt::format("minute {} missing", minute);
    if (!(it->second == bar))
      return fmt::format("minute {}: want {}, got {}", minute, describe(bar), describe(it->second));
  }
  for (const auto& [minute, bar] : got)
    if (!want.count(minute))
      return fmt::format("minute {} not expected: {}", minute, describe(bar));
  return {};
}

void run_and_check(E2eWorld& w, std::uint64_t disturb_after_seq,
                   const std::function<void()>& disturb) {
  const auto want = fold_trades(w.recording.trades);
  INFO(diff_reference(w.recording.bars, want));
  REQUIRE(diff_reference(w.recording.bars, want).empty());  // the fold is right
  w.start();
  if (disturb) {
    const bool reached = w.db.clock.run_until(
        [&] { return w.stored_checkpoint() > disturb_after_seq; }, 120'000 * kMs);
    INFO(w.logs());
    REQUIRE(reached);
    CHECK_FALSE(diff_bars(want, w.stored_bars()).empty());  // mid-replay indeed
    disturb();
  }
  const std::string why = w.wait_for_table(want, 900'000);
  INFO(w.logs());
  INFO(why);
  CHECK(why.empty());
}

void check_bars_command(E2eWorld& w) {
  const auto want = fold_trades(w.recording.trades);
  std::string output;
  REQUIRE(w.run_bars(output) == 0);
  INFO(output);
  const auto printed = parse_bars_output(output);
  REQUIRE(printed.size() == std::min<std::size_t>(10, want.size()));
  auto expected = want.rbegin();
  for (const auto& bar : printed) {
    CHECK(bar == expected->second);
    ++expected;
  }
}

std::vector<core::Bar> parse_bars_output(const std::string& output) {
  core::QueryResult r;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> cells;
    std::istringstream fields(line);
    for (std::string cell; std::getline(fields, cell, '\t');) cells.push_back(cell);
    if (cells.size() < 2) continue;  // log lines
    if (cells[0] == "time")
      r.columns = cells;
    else if (!r.columns.empty() && cells.size() == r.columns.size())
      r.rows.push_back(cells);
  }
  std::vector<core::Bar> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i)
    if (auto bar = normalizer::bar_from_row(r, i)) out.push_back(*bar);
  return out;
}

E2eWorld::E2eWorld(Recording rec) : recording(std::move(rec)) {
  write_url = fmt::format("http://127.0.0.1:{}/write?db=t26", db.http_port);
  nats_port_ = testsupport::free_tcp_port();
  mockex_port_ = testsupport::free_tcp_port();
  const std::string nats_url = fmt::format("nats://127.0.0.1:{}", nats_port_);
  const std::string mockex_http = fmt::format("http://127.0.0.1:{}", mockex_port_);
  const std::string mockex_ws = fmt::format("ws://127.0.0.1:{}", mockex_port_);
  const std::string& d = dir_.path();
  REQUIRE(!d.empty());
  args_["nats"] = {"nats-server", "-js",    "-a", "127.0.0.1", "-p", std::to_string(nats_port_),
                   "-sd",         d + "/js"};
  // ack_wait 1 s: JsConsumer holds deliveries 2 * AckWait after every (re)connect.
  args_["normalizer"] =
      service_args(T26_NORMALIZER_BIN, "config/normalizer.yaml",
                   {"nats.url=" + nats_url, "nats.ack_wait_sec=1", "nats.reconnect_wait_sec=0.2",
                    "store.write_url=" + write_url, "store.flush_interval_sec=0.2"});
  args_["mockex"] = {T26_MOCKEX_BIN,        "--port",       std::to_string(mockex_port_),
                     "--recording",         recording.file, "--speed",
                     recording.speed,       "--symbols",    "BTCUSDT",
                     "--start-on-subscribe"};
  // Valkey off (the client rate limit falls back to local); a large outbox rides out a NATS
  // restart without dropping ticks.
  args_["gateway"] = service_args(
      T26_GATEWAY_BIN, "config/local/gateway.yaml",
      {"nats.url=" + nats_url, "nats.reconnect_wait_sec=0.2", "nats.max_reconnect_attempts=-1",
       "exchanges.binance.rest_url=" + mockex_http, "exchanges.binance.ws_url=" + mockex_ws,
       "exchanges.binance.symbols=[BTCUSDT]", "valkey.rate_limit_enabled=false",
       "rate_limiting.use_valkey_cache=false", "performance.buffer_size=500000"});
}

E2eWorld::~E2eWorld() {
  // Before dir_ goes: the processes write their logs and stores there.
  gateway.reset();
  mockex.reset();
  normalizer.reset();
  nats.reset();
}

std::unique_ptr<testsupport::ServerProcess> E2eWorld::launch(const std::string& name) {
  return std::make_unique<testsupport::ServerProcess>(args_.at(name),
                                                      dir_.path() + "/" + name + ".log");
}

void E2eWorld::start() {
  nats = launch("nats");
  REQUIRE(testsupport::wait_for_tcp(nats_port_, std::chrono::milliseconds(10'000)));
  normalizer = launch("normalizer");
  mockex = launch("mockex");
  INFO(logs());
  REQUIRE(testsupport::wait_for_tcp(mockex_port_, std::chrono::milliseconds(30'000)));
  gateway = launch("gateway");
}

std::map<std::int64_t, core::Bar> E2eWorld::stored_bars() {
  core::StoreQuery q;
  q.table = "ohlcv_1m";
  q.tags_equal = {{"symbol", "BTCUSDT"}};
  std::optional<core::Result<core::QueryResult>> got;
  db.store.query(q, [&](auto r) { got.emplace(std::move(r)); });
  db.clock.run_until([&] { return got.has_value(); }, 5'000 * kMs);
  if (!got || !got->is_ok()) return {};
  return bars_of(**got);
}

std::uint64_t E2eWorld::stored_checkpoint() {
  core::StoreQuery q;
  q.table = normalizer::checkpoint_table("ohlcv_1m");
  std::optional<core::Result<core::QueryResult>> got;
  db.store.query(q, [&](auto r) { got.emplace(std::move(r)); });
  db.clock.run_until([&] { return got.has_value(); }, 5'000 * kMs);
  if (!got || !got->is_ok()) return 0;
  auto seq = normalizer::checkpoint_from(**got);
  return seq ? *seq : 0;
}

std::string E2eWorld::wait_for_table(const std::map<std::int64_t, core::Bar>& want,
                                     std::int64_t timeout_ms) {
  const std::int64_t deadline_us = db.clock.now_us() + timeout_ms * kMs;
  std::string why = "not queried";
  while (!(why = diff_bars(want, stored_bars())).empty() && db.clock.now_us() < deadline_us)
    db.clock.run_for(250 * kMs);
  return why;
}

int E2eWorld::run_bars(std::string& output) {
  testsupport::ServiceProcess bars(T26_NORMALIZER_BIN,
                                   {"bars", "--config", "config/normalizer.yaml", "--set",
                                    "store.write_url=" + write_url, "--secrets-file", "/dev/null"},
                                   {"PATH=/usr/bin:/bin"});
  const int code = bars.wait(std::chrono::seconds(30));
  output = bars.output();
  return code;
}

std::string E2eWorld::logs() const {
  std::string out;
  for (const auto* p : {nats.get(), normalizer.get(), mockex.get(), gateway.get()})
    if (p) out += p->log_tail(1500) + "\n----\n";
  return out;
}

}  // namespace e2e
