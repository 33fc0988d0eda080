#include "tools/fixtures_convert/inputs.h"

#include <cctype>

#include <simdjson.h>
#include <zlib.h>

namespace fixtures {

namespace {

using core::Errc;
using core::make_error;
using sim::replay::Record;

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

core::Result<std::int64_t> parse_int(std::string_view s) {
  if (!is_digits(s) || s.size() > 19 || (s.size() == 19 && s > "9223372036854775807")) {
    return make_error(Errc::kInvalidArgument, "bad integer '{}'", s);
  }
  std::int64_t v = 0;
  for (const char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

core::Result<std::string> read_all(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return make_error(Errc::kIo, "{}: cannot open", path);
  std::string out;
  char buf[1 << 16];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  const bool failed = n < 0;
  gzclose(f);
  if (failed) return make_error(Errc::kIo, "{}: read failed", path);
  return out;
}

core::Result<std::vector<std::string>> read_lines(const std::string& path) {
  auto all = read_all(path);
  if (!all) return all.status();
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < all->size()) {
    std::size_t nl = all->find('\n', pos);
    if (nl == std::string::npos) nl = all->size();
    lines.emplace_back(*all, pos, nl - pos);
    pos = nl + 1;
  }
  return lines;
}

core::Result<std::int64_t> seconds_to_us(std::string_view seconds) {
  const std::size_t dot = seconds.find('.');
  const std::string_view whole = seconds.substr(0, dot);
  std::string frac(dot == std::string_view::npos ? "" : seconds.substr(dot + 1));
  if (!frac.empty() && !is_digits(frac))
    return make_error(Errc::kInvalidArgument, "bad time '{}'", seconds);
  auto s = parse_int(whole);
  if (!s) return make_error(Errc::kInvalidArgument, "bad time '{}'", seconds);
  const bool round_up = frac.size() > 6 && frac[6] >= '5';
  frac.resize(6, '0');
  return *s * 1'000'000 + *parse_int(frac) + (round_up ? 1 : 0);
}

core::Result<Record> parse_hftbacktest(std::string_view line, bool ns,
                                       const std::string& snapshot_req) {
  const std::size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return make_error(Errc::kInvalidArgument, "no space");
  auto t = parse_int(line.substr(0, sp));
  if (!t) return t.status();
  Record r;
  r.t_us = ns ? *t / 1000 : *t;
  r.msg.assign(line.substr(sp + 1));
  if (r.msg.rfind("{\"lastUpdateId\":", 0) == 0) {
    r.src = "binance.rest";
    r.req = snapshot_req;
  } else {
    r.src = "binance.ws";
  }
  return r;
}

core::Result<bool> parse_cryptofeed_v1(std::string_view line, const std::string& ws_src,
                                       const std::string& rest_src, Record& out) {
  if (line.empty() || line.rfind("configuration: ", 0) == 0) return false;
  out.req.clear();
  std::string_view rest = line;
  if (!std::isdigit(static_cast<unsigned char>(line.front()))) {
    const std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return make_error(Errc::kInvalidArgument, "no space");
    const std::string_view url = line.substr(0, sp);
    const std::string_view arrow = line.substr(sp + 1, line.find(' ', sp + 1) - sp - 1);
    if (arrow == "<->") return false;  // connect
    if (arrow == "<-") {
      out.src = ws_src + ".sent";
    } else if (arrow == "->") {
      out.src = rest_src;
      out.req = fmt::format("GET {}", url);
    } else {
      return make_error(Errc::kInvalidArgument, "unknown direction '{}'", arrow);
    }
    rest = line.substr(sp + 1 + arrow.size() + 1);
  } else {
    out.src = ws_src;
  }
  const std::size_t colon = rest.find(": ");
  if (colon == std::string_view::npos) return make_error(Errc::kInvalidArgument, "no ': '");
  auto t = seconds_to_us(rest.substr(0, colon));
  if (!t) return t.status();
  out.t_us = *t;
  out.msg.assign(rest.substr(colon + 2));
  return true;
}

core::Result<bool> parse_cryptofeed_v3(std::string_view line, const std::string& ws_src,
                                       const std::string& rest_src, Record& out) {
  simdjson::ondemand::parser parser;
  const simdjson::padded_string padded(line);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(obj)) {
    return make_error(Errc::kInvalidArgument, "not a JSON object");
  }
  std::string kind, ts, data, url;
  for (auto field : obj) {
    std::string_view key, value;
    if (field.unescaped_key().get(key)) return make_error(Errc::kInvalidArgument, "bad key");
    simdjson::error_code err = simdjson::SUCCESS;
    if (key == "ts") {
      value = field.value().raw_json_token();
      while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
        value.remove_suffix(1);
      }
      ts.assign(value);
    } else if (key == "t" || key == "data" || key == "url") {
      err = field.value().get_string().get(value);
      (key == "t" ? kind : key == "data" ? data : url).assign(value);
    }
    if (err) return make_error(Errc::kInvalidArgument, "bad \"{}\"", key);
  }
  if (kind == "recv") {
    out.src = ws_src;
    out.req.clear();
  } else if (kind == "send") {
    out.src = ws_src + ".sent";
    out.req.clear();
  } else if (kind == "http") {
    out.src = rest_src;
    out.req = fmt::format("GET {}", url);
  } else {
    return false;
  }
  auto t = seconds_to_us(ts);
  if (!t) return t.status();
  out.t_us = *t;
  out.msg = std::move(data);
  return true;
}

}  // namespace fixtures
