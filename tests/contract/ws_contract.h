/// @file tests/contract/ws_contract.h
/// @brief The WebSocket half of the HTTP contract (see http_contract.h for the world it runs
/// over); included from http_contract.h, not on its own.
#pragma once

#include <string>
#include <vector>

namespace http_contract {

/// What one side of a WebSocket saw.
struct WsLog {
  bool opened = false;
  std::vector<std::string> texts;
  std::optional<std::pair<int, std::string>> closed;
};

inline core::WsHandlers record_into(WsLog& log) {
  return core::WsHandlers{
      [&log] { log.opened = true; }, [&log](const std::string& text) { log.texts.push_back(text); },
      [&log](int code, const std::string& reason) { log.closed.emplace(code, reason); }};
}

inline void record_session(core::WsSession& session, WsLog& log) {
  log.opened = true;
  session.on_message([&log](const std::string& text) { log.texts.push_back(text); });
  session.on_close(
      [&log](int code, const std::string& reason) { log.closed.emplace(code, reason); });
}

template <class World>
std::string ws_url(World& world, std::uint16_t port, const std::string& target) {
  return "ws://" + world.host() + ":" + std::to_string(port) + target;
}

}  // namespace http_contract

TEMPLATE_TEST_CASE("WebSocket upgrade shares the REST port and frames arrive in order",
                   T26_HTTP_TAGS, T26_HTTP_WORLDS) {
  constexpr int kFrames = 50;
  TestType world;
  std::vector<core::HttpRequest> seen;
  auto server = echo_server(world, seen);
  WsLog server_log;
  std::string upgrade_target;
  std::shared_ptr<core::WsSession> session;
  server->set_ws_handler([&](const core::HttpRequest& upgrade, std::shared_ptr<core::WsSession> s) {
    upgrade_target = upgrade.target;
    CHECK(upgrade.peer == world.client_address());
    session = s;
    record_session(*s, server_log);
    for (int i = 0; i < kFrames; ++i) CHECK(s->send_text("m" + std::to_string(i)).is_ok());
  });
  const std::uint16_t port = start(world, *server);
  auto ws = world.make_ws_client();
  WsLog client_log;
  ws->connect(ws_url(world, port, "/stream?streams=btcusdt@trade"), record_into(client_log));
  REQUIRE(world.clock().run_until([&] { return client_log.texts.size() == kFrames; }, kDeadlineUs));
  CHECK(client_log.opened);
  CHECK(upgrade_target == "/stream?streams=btcusdt@trade");
  for (int i = 0; i < kFrames; ++i) CHECK(client_log.texts[i] == "m" + std::to_string(i));

  CHECK(ws->send_text("echo:m49").is_ok());
  REQUIRE(world.clock().run_until([&] { return server_log.texts.size() == 1; }, kDeadlineUs));
  CHECK(server_log.texts[0] == "echo:m49");

  auto client = world.make_client();  // REST on the same port still answers
  auto res = call(world, *client, port, {"GET", "/api/v3/ping", {}, ""});
  REQUIRE(res.is_ok());
  CHECK(core::find_header(res->headers, "x-echo-target") == "/api/v3/ping");
  CHECK(session->is_open());
  CHECK(ws->is_open());
}

