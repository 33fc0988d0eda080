/// @file core/json_text.h
/// @brief Appending JSON text to a std::string: escaped strings, integers, decimals, objects.
///
/// The building blocks shared by the bus codecs and the trace writer. They append to a
/// caller-owned buffer (reuse it to avoid allocation) and never validate UTF-8: bytes >= 0x80
/// pass through unchanged, control characters, quotes and backslashes are escaped.
/// `ObjectWriter` writes one flat object with fields in call order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/decimal.h"

namespace core::json {

/// Appends `"text"` with JSON escapes.
void append_string(std::string& out, std::string_view text);
/// Writes `"text"` with JSON escapes at `out`, which has room for string_bound(text) bytes;
/// returns the end of what it wrote. For writers that size their buffer once.
char* write_string(char* out, std::string_view text);
constexpr std::size_t string_bound(std::string_view text) {
  return 2 + 6 * text.size();
}
void append_int(std::string& out, std::int64_t value);
void append_uint(std::string& out, std::uint64_t value);
/// Appends the decimal's exact text as a JSON number (never quoted, never exponent form).
inline void append_decimal(std::string& out, const Decimal& value) {
  value.append_to(out);
}
inline void append_bool(std::string& out, bool value) {
  out.append(value ? "true" : "false");
}

/// Writes `{"k":v,...}` into a borrowed buffer, fields in call order. Call close() once.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_.push_back('{'); }

  ObjectWriter& str(std::string_view key, std::string_view value) {
    append_string(begin(key), value);
    return *this;
  }
  ObjectWriter& i64(std::string_view key, std::int64_t value) {
    append_int(begin(key), value);
    return *this;
  }
  ObjectWriter& u64(std::string_view key, std::uint64_t value) {
    append_uint(begin(key), value);
    return *this;
  }
  ObjectWriter& dec(std::string_view key, const Decimal& value) {
    append_decimal(begin(key), value);
    return *this;
  }
  ObjectWriter& boolean(std::string_view key, bool value) {
    append_bool(begin(key), value);
    return *this;
  }
  /// `json` must already be valid JSON text (a nested object or array built by the caller).
  ObjectWriter& raw(std::string_view key, std::string_view json) {
    begin(key).append(json);
    return *this;
  }
  void close() { out_.push_back('}'); }

 private:
  std::string& begin(std::string_view key) {
    if (!first_) out_.push_back(',');
    first_ = false;
    append_string(out_, key);
    out_.push_back(':');
    return out_;
  }

  std::string& out_;
  bool first_ = true;
};

}  // namespace core::json
