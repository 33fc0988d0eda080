#include <catch2/catch.hpp>

#include <string>

#include "core/ws_wire.h"

namespace {

using core::WsFrameParser;
using core::WsOpcode;

std::string frame(WsOpcode op, std::string_view payload) {
  return core::ws_encode_frame(op, payload, std::nullopt);
}

}  // namespace

TEST_CASE("ws_accept_for gives the accept value of RFC 6455's example key", "[unit][ws]") {
  CHECK(core::ws_accept_for("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  CHECK(core::ws_key_from({}) == "AAAAAAAAAAAAAAAAAAAAAA==");
}

TEST_CASE("ws frames of every length class round-trip masked, fed one byte at a time",
          "[unit][ws]") {
  for (std::size_t size : {0, 1, 125, 126, 65'535, 65'536}) {
    std::string payload(size, '\0');
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<char>(i * 31 + 7);
    const std::string wire = core::ws_encode_frame(WsOpcode::kText, payload, 0xA1B2C3D4);
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
      const core::WsFrame frame = parser.take();
      CHECK(frame.fin);
      CHECK(frame.opcode == WsOpcode::kText);
      CHECK(frame.payload == payload);
    }
    CHECK(frames == 1);
  }
}

TEST_CASE("ws frames from a server are unmasked and parse on the client", "[unit][ws]") {
  const std::string wire = core::ws_encode_frame(WsOpcode::kText, "hi", std::nullopt) +
                           core::ws_encode_frame(WsOpcode::kPing, "p", std::nullopt);
  CHECK(wire == std::string("\x81\x02hi\x89\x01p"));
  WsFrameParser parser(false, 16);
  parser.feed(wire);
  REQUIRE(parser.parse() == WsFrameParser::State::kFrame);
  CHECK(parser.take().payload == "hi");
  REQUIRE(parser.parse() == WsFrameParser::State::kFrame);
  CHECK(parser.take().opcode == WsOpcode::kPing);
  CHECK(parser.parse() == WsFrameParser::State::kNeedMore);
}

TEST_CASE("WsFrameParser refuses wrong masking with 1002 and big frames with 1009", "[unit][ws]") {
  WsFrameParser server(true, 16);
  server.feed(core::ws_encode_frame(WsOpcode::kText, "x", std::nullopt));
  CHECK(server.parse() == WsFrameParser::State::kError);
  CHECK(server.error_code() == core::kWsCloseProtocolError);
  CHECK(server.error() == "unmasked frame from a client");

  WsFrameParser client(false, 16);
  client.feed(core::ws_encode_frame(WsOpcode::kText, std::string(17, 'x'), std::nullopt));
  CHECK(client.parse() == WsFrameParser::State::kError);
  CHECK(client.error_code() == core::kWsCloseTooBig);

  WsFrameParser reserved(false, 16);
  reserved.feed(std::string("\xC1\x00", 2));
  CHECK(reserved.parse() == WsFrameParser::State::kError);
  CHECK(reserved.error_code() == core::kWsCloseProtocolError);
}

TEST_CASE("ws close payloads carry the code big-endian and the reason", "[unit][ws]") {
  const std::string payload = core::ws_close_payload(4001, "maintenance");
  CHECK(payload == std::string("\x0F\xA1maintenance"));
  const auto info = core::ws_parse_close(payload);
  REQUIRE(info.has_value());
  CHECK(info->code == 4001);
  CHECK(info->reason == "maintenance");
  CHECK(core::ws_parse_close("")->code == 1005);
  CHECK_FALSE(core::ws_parse_close("x").has_value());
}

TEST_CASE("Frame headers use the 7-bit, 16-bit and 64-bit length encodings at their bounds",
          "[unit][ws]") {
  for (const std::uint64_t length : {0ULL, 125ULL, 126ULL, 65535ULL, 65536ULL, 1ULL << 40}) {
    char header[core::kWsMaxHeaderBytes];
    const auto size = core::ws_frame_header(header, WsOpcode::kText, length, std::nullopt);
    CHECK(size == (length < 126 ? 2u : length <= 65535 ? 4u : 10u));
    CHECK(static_cast<std::uint8_t>(header[0]) == 0x81);
    const std::string bytes(header, size);
    // The parse reads back the same length (incomplete: the payload is not there).
    const auto parsed = core::ws_parse_frame(bytes, false, ~0ULL >> 1);
    CHECK(parsed.error.empty());
    if (length == 0) {
      REQUIRE(parsed.frame);
      CHECK(parsed.frame->payload.empty());
    } else {
      CHECK_FALSE(parsed.frame);
    }
  }
}

TEST_CASE("A masked frame carries its key and the payload XORed with it", "[unit][ws]") {
  std::string out;
  const std::uint32_t mask = 0x37fa213d;
  core::ws_append_frame(out, WsOpcode::kText, "Hello", mask);
  // RFC 6455 section 5.7's example of a masked "Hello".
  CHECK(out == std::string("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11));
}

TEST_CASE("Whole frames parse with their opcode, FIN and payload; a partial one waits",
          "[unit][ws]") {
  const std::string bytes = frame(WsOpcode::kText, "hello") + frame(WsOpcode::kPing, "p");
  auto first = core::ws_parse_frame(bytes, false, 1000);
  REQUIRE(first.frame);
  CHECK(first.frame->opcode == WsOpcode::kText);
  CHECK(first.frame->fin);
  CHECK(first.frame->payload == "hello");
  CHECK(first.consumed == 7);
  auto second = core::ws_parse_frame(std::string_view(bytes).substr(7), false, 1000);
  REQUIRE(second.frame);
  CHECK(second.frame->opcode == WsOpcode::kPing);
  for (std::size_t cut = 0; cut < 7; ++cut) {
    const auto partial = core::ws_parse_frame(std::string_view(bytes).substr(0, cut), false, 1000);
    CHECK_FALSE(partial.frame);
    CHECK(partial.consumed == 0);
    CHECK(partial.error.empty());
  }
  // A non-final text frame (a fragment) keeps FIN clear.
  const std::string fragment =
      "\x01\x02"
      "ab";
  auto parsed = core::ws_parse_frame(fragment, false, 1000);
  REQUIRE(parsed.frame);
  CHECK_FALSE(parsed.frame->fin);
}

TEST_CASE("Frames a client must refuse are errors naming the fault", "[unit][ws]") {
  const auto error_of = [](const std::string& bytes, std::uint64_t max = 1000) {
    return core::ws_parse_frame(bytes, false, max).error;
  };
  CHECK(error_of(std::string("\xC1\x00", 2)).find("reserved bits") != std::string::npos);
  CHECK(error_of(std::string("\x83\x00", 2)).find("unknown opcode 3") != std::string::npos);
  CHECK(error_of(std::string("\x81\x80\x00\x00\x00\x00", 6)).find("masked") != std::string::npos);
  CHECK(error_of(std::string("\x09\x00", 2)).find("control frame") != std::string::npos);
  CHECK(error_of(std::string("\x89\x7E\x00\x7E", 4)).find("control frame") != std::string::npos);
  CHECK(error_of(std::string("\x81\x7F\x80\x00\x00\x00\x00\x00\x00\x00", 10)).find("top bit set") !=
        std::string::npos);
  // Over the limit is known from the header alone, before the payload arrives.
  CHECK(error_of(std::string("\x81\x7E\x01\x00", 4), 255).find("over the limit of 255") !=
        std::string::npos);
  CHECK(error_of(std::string("\x81\x7E\x00\xFF", 4), 255).empty());
}
