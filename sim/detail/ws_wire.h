/// @file sim/detail/ws_wire.h
/// @brief Private to sim/: RFC 6455 on a byte stream, for the sim WebSocket adapters: the
/// handshake keys, frame encoding (masked from a client) and an incremental frame parser.
///
/// Pure logic, no I/O: the same bytes Beast puts on a socket, so a frame split by a partial
/// write or cut by a reset takes the parsing paths it would in production.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sim::detail {

enum class WsOpcode : std::uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

/// RFC 6455 close codes the sessions send on a protocol violation.
inline constexpr int kWsCloseProtocolError = 1002;
inline constexpr int kWsCloseTooBig = 1009;

/// Base64 of 16 bytes: a Sec-WebSocket-Key.
std::string ws_key_from(const std::array<std::uint8_t, 16>& bytes);
/// Sec-WebSocket-Accept for a key: base64(SHA-1(key + the RFC's GUID)).
std::string ws_accept_for(std::string_view key);

/// One frame: header, then the payload, masked with `mask` when given (client to server).
std::string ws_encode_frame(WsOpcode opcode, std::string_view payload,
                            std::optional<std::uint32_t> mask);
/// Close frame payload: the code (big endian), then the reason.
std::string ws_close_payload(int code, std::string_view reason);

struct WsFrame {
  bool fin = true;
  WsOpcode opcode = WsOpcode::kText;
  std::string payload;  // unmasked
};

class WsFrameParser {
 public:
  enum class State { kNeedMore, kFrame, kError };

  /// `expect_masked`: a server requires masked frames, a client unmasked ones.
  WsFrameParser(bool expect_masked, std::size_t payload_bytes_max)
      : expect_masked_(expect_masked), payload_max_(payload_bytes_max) {}

  void feed(std::string_view bytes) { buffer_.append(bytes); }
  /// kFrame: take() it; kError is final, with error() and the close code to send.
  State parse();
  WsFrame take() { return std::move(frame_); }
  const std::string& error() const { return error_; }
  int error_code() const { return error_code_; }

 private:
  State fail(int code, std::string why);

  bool expect_masked_;
  std::size_t payload_max_;
  std::string buffer_;
  std::size_t consumed_ = 0;  // parsed bytes at the front of buffer_, erased lazily
  WsFrame frame_;
  bool failed_ = false;
  std::string error_;
  int error_code_ = 0;
};

/// Splits a close frame payload; code 1005 ("no status") when it carried none.
struct WsCloseInfo {
  int code = 1005;
  std::string reason;
};
std::optional<WsCloseInfo> ws_parse_close(std::string_view payload);

}  // namespace sim::detail
