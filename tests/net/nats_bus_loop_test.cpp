// net::NatsBus on its loop against a real nats-server: a burst published within one loop
// turn arrives whole and in order, headers go out pre-encoded (repeats and reply kept), and
// a header that would break the wire format is refused before anything is sent; in core mode
// a nats-server that stops reading gets at most reconnect_buf_bytes queued for it.
#include <signal.h>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/contract/bus_contract.h"

namespace {

constexpr std::int64_t kDeadlineUs = 30'000'000;

// bus_contract's real world: nats-server on a free port, started and stopped with the test.
struct Fixture : bus_contract::NetWorld {
  std::unique_ptr<core::Bus> make_bus(bool send_asap) {
    core::BusOptions o = bus_contract::options_named("loop");
    o.send_asap = send_asap;
    auto bus = NetWorld::make_bus(o);
    REQUIRE(clock.run_until([&] { return bus->connected(); }, kDeadlineUs));
    return bus;
  }
};

}  // namespace

TEST_CASE("NatsBus delivers a burst published in one loop turn whole and in order", "[net]") {
  Fixture f;
  for (const bool asap : {true, false}) {
    auto sub = f.make_bus(false);
    auto pub = f.make_bus(asap);
    std::vector<std::string> got;
    REQUIRE(sub->subscribe("burst.>", "", [&](const core::BusMessage& m) { got.push_back(m.data); })
                .is_ok());
    // The subscription is on the server once a probe through it comes back.
    bool probed = false;
    REQUIRE(pub->subscribe("probe", "", [&](const core::BusMessage&) { probed = true; }).is_ok());
    REQUIRE(f.clock.run_until(
        [&] {
          (void)pub->publish("probe", "", {}, "");
          f.clock.run_for(20'000);
          return probed;
        },
        kDeadlineUs));
    constexpr int kCount = 20'000;
    f.clock.post([&] {
      for (int i = 0; i < kCount; ++i)
        REQUIRE(pub->publish("burst.x", std::to_string(i), {{"Nats-Msg-Id", std::to_string(i)}}, "")
                    .is_ok());
    });
    REQUIRE(f.clock.run_until([&] { return got.size() >= kCount; }, kDeadlineUs));
    f.clock.run_for(100'000);
    REQUIRE(got.size() == kCount);
    for (int i = 0; i < kCount; ++i) REQUIRE(got[static_cast<std::size_t>(i)] == std::to_string(i));
  }
}

TEST_CASE("NatsBus sends headers as given, repeats and reply included", "[net]") {
  Fixture f;
  auto bus = f.make_bus(true);
  std::vector<core::BusMessage> got;
  REQUIRE(bus->subscribe("hdr", "", [&](const core::BusMessage& m) { got.push_back(m); }).is_ok());
  const core::Headers sent{{"X-B", "2"}, {"X-A", "1"}, {"X-B", "3"}, {"Nats-Msg-Id", "a:b:c"}};
  REQUIRE(f.clock.run_until(
      [&] {
        if (got.empty()) (void)bus->publish("hdr", std::string("\0x\r\n", 4), sent, "reply.1");
        f.clock.run_for(20'000);
        return !got.empty();
      },
      kDeadlineUs));
  CHECK(got[0].data == std::string("\0x\r\n", 4));
  CHECK(got[0].reply == "reply.1");
  CHECK(got[0].headers ==
        core::Headers{{"Nats-Msg-Id", "a:b:c"}, {"X-A", "1"}, {"X-B", "2"}, {"X-B", "3"}});
}

TEST_CASE("NatsBus refuses a header that would break the wire format", "[net]") {
  Fixture f;
  auto bus = f.make_bus(true);
  for (const core::Header& bad : {core::Header{"X-A", "1\r\nX-Evil: 2"}, core::Header{"", "v"},
                                  core::Header{"X:A", "v"}, core::Header{"X A", "v"}}) {
    const core::Status s = bus->publish("hdr", "x", {bad}, "");
    CHECK(s.code == core::Errc::kInvalidArgument);
    CHECK(s.message.find("bad header") != std::string::npos);
  }
}

TEST_CASE(
    "NatsBus in core mode refuses publishes while reconnect_buf_bytes wait for a stalled "
    "nats-server, and takes them again once it reads",
    "[net]") {
  Fixture f;
  core::BusOptions o = bus_contract::options_named("stalled");
  o.jetstream = false;
  o.send_asap = true;
  o.reconnect_buf_bytes = 256 * 1024;
  auto bus = f.NetWorld::make_bus(o);
  REQUIRE(f.clock.run_until([&] { return bus->connected(); }, kDeadlineUs));
  REQUIRE(::kill(f.server.pid(), SIGSTOP) == 0);  // connected, but reading nothing
  struct Resume {
    int pid;
    ~Resume() { ::kill(pid, SIGCONT); }
  } resume{f.server.pid()};
  const std::string payload(1024, 'x');
  core::Status refused;
  std::uint64_t accepted = 0;
  // The kernel's socket buffers fill first (a few MB); loop turns let the writes happen.
  for (int i = 0; i < 200'000 && refused.is_ok(); ++i) {
    refused = bus->publish("stall.test", payload, {}, "");
    if (refused.is_ok()) ++accepted;
    if (i % 16 == 0) f.clock.run_for(100);
  }
  CAPTURE(accepted);
  CHECK(refused.code == core::Errc::kResourceExhausted);
  CHECK(refused.message.find("bytes already wait for nats-server") != std::string::npos);
  CHECK(accepted * payload.size() >= 256 * 1024 - payload.size());  // the bound, at least
  REQUIRE(::kill(f.server.pid(), SIGCONT) == 0);
  CHECK(f.clock.run_until([&] { return bus->publish("stall.test", payload, {}, "").is_ok(); },
                          kDeadlineUs));
  CHECK(bus->connected());
}
