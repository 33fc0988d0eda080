#include "gateway/http_api.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "core/types.h"

namespace gateway {
namespace {

constexpr std::string_view kTickerPrefix = "/ticker/";
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
    : clock_(clock),
      cache_(cache),
      metrics_(metrics),
      trust_forwarded_for_(limiter.trust_forwarded_for),
      limiter_(clock, kv, metrics, std::move(limiter)),
      ready_body_(R"({"ready":false,"checks":{},"failing":[],"checked_at_ms":null})") {}

HttpApi::~HttpApi() {
  if (ready_interval_us_ > 0) clock_.cancel(ready_timer_);
}

void HttpApi::start_ready_checks(std::int64_t interval_us, std::int64_t failing_interval_us) {
  if (interval_us <= 0 || failing_interval_us <= 0 || ready_interval_us_ > 0)
    throw std::logic_error("HttpApi::start_ready_checks: intervals must be > 0, called once");
  ready_interval_us_ = interval_us;
  failing_interval_us_ = std::min(failing_interval_us, interval_us);
  run_ready_checks();
}

void HttpApi::add_ready_check(std::string name, std::function<bool()> check) {
  add_async_ready_check(std::move(name),
                        [check = std::move(check)](const ReadyAnswer& answer) { answer(check()); });
}

void HttpApi::add_async_ready_check(std::string name,
                                    std::function<void(ReadyAnswer answer)> check) {
  checks_.emplace_back(std::move(name), std::move(check));
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
  std::string client = client_key(request, trust_forwarded_for_);
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

void HttpApi::run_ready_checks() {
  ++run_;
  running_ = true;
  answers_.assign(checks_.size(), std::nullopt);
  unanswered_ = checks_.size();
  // Armed first: an answer given at once ends the run and re-arms the timer for the next.
  ready_timer_ = clock_.call_after(failing_interval_us_, [this] { finish_ready_checks(); });
  for (std::size_t i = 0; i < checks_.size(); ++i) {
    checks_[i].second([this, i, run = run_, alive = std::weak_ptr<int>(alive_)](bool ok) {
      if (alive.expired() || run != run_ || !running_ || answers_[i]) return;
      answers_[i] = ok;
      if (--unanswered_ == 0) finish_ready_checks();
    });
  }
  if (checks_.empty()) finish_ready_checks();
}

void HttpApi::finish_ready_checks() {
  if (!running_) return;
  running_ = false;
  clock_.cancel(ready_timer_);
  std::string checks;
  std::string failing = "[";
  core::json::ObjectWriter cw(checks);
  for (std::size_t i = 0; i < checks_.size(); ++i) {
    const std::string& name = checks_[i].first;
    const bool ok = answers_[i].value_or(false);
    cw.boolean(name, ok);
    if (ok) continue;
    if (failing.size() > 1) failing.push_back(',');
    core::json::append_string(failing, name);
  }
  cw.close();
  failing.push_back(']');
  ready_ = failing.size() == 2;
  ready_body_.clear();
  core::json::ObjectWriter w(ready_body_);
  w.boolean("ready", ready_).raw("checks", checks).raw("failing", failing);
  w.i64("checked_at_ms", clock_.wall_us() / 1000);
  w.close();
  ready_timer_ = clock_.call_after(ready_ ? ready_interval_us_ : failing_interval_us_,
                                   [this] { run_ready_checks(); });
}

void HttpApi::serve_ready(const core::HttpResponder& responder) {
  respond(responder, "/ready", ready_ ? 200 : 503, ready_body_);
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
