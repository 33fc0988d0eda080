/// @file core/ws_wire.h
/// @brief RFC 6455 without I/O, for both WebSocket adapters (net's on Asio, sim's on
/// SimNetwork): the handshake keys, frame encoding (masked from a client), and frame parsing,
/// zero-copy (`ws_parse_frame`) or incremental over owned bytes (`WsFrameParser`).
///
/// No extension is ever negotiated (the clients offer none, the servers accept none), so a
/// frame with reserved bits set is an error and payloads are never compressed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace core {

enum class WsOpcode : std::uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

/// RFC 6455 close codes the sessions send on a protocol violation, and the one reported for a
/// close frame that carried no code.
inline constexpr int kWsCloseProtocolError = 1002;
inline constexpr int kWsCloseNoStatus = 1005;
inline constexpr int kWsCloseTooBig = 1009;
/// The longest frame header: 2 bytes, 8 of extended length, 4 of mask key.
inline constexpr std::size_t kWsMaxHeaderBytes = 14;
/// Close, ping and pong frames carry at most this much.
inline constexpr std::size_t kWsControlPayloadMax = 125;

/// Base64 of 16 bytes: a Sec-WebSocket-Key.
std::string ws_key_from(const std::array<std::uint8_t, 16>& bytes);
/// Sec-WebSocket-Accept for a key: base64(SHA-1(key + the RFC's GUID)).
std::string ws_accept_for(std::string_view key);

/// Writes the header of a final frame of `length` payload bytes into `out`, with the mask
/// bit and key (big endian) when `mask` is given; returns the header's size.
std::size_t ws_frame_header(char (&out)[kWsMaxHeaderBytes], WsOpcode opcode, std::uint64_t length,
                            std::optional<std::uint32_t> mask);
/// Appends one final frame to `out`: header, then the payload, masked with `mask` when given
/// (client to server).
void ws_append_frame(std::string& out, WsOpcode opcode, std::string_view payload,
                     std::optional<std::uint32_t> mask);
std::string ws_encode_frame(WsOpcode opcode, std::string_view payload,
                            std::optional<std::uint32_t> mask);
/// Close frame payload: the code (big endian), then the reason, cut to fit 125 bytes.
std::string ws_close_payload(int code, std::string_view reason);

/// Splits a close frame payload; code 1005 ("no status") when it carried none; nullopt for
/// the invalid one-byte payload.
struct WsCloseInfo {
  int code = kWsCloseNoStatus;
  std::string reason;
};
std::optional<WsCloseInfo> ws_parse_close(std::string_view payload);

/// A frame at the front of parsed bytes; `payload` points into them, still masked when the
/// frame was (`mask` then holds the key).
struct WsFrameView {
  bool fin = true;
  WsOpcode opcode = WsOpcode::kText;
  std::string_view payload;
  std::optional<std::array<char, 4>> mask;
};

/// What ws_parse_frame found: a frame and its size, nothing yet (an incomplete frame), or an
/// error (the link must drop) with the close code to send.
struct WsParsed {
  std::size_t consumed = 0;
  std::optional<WsFrameView> frame;
  int error_code = 0;
  std::string error;
};

/// Parses the frame at the front of `bytes`. A server expects masked frames, a client
/// unmasked ones. Errors: reserved bits, an unknown opcode, the wrong masking, a 64-bit length
/// with its top bit set, a control frame not final or over 125 bytes (1002), a payload over
/// `payload_max` (1009, known from the header alone).
WsParsed ws_parse_frame(std::string_view bytes, bool expect_masked, std::uint64_t payload_max);

/// A frame with its payload unmasked and owned.
struct WsFrame {
  bool fin = true;
  WsOpcode opcode = WsOpcode::kText;
  std::string payload;
};

/// Frames out of bytes fed in any pieces.
class WsFrameParser {
 public:
  enum class State { kNeedMore, kFrame, kError };

  WsFrameParser(bool expect_masked, std::size_t payload_bytes_max)
      : expect_masked_(expect_masked), payload_max_(payload_bytes_max) {}

  void feed(std::string_view bytes) { buffer_.append(bytes); }
  /// kFrame: take() it; kError is final, with error() and the close code to send.
  State parse();
  WsFrame take() { return std::move(frame_); }
  const std::string& error() const { return error_; }
  int error_code() const { return error_code_; }

 private:
  bool expect_masked_;
  std::size_t payload_max_;
  std::string buffer_;
  std::size_t consumed_ = 0;  // parsed bytes at the front of buffer_, erased lazily
  WsFrame frame_;
  bool failed_ = false;
  std::string error_;
  int error_code_ = 0;
};

}  // namespace core
