#include "sim/detail/http1_wire.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

#include <fmt/format.h>

namespace sim::detail {

namespace {

constexpr std::size_t kHeadBytesMax = 64 * 1024;

bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// "HTTP/1.0" or "HTTP/1.1" -> 0 or 1; -1 otherwise.
int version_minor(std::string_view v) {
  if (v == "HTTP/1.1") return 1;
  if (v == "HTTP/1.0") return 0;
  return -1;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool has_header(const core::Headers& headers, std::string_view name) {
  return core::find_header(headers, name).has_value();
}

void write_headers(std::string& out, const core::Headers& headers) {
  for (const core::Header& h : headers) out += fmt::format("{}: {}\r\n", h.name, h.value);
}

}  // namespace

Http1Parser::State Http1Parser::fail(State state, std::string why) {
  final_ = state;
  error_ = std::move(why);
  return state;
}

Http1Parser::State Http1Parser::parse() {
  if (final_ != State::kNeedMore) return final_;
  if (!head_done_) {
    const std::size_t from = scanned_ >= 3 ? scanned_ - 3 : 0;
    const std::size_t end = buffer_.find("\r\n\r\n", from);
    if (end == std::string::npos) {
      scanned_ = buffer_.size();
      if (buffer_.size() > kHeadBytesMax) {
        return fail(State::kMalformed, fmt::format("head over {} bytes", kHeadBytesMax));
      }
      return State::kNeedMore;
    }
    const State head = parse_head(std::string_view(buffer_).substr(0, end + 2));
    if (head != State::kNeedMore) return head;
    head_done_ = true;
    body_start_ = end + 4;
  }
  if (buffer_.size() - body_start_ < body_length_) return State::kNeedMore;
  message_.body = buffer_.substr(body_start_, body_length_);
  buffer_.erase(0, body_start_ + body_length_);
  return State::kDone;
}

Http1Parser::State Http1Parser::parse_head(std::string_view head) {
  message_ = Http1Message{};
  const std::size_t line_end = head.find("\r\n");
  if (!parse_start_line(head.substr(0, line_end))) {
    return fail(
        State::kMalformed,
        fmt::format("bad start line '{}'", head.substr(0, std::min<std::size_t>(line_end, 80))));
  }
  std::optional<std::size_t> length;
  for (std::size_t pos = line_end + 2; pos < head.size();) {
    const std::size_t eol = head.find("\r\n", pos);
    const std::string_view line = head.substr(pos, eol - pos);
    pos = eol + 2;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return fail(State::kMalformed, fmt::format("bad header line '{}'", line.substr(0, 80)));
    }
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "transfer-encoding")) {
      return fail(State::kMalformed, "Transfer-Encoding is not supported");
    }
    if (iequals(name, "content-length")) {
      std::size_t n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc{} || p != value.data() + value.size() || (length && *length != n)) {
        return fail(State::kMalformed, fmt::format("bad Content-Length '{}'", value));
      }
      length = n;
    }
    message_.headers.push_back({std::string(name), std::string(value)});
  }
  const bool no_body =
      skip_body_ || (kind_ == Kind::kResponse &&
                     (message_.status < 200 || message_.status == 204 || message_.status == 304));
  skip_body_ = false;
  body_length_ = no_body ? 0 : length.value_or(0);
  if (body_length_ > body_max_) {
    return fail(State::kTooLarge,
                fmt::format("body of {} bytes is over the limit of {}", body_length_, body_max_));
  }
  return State::kNeedMore;
}

bool Http1Parser::parse_start_line(std::string_view line) {
  const std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return false;
  const std::size_t sp2 = line.find(' ', sp1 + 1);
  const std::string_view first = line.substr(0, sp1);
  const std::string_view second =
      line.substr(sp1 + 1, sp2 == line.npos ? line.npos : sp2 - sp1 - 1);
  const std::string_view third = sp2 == line.npos ? std::string_view() : line.substr(sp2 + 1);
  if (kind_ == Kind::kRequest) {
    message_.version_minor = version_minor(third);
    const bool target_ok = !second.empty() && std::all_of(second.begin(), second.end(), [](char c) {
      return static_cast<unsigned char>(c) > 0x20 && c != 0x7f;
    });
    message_.method = std::string(first);
    message_.target = std::string(second);
    return message_.version_minor >= 0 && is_token(first) && target_ok;
  }
  message_.version_minor = version_minor(first);
  int status = 0;
  auto [p, ec] = std::from_chars(second.data(), second.data() + second.size(), status);
  message_.status = status;
  return message_.version_minor >= 0 && second.size() == 3 && ec == std::errc{} &&
         p == second.data() + second.size() && status >= 100;
}

Http1Message Http1Parser::take() {
  head_done_ = false;
  scanned_ = 0;
  body_start_ = 0;
  body_length_ = 0;
  return std::move(message_);
}

std::string Http1Parser::take_rest() {
  std::string rest = std::move(buffer_);
  buffer_.clear();
  return rest;
}

bool header_has_token(const core::Headers& headers, std::string_view name, std::string_view token) {
  for (const core::Header& h : headers) {
    if (!iequals(h.name, name)) continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      if (iequals(trim(rest.substr(0, comma)), token)) return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

bool keep_alive(const Http1Message& message) {
  if (header_has_token(message.headers, "connection", "close")) return false;
  return message.version_minor == 1 ||
         header_has_token(message.headers, "connection", "keep-alive");
}

bool is_websocket_upgrade(const Http1Message& request) {
  const auto upgrade = core::find_header(request.headers, "upgrade");
  return request.method == "GET" && header_has_token(request.headers, "connection", "upgrade") &&
         upgrade && iequals(*upgrade, "websocket");
}

std::string write_request(const core::Url& origin, const core::HttpRequest& request) {
  std::string out = fmt::format("{} {} HTTP/1.1\r\n", request.method,
                                request.target.empty() ? "/" : request.target);
  if (!has_header(request.headers, "host")) {
    const bool default_port = origin.port == (origin.tls() ? 443 : 80);
    out += default_port ? fmt::format("Host: {}\r\n", origin.host)
                        : fmt::format("Host: {}:{}\r\n", origin.host, origin.port);
  }
  write_headers(out, request.headers);
  if (!has_header(request.headers, "content-length") &&
      (!request.body.empty() || request.method == "POST" || request.method == "PUT")) {
    out += fmt::format("Content-Length: {}\r\n", request.body.size());
  }
  out += "\r\n";
  out += request.body;
  return out;
}

std::string write_response(const core::HttpResponse& response, bool head, bool keep_alive) {
  std::string out =
      fmt::format("HTTP/1.1 {} {}\r\n", response.status, reason_phrase(response.status));
  write_headers(out, response.headers);
  if (!has_header(response.headers, "content-length")) {
    out += fmt::format("Content-Length: {}\r\n", response.body.size());
  }
  if (!keep_alive && !header_has_token(response.headers, "connection", "close")) {
    out += "Connection: close\r\n";
  }
  out += "\r\n";
  if (!head) out += response.body;
  return out;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 418:
      return "I'm a teapot";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

}  // namespace sim::detail
