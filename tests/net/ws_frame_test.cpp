// net/detail/ws_frame: RFC 6455 frame headers, the client's parse of server frames, and the
// handshake key pair.
#include "net/detail/ws_frame.h"

#include <catch2/catch.hpp>

namespace {

using net::detail::WsOpcode;

std::string frame(WsOpcode op, std::string_view payload) {
  std::string out;
  net::detail::append_ws_frame(out, op, payload, std::nullopt);
  return out;
}

}  // namespace

TEST_CASE("Frame headers use the 7-bit, 16-bit and 64-bit length encodings at their bounds",
          "[unit][net][ws]") {
  for (const std::uint64_t length : {0ULL, 125ULL, 126ULL, 65535ULL, 65536ULL, 1ULL << 40}) {
    char header[net::detail::kWsMaxHeaderBytes];
    const auto size = net::detail::ws_frame_header(header, WsOpcode::kText, length, std::nullopt);
    CHECK(size == (length < 126 ? 2u : length <= 65535 ? 4u : 10u));
    CHECK(static_cast<std::uint8_t>(header[0]) == 0x81);
    const std::string bytes(header, size);
    // The parse reads back the same length (incomplete: the payload is not there).
    const auto parsed = net::detail::parse_server_frame(bytes, ~0ULL >> 1);
    CHECK(parsed.error.empty());
    if (length == 0) {
      REQUIRE(parsed.frame);
      CHECK(parsed.frame->payload.empty());
    } else {
      CHECK_FALSE(parsed.frame);
    }
  }
}

TEST_CASE("A masked frame carries its key and the payload XORed with it", "[unit][net][ws]") {
  std::string out;
  const net::detail::WsMask mask{0x37, 0xfa, 0x21, 0x3d};
  net::detail::append_ws_frame(out, WsOpcode::kText, "Hello", mask);
  // RFC 6455 section 5.7's example of a masked "Hello".
  CHECK(out == std::string("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11));
}

TEST_CASE("Whole frames parse with their opcode, FIN and payload; a partial one waits",
          "[unit][net][ws]") {
  const std::string bytes = frame(WsOpcode::kText, "hello") + frame(WsOpcode::kPing, "p");
  auto first = net::detail::parse_server_frame(bytes, 1000);
  REQUIRE(first.frame);
  CHECK(first.frame->opcode == WsOpcode::kText);
  CHECK(first.frame->fin);
  CHECK(first.frame->payload == "hello");
  CHECK(first.consumed == 7);
  auto second = net::detail::parse_server_frame(std::string_view(bytes).substr(7), 1000);
  REQUIRE(second.frame);
  CHECK(second.frame->opcode == WsOpcode::kPing);
  for (std::size_t cut = 0; cut < 7; ++cut) {
    const auto partial =
        net::detail::parse_server_frame(std::string_view(bytes).substr(0, cut), 1000);
    CHECK_FALSE(partial.frame);
    CHECK(partial.consumed == 0);
    CHECK(partial.error.empty());
  }
  // A non-final text frame (a fragment) keeps FIN clear.
  const std::string fragment =
      "\x01\x02"
      "ab";
  auto parsed = net::detail::parse_server_frame(fragment, 1000);
  REQUIRE(parsed.frame);
  CHECK_FALSE(parsed.frame->fin);
}

TEST_CASE("Frames a client must refuse are errors naming the fault", "[unit][net][ws]") {
  const auto error_of = [](const std::string& bytes, std::uint64_t max = 1000) {
    return net::detail::parse_server_frame(bytes, max).error;
  };
  CHECK(error_of(std::string("\xC1\x00", 2)).find("reserved bits") != std::string::npos);
  CHECK(error_of(std::string("\x83\x00", 2)).find("unknown opcode 3") != std::string::npos);
  CHECK(error_of(std::string("\x81\x80\x00\x00\x00\x00", 6)).find("masked") != std::string::npos);
  CHECK(error_of(std::string("\x09\x00", 2)).find("control frame") != std::string::npos);
  CHECK(error_of(std::string("\x89\x7E\x00\x7E", 4)).find("control frame") != std::string::npos);
  CHECK(error_of(std::string("\x81\x7F\x80\x00\x00\x00\x00\x00\x00\x00", 10))
            .find("most significant bit") != std::string::npos);
  // Over the limit is known from the header alone, before the payload arrives.
  CHECK(error_of(std::string("\x81\x7E\x01\x00", 4), 255).find("over the limit of 255") !=
        std::string::npos);
  CHECK(error_of(std::string("\x81\x7E\x00\xFF", 4), 255).empty());
}

TEST_CASE("Close payloads hold the code in network order and a reason cut to 123 bytes",
          "[unit][net][ws]") {
  CHECK(net::detail::ws_close_payload(1000, "bye") == std::string("\x03\xE8"
                                                                  "bye",
                                                                  5));
  CHECK(net::detail::ws_close_payload(4001, std::string(200, 'r')).size() == 125);
}

TEST_CASE("Sec-WebSocket-Accept is RFC 6455's answer to its sample key", "[unit][net][ws]") {
  CHECK(net::detail::ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  std::array<std::uint8_t, 16> nonce{};
  for (std::size_t i = 0; i < nonce.size(); ++i) nonce[i] = static_cast<std::uint8_t>(i + 1);
  CHECK(net::detail::ws_client_key(nonce) == "AQIDBAUGBwgJCgsMDQ4PEA==");
}
