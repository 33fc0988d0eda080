#include "net/detail/ws_frame.h"

#include <openssl/evp.h>

#include <fmt/format.h>

namespace net::detail {

namespace {

constexpr std::string_view kHandshakeGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string base64(const unsigned char* bytes, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

bool known_opcode(std::uint8_t op) {
  return op <= 2 || (op >= 8 && op <= 10);
}

}  // namespace

std::size_t ws_frame_header(char (&out)[kWsMaxHeaderBytes], WsOpcode opcode, std::uint64_t length,
                            const std::optional<WsMask>& mask) {
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
    for (std::size_t i = 0; i < 4; ++i) out[size + i] = static_cast<char>((*mask)[i]);
    size += 4;
  }
  return size;
}

void append_ws_frame(std::string& out, WsOpcode opcode, std::string_view payload,
                     const std::optional<WsMask>& mask) {
  char header[kWsMaxHeaderBytes];
  out.append(header, ws_frame_header(header, opcode, payload.size(), mask));
  const std::size_t at = out.size();
  out.append(payload);
  if (!mask) return;
  for (std::size_t i = 0; i < payload.size(); ++i)
    out[at + i] = static_cast<char>(static_cast<std::uint8_t>(out[at + i]) ^ (*mask)[i % 4]);
}

WsParsed parse_server_frame(std::string_view bytes, std::uint64_t payload_max) {
  WsParsed r;
  if (bytes.size() < 2) return r;
  const auto b0 = static_cast<std::uint8_t>(bytes[0]);
  const auto b1 = static_cast<std::uint8_t>(bytes[1]);
  const bool fin = (b0 & 0x80) != 0;
  const std::uint8_t op = b0 & 0x0F;
  if ((b0 & 0x70) != 0) {
    r.error = "frame with reserved bits set (no extension was negotiated)";
    return r;
  }
  if (!known_opcode(op)) {
    r.error = fmt::format("frame with unknown opcode {}", op);
    return r;
  }
  if ((b1 & 0x80) != 0) {
    r.error = "masked frame from the server";
    return r;
  }
  std::uint64_t length = b1 & 0x7F;
  std::size_t header = 2;
  if (length >= 126) {
    const std::size_t extra = length == 126 ? 2 : 8;
    if (bytes.size() < 2 + extra) return r;
    length = 0;
    for (std::size_t i = 0; i < extra; ++i)
      length = (length << 8) | static_cast<std::uint8_t>(bytes[2 + i]);
    header += extra;
    if (extra == 8 && (length >> 63) != 0) {
      r.error = "frame length with the most significant bit set";
      return r;
    }
  }
  if (op >= 8 && (!fin || length > kWsMaxControlPayload)) {
    r.error = fmt::format("control frame (opcode {}) fragmented or over 125 bytes", op);
    return r;
  }
  if (length > payload_max) {
    r.error = fmt::format("frame of {} bytes, over the limit of {}", length, payload_max);
    return r;
  }
  if (bytes.size() - header < length) return r;
  r.consumed = header + static_cast<std::size_t>(length);
  r.frame = WsFrame{static_cast<WsOpcode>(op), fin,
                    bytes.substr(header, static_cast<std::size_t>(length))};
  return r;
}

std::string ws_close_payload(int code, std::string_view reason) {
  std::string out;
  out.push_back(static_cast<char>((code >> 8) & 0xFF));
  out.push_back(static_cast<char>(code & 0xFF));
  out.append(reason.substr(0, kWsMaxControlPayload - 2));
  return out;
}

std::string ws_accept_key(std::string_view key) {
  std::string text(key);
  text.append(kHandshakeGuid);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha1(), nullptr);
  return base64(digest, size);
}

std::string ws_client_key(const std::array<std::uint8_t, 16>& nonce) {
  return base64(nonce.data(), nonce.size());
}

}  // namespace net::detail
