/// @file core/subject.h
/// @brief NATS subject syntax: validation and wildcard matching (`*` one token, `>` the rest).
///
/// Pure functions, used by sim::SimBusServer for routing and stream capture, and by callers
/// that validate configured subjects once at start.
#pragma once

#include <string_view>

namespace core {

/// Non-empty tokens separated by '.', no spaces. With `allow_wildcards`, a token may be `*`,
/// and the last token may be `>`.
bool subject_valid(std::string_view subject, bool allow_wildcards);

/// True if the literal `subject` matches `pattern` (which may hold wildcards).
bool subject_matches(std::string_view pattern, std::string_view subject);

}  // namespace core
