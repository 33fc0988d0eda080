// The HTTP/WebSocket contract run against the sim twins: sim::SimHttpServer on host "server",
// sim::SimHttpClient and sim::SimWsClient on host "client", over one seeded SimNetwork in
// virtual time. Then the faults only the simulation can make on demand: every send split in
// fragments, a server host crash mid-request, a partition that outlasts the reset timeout.
#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/sim_clock.h"
#include "sim/sim_http_client.h"
#include "sim/sim_http_server.h"
#include "sim/sim_network.h"
#include "sim/sim_ws_client.h"

namespace {

class SimHttpWorld {
 public:
  static constexpr std::uint64_t kSeed = 26;

  core::Clock& clock() { return clock_; }
  sim::SimNetwork& net() { return net_; }
  std::string host() const { return "server"; }
  std::string client_address() const { return "client"; }
  std::uint16_t refused_port() const { return 9; }  // nobody listens on "server":9

  std::unique_ptr<core::HttpServer> make_server(core::HttpServerOptions options) {
    return std::make_unique<sim::SimHttpServer>(clock_, net_, "server", options);
  }
  std::unique_ptr<core::HttpClient> make_client() {
    return std::make_unique<sim::SimHttpClient>(clock_, net_, "client");
  }
  std::unique_ptr<core::WsClient> make_ws_client() {
    return std::make_unique<sim::SimWsClient>(clock_, net_, "client");
  }

  /// Everything the server sends back until it closes (or resets) the stream.
  void send_raw(std::uint16_t port, std::string bytes, std::function<void(std::string)> done) {
    auto got = std::make_shared<std::string>();
    net_.connect("client", host(), port,
                 [this, got, bytes = std::move(bytes),
                  done = std::move(done)](core::Result<sim::ConnId> conn) mutable {
                   if (!conn) return done("connect: " + conn.status().message);
                   net_.set_handlers(*conn, {[got](std::string_view b) { got->append(b); },
                                             [got, done](const core::Status&) { done(*got); }});
                   CHECK(net_.send(*conn, std::move(bytes)).is_ok());
                 });
  }

 private:
  sim::SimClock clock_;
  sim::SimNetwork net_{clock_, core::Rng(kSeed)};
};

}  // namespace

#define T26_HTTP_WORLDS SimHttpWorld
#define T26_HTTP_TAGS "[contract][sim]"
#include "tests/contract/http_contract.h"

namespace {

constexpr std::int64_t kSecond = 1'000'000;

/// A string of `size` bytes that differs at every position mod 251, so a lost, doubled or
/// reordered fragment shows.
std::string pattern(std::size_t size, std::size_t salt) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>('!' + (i * 7 + salt) % 90);
  return s;
}

}  // namespace

