/// @file gateway/client_limiter.h
/// @brief ClientLimiter: the HTTP API's per-client request limit, shared by every gateway
/// instance through Valkey, with a local fallback.
///
/// A sliding window of `window_ms` allowing `max_requests` per client key (the current window
/// plus the previous one weighted by how much of it still overlaps). Shared mode runs
/// core::kRateLimitScript on core::Kv with the wall clock's ms, so every instance counts into
/// one key `{key_prefix}{client}`. When a command fails (Valkey unreachable, timeout, error
/// reply) the request is decided by a local limiter with the same numbers and the same
/// arithmetic, counted in `gateway_api_limiter_fallback_total`, and Valkey is tried again
/// after `valkey_retry_us`; mode() says "local_fallback" until a command succeeds again.
/// Local mode (no Kv, or sharing switched off) is always "local". The local counts start
/// from zero when a fallback begins: each instance then allows up to the limit on its own.
///
/// | option | config key | default |
/// |---|---|---|
/// | window_ms | rate_limiting.window_sec x 1000 | 60000 |
/// | max_requests | rate_limiting.max_requests_per_window | 1000 |
/// | shared | rate_limiting.use_valkey_cache and valkey.rate_limit_enabled | true |
/// | trust_forwarded_for | rate_limiting.trust_forwarded_for | false |
///
/// The client key (client_key()) is the connection's peer address, HttpRequest::peer: what
/// the TCP connection proves, so a client cannot pick a fresh budget per request. Behind a
/// reverse proxy every client would share the proxy's address; `trust_forwarded_for` then takes
/// the first address of X-Forwarded-For instead (the client as the proxy saw it). Only set it
/// when every request comes through a proxy that overwrites the header: a client that reaches
/// the gateway directly could send any value.
///
/// Runs on one loop: the Kv's (its callbacks run there). Borrows clock, kv and metrics.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/config/gateway_config.h"
#include "core/http.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/ports/clock.h"
#include "core/ports/kv.h"

namespace gateway {

struct ClientLimiterOptions {
  std::int64_t window_ms = 60'000;
  std::int64_t max_requests = 1000;
  bool shared = true;
  std::string key_prefix = "t26:gateway:api:";
  std::int64_t valkey_retry_us = 5'000'000;  // how long to stay local after a failure
  bool trust_forwarded_for = false;
};

/// The rate-limit key of a request (see the file comment), at most 64 characters; "unknown"
/// when the server gave no peer address (and no trusted X-Forwarded-For is there).
std::string client_key(const core::HttpRequest& request, bool trust_forwarded_for);

/// The options from `rate_limiting.*` and `valkey.rate_limit_enabled`.
ClientLimiterOptions limiter_options(const core::GatewayConfig& config);

struct LimitDecision {
  bool allowed = false;
  std::int64_t remaining = 0;       // requests left in the window after this one
  std::int64_t retry_after_ms = 0;  // > 0 when refused: when one request fits again
};

/// The sliding window of kRateLimitScript in C++, one key. Same integers, same answers.
class SlidingWindow {
 public:
  LimitDecision take(std::int64_t now_ms, std::int64_t window_ms, std::int64_t limit);
  /// True when the window state no longer affects any answer at `now_ms`.
  bool idle(std::int64_t now_ms, std::int64_t window_ms) const;

 private:
  std::int64_t start_ms_ = -1;
  std::int64_t cur_ = 0;
  std::int64_t prev_ = 0;
};

class ClientLimiter {
 public:
  /// `kv` may be null: local mode.
  ClientLimiter(core::Clock& clock, core::Kv* kv, core::metrics::Registry& metrics,
                ClientLimiterOptions options);
  ~ClientLimiter();
  ClientLimiter(const ClientLimiter&) = delete;
  ClientLimiter& operator=(const ClientLimiter&) = delete;

  /// Counts one request of `client` and calls `done` with the decision: at once in local
  /// mode, from the Kv's reply otherwise. Never called after the limiter is destroyed.
  void check(std::string_view client, std::function<void(LimitDecision)> done);

  /// "valkey", "local_fallback" or "local".
  std::string_view mode() const;
  std::uint64_t fallbacks() const { return fallbacks_.value(); }

 private:
  LimitDecision decide_locally(const std::string& client);
  void on_reply(const std::string& client, core::Result<core::KvReply> reply,
                const std::function<void(LimitDecision)>& done);

  core::Clock& clock_;
  core::Kv* kv_;
  ClientLimiterOptions options_;
  core::metrics::Counter& fallbacks_;
  core::log::Logger log_{"gateway.api"};
  std::map<std::string, SlidingWindow, std::less<>> local_;
  bool falling_back_ = false;
  std::int64_t retry_valkey_at_us_ = 0;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // guards Kv callbacks
};

}  // namespace gateway
