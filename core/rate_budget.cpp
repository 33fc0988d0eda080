#include "core/rate_budget.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "core/kv_scripts.h"

namespace core {
namespace {

constexpr std::int64_t kUsPerMs = 1000;
constexpr std::int64_t kUsPerSecond = 1'000'000;

std::optional<std::int64_t> header_int(const core::HttpResponse& response, std::string_view name) {
  const auto text = core::find_header(response.headers, name);
  if (!text) return std::nullopt;
  std::int64_t v = 0;
  const auto* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, v);
  if (ec != std::errc() || ptr != end || v < 0) return std::nullopt;
  return v;
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return (a + b - 1) / b;
}

std::int64_t exchange_cap(const RateBudgetOptions& o) {
  if (o.exchange_limit_per_window <= 0) return 0;
  return static_cast<std::int64_t>(static_cast<double>(o.exchange_limit_per_window) *
                                   (1.0 - o.headroom_ratio));
}

metrics::Labels labels(const RateBudgetOptions& o) {
  if (o.limit_name.empty()) return {{"exchange", o.exchange}};
  return {{"exchange", o.exchange}, {"limit", o.limit_name}};
}

std::string metric(const RateBudgetOptions& o, std::string_view name) {
  if (o.metric_prefix.empty()) throw std::invalid_argument("RateBudget: metric_prefix is empty");
  return o.metric_prefix + "_" + std::string(name);
}

}  // namespace

void RateBudget::Window::roll(std::int64_t now_ms) {
  const std::int64_t start = now_ms - now_ms % length_ms;
  if (start == start_ms) return;
  prev = start_ms == start - length_ms ? cur : 0;
  cur = 0;
  start_ms = start;
}

std::int64_t RateBudget::Window::used(std::int64_t now_ms) {
  roll(now_ms);
  return cur + prev * (length_ms - (now_ms - start_ms)) / length_ms;
}

std::int64_t RateBudget::Window::wait_ms(std::int64_t now_ms, std::int64_t cost,
                                         std::int64_t limit) {
  roll(now_ms);
  const std::int64_t elapsed = now_ms - start_ms;
  const std::int64_t room = limit - cur - cost;
  // Same arithmetic as core::kRateLimitScript: the first ms of this window at which the
  // previous window's weighted share leaves `room`; otherwise the next window.
  if (room >= 0 && prev > 0)
    return std::max<std::int64_t>(1,
                                  length_ms - ceil_div((room + 1) * length_ms, prev) + 1 - elapsed);
  return std::max<std::int64_t>(1, length_ms - elapsed);
}

RateBudget::RateBudget(core::Clock& clock, core::metrics::Registry& metrics,
                       RateBudgetOptions options, core::Kv* kv)
    : clock_(clock),
      options_(std::move(options)),
      kv_(kv),
      limit_(options_.limit_per_window),
      exchange_cap_(exchange_cap(options_)),
      kv_key_("t26:ratelimit:exchange:" + options_.exchange +
              (options_.limit_name.empty() ? "" : ":" + options_.limit_name)),
      log_(options_.metric_prefix + ".rate_budget"),
      weight_used_(metrics.gauge(metric(options_, "exchange_weight_used"),
                                 "Weight (or orders) the exchange reports used this window",
                                 labels(options_))),
      limit_gauge_(metrics.gauge(metric(options_, "rest_budget_limit"),
                                 "Weight (or orders) per window the budget grants at most",
                                 labels(options_))),
      got_429_(metrics.counter(metric(options_, "exchange_429_total"),
                               "429 responses received from the exchange", labels(options_))),
      got_418_(metrics.counter(metric(options_, "exchange_418_total"),
                               "418 (IP ban) responses received from the exchange",
                               labels(options_))),
      waits_(metrics.counter(metric(options_, "rest_budget_wait_total"),
                             "REST requests that waited for the rate budget", labels(options_))),
      fallbacks_(metrics.counter(metric(options_, "rate_budget_fallback_total"),
                                 "REST grants decided locally because Valkey failed",
                                 labels(options_))) {
  if (options_.exchange.empty()) throw std::invalid_argument("RateBudget: exchange is empty");
  if (options_.limit_per_window < 1)
    throw std::invalid_argument("RateBudget: limit_per_window must be >= 1");
  if (options_.window_ms < 1) throw std::invalid_argument("RateBudget: window_ms must be >= 1");
  window_.length_ms = options_.window_ms;
  if (exchange_cap_ > 0) limit_ = std::min(limit_, exchange_cap_);
  if (limit_ < 1) throw std::invalid_argument("RateBudget: headroom leaves no weight");
  limit_gauge_.set(static_cast<double>(limit_));
}

