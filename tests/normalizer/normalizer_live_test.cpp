// The normalizer binary against real servers: nats-server -js and influxd on free loopback
// ports, recorded Binance trades published as ticks through net::NatsBus + JsPublisher. Two
// normalizers read the same stream with their own durables and tables: one undisturbed, one
// killed with SIGKILL mid-stream and restarted. Both tables must equal the reference bars.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "core/codec/bus_json.h"
#include "core/js_publisher.h"
#include "core/streams.h"
#include "net/nats_bus.h"
#include "normalizer/bar_rows.h"
#include "sim/replay/csv.h"
#include "tests/contract/store_contract.h"

namespace {

constexpr std::int64_t kMs = 1000;
constexpr const char* kTrades =
    "fixtures/binance/derived/BTCUSDT-trades-2024-08-08T2354Z-2024-08-09T0005Z.csv.zst";
constexpr const char* kBars =
    "fixtures/binance/derived/BTCUSDT-1m-bars-COMPUTED-from-trades-2024.csv";

std::vector<sim::replay::CsvRow> read_csv(const std::string& path) {
  auto rows = sim::replay::read_csv(path);
  REQUIRE(rows.is_ok());
  return *rows;
}

std::string tick_json(const std::vector<std::string>& c) {
  core::Tick t;
  t.symbol = "BTCUSDT";
  t.ts_event_us = std::stoll(c[3]) * 1000;
  t.ts_recv_us = std::stoll(c[7]) / 1000;
  t.price = *core::Decimal::parse(c[1]);
  t.qty = *core::Decimal::parse(c[2]);
  t.side = c[4] == "true" ? core::Side::kSell : core::Side::kBuy;
  t.trade_id = c[0];
  return core::codec::to_json(t);
}

struct Normalizer {
  Normalizer(const std::string& dir, const std::string& name, std::uint16_t nats_port,
             std::uint16_t influx_port)
      : process(
            {T26_NORMALIZER_BIN,
             "--config",
             "config/normalizer.yaml",
             "--set",
             "service.name=" + name,
             "--set",
             "service.port=0",
             "--set",
             "monitoring.metrics_port=0",
             "--set",
             "nats.url=nats://127.0.0.1:" + std::to_string(nats_port),
             "--set",
             "nats.durable_name=" + name,
             "--set",
             "nats.ack_wait_sec=1",
             "--set",
             "store.write_url=http://127.0.0.1:" + std::to_string(influx_port) + "/write?db=t26",
             "--set",
             "store.table=" + name,
             "--set",
             "store.flush_interval_sec=0.2",
             "--secrets-file",
             "/dev/null"},
            dir + "/" + name + ".log") {}
  testsupport::ServerProcess process;
};

}  // namespace

