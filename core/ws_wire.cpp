#include "core/ws_wire.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <fmt/format.h>

namespace core {

namespace {

constexpr std::string_view kWsGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

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

WsParsed parse_error(int code, std::string why) {
  WsParsed r;
  r.error_code = code;
  r.error = std::move(why);
  return r;
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

std::size_t ws_frame_header(char (&out)[kWsMaxHeaderBytes], WsOpcode opcode, std::uint64_t length,
                            std::optional<std::uint32_t> mask) {
  out[0] = static_cast<char>(0x80 | static_cast<std::uint8_t>(opcode));  // FIN
  const char mask_bit = mask ? static_cast<char>(0x80) : 0;
  std::size_t size = 2;
  if (length < 126) {
    out[1] = static_cast<char>(mask_bit | static_cast<char>(length));
  } else if (length <= 0xFFFF) {
    out[1] = static_cast<char>(mask_bit | 126);
    size = 4;
  } else {
    out[1] = static_cast<char>(mask_bit | 127);
    size = 10;
  }
  for (std::size_t i = 2; i < size; ++i) out[i] = static_cast<char>(length >> (8 * (size - 1 - i)));
  if (mask) {
    for (std::size_t i = 0; i < 4; ++i) out[size + i] = static_cast<char>(*mask >> (24 - 8 * i));
    size += 4;
  }
  return size;
}

void ws_append_frame(std::string& out, WsOpcode opcode, std::string_view payload,
                     std::optional<std::uint32_t> mask) {
  char header[kWsMaxHeaderBytes];
  const std::size_t header_size = ws_frame_header(header, opcode, payload.size(), mask);
  out.append(header, header_size);
  if (!mask) {
    out.append(payload);
    return;
  }
  const char* key = header + header_size - 4;
  const std::size_t at = out.size();
  out.append(payload);
  for (std::size_t i = 0; i < payload.size(); ++i) out[at + i] ^= key[i % 4];
}

std::string ws_encode_frame(WsOpcode opcode, std::string_view payload,
                            std::optional<std::uint32_t> mask) {
  std::string out;
  out.reserve(payload.size() + kWsMaxHeaderBytes);
  ws_append_frame(out, opcode, payload, mask);
  return out;
}

std::string ws_close_payload(int code, std::string_view reason) {
  std::string out;
  out.push_back(static_cast<char>((code >> 8) & 0xFF));
  out.push_back(static_cast<char>(code & 0xFF));
  out.append(reason.substr(0, kWsControlPayloadMax - 2));
  return out;
}

std::optional<WsCloseInfo> ws_parse_close(std::string_view payload) {
  if (payload.empty()) return WsCloseInfo{};
  if (payload.size() == 1) return std::nullopt;
  const int code =
      (static_cast<std::uint8_t>(payload[0]) << 8) | static_cast<std::uint8_t>(payload[1]);
  return WsCloseInfo{code, std::string(payload.substr(2))};
}

WsParsed ws_parse_frame(std::string_view in, bool expect_masked, std::uint64_t payload_max) {
  if (in.size() < 2) return {};
  const auto b0 = static_cast<std::uint8_t>(in[0]);
  const auto b1 = static_cast<std::uint8_t>(in[1]);
  const std::uint8_t op = b0 & 0x0F;
  if ((b0 & 0x70) != 0) return parse_error(kWsCloseProtocolError, "reserved bits set in a frame");
  if (!known_opcode(op))
    return parse_error(kWsCloseProtocolError, fmt::format("unknown opcode {}", op));
  const bool masked = (b1 & 0x80) != 0;
  if (masked != expect_masked) {
    return parse_error(kWsCloseProtocolError,
                       masked ? "masked frame from a server" : "unmasked frame from a client");
  }
  std::size_t pos = 2;
  std::uint64_t length = b1 & 0x7F;
  const std::size_t extra = length == 126 ? 2 : length == 127 ? 8 : 0;
  if (in.size() < pos + extra) return {};
  if (extra > 0) {
    length = 0;
    for (std::size_t i = 0; i < extra; ++i)
      length = (length << 8) | static_cast<std::uint8_t>(in[pos + i]);
    pos += extra;
    if ((length >> 63) != 0)
      return parse_error(kWsCloseProtocolError, "frame length with its top bit set");
  }
  const auto opcode = static_cast<WsOpcode>(op);
  if (is_control(opcode) && (length > kWsControlPayloadMax || (b0 & 0x80) == 0)) {
    return parse_error(kWsCloseProtocolError, "control frame fragmented or over 125 bytes");
  }
  if (length > payload_max) {
    return parse_error(kWsCloseTooBig, fmt::format("frame of {} bytes is over the limit of {}",
                                                   length, payload_max));
  }
  WsParsed r;
  WsFrameView frame{(b0 & 0x80) != 0, opcode, {}, std::nullopt};
  if (masked) {
    if (in.size() < pos + 4) return {};
    frame.mask.emplace();
    for (std::size_t i = 0; i < 4; ++i) (*frame.mask)[i] = in[pos + i];
    pos += 4;
  }
  if (in.size() - pos < length) return {};
  frame.payload = in.substr(pos, static_cast<std::size_t>(length));
  r.consumed = pos + static_cast<std::size_t>(length);
  r.frame = frame;
  return r;
}

WsFrameParser::State WsFrameParser::parse() {
  if (failed_) return State::kError;
  if (consumed_ > 0 && consumed_ * 2 >= buffer_.size()) {
    buffer_.erase(0, consumed_);  // amortised: the buffer is shifted only when half is spent
    consumed_ = 0;
  }
  const WsParsed parsed =
      ws_parse_frame(std::string_view(buffer_).substr(consumed_), expect_masked_, payload_max_);
  if (!parsed.error.empty()) {
    failed_ = true;
    error_code_ = parsed.error_code;
    error_ = parsed.error;
    return State::kError;
  }
  if (!parsed.frame) return State::kNeedMore;
  const WsFrameView& f = *parsed.frame;
  frame_.fin = f.fin;
  frame_.opcode = f.opcode;
  frame_.payload.assign(f.payload);
  if (f.mask) {
    for (std::size_t i = 0; i < frame_.payload.size(); ++i) frame_.payload[i] ^= (*f.mask)[i % 4];
  }
  consumed_ += parsed.consumed;
  return State::kFrame;
}

}  // namespace core