core::Status RateBudget::set_exchange_limit(std::int64_t exchange_limit_per_window) {
  RateBudgetOptions o = options_;
  o.exchange_limit_per_window = exchange_limit_per_window;
  const std::int64_t cap = exchange_cap(o);
  if (cap < 1)
    return core::make_error(core::Errc::kInvalidArgument,
                            "{} exchange limit {} per window leaves no weight", options_.exchange,
                            exchange_limit_per_window);
  options_ = std::move(o);
  exchange_cap_ = cap;
  limit_ = std::min(options_.limit_per_window, cap);
  limit_gauge_.set(static_cast<double>(limit_));
  if (timer_pending_) {  // the front's wait was worked out with the old limit
    clock_.cancel(timer_);
    timer_pending_ = false;
  }
  pump();
  return core::Status::ok();
}

RateBudget::~RateBudget() {
  if (timer_pending_) clock_.cancel(timer_);
}

bool RateBudget::stopped() const {
  return clock_.now_us() < stopped_until_us_;
}

void RateBudget::acquire(int weight, std::function<void(core::Status)> granted) {
  auto refuse = [&](core::Status s) {
    clock_.post([g = std::move(granted), s = std::move(s)] { g(s); });
  };
  if (weight < 1 || weight > limit_)
    return refuse(core::make_error(core::Errc::kInvalidArgument,
                                   "{} REST weight {} outside [1, {}]", options_.exchange, weight,
                                   limit_));
  if (queue_.size() >= options_.queue_max)
    return refuse(core::make_error(core::Errc::kResourceExhausted,
                                   "{} REST budget: {} requests already waiting", options_.exchange,
                                   queue_.size()));
  queue_.push_back(Waiter{weight, std::move(granted), timer_pending_, false});
  pump();
}

void RateBudget::pump() {
  while (!queue_.empty() && !timer_pending_ && !shared_in_flight_) {
    const std::int64_t now_us = clock_.now_us();
    if (now_us < stopped_until_us_) return hold(stopped_until_us_ - now_us);
    Waiter& front = queue_.front();
    if (front.prepaid) {
      grant_front();
      continue;
    }
    if (const std::int64_t wait_us = local_wait_us(front.weight); wait_us > 0) return hold(wait_us);
    if (kv_ != nullptr && now_us >= shared_retry_at_us_) return ask_shared(front.weight);
    if (kv_ != nullptr) fallbacks_.inc();
    grant_front();
  }
}

std::int64_t RateBudget::local_wait_us(int weight) {
  const std::int64_t now_ms = clock_.wall_us() / kUsPerMs;
  const std::int64_t window = now_ms / options_.window_ms;
  if (exchange_cap_ > 0 && reported_window_ == window && reported_used_ + weight > exchange_cap_)
    return ((window + 1) * options_.window_ms - now_ms) * kUsPerMs;
  if (window_.used(now_ms) + weight > limit_)
    return window_.wait_ms(now_ms, weight, limit_) * kUsPerMs;
  return 0;
}

void RateBudget::ask_shared(int weight) {
  shared_in_flight_ = true;
  const std::int64_t now_ms = clock_.wall_us() / kUsPerMs;
  kv_->eval(core::kRateLimitScript, {kv_key_},
            {std::to_string(now_ms), std::to_string(options_.window_ms), std::to_string(limit_),
             std::to_string(weight)},
            [this, alive = std::weak_ptr<int>(alive_)](core::Result<core::KvReply> reply) {
              if (alive.expired()) return;
              shared_in_flight_ = false;
              on_shared_reply(reply);
            });
}

