// NormalizerService over SimClock + SimBus + SimStore: when it writes, when it acks, what it
// does with store errors and malformed ticks, and how a restart continues a stored minute.
#include <catch2/catch.hpp>

#include "core/codec/bus_json.h"
#include "core/js_publisher.h"
#include "normalizer/bar_rows.h"
#include "normalizer/normalizer_service.h"
#include "sim/sim_bus.h"
#include "sim/sim_bus_server.h"
#include "sim/sim_clock.h"
#include "sim/sim_store.h"

namespace {

using normalizer::NormalizerService;

constexpr std::int64_t kSec = 1'000'000;
constexpr std::int64_t kT0 = 1'723'161'300'000'000;  // 2024-08-08T23:55:00Z

/// A store whose writes land at once but whose answers wait for release(): the window
/// between the database accepting a write and the normalizer hearing of it (never released:
/// a kill -9 inside that window).
class HeldAnswerStore final : public core::Store {
 public:
  explicit HeldAnswerStore(core::Store& shared) : shared_(shared) {}
  void write(std::string_view lines, std::function<void(core::Status)> done) override {
    shared_.write(lines, [this, done = std::move(done)](core::Status s) {
      held_.push_back([done, s] { done(s); });
    });
  }
  void release() {
    auto held = std::move(held_);
    held_.clear();
    for (auto& f : held) f();
  }
  void query(const core::StoreQuery& q,
             std::function<void(core::Result<core::QueryResult>)> done) override {
    shared_.query(q, std::move(done));
  }

 private:
  core::Store& shared_;
  std::vector<std::function<void()>> held_;
};

struct World {
  sim::SimClock clock;
  sim::SimBusServer server{clock, core::Rng(8), 100};
  sim::SimStore store{clock};
  core::metrics::Registry metrics;
  core::NormalizerConfig config = make_config(true);
  std::unique_ptr<core::Bus> pub_bus = bus("publisher", true);
  core::JsPublisher publisher{*pub_bus, clock};
  std::unique_ptr<core::Bus> norm_bus;
  std::unique_ptr<NormalizerService> service;

  static core::NormalizerConfig make_config(bool jetstream) {
    core::NormalizerConfig c;
    c.nats.jetstream = jetstream;
    c.nats.ack_wait_sec = 1;
    c.store.flush_interval_sec = 1;
    return c;
  }
  std::unique_ptr<core::Bus> bus(const std::string& name, bool jetstream) {
    core::BusOptions o;
    o.name = name;
    o.jetstream = jetstream;
    return std::make_unique<sim::SimBus>(clock, server, o);
  }
  void start(core::Store& with) {
    norm_bus = bus("normalizer", config.nats.jetstream);
    service = std::make_unique<NormalizerService>(clock, *norm_bus, with, metrics, nullptr, config);
    service->start();
    REQUIRE(clock.run_until([&] { return service->consuming(); }, 10 * kSec));
  }
  void stop() {
    service.reset();
    norm_bus.reset();
  }
  static std::string trade_json(int id, std::int64_t ts_us, const std::string& price,
                                const std::string& qty) {
    core::Tick t;
    t.symbol = "BTCUSDT";
    t.ts_event_us = ts_us;
    t.ts_recv_us = ts_us;
    t.price = *core::Decimal::parse(price);
    t.qty = *core::Decimal::parse(qty);
    t.side = core::Side::kBuy;
    t.trade_id = std::to_string(id);
    return core::codec::to_json(t);
  }
  void publish(const std::string& msg_id, std::string data) {
    REQUIRE(publisher.publish("ticks.binance.BTCUSDT", std::move(data), msg_id));
  }
  void trade(int id, std::int64_t ts_us, const std::string& price, const std::string& qty) {
    publish("binance:BTCUSDT:trade:" + std::to_string(id), trade_json(id, ts_us, price, qty));
  }
  std::optional<core::Bar> bar(std::int64_t minute_us) {
    core::StoreQuery q;
    q.table = "ohlcv_1m";
    q.from_ns = minute_us * 1000;
    q.to_ns = q.from_ns.value() + 60 * kSec * 1000;
    std::optional<core::Result<core::QueryResult>> got;
    store.query(q, [&](auto r) { got.emplace(std::move(r)); });
    REQUIRE(clock.run_until([&] { return got.has_value(); }, kSec));
    REQUIRE(got->is_ok());
    if ((*got)->rows.empty()) return std::nullopt;
    auto b = normalizer::bar_from_row(**got, 0);
    REQUIRE(b.is_ok());
    return *b;
  }
  std::uint64_t counter(const std::string& name, core::metrics::Labels labels = {}) {
    return metrics.counter(name, help_of(name), std::move(labels)).value();
  }
  static std::string help_of(const std::string& name) {
    if (name == "normalizer_store_write_errors_total") return "Failed store writes";
    if (name == "normalizer_ticks_malformed_total") return "Messages that are not a Tick";
    if (name == "normalizer_redelivered_skipped_total")
      return "Redeliveries at or below the stored checkpoint";
    return "Accepted store writes";
  }
};

}  // namespace

