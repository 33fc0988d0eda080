#include <catch2/catch.hpp>

#include <optional>
#include <vector>

#include "core/codec/bus_json.h"
#include "core/jetstream.h"
#include "core/streams.h"
#include "gateway/tick_publisher.h"
#include "sim/sim_bus.h"
#include "sim/sim_bus_server.h"
#include "sim/sim_clock.h"

namespace {

constexpr std::int64_t kSecond = 1'000'000;

core::Tick trade(const std::string& id) {
  core::Tick t;
  t.exchange = core::Exchange::kBinance;
  t.symbol = "BTCUSDT";
  t.kind = core::TickKind::kTrade;
  t.ts_event_us = 1'723'161'300'000'000;
  t.price = *core::Decimal::parse("61828.00000000");
  t.qty = *core::Decimal::parse("0.00100000");
  t.trade_id = id;
  return t;
}

struct World {
  sim::SimClock clock;
  sim::SimBusServer server{clock, core::Rng(7), 100};
  core::metrics::Registry metrics;

  std::unique_ptr<core::Bus> bus(bool jetstream) {
    core::BusOptions o;
    o.name = jetstream ? "gateway" : "gateway-core";
    o.jetstream = jetstream;
    return std::make_unique<sim::SimBus>(clock, server, o);
  }
  void ensure_ticks_stream(core::Bus& bus) {
    core::JsApi api(bus, clock);
    std::optional<core::Status> done;
    api.ensure_stream(core::ticks_stream("ticks"), [&](core::Status s) { done = s; });
    REQUIRE(clock.run_until([&] { return done.has_value(); }, 5 * kSecond));
    REQUIRE(done->is_ok());
  }
};

}  // namespace

TEST_CASE("TickPublisher names subjects and message ids as DESIGN.md section 3 says",
          "[gateway][publisher]") {
  core::Tick t = trade("3735684134");
  CHECK(gateway::TickPublisher::subject("ticks", t) == "ticks.binance.BTCUSDT");
  CHECK(gateway::TickPublisher::msg_id(t) == "binance:BTCUSDT:trade:3735684134");
  t.kind = core::TickKind::kBook;
  t.trade_id.reset();
  t.seq = 5521;
  CHECK(gateway::TickPublisher::msg_id(t) == "binance:BTCUSDT:book:5521");
  t.seq.reset();
  CHECK(gateway::TickPublisher::msg_id(t) == "binance:BTCUSDT:book:1723161300000000");
}

TEST_CASE("TickPublisher in JetStream mode stores a resent tick once", "[gateway][publisher]") {
  World w;
  auto bus = w.bus(true);
  w.ensure_ticks_stream(*bus);
  gateway::TickPublisher pub(w.clock, *bus, w.metrics, {.max_ticks_per_sec = 0});
  REQUIRE(pub.publish(trade("1")).is_ok());
  REQUIRE(pub.publish(trade("2")).is_ok());
  REQUIRE(pub.publish(trade("1")).is_ok());  // a replay after a reconnect
  REQUIRE(w.clock.run_until([&] { return pub.pending() == 0; }, 5 * kSecond));
  CHECK(w.server.stream_messages("TICKS") == 2);
}

TEST_CASE("TickPublisher in core mode publishes the encoded tick with its message id",
          "[gateway][publisher]") {
  World w;
  auto bus = w.bus(false);
  std::vector<core::BusMessage> got;
  REQUIRE(bus->subscribe("ticks.>", "", [&](const core::BusMessage& m) { got.push_back(m); }));
  gateway::TickPublisher pub(w.clock, *bus, w.metrics, {.jetstream = false});
  REQUIRE(pub.publish(trade("9")).is_ok());
  REQUIRE(w.clock.run_until([&] { return got.size() == 1; }, kSecond));
  CHECK(got[0].subject == "ticks.binance.BTCUSDT");
  CHECK(core::header_value(got[0].headers, "Nats-Msg-Id") == "binance:BTCUSDT:trade:9");
  auto decoded = core::codec::decode_tick(got[0].data);
  REQUIRE(decoded.is_ok());
  CHECK(*decoded == trade("9"));
}

TEST_CASE("TickPublisher drops and counts ticks over max_ticks_per_sec", "[gateway][publisher]") {
  World w;
  auto bus = w.bus(false);
  gateway::TickPublisher pub(w.clock, *bus, w.metrics,
                             {.jetstream = false, .max_ticks_per_sec = 5});
  int ok = 0;
  for (int i = 0; i < 8; ++i) ok += pub.publish(trade(std::to_string(i))).is_ok() ? 1 : 0;
  CHECK(ok == 5);  // one second of burst
  const core::Status refused = pub.publish(trade("x"));
  CHECK(refused.code == core::Errc::kResourceExhausted);
  w.clock.run_for(kSecond / 5);  // a fifth of a second buys one more
  CHECK(pub.publish(trade("y")).is_ok());
  CHECK(w.metrics.render_prometheus().find("gateway_ticks_dropped_total{reason=\"rate_cap\"} 4") !=
        std::string::npos);
}

