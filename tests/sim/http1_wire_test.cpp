#include <catch2/catch.hpp>

#include <string>

#include "sim/detail/http1_wire.h"

namespace {

using sim::detail::Http1Message;
using sim::detail::Http1Parser;
using State = Http1Parser::State;

constexpr std::size_t kLimit = 1024;

/// Feeds `bytes` one at a time and returns the state after each full message, in order.
std::vector<Http1Message> parse_bytewise(Http1Parser& parser, const std::string& bytes) {
  std::vector<Http1Message> out;
  for (char c : bytes) {
    parser.feed(std::string_view(&c, 1));
    while (parser.parse() == State::kDone) out.push_back(parser.take());
  }
  return out;
}

}  // namespace

TEST_CASE("Http1Parser reads pipelined requests fed one byte at a time exactly", "[sim][unit]") {
  Http1Parser parser(Http1Parser::Kind::kRequest, kLimit);
  const auto got = parse_bytewise(parser,
                                  "POST /api/v3/order?x=1 HTTP/1.1\r\nHost: mockex:8080\r\n"
                                  "X-Key:  a b \r\nContent-Length: 5\r\n\r\nhello"
                                  "GET / HTTP/1.0\r\n\r\n");
  REQUIRE(got.size() == 2);
  CHECK(got[0].method == "POST");
  CHECK(got[0].target == "/api/v3/order?x=1");
  CHECK(got[0].version_minor == 1);
  CHECK(got[0].headers ==
        core::Headers{{"Host", "mockex:8080"}, {"X-Key", "a b"}, {"Content-Length", "5"}});
  CHECK(got[0].body == "hello");
  CHECK(sim::detail::keep_alive(got[0]));
  CHECK(got[1].method == "GET");
  CHECK(got[1].body.empty());
  CHECK_FALSE(sim::detail::keep_alive(got[1]));  // HTTP/1.0 without keep-alive
}

TEST_CASE("Http1Parser refuses bad start lines, header lines and chunked bodies", "[sim][unit]") {
  for (const char* bad :
       {"GET /x HTTP/9\x01\r\n\r\n", "GET /x\r\n\r\n", "G(T / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nno colon\r\n\r\n", "GET / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n",
        "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"}) {
    Http1Parser parser(Http1Parser::Kind::kRequest, kLimit);
    parser.feed(bad);
    CHECK(parser.parse() == State::kMalformed);
    CHECK_FALSE(parser.error().empty());
    CHECK(parser.parse() == State::kMalformed);  // final
  }
}

TEST_CASE("Http1Parser reports a body over the limit as soon as the head announces it",
          "[sim][unit]") {
  Http1Parser parser(Http1Parser::Kind::kRequest, kLimit);
  parser.feed("POST /upload HTTP/1.1\r\nContent-Length: 1025\r\n\r\n");
  CHECK(parser.parse() == State::kTooLarge);
  CHECK(parser.error() == "body of 1025 bytes is over the limit of 1024");
}

TEST_CASE("Http1Parser reads a HEAD answer without its announced body, then the next answer",
          "[sim][unit]") {
  Http1Parser parser(Http1Parser::Kind::kResponse, kLimit);
  parser.skip_body();
  parser.feed(
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 404 Not Found\r\n"
      "Content-Length: 3\r\nConnection: close\r\n\r\nnoX");
  REQUIRE(parser.parse() == State::kDone);
  const Http1Message head = parser.take();
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  REQUIRE(parser.parse() == State::kDone);
  const Http1Message next = parser.take();
  CHECK(next.status == 404);
  CHECK(next.body == "noX");
  CHECK_FALSE(sim::detail::keep_alive(next));
  CHECK(parser.take_rest().empty());
}

TEST_CASE("Http1Parser keeps the bytes after a 101 answer for the WebSocket", "[sim][unit]") {
  Http1Parser parser(Http1Parser::Kind::kResponse, kLimit);
  parser.feed("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x02hi");
  REQUIRE(parser.parse() == State::kDone);
  CHECK(parser.take().status == 101);
  CHECK(parser.take_rest() == "\x81\x02hi");
}

TEST_CASE("write_request adds Host with a non-default port and Content-Length", "[sim][unit]") {
  const core::Url origin{"http", "mockex", 8080, ""};
  CHECK(sim::detail::write_request(origin, {"POST", "/o", {{"X-A", "1"}}, "ab"}) ==
        "POST /o HTTP/1.1\r\nHost: mockex:8080\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nab");
  CHECK(sim::detail::write_request({"http", "mockex", 80, ""}, {"GET", "", {}, ""}) ==
        "GET / HTTP/1.1\r\nHost: mockex\r\n\r\n");
}

TEST_CASE("write_response keeps HEAD's length without the body and says close when asked",
          "[sim][unit]") {
  CHECK(sim::detail::write_response({200, {}, "hello"}, true, true) ==
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
  CHECK(sim::detail::write_response({429, {{"Retry-After", "7"}}, "x"}, false, false) ==
        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 1\r\n"
        "Connection: close\r\n\r\nx");
}

TEST_CASE("is_websocket_upgrade needs GET, the upgrade token and Upgrade: websocket",
          "[sim][unit]") {
  Http1Message req;
  req.method = "GET";
  req.headers = {{"Connection", "keep-alive, Upgrade"}, {"Upgrade", "WebSocket"}};
  CHECK(sim::detail::is_websocket_upgrade(req));
  req.headers[0].value = "keep-alive";
  CHECK_FALSE(sim::detail::is_websocket_upgrade(req));
}
