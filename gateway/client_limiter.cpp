#include "gateway/client_limiter.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "core/kv_scripts.h"
#include "core/log.h"

namespace gateway {
namespace {

// Beyond this many local keys, idle ones are dropped: there may be many clients.
constexpr std::size_t kLocalKeysPrune = 10'000;
// Longer keys are cut: the key must not grow with what a client sends.
constexpr std::size_t kClientKeyMax = 64;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::int64_t ceil_div(std::int64_t num, std::int64_t den) {
  return (num + den - 1) / den;
}

// {allowed, remaining, retry_after_ms} as kRateLimitScript returns it.
std::optional<LimitDecision> parse_decision(const core::KvReply& reply) {
  const auto* items = reply.array();
  if (items == nullptr || items->size() != 3) return std::nullopt;
  const auto* allowed = (*items)[0].integer();
  const auto* remaining = (*items)[1].integer();
  const auto* retry = (*items)[2].integer();
  if (allowed == nullptr || remaining == nullptr || retry == nullptr) return std::nullopt;
  return LimitDecision{*allowed == 1, *remaining, *retry};
}

}  // namespace

ClientLimiterOptions limiter_options(const core::GatewayConfig& config) {
  ClientLimiterOptions o;
  o.window_ms = std::int64_t{config.rate_limiting.window_sec} * 1000;
  o.max_requests = config.rate_limiting.max_requests_per_window;
  o.shared = config.rate_limiting.use_valkey_cache && config.valkey.rate_limit_enabled;
  o.trust_forwarded_for = config.rate_limiting.trust_forwarded_for;
  return o;
}

std::string client_key(const core::HttpRequest& request, bool trust_forwarded_for) {
  std::string_view key = request.peer;
  const auto forwarded =
      trust_forwarded_for ? core::find_header(request.headers, "X-Forwarded-For") : std::nullopt;
  if (forwarded) {
    std::string_view first = *forwarded;
    first = trim(first.substr(0, first.find(',')));
    if (!first.empty()) key = first;
  }
  if (key.empty()) return "unknown";
  return std::string(key.substr(0, kClientKeyMax));
}

LimitDecision SlidingWindow::take(std::int64_t now_ms, std::int64_t window_ms, std::int64_t limit) {
  const std::int64_t start = now_ms - now_ms % window_ms;
  if (start_ms_ != start) {
    prev_ = start_ms_ == start - window_ms ? cur_ : 0;
    cur_ = 0;
    start_ms_ = start;
  }
  const std::int64_t elapsed = now_ms - start;
  const std::int64_t used = cur_ + prev_ * (window_ms - elapsed) / window_ms;
  if (used + 1 <= limit) {
    ++cur_;
    return {true, limit - used - 1, 0};
  }
  std::int64_t retry_ms = window_ms - elapsed;
  const std::int64_t room = limit - cur_ - 1;
  if (room >= 0 && prev_ > 0) {
    // The first ms t of this window with floor(prev * (window - t) / window) <= room.
    retry_ms = window_ms - ceil_div((room + 1) * window_ms, prev_) + 1 - elapsed;
    retry_ms = std::max<std::int64_t>(retry_ms, 1);
  }
  return {false, std::max<std::int64_t>(limit - used, 0), retry_ms};
}

bool SlidingWindow::idle(std::int64_t now_ms, std::int64_t window_ms) const {
  return now_ms - start_ms_ >= 2 * window_ms;
}

ClientLimiter::ClientLimiter(core::Clock& clock, core::Kv* kv, core::metrics::Registry& metrics,
                             ClientLimiterOptions options)
    : clock_(clock),
      kv_(options.shared ? kv : nullptr),
      options_(std::move(options)),
      fallbacks_(metrics.counter("gateway_api_limiter_fallback_total",
                                 "API requests limited locally because Valkey failed")) {}

ClientLimiter::~ClientLimiter() = default;

std::string_view ClientLimiter::mode() const {
  if (kv_ == nullptr) return "local";
  return falling_back_ ? "local_fallback" : "valkey";
}

void ClientLimiter::check(std::string_view client, std::function<void(LimitDecision)> done) {
  std::string key(client);
  if (kv_ == nullptr || (falling_back_ && clock_.now_us() < retry_valkey_at_us_)) {
    if (kv_ != nullptr) fallbacks_.inc();
    done(decide_locally(key));
    return;
  }
  const std::int64_t now_ms = clock_.wall_us() / 1000;
  std::vector<std::string> args{std::to_string(now_ms), std::to_string(options_.window_ms),
                                std::to_string(options_.max_requests), "1"};
  std::vector<std::string> keys{options_.key_prefix + key};
  std::weak_ptr<int> alive = alive_;
  kv_->eval(core::kRateLimitScript, std::move(keys), std::move(args),
            [this, alive, key = std::move(key), done = std::move(done)](auto reply) {
              if (alive.expired()) return;
              on_reply(key, std::move(reply), done);
            });
}

void ClientLimiter::on_reply(const std::string& client, core::Result<core::KvReply> reply,
                             const std::function<void(LimitDecision)>& done) {
  std::optional<LimitDecision> decision;
  if (reply) decision = parse_decision(reply.value());
  if (decision) {
    if (falling_back_) log_.info("api rate limiter back on valkey");
    falling_back_ = false;
    done(*decision);
    return;
  }
  if (!falling_back_) {
    log_.warn("api rate limiter falls back to a local limiter",
              {{"error", reply ? std::string("unexpected reply shape") : reply.status().message}});
  }
  falling_back_ = true;
  retry_valkey_at_us_ = clock_.now_us() + options_.valkey_retry_us;
  fallbacks_.inc();
  done(decide_locally(client));
}

LimitDecision ClientLimiter::decide_locally(const std::string& client) {
  const std::int64_t now_ms = clock_.wall_us() / 1000;
  if (local_.size() > kLocalKeysPrune) {
    std::erase_if(local_,
                  [&](const auto& kv) { return kv.second.idle(now_ms, options_.window_ms); });
  }
  auto it = local_.find(client);
  if (it == local_.end()) it = local_.emplace(client, SlidingWindow{}).first;
  return it->second.take(now_ms, options_.window_ms, options_.max_requests);
}

}  // namespace gateway