TEMPLATE_TEST_CASE("Server frames of every length encoding arrive whole and in order",
                   T26_HTTP_TAGS, T26_HTTP_WORLDS) {
  // 7-bit, 16-bit and 64-bit payload lengths (RFC 6455 5.2), at and around each boundary.
  const std::vector<std::size_t> sizes = {0, 1, 125, 126, 127, 65535, 65536, 200'000, 3};
  TestType world;
  std::vector<core::HttpRequest> seen;
  auto server = echo_server(world, seen);
  std::shared_ptr<core::WsSession> session;
  server->set_ws_handler([&](const core::HttpRequest&, std::shared_ptr<core::WsSession> s) {
    session = s;
    for (std::size_t i = 0; i < sizes.size(); ++i)
      CHECK(s->send_text(std::string(sizes[i], static_cast<char>('a' + i))).is_ok());
  });
  const std::uint16_t port = start(world, *server);
  auto ws = world.make_ws_client();
  WsLog client_log;
  ws->connect(ws_url(world, port, "/ws/btcusdt@trade"), record_into(client_log));
  REQUIRE(world.clock().run_until([&] { return client_log.texts.size() == sizes.size(); },
                                  kDeadlineUs));
  for (std::size_t i = 0; i < sizes.size(); ++i)
    CHECK(client_log.texts[i] == std::string(sizes[i], static_cast<char>('a' + i)));
  // Everything was handed to the network: nothing left for a sender to wait on.
  REQUIRE(world.clock().run_until([&] { return session->queued_bytes() == 0; }, kDeadlineUs));
  CHECK(session->is_open());
}

TEMPLATE_TEST_CASE("Server-initiated WebSocket close gives the client its code and reason",
                   T26_HTTP_TAGS, T26_HTTP_WORLDS) {
  TestType world;
  auto server = world.make_server(core::HttpServerOptions{});
  WsLog server_log;
  server->set_ws_handler([&](const core::HttpRequest&, std::shared_ptr<core::WsSession> s) {
    record_session(*s, server_log);
    CHECK(s->send_text("last words").is_ok());
    s->close(4001, "maintenance");
    CHECK(s->send_text("too late").code == core::Errc::kUnavailable);
  });
  const std::uint16_t port = start(world, *server);
  auto ws = world.make_ws_client();
  WsLog client_log;
  ws->connect(ws_url(world, port, "/ws"), record_into(client_log));
  REQUIRE(
      world.clock().run_until([&] { return client_log.closed && server_log.closed; }, kDeadlineUs));
  CHECK(client_log.texts == std::vector<std::string>{"last words"});
  CHECK(client_log.closed->first == 4001);
  CHECK(client_log.closed->second == "maintenance");
  CHECK(server_log.closed->first == 4001);  // the client echoes the code back
  CHECK_FALSE(ws->is_open());
  CHECK(ws->send_text("x").code == core::Errc::kUnavailable);
}

TEMPLATE_TEST_CASE(
    "A burst of frames then a close reaches the client as every frame in order, then the close",
    T26_HTTP_TAGS, T26_HTTP_WORLDS) {
  // The net server coalesces a burst into few socket writes (net/detail/coalescing_stream.h):
  // still one message per frame, sizes from 1 byte to 70 KiB, and the close after them all.
  constexpr int kFrames = 3000;
  const auto frame = [](int i) {
    return std::to_string(i) + ":" +
           std::string(static_cast<std::size_t>(i % 50 == 0 ? 70'000 : i % 300), 'x');
  };
  TestType world;
  auto server = world.make_server(core::HttpServerOptions{});
  WsLog server_log;
  server->set_ws_handler([&](const core::HttpRequest&, std::shared_ptr<core::WsSession> s) {
    record_session(*s, server_log);
    for (int i = 0; i < kFrames; ++i) CHECK(s->send_text(frame(i)).is_ok());
    s->close(4002, "burst done");
  });
  const std::uint16_t port = start(world, *server);
  auto ws = world.make_ws_client();
  WsLog client_log;
  ws->connect(ws_url(world, port, "/ws"), record_into(client_log));
  REQUIRE(
      world.clock().run_until([&] { return client_log.closed && server_log.closed; }, kDeadlineUs));
  REQUIRE(client_log.texts.size() == kFrames);
  int mismatched = 0;
  for (int i = 0; i < kFrames; ++i) mismatched += client_log.texts[i] != frame(i);
  CHECK(mismatched == 0);
  CHECK(client_log.closed->first == 4002);
  CHECK(client_log.closed->second == "burst done");
  CHECK(server_log.closed->first == 4002);
}

TEMPLATE_TEST_CASE("Client-initiated WebSocket close reaches the server's on_close", T26_HTTP_TAGS,
                   T26_HTTP_WORLDS) {
  TestType world;
  auto server = world.make_server(core::HttpServerOptions{});
  WsLog server_log;
  server->set_ws_handler([&](const core::HttpRequest&, std::shared_ptr<core::WsSession> s) {
    record_session(*s, server_log);
  });
  const std::uint16_t port = start(world, *server);
  auto ws = world.make_ws_client();
  WsLog client_log;
  auto handlers = record_into(client_log);
  handlers.on_open = [&] {
    client_log.opened = true;
    CHECK(ws->send_text("unsubscribe").is_ok());
    ws->close(core::kWsCloseNormal, "done");
  };
  ws->connect(ws_url(world, port, "/ws"), handlers);
  REQUIRE(
      world.clock().run_until([&] { return client_log.closed && server_log.closed; }, kDeadlineUs));
  CHECK(server_log.texts == std::vector<std::string>{"unsubscribe"});
  CHECK(server_log.closed->first == core::kWsCloseNormal);
  CHECK(server_log.closed->second == "done");
  CHECK(client_log.closed->first == core::kWsCloseNormal);
}

TEMPLATE_TEST_CASE("WsClient reports a refused connect through on_close with 1006", T26_HTTP_TAGS,
                   T26_HTTP_WORLDS) {
  TestType world;
  auto ws = world.make_ws_client();
  CHECK(ws->send_text("early").code == core::Errc::kUnavailable);
  WsLog log;
  ws->connect(ws_url(world, world.refused_port(), "/ws"), record_into(log));
  CHECK_FALSE(log.closed.has_value());  // never inside the call
  REQUIRE(world.clock().run_until([&] { return log.closed.has_value(); }, kDeadlineUs));
  CHECK_FALSE(log.opened);
  CHECK(log.closed->first == core::kWsCloseAbnormal);
  CHECK_FALSE(log.closed->second.empty());
}
