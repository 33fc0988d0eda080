#include "sim/detail/ilp_parse.h"

#include <charconv>

namespace sim::detail {
namespace {

class LineParser {
 public:
  explicit LineParser(std::string_view line) : s_(line) {}

  /// Reads up to an unescaped character of `stops`; a backslash takes the next byte as is.
  std::string token(std::string_view stops) {
    std::string out;
    while (i_ < s_.size() && stops.find(s_[i_]) == std::string_view::npos) {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      out.push_back(s_[i_++]);
    }
    return out;
  }
  bool take(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool at_end() const { return i_ >= s_.size(); }
  std::string_view rest() const { return s_.substr(i_); }
  /// A quoted string field after its opening quote; false if the closing quote is missing.
  bool quoted(std::string* out) {
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      out->push_back(s_[i_++]);
    }
    return take('"');
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

bool is_integer(std::string_view t) {
  std::int64_t v = 0;
  const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  return !t.empty() && r.ec == std::errc() && r.ptr == t.data() + t.size();
}

bool is_number(std::string_view t) {
  double v = 0;
  const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  return !t.empty() && r.ec == std::errc() && r.ptr == t.data() + t.size() && t != "inf" &&
         t != "nan";
}

/// The query text of an unquoted field value, or nullopt if it is none of the ILP types.
std::optional<std::string> field_text(const std::string& raw) {
  if (raw.size() > 1 && raw.back() == 'i' &&
      is_integer(std::string_view(raw).substr(0, raw.size() - 1))) {
    return raw.substr(0, raw.size() - 1);
  }
  for (const char* t : {"t", "T", "true", "True", "TRUE"}) {
    if (raw == t) return "true";
  }
  for (const char* f : {"f", "F", "false", "False", "FALSE"}) {
    if (raw == f) return "false";
  }
  if (is_number(raw)) return raw;
  return std::nullopt;
}

core::Result<IlpRow> parse_line(std::string_view line) {
  auto fail = [&](std::string_view reason) {
    return core::make_error(core::Errc::kInvalidArgument, "unable to parse '{}': {}", line, reason);
  };
  LineParser p(line);
  IlpRow row;
  row.table = p.token(", ");
  if (row.table.empty()) return fail("missing measurement");
  while (p.take(',')) {
    std::string key = p.token("=, ");
    if (!p.take('=') || key.empty()) return fail("missing tag key");
    std::string value = p.token(", ");
    if (value.empty()) return fail("missing tag value");
    row.tags[key] = value;
  }
  if (!p.take(' ') || p.at_end()) return fail("missing fields");
  do {
    std::string key = p.token("=, ");
    if (!p.take('=') || key.empty()) return fail("missing field key");
    std::string value;
    if (p.take('"')) {
      if (!p.quoted(&value)) return fail("unbalanced quotes");
    } else {
      const std::string raw = p.token(", ");
      if (raw.empty()) return fail("missing field value");
      auto text = field_text(raw);
      if (!text) return fail("invalid field format");
      value = *text;
    }
    row.fields[key] = value;
  } while (p.take(','));
  if (p.take(' ')) {
    const std::string_view ts = p.rest();
    std::int64_t ns = 0;
    const auto r = std::from_chars(ts.data(), ts.data() + ts.size(), ns);
    if (ts.empty() || r.ec != std::errc() || r.ptr != ts.data() + ts.size()) {
      return fail("bad timestamp");
    }
    row.ts_ns = ns;
  } else if (!p.at_end()) {
    return fail("invalid field format");
  }
  return row;
}

}  // namespace

core::Result<std::vector<IlpRow>> parse_ilp(std::string_view text) {
  std::vector<IlpRow> rows;
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size()) {
      if (text[i] == '\\') {
        ++i;
        continue;
      }
      if (text[i] == '"') quoted = !quoted;
      if (text[i] != '\n' || quoted) continue;
    }
    std::string_view line = text.substr(start, i - start);
    start = i + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    auto row = parse_line(line);
    if (!row) return row.status();
    rows.push_back(std::move(*row));
  }
  return rows;
}

}  // namespace sim::detail
