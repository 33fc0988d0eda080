#include <catch2/catch.hpp>

#include <string>

#include "sim/detail/ws_wire.h"

namespace {

using sim::detail::WsFrameParser;
using sim::detail::WsOpcode;

}  // namespace

TEST_CASE("ws_accept_for gives the accept value of RFC 6455's example key", "[sim][unit]") {
  CHECK(sim::detail::ws_accept_for("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  CHECK(sim::detail::ws_key_from({}) == "AAAAAAAAAAAAAAAAAAAAAA==");
}

TEST_CASE("ws frames of every length class round-trip masked, fed one byte at a time",
          "[sim][unit]") {
  for (std::size_t size : {0, 1, 125, 126, 65'535, 65'536}) {
    std::string payload(size, '\0');
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<char>(i * 31 + 7);
    const std::string wire = sim::detail::ws_encode_frame(WsOpcode::kText, payload, 0xA1B2C3D4);
    const std::size_t header = size < 126 ? 2 : size <= 0xFFFF ? 4 : 10;
    CHECK(wire.size() == header + 4 + size);
    WsFrameParser parser(true, 1 << 20);
    int frames = 0;
    for (char c : wire) {
      parser.feed(std::string_view(&c, 1));
      const WsFrameParser::State state = parser.parse();
      if (state == WsFrameParser::State::kNeedMore) continue;
      REQUIRE(state == WsFrameParser::State::kFrame);
      ++frames;
      const sim::detail::WsFrame frame = parser.take();
      CHECK(frame.fin);
      CHECK(frame.opcode == WsOpcode::kText);
      CHECK(frame.payload == payload);
    }
    CHECK(frames == 1);
  }
}

TEST_CASE("ws frames from a server are unmasked and parse on the client", "[sim][unit]") {
  const std::string wire = sim::detail::ws_encode_frame(WsOpcode::kText, "hi", std::nullopt) +
                           sim::detail::ws_encode_frame(WsOpcode::kPing, "p", std::nullopt);
  CHECK(wire == std::string("\x81\x02hi\x89\x01p"));
  WsFrameParser parser(false, 16);
  parser.feed(wire);
  REQUIRE(parser.parse() == WsFrameParser::State::kFrame);
  CHECK(parser.take().payload == "hi");
  REQUIRE(parser.parse() == WsFrameParser::State::kFrame);
  CHECK(parser.take().opcode == WsOpcode::kPing);
  CHECK(parser.parse() == WsFrameParser::State::kNeedMore);
}

TEST_CASE("WsFrameParser refuses wrong masking with 1002 and big frames with 1009", "[sim][unit]") {
  WsFrameParser server(true, 16);
  server.feed(sim::detail::ws_encode_frame(WsOpcode::kText, "x", std::nullopt));
  CHECK(server.parse() == WsFrameParser::State::kError);
  CHECK(server.error_code() == sim::detail::kWsCloseProtocolError);
  CHECK(server.error() == "unmasked frame from a client");

  WsFrameParser client(false, 16);
  client.feed(sim::detail::ws_encode_frame(WsOpcode::kText, std::string(17, 'x'), std::nullopt));
  CHECK(client.parse() == WsFrameParser::State::kError);
  CHECK(client.error_code() == sim::detail::kWsCloseTooBig);

  WsFrameParser reserved(false, 16);
  reserved.feed(std::string("\xC1\x00", 2));
  CHECK(reserved.parse() == WsFrameParser::State::kError);
  CHECK(reserved.error_code() == sim::detail::kWsCloseProtocolError);
}

TEST_CASE("ws close payloads carry the code big-endian and the reason", "[sim][unit]") {
  const std::string payload = sim::detail::ws_close_payload(4001, "maintenance");
  CHECK(payload == std::string("\x0F\xA1maintenance"));
  const auto info = sim::detail::ws_parse_close(payload);
  REQUIRE(info.has_value());
  CHECK(info->code == 4001);
  CHECK(info->reason == "maintenance");
  CHECK(sim::detail::ws_parse_close("")->code == 1005);
  CHECK_FALSE(sim::detail::ws_parse_close("x").has_value());
}
