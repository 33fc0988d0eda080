/// @file tests/contract/http_contract.h
/// @brief One contract for core::HttpServer, core::HttpClient and core::WsClient, written over
/// a "world" so the net adapters (loopback sockets) and the sim twins (simulated network) pass
/// the same cases.
///
/// Include it from a test .cpp after defining:
/// - `T26_HTTP_WORLDS`: the world types, e.g. `NetHttpWorld`;
/// - `T26_HTTP_TAGS`: the Catch2 tags, e.g. `"[contract][net]"`.
///
/// A world is default-constructible and offers:
/// - `core::Clock& clock()`: the loop every adapter of the world runs on;
/// - `std::unique_ptr<core::HttpServer> make_server(core::HttpServerOptions)`,
///   `std::unique_ptr<core::HttpClient> make_client()`,
///   `std::unique_ptr<core::WsClient> make_ws_client()`;
/// - `std::string host()`: the address servers listen on and clients dial;
/// - `std::string client_address()`: what a server sees in HttpRequest::peer from the clients;
/// - `std::uint16_t refused_port()`: a port where nothing accepts connections;
/// - `void send_raw(std::uint16_t port, std::string bytes, std::function<void(std::string)>)`:
///   writes raw bytes to a server and reports everything it answers until it closes.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/http.h"
#include "core/ports/clock.h"
#include "core/ports/http.h"
#include "core/ports/ws.h"

namespace http_contract {

constexpr std::int64_t kMs = 1000;
constexpr std::int64_t kDeadlineUs = 10'000 * kMs;

template <class World>
std::uint16_t start(World& world, core::HttpServer& server) {
  core::Result<std::uint16_t> port = server.listen(world.host(), 0);
  REQUIRE(port.status().to_string() == "ok");
  REQUIRE(*port != 0);
  return *port;
}

template <class World>
core::Url origin(World& world, std::uint16_t port) {
  return core::Url{"http", world.host(), port, ""};
}

/// Sends one request and drives the loop until the answer (or the test deadline).
template <class World>
core::Result<core::HttpResponse> call(World& world, core::HttpClient& client, std::uint16_t port,
                                      core::HttpRequest req, std::int64_t timeout_us = 5000 * kMs) {
  std::optional<core::Result<core::HttpResponse>> result;
  client.request(origin(world, port), std::move(req), timeout_us,
                 [&](core::Result<core::HttpResponse> r) { result.emplace(std::move(r)); });
  CHECK_FALSE(result.has_value());  // never inside the call
  REQUIRE(world.clock().run_until([&] { return result.has_value(); }, kDeadlineUs));
  return std::move(*result);
}

/// A server whose handler answers with the request echoed: body as body, the rest in headers.
template <class World>
std::unique_ptr<core::HttpServer> echo_server(World& world, std::vector<core::HttpRequest>& seen) {
  auto server = world.make_server(core::HttpServerOptions{});
  server->set_handler([&seen](const core::HttpRequest& req, core::HttpResponder responder) {
    seen.push_back(req);
    core::HttpResponse res{
        200, {{"X-Echo-Method", req.method}, {"X-Echo-Target", req.target}}, req.body};
    if (auto custom = core::find_header(req.headers, "x-custom")) {
      res.headers.push_back({"X-Echo-Custom", *custom});
    }
    responder.respond(std::move(res));
  });
  return server;
}

}  // namespace http_contract

using namespace http_contract;  // NOLINT(google-build-using-namespace): test cases only

TEMPLATE_TEST_CASE("HttpClient and HttpServer carry method, target, headers and body exactly",
                   T26_HTTP_TAGS, T26_HTTP_WORLDS) {
  TestType world;
  std::vector<core::HttpRequest> seen;
  auto server = echo_server(world, seen);
  const std::uint16_t port = start(world, *server);
  auto client = world.make_client();

  auto get = call(world, *client, port,
                  {"GET", "/api/v3/depth?symbol=BTCUSDT&limit=5", {{"X-Custom", "a b,c"}}, ""});
  REQUIRE(get.is_ok());
  CHECK(get->status == 200);
  CHECK(core::find_header(get->headers, "x-echo-method") == "GET");
  CHECK(core::find_header(get->headers, "X-ECHO-TARGET") == "/api/v3/depth?symbol=BTCUSDT&limit=5");
  CHECK(core::find_header(get->headers, "X-Echo-Custom") == "a b,c");
  CHECK(get->body.empty());

  const std::string form = "symbol=BTCUSDT&side=BUY&quantity=0.00100000&signature=ab12";
  auto post = call(world, *client, port,
                   {"POST",
                    "/api/v3/order",
                    {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-MBX-APIKEY", "k"}},
                    form});
  REQUIRE(post.is_ok());
  CHECK(post->body == form);
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].method == "POST");
  CHECK(seen[0].peer == world.client_address());  // the server names who connected
  CHECK(seen[1].peer == world.client_address());
  CHECK(seen[1].target == "/api/v3/order");
  CHECK(seen[1].body == form);
  CHECK(core::find_header(seen[1].headers, "x-mbx-apikey") == "k");
  CHECK(core::find_header(seen[1].headers, "content-type") == "application/x-www-form-urlencoded");
}

