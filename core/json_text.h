/// @file core/json_text.h
/// @brief Appending JSON text to a std::string: escaped strings, integers, decimals.
///
/// The building blocks shared by the bus codecs and the trace writer. They append to a
/// caller-owned buffer (reuse it to avoid allocation) and never validate UTF-8: bytes >= 0x80
/// pass through unchanged, control characters, quotes and backslashes are escaped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/decimal.h"

namespace core::json {

/// Appends `"text"` with JSON escapes.
void append_string(std::string& out, std::string_view text);
void append_int(std::string& out, std::int64_t value);
void append_uint(std::string& out, std::uint64_t value);
/// Appends the decimal's exact text as a JSON number (never quoted, never exponent form).
inline void append_decimal(std::string& out, const Decimal& value) {
  value.append_to(out);
}
inline void append_bool(std::string& out, bool value) {
  out.append(value ? "true" : "false");
}

}  // namespace core::json