void RateBudget::on_shared_reply(const core::Result<core::KvReply>& reply) {
  const auto* items = reply.is_ok() ? reply->array() : nullptr;
  const bool well_formed = items != nullptr && items->size() == 3 &&
                           (*items)[0].integer() != nullptr && (*items)[2].integer() != nullptr;
  if (!well_formed) {
    if (shared_ok_)
      log_.warn("shared REST budget unavailable, using the local window",
                {{"exchange", options_.exchange},
                 {"error", reply.is_ok() ? std::string("malformed script reply")
                                         : reply.status().to_string()}});
    shared_ok_ = false;
    shared_retry_at_us_ = clock_.now_us() + options_.shared_retry_us;
    return pump();
  }
  if (!shared_ok_) log_.info("shared REST budget back", {{"exchange", options_.exchange}});
  shared_ok_ = true;
  if (*(*items)[0].integer() == 1) {
    queue_.front().prepaid = true;  // counted in Valkey: never ask twice for it
    return pump();
  }
  hold(std::max<std::int64_t>(1, *(*items)[2].integer()) * kUsPerMs);
}

void RateBudget::grant_front() {
  Waiter w = std::move(queue_.front());
  queue_.pop_front();
  const std::int64_t now_ms = clock_.wall_us() / kUsPerMs;
  window_.roll(now_ms);
  window_.cur += w.weight;
  const std::int64_t window = now_ms / options_.window_ms;
  if (reported_window_ != window) {
    reported_window_ = window;
    reported_used_ = 0;
  }
  reported_used_ += w.weight;
  if (w.waited) waits_.inc();
  clock_.post([alive = std::weak_ptr<int>(alive_), g = std::move(w.granted)] {
    if (!alive.expired()) g(core::Status::ok());
  });
}

void RateBudget::hold(std::int64_t delay_us) {
  for (Waiter& w : queue_) w.waited = true;
  timer_pending_ = true;
  timer_ = clock_.call_after(delay_us, [this, alive = std::weak_ptr<int>(alive_)] {
    if (alive.expired()) return;
    timer_pending_ = false;
    pump();
  });
}

void RateBudget::observe(const core::HttpResponse& response, std::int64_t sent_wall_us) {
  const std::int64_t window = clock_.wall_us() / kUsPerMs / options_.window_ms;
  const auto used = header_int(response, options_.used_header);
  if (used) weight_used_.set(static_cast<double>(*used));
  if (used && (sent_wall_us < 0 || sent_wall_us / kUsPerMs / options_.window_ms == window)) {
    if (reported_window_ != window) {
      reported_window_ = window;
      reported_used_ = 0;
    }
    reported_used_ = std::max(reported_used_, *used);
  }
  if (response.status != 429 && response.status != 418) return;
  const std::int64_t stop_us =
      header_int(response, "Retry-After").value_or(options_.stop_us_default / kUsPerSecond) *
      kUsPerSecond;
  if (response.status == 429) {
    got_429_.inc();
    log_.warn("exchange answered 429, REST stops",
              {{"exchange", options_.exchange}, {"retry_after_us", stop_us}});
  } else {
    got_418_.inc();
    log_.error("exchange answered 418 (IP banned), REST stops",
               {{"exchange", options_.exchange}, {"retry_after_us", stop_us}});
  }
  stopped_until_us_ = std::max(stopped_until_us_, clock_.now_us() + stop_us);
  if (kv_ != nullptr) share_stop(stop_us);
}

void RateBudget::share_stop(std::int64_t stop_us) {
  const std::int64_t now_ms = clock_.wall_us() / kUsPerMs;
  kv_->eval(core::kRateLimitStopScript, {kv_key_},
            {std::to_string(now_ms), std::to_string(now_ms + stop_us / kUsPerMs)},
            [this, alive = std::weak_ptr<int>(alive_)](core::Result<core::KvReply> reply) {
              if (alive.expired() || reply.is_ok()) return;
              // The other instances learn of the stop from their own 429 then.
              log_.warn("could not share the exchange's stop through Valkey",
                        {{"exchange", options_.exchange}, {"error", reply.status().to_string()}});
            });
}

}  // namespace core