TEST_CASE("TickPublisher refuses and counts ticks once the outbox is full",
          "[gateway][publisher]") {
  World w;
  auto bus = w.bus(true);
  w.server.stop();  // NATS away: nothing is acked, the outbox fills
  gateway::TickPublisher pub(w.clock, *bus, w.metrics, {.buffer_size = 3, .max_ticks_per_sec = 0});
  for (int i = 0; i < 3; ++i) CHECK(pub.publish(trade(std::to_string(i))).is_ok());
  CHECK(pub.publish(trade("3")).code == core::Errc::kResourceExhausted);
  CHECK(pub.pending() == 3);
  CHECK(w.metrics.render_prometheus().find(
            "gateway_ticks_dropped_total{reason=\"outbox_full\"} 1") != std::string::npos);
}

TEST_CASE("TickPublisher counts ticks by exchange and symbol and times fetch to publish",
          "[gateway][publisher]") {
  World w;
  const bool jetstream = GENERATE(true, false);
  CAPTURE(jetstream);
  auto bus = w.bus(jetstream);
  if (jetstream) w.ensure_ticks_stream(*bus);
  gateway::TickPublisher pub(w.clock, *bus, w.metrics,
                             {.jetstream = jetstream, .max_ticks_per_sec = 0});
  const auto arrived_300us_ago = [&](core::Tick t) {
    t.ts_recv_us = w.clock.wall_us() - 300;
    return t;
  };
  core::Tick eth = trade("7");
  eth.symbol = "ETHUSDT";
  REQUIRE(pub.publish(arrived_300us_ago(trade("1"))).is_ok());
  REQUIRE(pub.publish(arrived_300us_ago(trade("2"))).is_ok());
  REQUIRE(pub.publish(arrived_300us_ago(eth)).is_ok());
  const auto has = [&](const std::string& line) {
    return w.metrics.render_prometheus().find(line + "\n") != std::string::npos;
  };
  const std::string latency = "gateway_publish_latency_seconds";
  const std::string puback = "gateway_puback_latency_seconds";
  // Handed to the connection at once in both modes (the outbox sends while connected), all
  // 300 us after their arrival; JetStream's PubAcks are not in yet.
  CHECK(has(latency + R"(_count{exchange="binance"} 3)"));
  CHECK(has(latency + R"(_bucket{exchange="binance",le="0.00025"} 0)"));
  CHECK(has(latency + R"(_bucket{exchange="binance",le="0.0005"} 3)"));
  CHECK(has(latency + R"(_count{exchange="kraken"} 0)"));
  if (jetstream) CHECK(has(puback + R"(_count{exchange="binance"} 0)"));
  REQUIRE(w.clock.run_until([&] { return pub.pending() == 0; }, 5 * kSecond));
  CHECK(has(R"(gateway_ticks_published_total{exchange="binance",symbol="BTCUSDT"} 2)"));
  CHECK(has(R"(gateway_ticks_published_total{exchange="binance",symbol="ETHUSDT"} 1)"));
  if (jetstream) {
    CHECK(has(puback + R"(_count{exchange="binance"} 3)"));
    CHECK(has(puback + R"(_bucket{exchange="binance",le="0.00025"} 0)"));
  } else {
    CHECK(w.metrics.render_prometheus().find(puback) == std::string::npos);
  }
}

TEST_CASE("In JetStream mode a tick published while NATS is away is timed when it is sent",
          "[gateway][publisher]") {
  World w;
  auto bus = w.bus(true);
  w.ensure_ticks_stream(*bus);
  gateway::TickPublisher pub(w.clock, *bus, w.metrics, {.jetstream = true, .max_ticks_per_sec = 0});
  const auto has = [&](const std::string& line) {
    return w.metrics.render_prometheus().find(line + "\n") != std::string::npos;
  };
  w.server.stop();
  REQUIRE(w.clock.run_until([&] { return !bus->connected(); }, 5 * kSecond));
  core::Tick t = trade("1");
  t.ts_recv_us = w.clock.wall_us();
  REQUIRE(pub.publish(t).is_ok());  // queued in the outbox
  CHECK(has(R"(gateway_publish_latency_seconds_count{exchange="binance"} 0)"));
  w.clock.run_for(2 * kSecond);
  w.server.start();
  REQUIRE(w.clock.run_until([&] { return pub.pending() == 0; }, 30 * kSecond));
  // Sent after the outage: in the slowest buckets, not at the publish() call.
  CHECK(has(R"(gateway_publish_latency_seconds_count{exchange="binance"} 1)"));
  CHECK(has(R"(gateway_publish_latency_seconds_bucket{exchange="binance",le="1"} 0)"));
  CHECK(has(R"(gateway_puback_latency_seconds_count{exchange="binance"} 1)"));
}
