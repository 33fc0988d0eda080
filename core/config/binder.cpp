#include "core/config/detail/binder.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace core::config_detail {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

/// The closest known key, when it is close enough to be a likely typo.
std::string suggestion(std::string_view key, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, key.size() / 3) + 1;
  for (const std::string& k : known) {
    std::size_t d = edit_distance(key, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  return best;
}

bool matches(std::string_view s, Text rule) {
  switch (rule) {
    case Text::kAny:
      return true;
    case Text::kNonEmpty:
      return !s.empty();
    case Text::kToken:
      return !s.empty() && std::none_of(s.begin(), s.end(), [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) != 0;
      });
  }
  return false;
}

const char* rule_name(Text rule) {
  switch (rule) {
    case Text::kAny:
      return "a string";
    case Text::kNonEmpty:
      return "a non-empty string";
    case Text::kToken:
      return "a non-empty string without spaces";
  }
  return "a string";
}

const char* rule_plural(Text rule) {
  switch (rule) {
    case Text::kAny:
      return "strings";
    case Text::kNonEmpty:
      return "non-empty strings";
    case Text::kToken:
      return "non-empty strings without spaces";
  }
  return "strings";
}

bool is_decimal(std::string_view s) {
  std::size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  auto digits = [](std::string_view d) {
    return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  bool has_frac = dot != std::string_view::npos;
  return !whole.empty() && digits(whole) && digits(frac) && (!has_frac || !frac.empty());
}

std::string url_scheme(std::string_view url) {
  std::size_t sep = url.find("://");
  return sep == std::string_view::npos ? "" : std::string(url.substr(0, sep));
}

template <typename T>
bool parse_int(std::string_view s, T& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

template <typename T>
void bind_integer(const Node* node, T& value, T min, T max,
                  const std::function<void(const std::string&, const Node&)>& fail) {
  if (node == nullptr) return;
  T parsed{};
  if (node->kind != Node::Kind::kScalar || !parse_int(node->scalar, parsed) || parsed < min ||
      parsed > max) {
    fail(fmt::format("an integer in [{}, {}]", min, max), *node);
    return;
  }
  value = parsed;
}

}  // namespace

std::string mask_credentials(std::string_view url) {
  std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) return std::string(url);
  std::size_t host_start = sep + 3;
  std::size_t at = url.find('@', host_start);
  std::size_t slash = url.find('/', host_start);
  if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at)) {
    return std::string(url);
  }
  return fmt::format("{}***{}", url.substr(0, host_start), url.substr(at));
}

Binder::Binder(const Node* in, Node* out, std::string path, std::vector<std::string>* errors)
    : in_(in), out_(out), path_(std::move(path)), errors_(errors) {}

Status Binder::read(const Node& root, const std::function<void(Binder&)>& body) {
  std::vector<std::string> errors;
  Binder b(&root, nullptr, "", &errors);
  body(b);
  b.check_unknown_keys();
  if (errors.empty()) return Status::ok();
  std::string joined;
  for (const std::string& e : errors) {
    if (!joined.empty()) joined += "; ";
    joined += e;
  }
  return Status{Errc::kConfig, std::move(joined), false};
}

void Binder::dump(Node& out, const std::function<void(Binder&)>& body) {
  out.kind = Node::Kind::kMap;
  Binder b(nullptr, &out, "", nullptr);
  body(b);
}

std::string Binder::full(std::string_view key) const {
  return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
}

const Node* Binder::take(std::string_view key) {
  known_.emplace_back(key);
  const Node* node = in_->find(key);
  return node == nullptr || node->kind == Node::Kind::kNull ? nullptr : node;
}

const Node* Binder::take_scalar(std::string_view key, std::string_view expected) {
  const Node* node = take(key);
  if (node != nullptr && node->kind != Node::Kind::kScalar) {
    fail(key, expected, *node);
    return nullptr;
  }
  return node;
}

void Binder::fail(std::string_view key, std::string_view expected, const Node& got) {
  errors_->push_back(fmt::format("config: '{}' must be {}, got {} in {}", full(key), expected,
                                 describe(got), got.origin));
}

void Binder::put(std::string_view key, std::string scalar) {
  Node& n = out_->child(key);
  n.kind = Node::Kind::kScalar;
  n.scalar = std::move(scalar);
}

void Binder::check_unknown_keys() {
  for (const auto& [key, value] : in_->fields) {
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::string hint = suggestion(key, known_);
    errors_->push_back(fmt::format("config: unknown key '{}'{} in {}", full(key),
                                   hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint),
                                   value.origin));
  }
}

void Binder::section(std::string_view key, const std::function<void(Binder&)>& body) {
  if (out_ != nullptr) {
    Node& child = out_->child(key);
    child.kind = Node::Kind::kMap;
    Binder sub(nullptr, &child, full(key), nullptr);
    body(sub);
    return;
  }
  const Node* node = take(key);
  if (node == nullptr) return;
  if (node->kind != Node::Kind::kMap) return fail(key, "a mapping", *node);
  Binder sub(node, nullptr, full(key), errors_);
  body(sub);
  sub.check_unknown_keys();
}

