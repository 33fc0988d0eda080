/// @file gateway/http_api.h
/// @brief HttpApi: the gateway's own routes on service.port, beside the shell's /health and
/// /metrics (net::ServiceShell::set_api_handler and set_health_fields take handle() and
/// health_fields()).
///
/// | route | answer |
/// |---|---|
/// | GET /ready | 200 `{"ready":true,"checks":{..},"failing":[],"checked_at_ms":T}`; 503 |
/// | GET /ticker/{symbol} | 200 the TickerCache JSON; symbols are exchange-native, so unique |
/// | GET /ticker/{exchange}/{symbol} | the same for one exchange |
/// | anything else | 404 `{"error":"not found","path":..}`; other methods 405 |
///
/// /ready is 503 when a check fails, naming it in "failing". It answers from the last run of
/// the checks, which start_ready_checks() repeats every `monitoring.health_check_interval_sec`
/// on the Clock while every check passes, and every `failing_interval_us` (1 s) while one
/// fails, starting with the first run: /ready turns 200 within a second of the service being
/// ready, and back within a second of a failing check passing again. A check that starts
/// failing shows at the next run, not before. An asynchronous check (add_async_ready_check:
/// it answers later, e.g. from a shard's loop) that has not answered within
/// `failing_interval_us` counts as failing. `checked_at_ms` is the wall-clock time (Unix ms)
/// when the run completed; before the first run /ready is 503 with no checks and
/// `"checked_at_ms":null`.
///
/// An unknown symbol gets 404 `{"error":"unknown symbol","symbol":..}` (and `"exchange"`
/// when given). Only /ticker routes are rate limited, per client key, by ClientLimiter: over
/// the limit they get 429 with `Retry-After` (whole seconds after which one request fits) and
/// `{"error":"rate limited","client":..,"retry_after_sec":..}`. The client key is the peer
/// address, or X-Forwarded-For behind a trusted proxy (client_key() in client_limiter.h).
/// Every answer is JSON and counted in `gateway_api_requests_total{path,code}` (path: /ready,
/// /ticker or other).
///
/// Runs on the loop of the HttpServer and the Kv (the same one). Borrows everything it is
/// given; ready checks are called on that loop, from the check timer, and asynchronous ones
/// must answer on it (answers after the API is destroyed or after their run ended are ignored).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/http.h"
#include "core/json_text.h"
#include "core/metrics.h"
#include "core/ports/clock.h"
#include "core/ports/kv.h"
#include "gateway/client_limiter.h"
#include "gateway/ticker_cache.h"

namespace gateway {

class HttpApi {
 public:
  /// `kv` may be null (local limiter only).
  HttpApi(core::Clock& clock, const TickerCache& cache, core::Kv* kv,
          core::metrics::Registry& metrics, ClientLimiterOptions limiter);

  /// How an asynchronous check answers: once, on the API's loop.
  using ReadyAnswer = std::function<void(bool ok)>;
  /// A check behind /ready ("nats": connected, "feeds": live). Checks answer in the order
  /// they were added.
  void add_ready_check(std::string name, std::function<bool()> check);
  /// A check that answers later through `answer` (e.g. after asking other loops).
  void add_async_ready_check(std::string name, std::function<void(ReadyAnswer answer)> check);
  /// Runs the checks now, then every `interval_us` (> 0) while all pass and every
  /// min(`failing_interval_us`, `interval_us`) while one fails, until destroyed. Call once,
  /// after the checks are added.
  void start_ready_checks(std::int64_t interval_us, std::int64_t failing_interval_us = 1'000'000);
  ~HttpApi();
  HttpApi(const HttpApi&) = delete;
  HttpApi& operator=(const HttpApi&) = delete;

  /// A core::HttpServer::Handler: answers at once, or from the Kv's reply for /ticker.
  void handle(const core::HttpRequest& request, core::HttpResponder responder);

  /// `"rate_limiter":"valkey"|"local_fallback"|"local","rate_limiter_fallbacks":N` for /health.
  void health_fields(core::json::ObjectWriter& out) const;

 private:
  void run_ready_checks();
  /// Ends the current run (unanswered checks fail), publishes it, schedules the next.
  void finish_ready_checks();
  void serve_ready(const core::HttpResponder& responder);
  void serve_ticker(std::string_view route, const core::HttpResponder& responder);
  void respond(const core::HttpResponder& responder, std::string_view path_label, int status,
               std::string body, core::Headers headers = {});

  core::Clock& clock_;
  const TickerCache& cache_;
  core::metrics::Registry& metrics_;
  bool trust_forwarded_for_;
  ClientLimiter limiter_;
  std::vector<std::pair<std::string, std::function<void(ReadyAnswer)>>> checks_;
  std::int64_t ready_interval_us_ = 0;
  std::int64_t failing_interval_us_ = 0;
  core::TimerId ready_timer_ = 0;  // the next run, or the current run's answer deadline
  std::uint64_t run_ = 0;          // the current run's number
  bool running_ = false;
  std::vector<std::optional<bool>> answers_;  // the current run's, by check
  std::size_t unanswered_ = 0;
  bool ready_ = false;
  std::string ready_body_;                                 // the last run's /ready answer
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // guards asynchronous answers
};

}  // namespace gateway