TEST_CASE(
    "The normalizer binary stores the reference bars from real NATS into influxdb, also "
    "after a kill -9 mid-stream",
    "[normalizer][net]") {
  storecontract::StoreNetWorld db;  // influxd with database t26, and db.clock / db.store
  net::AsioClock& clock = db.clock;
  testsupport::TempDir dir{"t26-norm"};
  const std::uint16_t nats_port = testsupport::free_tcp_port();
  testsupport::ServerProcess nats{{"nats-server", "-js", "-a", "127.0.0.1", "-p",
                                   std::to_string(nats_port), "-sd", dir.path() + "/js"},
                                  dir.path() + "/nats.log"};
  REQUIRE(testsupport::wait_for_tcp(nats_port, std::chrono::milliseconds(10'000)));

  Normalizer clean(dir.path(), "ohlcv_clean", nats_port, db.http_port);
  Normalizer killed(dir.path(), "ohlcv_killed", nats_port, db.http_port);

  core::BusOptions o;
  o.url = "nats://127.0.0.1:" + std::to_string(nats_port);
  o.name = "test-publisher";
  net::NatsBus bus(clock, o);
  REQUIRE(clock.run_until([&] { return bus.connected(); }, 10'000 * kMs));
  core::JsApi api(bus, clock);
  std::optional<core::Status> stream;
  while (!stream || !*stream) {  // JetStream may still be starting
    stream.reset();
    api.ensure_stream(core::ticks_stream("ticks"), [&](core::Status s) { stream = s; });
    REQUIRE(clock.run_until([&] { return stream.has_value(); }, 10'000 * kMs));
    if (!*stream) clock.run_for(100 * kMs);
  }
  core::JsPublisher publisher(bus, clock, core::OutboxOptions{.capacity = 100'000});
  const auto trades = read_csv(kTrades);
  const auto reference = read_csv(kBars);

  auto table_equals_reference = [&](const std::string& table, std::string& why) {
    core::StoreQuery q;
    q.table = table;
    q.tags_equal = {{"symbol", "BTCUSDT"}};
    std::optional<core::Result<core::QueryResult>> got;
    db.store.query(q, [&](auto r) { got.emplace(std::move(r)); });
    clock.run_until([&] { return got.has_value(); }, 5'000 * kMs);
    if (!got || !got->is_ok()) return why = "query failed", false;
    std::map<std::int64_t, core::Bar> bars;
    for (std::size_t i = 0; i < (*got)->rows.size(); ++i) {
      auto bar = normalizer::bar_from_row(**got, i);
      if (bar) bars[bar->ts_minute_us] = *bar;
    }
    for (const auto& c : reference) {
      auto it = bars.find(std::stoll(c[0]) * 1000);
      const bool same = it != bars.end() && it->second.open == *core::Decimal::parse(c[1]) &&
                        it->second.high == *core::Decimal::parse(c[2]) &&
                        it->second.low == *core::Decimal::parse(c[3]) &&
                        it->second.close == *core::Decimal::parse(c[4]) &&
                        it->second.volume == *core::Decimal::parse(c[5]) &&
                        it->second.trades == std::stoull(c[7]);
      if (!same) {
        why = fmt::format("{}: minute {} {}", table, c[0],
                          it == bars.end()
                              ? "missing"
                              : fmt::format("has {} trades, want {}", it->second.trades, c[7]));
        return false;
      }
    }
    return true;
  };
  auto publish = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      REQUIRE(publisher.publish("ticks.binance.BTCUSDT", tick_json(trades[i]),
                                "binance:BTCUSDT:trade:" + trades[i][0]));
    }
  };

  const std::size_t half = trades.size() / 2;
  publish(0, half);
  // Let the killed one store part of the stream, then kill -9 it while more keeps coming.
  REQUIRE(clock.run_until([&] { return publisher.pending() == 0; }, 20'000 * kMs));
  auto stored_seq = [&] {
    core::StoreQuery q;
    q.table = normalizer::checkpoint_table("ohlcv_killed");
    std::optional<core::Result<core::QueryResult>> got;
    db.store.query(q, [&](auto r) { got.emplace(std::move(r)); });
    clock.run_until([&] { return got.has_value(); }, 5'000 * kMs);
    if (!got || !got->is_ok()) return std::uint64_t{0};
    auto seq = normalizer::checkpoint_from(**got);
    return seq ? *seq : 0;
  };
  std::uint64_t seq_at_kill = 0;
  REQUIRE(clock.run_until([&] { return (seq_at_kill = stored_seq()) > 0; }, 20'000 * kMs));
  killed.process.kill9();
  CHECK(seq_at_kill < trades.size());  // mid-stream: the second half is not even published
  publish(half, trades.size());
  REQUIRE(clock.run_until([&] { return publisher.pending() == 0; }, 20'000 * kMs));
  killed.process.start();

  std::string why;
  bool equal = false;
  const std::int64_t deadline_us = clock.now_us() + 25'000 * kMs;
  while (!equal && clock.now_us() < deadline_us) {
    equal =
        table_equals_reference("ohlcv_clean", why) && table_equals_reference("ohlcv_killed", why);
    if (!equal) clock.run_for(250 * kMs);
  }
  INFO(why);
  INFO(killed.process.log_tail(2000));
  CHECK(equal);
}
