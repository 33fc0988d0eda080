#include "core/subject.h"

namespace core {
namespace {

/// Splits off the first token of `rest`; returns it and advances `rest` past the dot.
std::string_view next_token(std::string_view& rest) {
  const auto dot = rest.find('.');
  const std::string_view token = rest.substr(0, dot);
  rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
  return token;
}

}  // namespace

bool subject_valid(std::string_view subject, bool allow_wildcards) {
  if (subject.empty() || subject.front() == '.' || subject.back() == '.') return false;
  std::string_view rest = subject;
  while (!rest.empty()) {
    const bool last = rest.find('.') == std::string_view::npos;
    const std::string_view token = next_token(rest);
    if (token.empty()) return false;
    for (const char c : token) {
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return false;
    }
    const bool wildcard = token == "*" || token == ">";
    if (!wildcard &&
        (token.find('*') != std::string_view::npos || token.find('>') != std::string_view::npos)) {
      continue;  // NATS allows '*' and '>' inside a longer token as plain characters
    }
    if (wildcard && !allow_wildcards) return false;
    if (token == ">" && !last) return false;
  }
  return true;
}

bool subject_matches(std::string_view pattern, std::string_view subject) {
  std::string_view p = pattern;
  std::string_view s = subject;
  while (!p.empty()) {
    const std::string_view pt = next_token(p);
    if (pt == ">") return !s.empty();
    if (s.empty()) return false;
    const std::string_view st = next_token(s);
    if (pt != "*" && pt != st) return false;
  }
  return s.empty();
}

}  // namespace core
