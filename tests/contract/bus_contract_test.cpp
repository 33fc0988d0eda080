// One contract for core::Bus and the JetStream client on it, run against net::NatsBus with a
// real nats-server and sim::SimBus with SimBusServer (see bus_contract.h).
#include "tests/contract/bus_contract.h"

#include <map>
#include <set>
#include <vector>

#include "core/js_consumer.h"
#include "core/js_publisher.h"
#include "core/streams.h"

namespace {

using bus_contract::kDeadlineUs;
using bus_contract::kMs;

std::function<void(const core::BusMessage&)> collect(std::vector<core::BusMessage>& into) {
  return [&into](const core::BusMessage& m) { into.push_back(m); };
}

std::vector<std::string> subjects_of(const std::vector<core::BusMessage>& msgs) {
  std::vector<std::string> out;
  for (const auto& m : msgs) out.push_back(m.subject);
  return out;
}

template <typename World>
void wildcards_match_one_token_and_the_rest() {
  World w;
  auto bus = w.make_bus("wild");
  std::vector<core::BusMessage> star, rest, none;
  REQUIRE(bus->subscribe("ticks.*.BTCUSDT", "", collect(star)).is_ok());
  REQUIRE(bus->subscribe("ticks.>", "", collect(rest)).is_ok());
  REQUIRE(bus->subscribe("orders.*", "", collect(none)).is_ok());
  CHECK(bus->subscribe("ticks.>.x", "", collect(none)).status().code ==
        core::Errc::kInvalidArgument);
  REQUIRE(w.clock.run_until([&] { return bus->connected(); }, kDeadlineUs));
  for (const char* s : {"ticks.binance.BTCUSDT", "ticks.kraken.BTCUSDT", "ticks.binance.ETHUSDT",
                        "ticks.binance.BTCUSDT.x", "orders.a.new"}) {
    REQUIRE(bus->publish(s, "{}", {}, "").is_ok());
  }
  CHECK(bus->publish("ticks.*", "{}", {}, "").code == core::Errc::kInvalidArgument);
  REQUIRE(w.clock.run_until([&] { return rest.size() == 4 && star.size() == 2; }, kDeadlineUs));
  w.clock.run_for(100 * kMs);  // nothing else arrives
  CHECK(subjects_of(star) ==
        std::vector<std::string>{"ticks.binance.BTCUSDT", "ticks.kraken.BTCUSDT"});
  CHECK(subjects_of(rest) ==
        std::vector<std::string>{"ticks.binance.BTCUSDT", "ticks.kraken.BTCUSDT",
                                 "ticks.binance.ETHUSDT", "ticks.binance.BTCUSDT.x"});
  CHECK(none.empty());
}
BUS_CONTRACT_CASE("Bus matches * to one token and > to the rest of the subject",
                  wildcards_match_one_token_and_the_rest)

template <typename World>
void queue_group_delivers_each_message_to_one_member() {
  World w;
  std::vector<std::unique_ptr<core::Bus>> workers;
  std::vector<std::vector<core::BusMessage>> got(3);
  for (int i = 0; i < 3; ++i) {
    workers.push_back(w.make_bus("worker" + std::to_string(i)));
    REQUIRE(
        workers.back()->subscribe("orders.*.new", "live-gateway-workers", collect(got[i])).is_ok());
  }
  auto watcher = w.make_bus("watcher");
  std::vector<core::BusMessage> all;
  REQUIRE(watcher->subscribe("orders.>", "", collect(all)).is_ok());
  auto oms = w.make_bus("oms");
  REQUIRE(w.clock.run_until(
      [&] {
        return oms->connected() && watcher->connected() && workers[0]->connected() &&
               workers[1]->connected() && workers[2]->connected();
      },
      kDeadlineUs));
  w.clock.run_for(50 * kMs);  // subscriptions reach the server
  constexpr int kCount = 300;
  for (int i = 0; i < kCount; ++i) {
    REQUIRE(oms->publish("orders.acct1.new", std::to_string(i), {}, "").is_ok());
  }
  auto group_total = [&] { return got[0].size() + got[1].size() + got[2].size(); };
  REQUIRE(w.clock.run_until([&] { return all.size() == kCount && group_total() == kCount; },
                            kDeadlineUs));
  w.clock.run_for(100 * kMs);
  CHECK(group_total() == kCount);
  std::set<std::string> seen;
  for (const auto& member : got) {
    CHECK_FALSE(member.empty());  // 300 messages over 3 members: each gets some
    for (const auto& m : member) CHECK(seen.insert(m.data).second);
  }
  CHECK(seen.size() == kCount);
}
BUS_CONTRACT_CASE("Bus queue group delivers each message to exactly one member",
                  queue_group_delivers_each_message_to_one_member)

template <typename World>
void headers_reply_and_binary_payload_round_trip() {
  World w;
  auto bus = w.make_bus("hdr");
  std::vector<core::BusMessage> got;
  REQUIRE(bus->subscribe("hdr.test", "", collect(got)).is_ok());
  REQUIRE(w.clock.run_until([&] { return bus->connected(); }, kDeadlineUs));
  const std::string payload("a\0b\xff\n", 5);
  const core::Headers sent{
      {"X-Trace", "abc"}, {"Nats-Msg-Id", "binance:BTCUSDT:trade:1"}, {"X-Trace", "def"}};
  REQUIRE(bus->publish("hdr.test", payload, sent, "reply.here").is_ok());
  REQUIRE(w.clock.run_until([&] { return got.size() == 1; }, kDeadlineUs));
  CHECK(got[0].data == payload);
  CHECK(got[0].reply == "reply.here");
  CHECK(got[0].headers == core::Headers{{"Nats-Msg-Id", "binance:BTCUSDT:trade:1"},
                                        {"X-Trace", "abc"},
                                        {"X-Trace", "def"}});
  CHECK(core::header_value(got[0].headers, "X-Trace") == "abc");
}
BUS_CONTRACT_CASE("Bus carries headers, reply subject and binary payload unchanged",
                  headers_reply_and_binary_payload_round_trip)

template <typename World>
void jetstream_drops_a_repeated_msg_id() {
  World w;
  auto bus = w.make_bus("dedup");
  bus_contract::ensure_stream(*bus, w.clock, core::ticks_stream("dedup"));
  core::JsPublisher pub(*bus, w.clock);
  REQUIRE(pub.publish("dedup.binance.BTCUSDT", "one", "binance:BTCUSDT:trade:1").is_ok());
  REQUIRE(pub.publish("dedup.binance.BTCUSDT", "one again", "binance:BTCUSDT:trade:1").is_ok());
  REQUIRE(pub.publish("dedup.binance.BTCUSDT", "two", "binance:BTCUSDT:trade:2").is_ok());
  CHECK(pub.publish("dedup.binance.BTCUSDT", "x", "").code == core::Errc::kInvalidArgument);
  REQUIRE(w.clock.run_until([&] { return pub.acked() == 3; }, kDeadlineUs));
  CHECK(pub.duplicates() == 1);
  CHECK(pub.pending() == 0);
  CHECK(bus_contract::stream_messages(*bus, w.clock, "TICKS") == 2);
}
BUS_CONTRACT_CASE("JetStream stores a message once when its Nats-Msg-Id repeats",
                  jetstream_drops_a_repeated_msg_id)

template <typename World>
void durable_consumer_redelivers_after_ack_wait() {
  World w;
  auto bus = w.make_bus("redeliver");
  bus_contract::ensure_stream(*bus, w.clock, core::orders_stream("redel"));
  core::ConsumerSpec spec{"ORDERS", "worker", "redel.>", 500 * kMs, 10, -1, -1};
  std::vector<core::JsMessage> first, second;
  auto a = std::make_unique<core::JsConsumer>(*bus, w.clock, spec);
  a->start([&](const core::JsMessage& m) { first.push_back(m); }, nullptr);
  core::JsPublisher pub(*bus, w.clock);
  REQUIRE(pub.publish("redel.acct1.new", "order-1", "order-1").is_ok());
  REQUIRE(w.clock.run_until([&] { return first.size() == 1; }, kDeadlineUs));
  CHECK(first[0].delivery.delivery_count == 1);
  a.reset();  // the worker dies without acking

  core::JsConsumer b(*bus, w.clock, spec);
  b.start(
      [&](const core::JsMessage& m) {
        second.push_back(m);
        REQUIRE(b.ack(m).is_ok());
      },
      nullptr);
  REQUIRE(w.clock.run_until([&] { return second.size() == 1; }, kDeadlineUs));
  CHECK(second[0].msg.data == "order-1");
  CHECK(second[0].msg.subject == "redel.acct1.new");
  CHECK(second[0].delivery.stream_seq == first[0].delivery.stream_seq);
  CHECK(second[0].delivery.delivery_count == 2);
  w.clock.run_for(1500 * kMs);  // acked: no third delivery
  CHECK(second.size() == 1);
}
BUS_CONTRACT_CASE("JetStream durable consumer redelivers an unacked message after AckWait",
                  durable_consumer_redelivers_after_ack_wait)

template <typename World>
void nothing_lost_or_duplicated_across_a_server_crash() {
  World w;
  auto pub_bus = w.make_bus("gateway");
  auto sub_bus = w.make_bus("normalizer");
  bus_contract::ensure_stream(*pub_bus, w.clock, core::ticks_stream("ticks"));
  REQUIRE(w.clock.run_until([&] { return sub_bus->connected(); }, kDeadlineUs));

  core::ConsumerSpec spec{"TICKS", "normalizer", "ticks.>", 1000 * kMs, 1000, -1, 0};
  core::JsConsumer consumer(*sub_bus, w.clock, spec);
  std::vector<int> received;
  consumer.start(
      [&](const core::JsMessage& m) {
        received.push_back(std::stoi(m.msg.data));
        (void)consumer.ack(m);  // may fail while disconnected: then it is redelivered
      },
      [](core::Status s) { REQUIRE(s.is_ok()); });

  core::JsPublisher pub(*pub_bus, w.clock, core::OutboxOptions{20'000, 512, 2'000 * kMs, 50 * kMs});
  int first_sends = 0;
  pub.on_first_sent([&] { ++first_sends; });
  constexpr int kCount = 10'000;
  constexpr int kPerMs = 10;  // a steady 10,000 messages per second
  int next = 0;
  bool crashed = false;
  std::function<void()> tick = [&] {
    for (int i = 0; i < kPerMs && next < kCount; ++i, ++next) {
      REQUIRE(pub.publish("ticks.binance.BTCUSDT", std::to_string(next),
                          fmt::format("binance:BTCUSDT:trade:{}", next))
                  .is_ok());
    }
    if (!crashed && next >= kCount / 3) {
      crashed = true;
      w.crash_and_restart(300 * kMs);
    }
    if (next < kCount) w.clock.call_after(1 * kMs, tick);
  };
  w.clock.post(tick);
  const bool all_in = w.clock.run_until(
      [&] { return next == kCount && pub.pending() == 0 && received.size() >= kCount; },
      kDeadlineUs);
  INFO("published " << next << ", outbox " << pub.pending() << ", received " << received.size()
                    << ", rewinds " << pub.rewinds());
  REQUIRE(all_in);
  w.clock.run_for(200 * kMs);  // late redeliveries are dropped, not handed over
  REQUIRE(received.size() == kCount);
  int out_of_place = 0;
  for (int i = 0; i < kCount; ++i) out_of_place += received[i] != i ? 1 : 0;
  CHECK(out_of_place == 0);
  CHECK(crashed);
  CHECK(pub.rewinds() >= 1);
  CHECK(first_sends == kCount);  // resends after the rewinds are not first sends
  CHECK(bus_contract::stream_messages(*pub_bus, w.clock, "TICKS") == kCount);
}
BUS_CONTRACT_CASE(
    "JetStream delivers 10,000 messages once and in order across a server kill and restart",
    nothing_lost_or_duplicated_across_a_server_crash)

}  // namespace