TEMPLATE_TEST_CASE("HttpClient gets 429 with Retry-After and 418 back as responses, not errors",
                   T26_HTTP_TAGS, T26_HTTP_WORLDS) {
  TestType world;
  auto server = world.make_server(core::HttpServerOptions{});
  server->set_handler([](const core::HttpRequest& req, core::HttpResponder responder) {
    const int status = req.target == "/banned" ? 418 : 429;
    responder.respond({status,
                       {{"Retry-After", "7"}, {"X-MBX-USED-WEIGHT-1M", "1201"}},
                       R"({"code":-1003,"msg":"Too many requests."})"});
  });
  const std::uint16_t port = start(world, *server);
  auto client = world.make_client();

  auto limited = call(world, *client, port, {"GET", "/api/v3/time", {}, ""});
  REQUIRE(limited.is_ok());
  CHECK(limited->status == 429);
  CHECK(core::find_header(limited->headers, "retry-after") == "7");
  CHECK(core::find_header(limited->headers, "x-mbx-used-weight-1m") == "1201");
  CHECK(limited->body == R"({"code":-1003,"msg":"Too many requests."})");
  auto banned = call(world, *client, port, {"GET", "/banned", {}, ""});
  REQUIRE(banned.is_ok());
  CHECK(banned->status == 418);
}

TEMPLATE_TEST_CASE("HttpServer handler may answer later through its responder", T26_HTTP_TAGS,
                   T26_HTTP_WORLDS) {
  TestType world;
  auto server = world.make_server(core::HttpServerOptions{});
  server->set_handler([&](const core::HttpRequest&, core::HttpResponder responder) {
    world.clock().call_after(30 * kMs, [responder] { responder.respond({202, {}, "later"}); });
  });
  const std::uint16_t port = start(world, *server);
  auto client = world.make_client();
  const std::int64_t start_us = world.clock().now_us();
  auto res = call(world, *client, port, {"GET", "/slow", {}, ""});
  REQUIRE(res.is_ok());
  CHECK(res->status == 202);
  CHECK(res->body == "later");
  CHECK(world.clock().now_us() - start_us >= 30 * kMs);
}

TEMPLATE_TEST_CASE("HttpServer answers 500 when the handler drops its responder unanswered",
                   T26_HTTP_TAGS, T26_HTTP_WORLDS) {
  TestType world;
  auto server = world.make_server(core::HttpServerOptions{});
  server->set_handler([](const core::HttpRequest&, core::HttpResponder) {});
  const std::uint16_t port = start(world, *server);
  auto client = world.make_client();
  auto res = call(world, *client, port, {"GET", "/forgotten", {}, ""});
  REQUIRE(res.is_ok());
  CHECK(res->status == 500);
}

TEMPLATE_TEST_CASE("HttpClient reuses one keep-alive connection until a response says close",
                   T26_HTTP_TAGS, T26_HTTP_WORLDS) {
  TestType world;
  auto server = world.make_server(core::HttpServerOptions{});
  server->set_handler([](const core::HttpRequest& req, core::HttpResponder responder) {
    core::HttpResponse res{200, {}, req.target};
    if (req.target == "/last") res.headers.push_back({"Connection", "close"});
    responder.respond(std::move(res));
  });
  const std::uint16_t port = start(world, *server);
  auto client = world.make_client();
  for (const char* target : {"/a", "/b", "/c", "/last"}) {
    auto res = call(world, *client, port, {"GET", target, {}, ""});
    REQUIRE(res.is_ok());
    CHECK(res->body == target);
  }
  CHECK(server->connections_accepted() == 1);
  auto after = call(world, *client, port, {"GET", "/again", {}, ""});
  REQUIRE(after.is_ok());
  CHECK(server->connections_accepted() == 2);
}

TEMPLATE_TEST_CASE("HttpClient times out in doubt when the server never answers", T26_HTTP_TAGS,
                   T26_HTTP_WORLDS) {
  TestType world;
  std::vector<core::HttpResponder> held;  // kept, so the server never answers
  auto server = world.make_server(core::HttpServerOptions{});
  server->set_handler(
      [&](const core::HttpRequest&, core::HttpResponder responder) { held.push_back(responder); });
  const std::uint16_t port = start(world, *server);
  auto client = world.make_client();
  const std::int64_t start_us = world.clock().now_us();
  auto res = call(world, *client, port, {"POST", "/api/v3/order", {}, "x=1"}, 100 * kMs);
  REQUIRE_FALSE(res.is_ok());
  CHECK(res.status().code == core::Errc::kTimeout);
  CHECK(res.status().in_doubt);
  CHECK(held.size() == 1);
  CHECK(world.clock().now_us() - start_us >= 100 * kMs);
}

