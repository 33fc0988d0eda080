#include "core/json_text.h"

#include <charconv>
#include <cstring>

namespace core::json {

char* write_string(char* out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  *out++ = '"';
  // Symbols, names and ids rarely need escaping: copy the clean prefix in one go.
  std::size_t clean = 0;
  while (clean < text.size() && static_cast<unsigned char>(text[clean]) >= 0x20 &&
         text[clean] != '"' && text[clean] != '\\') {
    ++clean;
  }
  std::memcpy(out, text.data(), clean);
  out += clean;
  const auto two = [&out](char c) {
    out[0] = '\\';
    out[1] = c;
    out += 2;
  };
  for (const char c : text.substr(clean)) {
    switch (c) {
      case '"':
        two('"');
        break;
      case '\\':
        two('\\');
        break;
      case '\n':
        two('n');
        break;
      case '\r':
        two('r');
        break;
      case '\t':
        two('t');
        break;
      case '\b':
        two('b');
        break;
      case '\f':
        two('f');
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          const char esc[] = {'\\', 'u', '0', '0', kHex[(c >> 4) & 0xf], kHex[c & 0xf]};
          std::memcpy(out, esc, sizeof esc);
          out += sizeof esc;
        } else {
          *out++ = c;
        }
    }
  }
  *out++ = '"';
  return out;
}

void append_string(std::string& out, std::string_view text) {
  const std::size_t at = out.size();
  out.resize(at + string_bound(text));
  out.resize(static_cast<std::size_t>(write_string(out.data() + at, text) - out.data()));
}

void append_int(std::string& out, std::int64_t value) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, value).ptr);
}

void append_uint(std::string& out, std::uint64_t value) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, value).ptr);
}

}  // namespace core::json
