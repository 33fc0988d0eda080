#include "core/http.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace core {

namespace {

std::optional<std::uint16_t> default_port(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") return 80;
  if (scheme == "https" || scheme == "wss") return 443;
  return std::nullopt;
}

}  // namespace

Result<Url> parse_url(std::string_view text) {
  const std::size_t sep = text.find("://");
  if (sep == std::string_view::npos) {
    return make_error(Errc::kInvalidArgument, "url '{}' has no scheme://", text);
  }
  Url url;
  url.scheme = std::string(text.substr(0, sep));
  const std::optional<std::uint16_t> port = default_port(url.scheme);
  if (!port) return make_error(Errc::kInvalidArgument, "url '{}': unknown scheme", text);
  url.port = *port;
  std::string_view rest = text.substr(sep + 3);
  const std::size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  url.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (url.target.front() == '?') url.target.insert(0, "/");
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    std::string_view digits = authority.substr(colon + 1);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || end != digits.data() + digits.size() || value == 0 || value > 65535) {
      return make_error(Errc::kInvalidArgument, "url '{}': bad port '{}'", text, digits);
    }
    url.port = static_cast<std::uint16_t>(value);
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return make_error(Errc::kInvalidArgument, "url '{}' has no host", text);
  url.host = std::string(authority);
  return url;
}

struct HttpResponder::State {
  std::function<void(HttpResponse)> send;
  std::function<void()> reset;
  bool answered = false;

  ~State() {
    if (!answered) send(HttpResponse{500, {}, "handler dropped the request unanswered\n"});
  }
};

HttpResponder::HttpResponder(std::function<void(HttpResponse)> send, std::function<void()> reset)
    : state_(std::make_shared<State>()) {
  state_->send = std::move(send);
  state_->reset = std::move(reset);
}

void HttpResponder::respond(HttpResponse response) const {
  if (state_->answered) return;
  state_->answered = true;
  state_->send(std::move(response));
}

void HttpResponder::reset() const {
  if (state_->answered) return;
  state_->answered = true;
  if (state_->reset) state_->reset();
}

bool HttpResponder::answered() const {
  return state_->answered;
}

}  // namespace core
