#include "core/secrets/secrets.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace core {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool is_name(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s.front()))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

/// A quoted value starting at rest[0]; `rest` is advanced past the closing quote.
/// Returns nullopt when the quote is not closed.
std::optional<std::string> unquote(std::string_view& rest) {
  char quote = rest.front();
  std::string out;
  for (std::size_t i = 1; i < rest.size(); ++i) {
    char c = rest[i];
    if (c == quote) {
      rest.remove_prefix(i + 1);
      return out;
    }
    if (quote == '"' && c == '\\' && i + 1 < rest.size()) {
      char e = rest[++i];
      out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
      continue;
    }
    out += c;
  }
  return std::nullopt;
}

/// One line of a .env file into `out`; blank and comment lines add nothing.
Status parse_line(std::string_view line, std::string_view file, int number, Env& out) {
  line = trim(line);
  if (line.empty() || line.front() == '#') return Status::ok();
  if (line.substr(0, 7) == "export " || line.substr(0, 7) == "export\t")
    line = trim(line.substr(7));
  std::size_t eq = line.find('=');
  std::string_view name = trim(line.substr(0, eq));
  if (eq == std::string_view::npos || !is_name(name)) {
    return make_error(Errc::kConfig, "secrets: {} line {}: expected NAME=value", file, number);
  }
  std::string_view rest = trim(line.substr(eq + 1));
  std::string value;
  if (!rest.empty() && (rest.front() == '"' || rest.front() == '\'')) {
    std::optional<std::string> quoted = unquote(rest);
    if (!quoted) {
      return make_error(Errc::kConfig, "secrets: {} line {}: the quote around {} is not closed",
                        file, number, name);
    }
    rest = trim(rest);
    if (!rest.empty() && rest.front() != '#') {
      return make_error(Errc::kConfig, "secrets: {} line {}: text after the closing quote of {}",
                        file, number, name);
    }
    value = std::move(*quoted);
  } else {
    std::size_t comment = rest.find(" #");
    value = std::string(trim(rest.substr(0, comment)));
  }
  out[std::string(name)] = std::move(value);
  return Status::ok();
}

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(Errc::kConfig, "secrets: cannot read '{}': {}", path, std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The file to read: the explicit one, else the first default that exists, else none.
std::optional<std::string> pick_file(std::string_view service,
                                     const std::optional<std::string>& explicit_file) {
  if (explicit_file) return explicit_file;
  for (const char* dir : {"/secrets/", "secrets/"}) {
    std::string candidate = fmt::format("{}{}.env", dir, service);
    if (std::ifstream(candidate).good()) return candidate;
  }
  return std::nullopt;
}

std::optional<Secret> pick(const Env& env, const Env& file, const std::string& name) {
  for (const Env* source : {&env, &file}) {
    auto it = source->find(name);
    if (it != source->end() && !is_placeholder(it->second)) return Secret(it->second);
  }
  return std::nullopt;
}

std::string describe(const ExchangeKeys& keys) {
  if (!keys.api_key && !keys.secret) return "absent";
  auto one = [](const std::optional<Secret>& s) {
    return s ? fmt::format("{}", *s) : std::string("absent");
  };
  return fmt::format("key:{},secret:{}", one(keys.api_key), one(keys.secret));
}

}  // namespace

bool is_placeholder(std::string_view value) {
  std::string lower(trim(value));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.empty() || lower.rfind("your_", 0) == 0 ||
         (lower.size() >= 5 && lower.compare(lower.size() - 5, 5, "_here") == 0);
}

Result<Env> parse_env_file(std::string_view text, std::string_view file) {
  Env out;
  int number = 0;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    Status st = parse_line(line, file, ++number, out);
    if (!st) return st;
  }
  return out;
}

Result<Secrets> load_secrets(std::string_view service, const Env& env,
                             const std::optional<std::string>& secrets_file) {
  Secrets secrets;
  Env file_vars;
  if (std::optional<std::string> path = pick_file(service, secrets_file)) {
    Result<std::string> text = read_text(*path);
    if (!text) return text.status();
    Result<Env> parsed = parse_env_file(*text, *path);
    if (!parsed) return parsed.status();
    file_vars = std::move(*parsed);
    secrets.file = *path;
  }
  auto fill = [&](ExchangeKeys& keys, const char* prefix) {
    keys.api_key = pick(env, file_vars, fmt::format("{}_API_KEY", prefix));
    keys.secret = pick(env, file_vars, fmt::format("{}_SECRET", prefix));
  };
  fill(secrets.binance, "BINANCE");
  fill(secrets.coinbase, "COINBASE");
  fill(secrets.kraken, "KRAKEN");
  secrets.admin_token = pick(env, file_vars, "ADMIN_TOKEN");
  return secrets;
}

std::string secrets_summary(const Secrets& secrets) {
  std::string out;
  secrets.for_each([&](const char* name, const ExchangeKeys& keys) {
    out += fmt::format("{}={} ", name, describe(keys));
  });
  out += fmt::format("file={}", secrets.file.empty() ? "none" : secrets.file);
  if (secrets.admin_token) out += fmt::format(" admin_token={}", *secrets.admin_token);
  return out;
}

}  // namespace core