void Binder::flag(std::string_view key, bool& value) {
  if (out_ != nullptr) return put(key, value ? "true" : "false");
  const Node* node = take_scalar(key, "true or false");
  if (node == nullptr) return;
  if (iequals(node->scalar, "true")) {
    value = true;
  } else if (iequals(node->scalar, "false")) {
    value = false;
  } else {
    fail(key, "true or false", *node);
  }
}

void Binder::integer(std::string_view key, int& value, int min, int max) {
  if (out_ != nullptr) return put(key, std::to_string(value));
  bind_integer(take(key), value, min, max,
               [&](const std::string& expected, const Node& got) { fail(key, expected, got); });
}

void Binder::integer(std::string_view key, std::int64_t& value, std::int64_t min,
                     std::int64_t max) {
  if (out_ != nullptr) return put(key, std::to_string(value));
  bind_integer(take(key), value, min, max,
               [&](const std::string& expected, const Node& got) { fail(key, expected, got); });
}

void Binder::seconds(std::string_view key, double& value, double min, double max) {
  std::string expected = fmt::format("a number of seconds in [{}, {}]", min, max);
  if (out_ != nullptr) return put(key, fmt::format("{}", value));
  const Node* node = take_scalar(key, expected);
  if (node == nullptr) return;
  double parsed = 0;
  const std::string& s = node->scalar;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), parsed);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(parsed) || parsed < min ||
      parsed > max) {
    return fail(key, expected, *node);
  }
  value = parsed;
}

void Binder::text(std::string_view key, std::string& value, Text rule) {
  if (out_ != nullptr) {
    put(key, value);
    out_->child(key).quote = true;
    return;
  }
  const Node* node = take_scalar(key, rule_name(rule));
  if (node == nullptr) return;
  if (!matches(node->scalar, rule)) return fail(key, rule_name(rule), *node);
  value = node->scalar;
}

void Binder::choice(std::string_view key, std::string& value,
                    std::initializer_list<std::string_view> allowed) {
  std::string expected = "one of";
  for (std::string_view a : allowed) expected += fmt::format(" {}", a);
  if (out_ != nullptr) return text(key, value, Text::kAny);
  const Node* node = take_scalar(key, expected);
  if (node == nullptr) return;
  for (std::string_view a : allowed) {
    if (iequals(a, node->scalar)) {
      value = std::string(a);
      return;
    }
  }
  fail(key, expected, *node);
}

void Binder::url(std::string_view key, std::string& value,
                 std::initializer_list<std::string_view> schemes) {
  std::string expected = "a URL starting with";
  for (std::string_view s : schemes) {
    expected += fmt::format("{} {}://", s == *schemes.begin() ? "" : " or", s);
  }
  if (out_ != nullptr) {
    std::string masked = mask_credentials(value);
    return text(key, masked, Text::kAny);
  }
  const Node* node = take_scalar(key, expected);
  if (node == nullptr) return;
  std::string scheme = url_scheme(node->scalar);
  bool host_present = node->scalar.size() > scheme.size() + 3;
  if (std::find(schemes.begin(), schemes.end(), scheme) == schemes.end() || !host_present) {
    return fail(key, expected, *node);
  }
  value = node->scalar;
}

void Binder::decimal(std::string_view key, std::string& value) {
  constexpr std::string_view kExpected = "a non-negative decimal number";
  if (out_ != nullptr) return text(key, value, Text::kAny);
  const Node* node = take_scalar(key, kExpected);
  if (node == nullptr) return;
  if (!is_decimal(node->scalar)) return fail(key, kExpected, *node);
  value = node->scalar;
}

void Binder::list(std::string_view key, std::vector<std::string>& value, Text rule) {
  std::string expected = fmt::format("a list of {}", rule_plural(rule));
  if (out_ != nullptr) {
    Node& n = out_->child(key);
    n.kind = Node::Kind::kList;
    for (const std::string& v : value) {
      n.items.push_back(Node{Node::Kind::kScalar, v, true, {}, {}, ""});
    }
    return;
  }
  const Node* node = take(key);
  if (node == nullptr) return;
  if (node->kind != Node::Kind::kList) return fail(key, expected, *node);
  std::vector<std::string> parsed;
  for (std::size_t i = 0; i < node->items.size(); ++i) {
    const Node& item = node->items[i];
    std::string item_key = fmt::format("{}[{}]", key, i);
    if (item.kind != Node::Kind::kScalar || !matches(item.scalar, rule)) {
      return fail(item_key, rule_name(rule), item);
    }
    if (std::find(parsed.begin(), parsed.end(), item.scalar) != parsed.end()) {
      return fail(item_key, "different from the items before it", item);
    }
    parsed.push_back(item.scalar);
  }
  value = std::move(parsed);
}

}  // namespace core::config_detail
