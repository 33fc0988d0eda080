#include "gateway/rest_fetcher.h"

#include <algorithm>
#include <utility>

namespace gateway {
namespace {

bool retryable(const core::Result<core::HttpResponse>& result) {
  if (result.is_ok()) return result->status >= 500;
  const core::Errc code = result.status().code;
  return code == core::Errc::kUnavailable || code == core::Errc::kTimeout;
}

}  // namespace

struct RestFetcher::Call {
  std::string target;
  int weight;
  std::function<void(core::Result<core::HttpResponse>)> done;
  int retries = 0;
  std::int64_t sent_wall_us = 0;
};

RestFetcher::RestFetcher(core::Clock& clock, core::HttpClient& http, core::RateBudget& budget,
                         core::Rng rng, RestFetcherOptions options)
    : clock_(clock), http_(http), budget_(budget), rng_(rng), options_(std::move(options)) {}

std::int64_t RestFetcher::backoff_us(int retry, const RestFetcherOptions& options, core::Rng& rng) {
  std::int64_t base = options.backoff_us_min;
  for (int i = 1; i < retry && base < options.backoff_us_max; ++i) base *= 2;
  base = std::min(base, options.backoff_us_max);
  return std::min(options.backoff_us_max, base + rng.random_int(0, base / 2 + 1));
}

void RestFetcher::get(std::string target, int weight,
                      std::function<void(core::Result<core::HttpResponse>)> done) {
  attempt(std::make_shared<Call>(Call{std::move(target), weight, std::move(done)}));
}

RestGet RestFetcher::as_rest_get() {
  return [this](std::string target, int weight,
                std::function<void(core::Result<core::HttpResponse>)> done) {
    get(std::move(target), weight, std::move(done));
  };
}

void RestFetcher::attempt(std::shared_ptr<Call> call) {
  const int weight = call->weight;
  budget_.acquire(weight, [this, alive = std::weak_ptr<int>(alive_),
                           call = std::move(call)](core::Status granted) mutable {
    if (alive.expired()) return;
    if (!granted.is_ok()) return call->done(std::move(granted));
    send(std::move(call));
  });
}

void RestFetcher::send(std::shared_ptr<Call> call) {
  call->sent_wall_us = clock_.wall_us();
  core::HttpRequest request{"GET", call->target, {}, {}};
  http_.request(options_.origin, std::move(request), options_.timeout_us,
                [this, alive = std::weak_ptr<int>(alive_),
                 call = std::move(call)](core::Result<core::HttpResponse> result) mutable {
                  if (alive.expired()) return;
                  on_result(std::move(call), std::move(result));
                });
}

void RestFetcher::on_result(std::shared_ptr<Call> call, core::Result<core::HttpResponse> result) {
  if (result.is_ok()) budget_.observe(*result, call->sent_wall_us);
  if (!retryable(result) || call->retries >= options_.retries_max)
    return call->done(std::move(result));
  ++call->retries;
  const std::int64_t delay_us = backoff_us(call->retries, options_, rng_);
  clock_.call_after(delay_us,
                    [this, alive = std::weak_ptr<int>(alive_), call = std::move(call)]() mutable {
                      if (alive.expired()) return;
                      attempt(std::move(call));
                    });
}

}  // namespace gateway
