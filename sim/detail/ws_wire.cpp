#include "sim/detail/ws_wire.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <fmt/format.h>

namespace sim::detail {

namespace {

constexpr std::string_view kWsGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr std::size_t kControlPayloadMax = 125;

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool is_control(WsOpcode op) {
  return (static_cast<std::uint8_t>(op) & 0x8) != 0;
}

bool known_opcode(std::uint8_t op) {
  return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

}  // namespace

std::string ws_key_from(const std::array<std::uint8_t, 16>& bytes) {
  return base64(bytes.data(), bytes.size());
}

std::string ws_accept_for(std::string_view key) {
  const std::string text = std::string(key) + std::string(kWsGuid);
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return base64(digest, sizeof digest);
}

std::string ws_encode_frame(WsOpcode opcode, std::string_view payload,
                            std::optional<std::uint32_t> mask) {
  std::string out;
  out.reserve(payload.size() + 14);
  out.push_back(static_cast<char>(0x80 | static_cast<std::uint8_t>(opcode)));
  const char mask_bit = mask ? static_cast<char>(0x80) : 0;
  const std::uint64_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(mask_bit | static_cast<char>(n)));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(mask_bit | 126));
    for (int shift = 8; shift >= 0; shift -= 8) out.push_back(static_cast<char>(n >> shift));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(n >> shift));
  }
  if (!mask) return out.append(payload);
  char key[4];
  for (int i = 0; i < 4; ++i) key[i] = static_cast<char>(*mask >> (24 - 8 * i));
  out.append(key, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) out.push_back(payload[i] ^ key[i % 4]);
  return out;
}

std::string ws_close_payload(int code, std::string_view reason) {
  std::string out;
  out.push_back(static_cast<char>((code >> 8) & 0xFF));
  out.push_back(static_cast<char>(code & 0xFF));
  out.append(reason.substr(0, kControlPayloadMax - 2));
  return out;
}

std::optional<WsCloseInfo> ws_parse_close(std::string_view payload) {
  if (payload.empty()) return WsCloseInfo{};
  if (payload.size() == 1) return std::nullopt;
  const int code =
      (static_cast<std::uint8_t>(payload[0]) << 8) | static_cast<std::uint8_t>(payload[1]);
  return WsCloseInfo{code, std::string(payload.substr(2))};
}

WsFrameParser::State WsFrameParser::fail(int code, std::string why) {
  failed_ = true;
  error_code_ = code;
  error_ = std::move(why);
  return State::kError;
}

WsFrameParser::State WsFrameParser::parse() {
  if (failed_) return State::kError;
  if (consumed_ > 0 && consumed_ * 2 >= buffer_.size()) {
    buffer_.erase(0, consumed_);  // amortised: the buffer is shifted only when half is spent
    consumed_ = 0;
  }
  const std::string_view in = std::string_view(buffer_).substr(consumed_);
  if (in.size() < 2) return State::kNeedMore;
  const auto b0 = static_cast<std::uint8_t>(in[0]);
  const auto b1 = static_cast<std::uint8_t>(in[1]);
  const std::uint8_t op = b0 & 0x0F;
  if ((b0 & 0x70) != 0) return fail(kWsCloseProtocolError, "reserved bits set in a frame");
  if (!known_opcode(op)) return fail(kWsCloseProtocolError, fmt::format("unknown opcode {}", op));
  const bool masked = (b1 & 0x80) != 0;
  if (masked != expect_masked_) {
    return fail(kWsCloseProtocolError,
                masked ? "masked frame from a server" : "unmasked frame from a client");
  }
  std::size_t pos = 2;
  std::uint64_t length = b1 & 0x7F;
  const std::size_t extra = length == 126 ? 2 : length == 127 ? 8 : 0;
  if (in.size() < pos + extra) return State::kNeedMore;
  if (extra > 0) {
    length = 0;
    for (std::size_t i = 0; i < extra; ++i)
      length = (length << 8) | static_cast<std::uint8_t>(in[pos + i]);
    pos += extra;
  }
  const auto opcode = static_cast<WsOpcode>(op);
  if (is_control(opcode) && (length > kControlPayloadMax || (b0 & 0x80) == 0)) {
    return fail(kWsCloseProtocolError, "control frame fragmented or over 125 bytes");
  }
  if (length > payload_max_) {
    return fail(kWsCloseTooBig,
                fmt::format("frame of {} bytes is over the limit of {}", length, payload_max_));
  }
  const std::size_t key_at = pos;
  if (masked) pos += 4;
  if (in.size() < pos + length) return State::kNeedMore;
  frame_.fin = (b0 & 0x80) != 0;
  frame_.opcode = opcode;
  frame_.payload.assign(in.substr(pos, length));
  if (masked) {
    for (std::size_t i = 0; i < frame_.payload.size(); ++i) frame_.payload[i] ^= in[key_at + i % 4];
  }
  consumed_ += pos + length;
  return State::kFrame;
}

}  // namespace sim::detail
