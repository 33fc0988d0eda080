#include "gateway/http_api.h"

#include <optional>

#include "core/types.h"

namespace gateway {
namespace {

constexpr std::string_view kTickerPrefix = "/ticker/";
// Longer X-Forwarded-For values are cut: the key must not grow with what a client sends.
constexpr std::size_t kClientKeyMax = 64;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string error_json(std::string_view error, std::string_view key, std::string_view value) {
  std::string out;
  core::json::ObjectWriter w(out);
  w.str("error", error).str(key, value);
  w.close();
  return out;
}

std::string unknown_symbol_json(std::optional<std::string_view> exchange, std::string_view symbol) {
  std::string out;
  core::json::ObjectWriter w(out);
  w.str("error", "unknown symbol");
  if (exchange) w.str("exchange", *exchange);
  w.str("symbol", symbol);
  w.close();
  return out;
}

}  // namespace

HttpApi::HttpApi(core::Clock& clock, const TickerCache& cache, core::Kv* kv,
                 core::metrics::Registry& metrics, ClientLimiterOptions limiter)
    : cache_(cache), metrics_(metrics), limiter_(clock, kv, metrics, std::move(limiter)) {}

void HttpApi::add_ready_check(std::string name, std::function<bool()> check) {
  checks_.emplace_back(std::move(name), std::move(check));
}

std::string HttpApi::client_key(const core::Headers& headers) {
  auto forwarded = core::find_header(headers, "X-Forwarded-For");
  if (!forwarded) return "all";
  std::string_view first = *forwarded;
  first = trim(first.substr(0, first.find(',')));
  if (first.empty()) return "all";
  return std::string(first.substr(0, kClientKeyMax));
}

void HttpApi::handle(const core::HttpRequest& request, core::HttpResponder responder) {
  std::string_view path = request.target;
  path = path.substr(0, path.find('?'));
  const bool ticker = path.substr(0, kTickerPrefix.size()) == kTickerPrefix;
  const std::string_view label = ticker ? "/ticker" : path == "/ready" ? "/ready" : "other";
  if (request.method != "GET") {
    respond(responder, label, 405, error_json("method not allowed", "method", request.method),
            {{"Allow", "GET"}});
    return;
  }
  if (path == "/ready") {
    serve_ready(responder);
    return;
  }
  if (!ticker) {
    respond(responder, label, 404, error_json("not found", "path", path));
    return;
  }
  std::string client = client_key(request.headers);
  limiter_.check(client, [this, client, responder,
                          route = std::string(path.substr(kTickerPrefix.size()))](LimitDecision d) {
    if (d.allowed) {
      serve_ticker(route, responder);
      return;
    }
    // Whole seconds strictly past the named wait: at the end of a full window the previous
    // one still weighs in full for one more ms, so waiting exactly retry_after_ms can fail.
    const std::int64_t retry_sec = d.retry_after_ms / 1000 + 1;
    std::string body;
    core::json::ObjectWriter w(body);
    w.str("error", "rate limited").str("client", client).i64("retry_after_sec", retry_sec);
    w.close();
    respond(responder, "/ticker", 429, std::move(body),
            {{"Retry-After", std::to_string(retry_sec)}});
  });
}

void HttpApi::serve_ready(const core::HttpResponder& responder) {
  std::string checks;
  std::string failing = "[";
  core::json::ObjectWriter cw(checks);
  for (const auto& [name, check] : checks_) {
    const bool ok = check();
    cw.boolean(name, ok);
    if (ok) continue;
    if (failing.size() > 1) failing.push_back(',');
    core::json::append_string(failing, name);
  }
  cw.close();
  failing.push_back(']');
  const bool ready = failing.size() == 2;
  std::string body;
  core::json::ObjectWriter w(body);
  w.boolean("ready", ready).raw("checks", checks).raw("failing", failing);
  w.close();
  respond(responder, "/ready", ready ? 200 : 503, std::move(body));
}

void HttpApi::serve_ticker(std::string_view route, const core::HttpResponder& responder) {
  std::optional<std::string_view> exchange_text;
  std::string_view symbol = route;
  if (auto slash = route.find('/'); slash != std::string_view::npos) {
    exchange_text = route.substr(0, slash);
    symbol = route.substr(slash + 1);
  }
  if (symbol.empty() || symbol.find('/') != std::string_view::npos) {
    respond(responder, "/ticker", 404,
            error_json("not found", "path", std::string("/ticker/").append(route)));
    return;
  }
  std::optional<core::Exchange> exchange =
      exchange_text ? core::parse_exchange(*exchange_text) : cache_.exchange_of(symbol);
  if (exchange_text && !exchange) {
    respond(responder, "/ticker", 404, error_json("unknown exchange", "exchange", *exchange_text));
    return;
  }
  std::string body;
  if (!exchange || !cache_.append_json(*exchange, symbol, body)) {
    respond(responder, "/ticker", 404, unknown_symbol_json(exchange_text, symbol));
    return;
  }
  respond(responder, "/ticker", 200, std::move(body));
}

void HttpApi::respond(const core::HttpResponder& responder, std::string_view path_label, int status,
                      std::string body, core::Headers headers) {
  metrics_
      .counter("gateway_api_requests_total", "HTTP API requests answered, by route and status",
               {{"path", std::string(path_label)}, {"code", std::to_string(status)}})
      .inc();
  headers.push_back({"Content-Type", "application/json"});
  responder.respond({status, std::move(headers), std::move(body)});
}

void HttpApi::health_fields(core::json::ObjectWriter& out) const {
  out.str("rate_limiter", limiter_.mode()).u64("rate_limiter_fallbacks", limiter_.fallbacks());
}

}  // namespace gateway