TEST_CASE("NormalizerService acks a trade only after the write holding its bar was accepted",
          "[normalizer][service]") {
  World w;
  HeldAnswerStore held(w.store);
  w.start(held);
  w.trade(1, kT0 + 1'000, "100.10", "0.5");
  w.trade(2, kT0 + 2'000, "101.00", "0.25");
  w.trade(3, kT0 + 3'000, "99.50", "1.00000000");
  REQUIRE(w.clock.run_until([&] { return w.service->acks_pending() == 3; }, 5 * kSec));
  CHECK(w.store.row_count("ohlcv_1m") == 0);
  REQUIRE(w.clock.run_until([&] { return w.store.row_count("ohlcv_1m") == 1; }, 2 * kSec));
  w.clock.run_for(3 * kSec);
  CHECK(w.service->acks_pending() == 3);  // written, not yet answered: nothing acked
  held.release();
  REQUIRE(w.clock.run_until([&] { return w.service->acks_pending() == 0; }, kSec));
  CHECK(w.service->checkpoint() == 3);
  const auto bar = w.bar(kT0);
  REQUIRE(bar.has_value());
  CHECK(bar->open.to_string() == "100.10");
  CHECK(bar->high.to_string() == "101.00");
  CHECK(bar->low.to_string() == "99.50");
  CHECK(bar->close.to_string() == "99.50");
  CHECK(bar->volume.to_string() == "1.75000000");
  CHECK(bar->trades == 3);
  CHECK(w.counter("normalizer_store_writes_total") >= 1);
}

TEST_CASE("NormalizerService acks nothing while the store refuses the bars with a 400",
          "[normalizer][service]") {
  World w;
  w.store.fail_writes(1'000'000, 400);
  w.start(w.store);
  w.trade(1, kT0, "10", "1");
  w.clock.run_for(12 * kSec);
  CHECK(w.service->acks_pending() == 1);
  CHECK(w.service->checkpoint() == 0);
  CHECK(w.store.row_count("ohlcv_1m") == 0);
  const auto rejected = w.counter("normalizer_store_write_errors_total", {{"kind", "rejected"}});
  CHECK(rejected >= 2);
  CHECK(rejected <= 4);  // retried every 5 s, not in a loop
  w.store.fail_writes(0);
  REQUIRE(w.clock.run_until([&] { return w.service->acks_pending() == 0; }, 10 * kSec));
  CHECK(w.bar(kT0)->trades == 1);
}

TEST_CASE("NormalizerService retries a 5xx write with backoff and then acks",
          "[normalizer][service]") {
  World w;
  w.store.fail_writes(3, 503);
  w.start(w.store);
  w.trade(1, kT0, "10", "1");
  w.trade(2, kT0 + 1, "11", "2");
  REQUIRE(w.clock.run_until(
      [&] { return w.service->acks_pending() == 0 && w.service->checkpoint() == 2; }, 10 * kSec));
  CHECK(w.counter("normalizer_store_write_errors_total", {{"kind", "unavailable"}}) == 3);
  const auto bar = w.bar(kT0);
  CHECK(bar->trades == 2);
  CHECK(bar->close.to_string() == "11");
}

TEST_CASE("NormalizerService counts and skips a malformed tick without blocking the next",
          "[normalizer][service]") {
  World w;
  w.start(w.store);
  w.publish("junk-1", "{\"v\":1,\"exchange\":\"binance\"");
  w.publish("junk-2", "{\"v\":2}");
  w.trade(7, kT0 + 5, "42.5", "0.1");
  REQUIRE(w.clock.run_until([&] { return w.service->checkpoint() == 3; }, 5 * kSec));
  CHECK(w.counter("normalizer_ticks_malformed_total") == 2);
  CHECK(w.service->acks_pending() == 0);
  CHECK(w.bar(kT0)->trades == 1);
}

TEST_CASE("NormalizerService in core-NATS mode builds bars from a plain subscription",
          "[normalizer][service]") {
  World w;
  w.config = World::make_config(false);
  w.start(w.store);
  auto plain = w.bus("gateway", false);
  w.clock.run_for(kSec);
  REQUIRE(plain->publish("ticks.binance.BTCUSDT", World::trade_json(1, kT0, "5", "2"), {}, ""));
  REQUIRE(plain->publish("ticks.binance.BTCUSDT", World::trade_json(2, kT0 + 70 * kSec, "6", "1"),
                         {}, ""));
  REQUIRE(w.clock.run_until([&] { return w.store.row_count("ohlcv_1m") == 2; }, 5 * kSec));
  CHECK(w.bar(kT0)->volume.to_string() == "2");
  CHECK(w.bar(kT0 + 60 * kSec)->open.to_string() == "6");
  CHECK(w.store.row_count("ohlcv_1m_checkpoint") == 0);
}

TEST_CASE("A restart between the write and its ack continues the stored minute exactly once",
          "[normalizer][service]") {
  World w;
  HeldAnswerStore lost(w.store);  // never released
  w.start(lost);
  w.trade(1, kT0 + 1'000, "100", "1");
  w.trade(2, kT0 + 2'000, "102", "1");
  w.trade(3, kT0 + 3'000, "99", "1");
  REQUIRE(
      w.clock.run_until([&] { return w.store.row_count("ohlcv_1m_checkpoint") == 1; }, 5 * kSec));
  CHECK(w.service->acks_pending() == 3);  // the answer never came: nothing acked
  w.stop();
  w.trade(4, kT0 + 4'000, "101", "2");  // same minute, after the crash
  w.start(w.store);
  CHECK(w.service->checkpoint() == 3);
  REQUIRE(w.clock.run_until(
      [&] { return w.service->checkpoint() == 4 && w.service->acks_pending() == 0; }, 10 * kSec));
  CHECK(w.counter("normalizer_redelivered_skipped_total") == 3);
  const auto bar = w.bar(kT0);
  CHECK(bar->trades == 4);
  CHECK(bar->volume.to_string() == "5");
  CHECK(bar->open.to_string() == "100");
  CHECK(bar->high.to_string() == "102");
  CHECK(bar->low.to_string() == "99");
  CHECK(bar->close.to_string() == "101");
}
