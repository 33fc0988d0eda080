/// @file sim/detail/ilp_parse.h
/// @brief Parses ILP text (as core::IlpBuffer writes it) into rows, for sim::SimStore.
///
/// Accepts the escapes of core/ilp.h, integer (`5i`), boolean (t, true, f, false, any case
/// as influx does), string ("...") and decimal fields. Values come back as the text a
/// query answers with: integers without the `i`, booleans "true"/"false", strings
/// unescaped, decimals as written. An error quotes the line as influx does:
/// `unable to parse '<line>': <reason>`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace sim::detail {

struct IlpRow {
  std::string table;
  std::map<std::string, std::string> tags;
  std::map<std::string, std::string> fields;
  std::optional<std::int64_t> ts_ns;
};

/// Every non-empty line of `text`; the first bad line fails the whole batch.
core::Result<std::vector<IlpRow>> parse_ilp(std::string_view text);

}  // namespace sim::detail
