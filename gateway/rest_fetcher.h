/// @file gateway/rest_fetcher.h
/// @brief RestFetcher: GET requests to one exchange's REST origin, paced by its RateBudget,
/// retried on network errors and 5xx with exponential backoff and jitter.
///
/// Each attempt first acquires `weight` from the RateBudget, then sends through the
/// core::HttpClient port, and hands every response to `RateBudget::observe` (weight header,
/// 429/418 stops). kUnavailable, kTimeout and 5xx are retried up to `retries_max` times after
/// min(backoff_us_max, backoff_us_min * 2^(n-1)) plus up to half of that again as jitter from
/// the Rng, capped at backoff_us_max (1 s, 2 s, 4 s... at most 10 s); the last error or
/// response is handed back. Other errors and every 4xx (429 and 418 included) come back at once:
/// retrying them is the budget's business, not the fetcher's. A budget refusal
/// (kResourceExhausted) comes back as the result too.
///
/// | option | meaning | default |
/// |---|---|---|
/// | origin | exchanges.<name>.rest_url (scheme, host, port) | (required) |
/// | timeout_us | per attempt | 10 s |
/// | retries_max | retries after the first attempt | 3 |
/// | backoff_us_min, backoff_us_max | retry delay bounds | 1 s, 10 s |
///
/// Runs on the shard's loop; `done` runs on it, once, never inside get(). Destroying the
/// fetcher drops calls in progress without calling their `done`. The budget and the client
/// must outlive the fetcher.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/http.h"
#include "core/ports/clock.h"
#include "core/ports/http.h"
#include "core/rate_budget.h"
#include "core/rng.h"
#include "core/status.h"
#include "gateway/rest_get.h"

namespace gateway {

struct RestFetcherOptions {
  core::Url origin;
  std::int64_t timeout_us = 10'000'000;
  int retries_max = 3;
  std::int64_t backoff_us_min = 1'000'000;
  std::int64_t backoff_us_max = 10'000'000;
};

class RestFetcher {
 public:
  RestFetcher(core::Clock& clock, core::HttpClient& http, core::RateBudget& budget, core::Rng rng,
              RestFetcherOptions options);
  RestFetcher(const RestFetcher&) = delete;
  RestFetcher& operator=(const RestFetcher&) = delete;

  void get(std::string target, int weight,
           std::function<void(core::Result<core::HttpResponse>)> done);
  /// A RestGet bound to this fetcher (which must outlive it).
  RestGet as_rest_get();

  /// The delay before retry number `retry` (1-based), jitter drawn from `rng`.
  static std::int64_t backoff_us(int retry, const RestFetcherOptions& options, core::Rng& rng);

 private:
  struct Call;
  void attempt(std::shared_ptr<Call> call);
  void send(std::shared_ptr<Call> call);
  void on_result(std::shared_ptr<Call> call, core::Result<core::HttpResponse> result);

  core::Clock& clock_;
  core::HttpClient& http_;
  core::RateBudget& budget_;
  core::Rng rng_;
  RestFetcherOptions options_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace gateway
