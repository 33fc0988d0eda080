/// @file core/headers.h
/// @brief Message headers shared by the Bus (NATS) and HTTP: ordered name/value pairs.
///
/// Names keep the case they were sent with and may repeat. NATS compares header names
/// exactly (`header_value`); HTTP ignores case (`find_header`, RFC 9110).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace core {

struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};

using Headers = std::vector<Header>;

/// The first value of header `name` (exact case), or "" if absent.
std::string_view header_value(const Headers& headers, std::string_view name);

/// The first value of header `name` in any case, if present.
std::optional<std::string> find_header(const Headers& headers, std::string_view name);

}  // namespace core