TEMPLATE_TEST_CASE("HttpClient reports kUnavailable, not in doubt, when the connect is refused",
                   T26_HTTP_TAGS, T26_HTTP_WORLDS) {
  TestType world;
  auto client = world.make_client();
  auto res = call(world, *client, world.refused_port(), {"GET", "/", {}, ""});
  REQUIRE_FALSE(res.is_ok());
  CHECK(res.status().code == core::Errc::kUnavailable);
  CHECK_FALSE(res.status().in_doubt);
}

TEMPLATE_TEST_CASE("HttpServer serves many connections at once", T26_HTTP_TAGS, T26_HTTP_WORLDS) {
  constexpr int kClients = 40;
  TestType world;
  std::vector<std::pair<std::string, core::HttpResponder>> waiting;
  auto server = world.make_server(core::HttpServerOptions{});
  server->set_handler([&](const core::HttpRequest& req, core::HttpResponder responder) {
    waiting.emplace_back(req.target, responder);
    if (waiting.size() < kClients) return;  // answer only once every request is in
    for (auto& [target, r] : waiting) r.respond({200, {}, target});
  });
  const std::uint16_t port = start(world, *server);
  auto client = world.make_client();
  std::vector<std::string> bodies(kClients);
  int answered = 0;
  for (int i = 0; i < kClients; ++i) {
    client->request(origin(world, port), {"GET", "/r" + std::to_string(i), {}, ""}, 5000 * kMs,
                    [&, i](core::Result<core::HttpResponse> r) {
                      ++answered;
                      bodies[i] = r.is_ok() ? r->body : r.status().to_string();
                    });
  }
  REQUIRE(world.clock().run_until([&] { return answered == kClients; }, kDeadlineUs));
  for (int i = 0; i < kClients; ++i) CHECK(bodies[i] == "/r" + std::to_string(i));
  CHECK(server->connections_accepted() == kClients);
}

TEMPLATE_TEST_CASE("HttpClient and HttpServer carry a 4 MiB body intact both ways", T26_HTTP_TAGS,
                   T26_HTTP_WORLDS) {
  TestType world;
  std::vector<core::HttpRequest> seen;
  auto server = echo_server(world, seen);
  const std::uint16_t port = start(world, *server);
  auto client = world.make_client();
  std::string body(4 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  auto res = call(world, *client, port, {"PUT", "/big", {}, body});
  REQUIRE(res.is_ok());
  CHECK(res->body.size() == body.size());
  CHECK(res->body == body);
}

TEMPLATE_TEST_CASE("HttpServer refuses a body over its limit with 413", T26_HTTP_TAGS,
                   T26_HTTP_WORLDS) {
  TestType world;
  int handled = 0;
  core::HttpServerOptions options;
  options.body_bytes_max = 1024;
  auto server = world.make_server(options);
  server->set_handler([&](const core::HttpRequest&, core::HttpResponder responder) {
    ++handled;
    responder.respond({200, {}, ""});
  });
  const std::uint16_t port = start(world, *server);
  auto client = world.make_client();
  auto res = call(world, *client, port, {"POST", "/upload", {}, std::string(2000, 'x')});
  REQUIRE(res.is_ok());
  CHECK(res->status == 413);
  CHECK(handled == 0);
}

TEMPLATE_TEST_CASE("HttpServer answers HEAD with the length of GET and no body", T26_HTTP_TAGS,
                   T26_HTTP_WORLDS) {
  TestType world;
  auto server = world.make_server(core::HttpServerOptions{});
  server->set_handler([](const core::HttpRequest&, core::HttpResponder responder) {
    responder.respond({200, {}, "hello"});
  });
  const std::uint16_t port = start(world, *server);
  auto client = world.make_client();
  auto head = call(world, *client, port, {"HEAD", "/", {}, ""});
  REQUIRE(head.is_ok());
  CHECK(head->status == 200);
  CHECK(head->body.empty());
  CHECK(core::find_header(head->headers, "content-length") == "5");
  auto get = call(world, *client, port, {"GET", "/", {}, ""});  // same connection still in sync
  REQUIRE(get.is_ok());
  CHECK(get->body == "hello");
}

TEMPLATE_TEST_CASE("HttpServer answers a malformed request with 400 and keeps serving",
                   T26_HTTP_TAGS, T26_HTTP_WORLDS) {
  TestType world;
  std::vector<core::HttpRequest> seen;
  auto server = echo_server(world, seen);
  const std::uint16_t port = start(world, *server);
  std::optional<std::string> reply;
  world.send_raw(port, "GET /x HTTP/9\x01\r\n\r\n", [&](std::string r) { reply = std::move(r); });
  REQUIRE(world.clock().run_until([&] { return reply.has_value(); }, kDeadlineUs));
  CHECK(reply->rfind("HTTP/1.1 400 ", 0) == 0);
  CHECK(seen.empty());
  auto client = world.make_client();
  auto res = call(world, *client, port, {"GET", "/fine", {}, ""});
  REQUIRE(res.is_ok());
  CHECK(res->status == 200);
}

#include "tests/contract/ws_contract.h"
