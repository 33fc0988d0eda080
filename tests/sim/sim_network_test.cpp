#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/sim_network.h"

namespace {

constexpr std::int64_t kSecond = 1'000'000;

// A server on host "b" port 80 that records what it receives; a client on "a".
struct Pair {
  sim::SimClock clock;
  sim::SimNetwork net{clock, core::Rng(42)};
  std::string server_got;
  std::string client_got;
  core::Status server_closed{core::Errc::kInternal, "open", false};
  core::Status client_closed{core::Errc::kInternal, "open", false};
  sim::ConnId client = 0;
  sim::ConnId server = 0;

  explicit Pair(sim::LinkProfile profile = {}) {
    net.set_default_profile(profile);
    REQUIRE(net.listen("b", 80, [this](sim::ConnId c, const std::string& peer) {
      CHECK(peer == "a");
      server = c;
      net.set_handlers(c, {[this](std::string_view d) { server_got += d; },
                           [this](const core::Status& s) { server_closed = s; }});
    }));
    net.connect("a", "b", 80, [this](core::Result<sim::ConnId> r) {
      REQUIRE(r.is_ok());
      client = *r;
      net.set_handlers(client, {[this](std::string_view d) { client_got += d; },
                                [this](const core::Status& s) { client_closed = s; }});
    });
    REQUIRE(clock.run_until([this] { return client != 0; }, kSecond));
  }
};

std::string numbered(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += std::to_string(i) + ",";
  return out;
}

}  // namespace

TEST_CASE("SimNetwork delivers a stream in order even when every send is split", "[sim][network]") {
  sim::LinkProfile profile;
  profile.partial_write_ratio = 1.0;
  profile.tail_ratio = 0.2;
  Pair p(profile);
  for (int i = 0; i < 500; ++i) REQUIRE(p.net.send(p.client, std::to_string(i) + ","));
  REQUIRE(
      p.clock.run_until([&] { return p.server_got.size() == numbered(500).size(); }, 10 * kSecond));
  CHECK(p.server_got == numbered(500));
}

TEST_CASE("SimNetwork holds data across a short partition and delivers it after the heal",
          "[sim][network]") {
  Pair p;
  p.net.partition("a", "b");
  REQUIRE(p.net.send(p.client, "hello"));
  p.clock.run_for(2 * kSecond);
  CHECK(p.server_got.empty());
  p.net.heal("a", "b");
  REQUIRE(p.clock.run_until([&] { return p.server_got == "hello"; }, kSecond));
  CHECK(p.client_closed.code == core::Errc::kInternal);  // still open
}

TEST_CASE("SimNetwork resets connections when a partition outlasts the reset timeout",
          "[sim][network]") {
  Pair p;
  p.net.set_partition_reset_us(5 * kSecond);
  p.net.partition("a", "b");
  p.clock.run_for(6 * kSecond);
  CHECK(p.client_closed.code == core::Errc::kUnavailable);
  CHECK(p.server_closed.code == core::Errc::kUnavailable);
  CHECK_FALSE(p.net.send(p.client, "late").is_ok());
}

TEST_CASE("SimNetwork resets the peers of a crashed host and refuses new connections",
          "[sim][network]") {
  Pair p;
  p.net.crash_host("b");
  REQUIRE(
      p.clock.run_until([&] { return p.client_closed.code == core::Errc::kUnavailable; }, kSecond));
  core::Status refused;
  bool done = false;
  p.net.connect("a", "b", 80, [&](core::Result<sim::ConnId> r) {
    refused = r.status();
    done = true;
  });
  REQUIRE(p.clock.run_until([&] { return done; }, kSecond));
  CHECK(refused.code == core::Errc::kUnavailable);
}

TEST_CASE("SimNetwork delivers an orderly close after the data sent before it", "[sim][network]") {
  Pair p;
  REQUIRE(p.net.send(p.client, "bye"));
  p.net.close(p.client);
  REQUIRE(p.clock.run_until([&] { return p.server_closed.is_ok(); }, kSecond));
  CHECK(p.server_got == "bye");
}

TEST_CASE("SimNetwork gives the same delivery times for the same seed", "[sim][network]") {
  auto arrivals = [] {
    sim::LinkProfile profile;
    profile.tail_ratio = 0.1;
    Pair p(profile);
    std::vector<std::int64_t> times;
    p.net.set_handlers(p.server,
                       {[&](std::string_view) { times.push_back(p.clock.now_us()); }, {}});
    for (int i = 0; i < 50; ++i) {
      p.clock.call_after(i * 1000, [&p] { (void)p.net.send(p.client, "x"); });
    }
    p.clock.run_for(kSecond);
    return times;
  };
  const auto first = arrivals();
  CHECK(first.size() == 50);
  CHECK(first == arrivals());
}

TEST_CASE("SimNetwork delays a lost segment by a retransmission and keeps the stream in order",
          "[sim][network]") {
  sim::LinkProfile profile;
  profile.loss_ratio = 0.2;
  profile.partial_write_ratio = 0.5;
  Pair p(profile);
  for (int i = 0; i < 300; ++i) REQUIRE(p.net.send(p.client, std::to_string(i) + ","));
  p.clock.run_for(100'000);  // well under one retransmission timeout: some data still waits
  CHECK(p.server_got.size() < numbered(300).size());
  REQUIRE(
      p.clock.run_until([&] { return p.server_got.size() == numbered(300).size(); }, 10 * kSecond));
  CHECK(p.server_got == numbered(300));
}
