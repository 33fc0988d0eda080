#include "sim/mockex/request_params.h"

namespace sim::mockex {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::optional<std::string> find(const std::vector<std::pair<std::string, std::string>>& kv,
                                std::string_view name) {
  for (const auto& [k, v] : kv)
    if (k == name) return v;
  return std::nullopt;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_form(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    const auto amp = text.find('&');
    const auto part = text.substr(0, amp);
    if (!part.empty()) {
      const auto eq = part.find('=');
      if (eq == std::string_view::npos)
        out.emplace_back(url_decode(part), "");
      else
        out.emplace_back(url_decode(part.substr(0, eq)), url_decode(part.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    text.remove_prefix(amp + 1);
  }
  return out;
}

RequestParams::RequestParams(const core::HttpRequest& request) {
  const auto q = request.target.find('?');
  path_ = request.target.substr(0, q);
  if (q != std::string::npos) raw_query_ = request.target.substr(q + 1);
  const auto type = core::find_header(request.headers, "Content-Type").value_or("");
  if (type.find("json") == std::string::npos) raw_body_ = request.body;
  query_ = parse_form(raw_query_);
  body_ = parse_form(raw_body_);
}

std::optional<std::string> RequestParams::get(std::string_view name) const {
  if (auto v = find(query_, name)) return v;
  return find(body_, name);
}

std::string strip_signature(std::string_view raw, bool& found) {
  found = false;
  std::size_t start = 0;
  while (start <= raw.size()) {
    auto end = raw.find('&', start);
    if (end == std::string_view::npos) end = raw.size();
    if (raw.substr(start, end - start).starts_with("signature=")) {
      found = true;
      std::string out(raw.substr(0, start > 0 ? start - 1 : 0));
      if (end < raw.size()) {
        // Keep the '&' between what came before and what follows only when both exist.
        const auto rest = raw.substr(start > 0 ? end : end + 1);
        out.append(rest);
      }
      return out;
    }
    start = end + 1;
  }
  return std::string(raw);
}

}  // namespace sim::mockex