TEST_CASE("Sim HTTP carries exact bodies both ways when every send arrives in fragments",
          "[contract][sim]") {
  SimHttpWorld world;
  sim::LinkProfile split;
  split.partial_write_ratio = 1.0;
  world.net().set_default_profile(split);
  std::vector<core::HttpRequest> seen;
  auto server = echo_server(world, seen);
  const std::uint16_t port = start(world, *server);
  auto client = world.make_client();
  for (std::size_t size : {std::size_t{1}, std::size_t{100}, std::size_t{70'000}}) {
    const std::string body = pattern(size, size);
    auto res = call(world, *client, port, {"POST", "/echo", {{"X-Custom", "v"}}, body});
    REQUIRE(res.is_ok());
    CHECK(res->status == 200);
    CHECK(res->body == body);
    CHECK(core::find_header(res->headers, "x-echo-custom") == "v");
  }
  REQUIRE(seen.size() == 3);
  CHECK(seen[2].body == pattern(70'000, 70'000));
  CHECK(server->connections_accepted() == 1);  // keep-alive survived the fragments
}

TEST_CASE("Sim WebSocket carries exact frames both ways when every send arrives in fragments",
          "[contract][sim]") {
  SimHttpWorld world;
  sim::LinkProfile split;
  split.partial_write_ratio = 1.0;
  world.net().set_default_profile(split);
  auto server = world.make_server(core::HttpServerOptions{});
  std::vector<std::string> server_got;
  server->set_ws_handler([&](const core::HttpRequest&, std::shared_ptr<core::WsSession> s) {
    core::WsSession* raw = s.get();
    s->on_message([&, raw](const std::string& text) {
      server_got.push_back(text);
      CHECK(raw->send_text(text).is_ok());  // echo
    });
  });
  const std::uint16_t port = start(world, *server);
  auto ws = world.make_ws_client();
  WsLog log;
  ws->connect(ws_url(world, port, "/ws"), record_into(log));
  REQUIRE(world.clock().run_until([&] { return log.opened; }, kDeadlineUs));
  const std::vector<std::size_t> sizes = {0, 1, 125, 126, 65'535, 65'536, 200'000};
  std::vector<std::string> sent;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    sent.push_back(pattern(sizes[i], i));
    CHECK(ws->send_text(sent.back()).is_ok());
  }
  REQUIRE(world.clock().run_until([&] { return log.texts.size() == sent.size(); }, kDeadlineUs));
  CHECK(server_got == sent);
  CHECK(log.texts == sent);
  CHECK_FALSE(log.closed.has_value());
}

TEST_CASE("Sim HTTP client gets kUnavailable in doubt when the server host crashes mid-request",
          "[contract][sim]") {
  SimHttpWorld world;
  std::vector<core::HttpResponder> held;
  auto server = world.make_server(core::HttpServerOptions{});
  server->set_handler(
      [&](const core::HttpRequest&, core::HttpResponder responder) { held.push_back(responder); });
  const std::uint16_t port = start(world, *server);
  auto client = world.make_client();
  std::optional<core::Result<core::HttpResponse>> result;
  client->request(origin(world, port), {"POST", "/api/v3/order", {}, "qty=1"}, 5 * kSecond,
                  [&](core::Result<core::HttpResponse> r) { result.emplace(std::move(r)); });
  REQUIRE(world.clock().run_until([&] { return held.size() == 1; }, kDeadlineUs));
  const std::int64_t crash_us = world.clock().now_us();
  world.net().crash_host("server");
  REQUIRE(world.clock().run_until([&] { return result.has_value(); }, kDeadlineUs));
  REQUIRE_FALSE(result->is_ok());
  CHECK(result->status().code == core::Errc::kUnavailable);
  CHECK(result->status().in_doubt);
  CHECK(world.clock().now_us() - crash_us < kSecond);  // the reset, not the timeout
  held.front().respond({200, {}, "too late"});         // into a dead connection: harmless
}

TEST_CASE("Sim partition longer than the reset timeout closes a WebSocket with 1006 on both ends",
          "[contract][sim]") {
  SimHttpWorld world;
  world.net().set_partition_reset_us(2 * kSecond);
  auto server = world.make_server(core::HttpServerOptions{});
  WsLog server_log;
  server->set_ws_handler([&](const core::HttpRequest&, std::shared_ptr<core::WsSession> s) {
    record_session(*s, server_log);
  });
  const std::uint16_t port = start(world, *server);
  auto ws = world.make_ws_client();
  WsLog client_log;
  ws->connect(ws_url(world, port, "/ws"), record_into(client_log));
  REQUIRE(
      world.clock().run_until([&] { return client_log.opened && server_log.opened; }, kDeadlineUs));
  const std::int64_t cut_us = world.clock().now_us();
  world.net().partition("client", "server");
  CHECK(ws->send_text("lost in the partition").is_ok());
  REQUIRE(
      world.clock().run_until([&] { return client_log.closed && server_log.closed; }, kDeadlineUs));
  CHECK(world.clock().now_us() - cut_us >= 2 * kSecond);
  CHECK(client_log.closed->first == core::kWsCloseAbnormal);
  CHECK(server_log.closed->first == core::kWsCloseAbnormal);
  CHECK(server_log.texts.empty());
  CHECK_FALSE(ws->is_open());
}

TEST_CASE("SimHttpServer picks simulated ports from 30000 up and listens only on its own host",
          "[contract][sim]") {
  SimHttpWorld world;
  auto first = world.make_server(core::HttpServerOptions{});
  auto second = world.make_server(core::HttpServerOptions{});
  CHECK(*first->listen("server", 0) == sim::SimHttpServer::kFirstAutoPort);
  CHECK(*second->listen("0.0.0.0", 0) == sim::SimHttpServer::kFirstAutoPort + 1);
  auto third = world.make_server(core::HttpServerOptions{});
  CHECK(third->listen("server", sim::SimHttpServer::kFirstAutoPort).status().code ==
        core::Errc::kUnavailable);
  CHECK(third->listen("elsewhere", 8080).status().code == core::Errc::kUnavailable);
  first->stop();
  CHECK(*third->listen("server", sim::SimHttpServer::kFirstAutoPort) ==
        sim::SimHttpServer::kFirstAutoPort);
}

TEST_CASE("SimWsClient pings a quiet server and drops one that stops answering with 1006",
          "[contract][sim]") {
  SimHttpWorld world;
  auto server = world.make_server(core::HttpServerOptions{});
  WsLog server_log;
  server->set_ws_handler([&](const core::HttpRequest&, std::shared_ptr<core::WsSession> s) {
    record_session(*s, server_log);
  });
  const std::uint16_t port = start(world, *server);
  core::WsClientOptions options;
  options.ping_interval_us = kSecond;
  sim::SimWsClient ws(world.clock(), world.net(), "client", options);
  WsLog client_log;
  ws.connect(ws_url(world, port, "/ws"), record_into(client_log));
  REQUIRE(world.clock().run_until([&] { return client_log.opened; }, kDeadlineUs));
  world.clock().run_for(10 * kSecond);  // quiet, but the pongs keep it alive
  CHECK(ws.is_open());
  CHECK_FALSE(client_log.closed.has_value());
  const std::int64_t cut_us = world.clock().now_us();
  world.net().partition("client", "server");  // shorter than the 10 s reset timeout
  REQUIRE(world.clock().run_until([&] { return client_log.closed.has_value(); }, kDeadlineUs));
  CHECK(client_log.closed->first == core::kWsCloseAbnormal);
  CHECK(world.clock().now_us() - cut_us <= 3 * kSecond);
  world.net().heal_all();
  REQUIRE(world.clock().run_until([&] { return server_log.closed.has_value(); }, kDeadlineUs));
  CHECK(server_log.closed->first == core::kWsCloseAbnormal);
}
