// The gateway binary with service.workers shards, end to end on loopback (real nats-server,
// redis-server, mockex replaying the small Kraken recordings at 10x): each symbol is served
// by exactly one shard, the ticks are the recording's, once and in order, /ready asks every
// shard, and SIGTERM stops every shard thread with exit code 0.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "core/sharding.h"
#include "tests/gateway/live_stack.h"

using namespace std::chrono_literals;

namespace {

bool poll_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return done();
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

}  // namespace

TEST_CASE(
    "Two gateway shards each own one Kraken symbol, publish its ticks once and in order, "
    "and stop cleanly on SIGTERM",
    "[gateway][net]") {
  const gwlive::Venue venue = gwlive::kraken_venue();
  // The hash puts the two symbols on different shards of two.
  REQUIRE(core::shard_of("kraken", "XMRUSD", 2) == 0);
  REQUIRE(core::shard_of("kraken", "SCEUR", 2) == 1);
  const auto want = gwlive::expected_ticks(venue);
  REQUIRE(want.size() >= 10);
  gwlive::LiveStack stack(venue, "10");
  gwlive::TickTap tap(stack.nats_url(), "ticks.kraken.>");
  auto& gateway = stack.start_gateway({"service.workers=2"});
  auto received = [&] { return gwlive::websocket_ticks(venue, tap.ticks, true).size(); };
  const bool all =
      tap.wait([&] { return tap.ticks.size() >= want.size() && received() >= want.size(); }, 60s);
  const bool finished = stack.wait_replay_finished(30s);
  tap.wait([] { return false; }, 500ms);  // anything published twice arrives right behind
  INFO(gateway.process->log_tail());
  CHECK(all);
  CHECK(finished);
  CHECK(gwlive::first_difference(
            gwlive::in_recording_order(venue, gwlive::websocket_ticks(venue, tap.ticks, true)),
            gwlive::in_recording_order(venue, want)) == "");
  const std::set<std::string> ids(tap.msg_ids.begin(), tap.msg_ids.end());
  CHECK(ids.size() == tap.msg_ids.size());

  const std::string log = gateway.process->log_tail(1'000'000);
  CHECK(log.find("shards workers=2 started=2 idle=0") != std::string::npos);
  CHECK(log.find("shard owns shard=0 pairs=kraken:XMRUSD\n") != std::string::npos);
  CHECK(log.find("shard owns shard=1 pairs=kraken:SCEUR\n") != std::string::npos);
  const std::string metrics = gwlive::http_get(gateway.metrics_port, "/metrics");
  auto ticks_in = [&](const char* shard, const char* symbol) {
    return gwlive::metric_value(
        metrics,
        fmt::format(R"(gateway_ticks_in_total{{exchange="kraken",shard="{}",symbol="{}"}})", shard,
                    symbol));
  };
  CHECK(ticks_in("0", "XMRUSD") > 0);
  CHECK(ticks_in("1", "SCEUR") > 0);
  CHECK(ticks_in("1", "XMRUSD") == -1);
  CHECK(ticks_in("0", "SCEUR") == -1);
  CHECK(gwlive::metric_value(metrics, "gateway_ticks_published_total") ==
        static_cast<double>(tap.ticks.size()));
  // /ready asks both shards (NATS connected, feeds live) on their own loops.
  std::string ready;
  CHECK(poll_until(
      [&] {
        ready = gwlive::http_get(gateway.http_port, "/ready");
        return ready.find(R"("ready":true,"checks":{"nats":true,"feeds":true})") !=
               std::string::npos;
      },
      10s));
  INFO(ready);
  CHECK(gateway.process->terminate(10s) == 0);
}

TEST_CASE("A gateway with more workers than symbols starts only the shards that own some",
          "[gateway][net]") {
  const gwlive::Venue venue = gwlive::kraken_venue();
  REQUIRE(core::shard_of("kraken", "XMRUSD", 64) == 58);
  REQUIRE(core::shard_of("kraken", "SCEUR", 64) == 43);
  gwlive::LiveStack stack(venue, "10");
  auto& gateway = stack.start_gateway({"service.workers=64"});
  std::string log;
  CHECK(poll_until(
      [&] {
        log = gateway.process->log_tail(1'000'000);
        return log.find("shard owns shard=58") != std::string::npos;
      },
      10s));
  INFO(log);
  CHECK(log.find("shards workers=64 started=2 idle=62") != std::string::npos);
  CHECK(log.find("shard owns shard=43 pairs=kraken:SCEUR\n") != std::string::npos);
  CHECK(log.find("shard owns shard=58 pairs=kraken:XMRUSD\n") != std::string::npos);
  CHECK(gateway.process->terminate(10s) == 0);
}
