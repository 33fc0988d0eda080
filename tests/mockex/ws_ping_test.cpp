// Binance's websocket keepalive on the mock exchange's server, in virtual time: a ping every
// 3 minutes whatever the traffic, a client that never pongs dropped after 10 minutes, one
// that pongs (every RFC 6455 client does) kept.
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "mockex_world.h"
#include "sim/sim_http_server.h"
#include "sim/sim_network.h"
#include "sim/sim_ws_client.h"

namespace {

constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kMinute = 60 * kSecond;

/// A websocket client that upgrades and then never answers anything (no pong either).
struct SilentClient {
  SilentClient(sim::SimClock& clock, sim::SimNetwork& net, std::uint16_t port) {
    std::optional<core::Result<sim::ConnId>> conn;
    net.connect("silent", "server", port, [&](core::Result<sim::ConnId> c) { conn = c; });
    REQUIRE(clock.run_until([&] { return conn.has_value(); }, 5 * kSecond));
    REQUIRE(conn->is_ok());
    net.set_handlers(**conn, {[this](std::string_view b) { bytes.append(b); },
                              [this, &clock](const core::Status&) { closed_us = clock.now_us(); }});
    REQUIRE(net.send(**conn,
                     "GET /ws/btcusdt@trade HTTP/1.1\r\nHost: server\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n"));
    REQUIRE(
        clock.run_until([&] { return bytes.find("\r\n\r\n") != std::string::npos; }, 5 * kSecond));
    REQUIRE(bytes.starts_with("HTTP/1.1 101"));
    opened_us = clock.now_us();
    bytes.erase(0, bytes.find("\r\n\r\n") + 4);
  }
  /// Unmasked empty pings (0x89 0x00) received: the only frames, as nothing is published.
  std::size_t pings() const {
    std::size_t n = 0;
    for (auto at = bytes.find("\x89\x00", 0, 2); at != std::string::npos;
         at = bytes.find("\x89\x00", at + 2, 2))
      ++n;
    return n;
  }
  std::string bytes;
  std::int64_t opened_us = 0;
  std::optional<std::int64_t> closed_us;
};

}  // namespace

TEST_CASE("The mock exchange pings websockets every 3 min and drops one silent for 10 min",
          "[mockex][ws]") {
  sim::SimClock clock;
  sim::SimNetwork net{clock, core::Rng(26)};
  sim::SimHttpServer server{clock, net, "server"};
  server.set_ws_ping(3 * kMinute, 10 * kMinute);
  auto exchange = sim::mockex::MockExchange::create(clock, server, mockex_test::default_config());
  REQUIRE(exchange.is_ok());
  const auto port = server.listen("0.0.0.0", 8080);
  REQUIRE(port.is_ok());

  bool ponging_open = false;
  std::optional<int> ponging_closed;
  sim::SimWsClient ponging(clock, net, "client");
  ponging.connect("ws://server:" + std::to_string(*port) + "/ws/btcusdt@trade",
                  {[&] { ponging_open = true; },
                   {},
                   [&](int code, const std::string&) { ponging_closed = code; }});
  REQUIRE(clock.run_until([&] { return ponging_open; }, 5 * kSecond));
  SilentClient silent(clock, net, *port);
  CHECK((*exchange)->streams().session_count() == 2);

  clock.run_for(9 * kMinute + 59 * kSecond);
  CHECK(silent.pings() == 3);  // at 3, 6 and 9 minutes
  CHECK_FALSE(silent.closed_us.has_value());
  REQUIRE(clock.run_until([&] { return silent.closed_us.has_value(); }, 5 * kSecond));
  CHECK(*silent.closed_us - silent.opened_us >= 10 * kMinute - kSecond);
  CHECK(*silent.closed_us - silent.opened_us <= 10 * kMinute + kSecond);

  clock.run_for(30 * kMinute);
  CHECK_FALSE(ponging_closed.has_value());
  CHECK(ponging.is_open());
  CHECK((*exchange)->streams().session_count() == 1);
}
