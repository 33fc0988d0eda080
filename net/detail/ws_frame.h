/// @file net/detail/ws_frame.h
/// @brief Private to net/: RFC 6455 framing without I/O. Frame headers for both roles, the
/// parse of one server frame, and the opening handshake's Sec-WebSocket-Key / -Accept pair.
///
/// No extension is ever negotiated here (the client offers none, the server accepts none), so
/// reserved bits set on a received frame are an error and payloads are never compressed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace net::detail {

enum class WsOpcode : std::uint8_t {
  kContinuation = 0,
  kText = 1,
  kBinary = 2,
  kClose = 8,
  kPing = 9,
  kPong = 10,
};

using WsMask = std::array<std::uint8_t, 4>;

/// The longest frame header: 2 bytes, 8 of extended length, 4 of mask key.
inline constexpr std::size_t kWsMaxHeaderBytes = 14;
/// Control frames (close, ping, pong) carry at most this much.
inline constexpr std::size_t kWsMaxControlPayload = 125;

/// Writes the header of a final frame of `length` payload bytes into `out`; returns its size.
/// With `mask` (the client's role) the mask bit and key follow the length.
std::size_t ws_frame_header(char (&out)[kWsMaxHeaderBytes], WsOpcode opcode, std::uint64_t length,
                            const std::optional<WsMask>& mask);

/// Appends a whole final frame to `out`: header, then `payload`, masked with `mask` if given.
void append_ws_frame(std::string& out, WsOpcode opcode, std::string_view payload,
                     const std::optional<WsMask>& mask);

/// One frame received from a server, its payload pointing into the parsed bytes.
struct WsFrame {
  WsOpcode opcode = WsOpcode::kText;
  bool fin = true;
  std::string_view payload;
};

/// What parse_server_frame found at the front of the bytes.
struct WsParsed {
  std::size_t consumed = 0;      // bytes of the frame; 0 when it is incomplete or bad
  std::optional<WsFrame> frame;  // set with `consumed`
  std::string error;             // set when the bytes break RFC 6455 (the link must drop)
};

/// Parses the frame at the front of `bytes` as a client receives it: unmasked, no reserved
/// bits, a known opcode, control frames final and at most 125 bytes, and a payload of at most
/// `payload_max` bytes (a longer one is an error without waiting for its bytes).
WsParsed parse_server_frame(std::string_view bytes, std::uint64_t payload_max);

/// The payload of a close frame: the code in network order, then the reason (cut to fit).
std::string ws_close_payload(int code, std::string_view reason);

/// Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key + RFC 6455's GUID)).
std::string ws_accept_key(std::string_view key);

/// A Sec-WebSocket-Key from 16 bytes of nonce: their base64.
std::string ws_client_key(const std::array<std::uint8_t, 16>& nonce);

}  // namespace net::detail
