#include "live_gateway/live_executor.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/sign.h"

namespace live_gateway {
namespace {

constexpr int kPriceScale = 8;
constexpr std::int64_t kNoSuchOrder = -2013;
constexpr std::int64_t kUnknownOrderSent = -2011;

std::int64_t seconds_to_us(double seconds) {
  return static_cast<std::int64_t>(std::llround(seconds * 1e6));
}

std::string describe(const binance::Reply& r) {
  if (r.http_status == 0) return r.msg;
  return r.code != 0 ? fmt::format("HTTP {} code {}: {}", r.http_status, r.code, r.msg)
                     : fmt::format("HTTP {}", r.http_status);
}

/// Amounts of real orders stay far inside 38 digits; an overflow reads as zero.
core::Decimal or_zero(const core::Result<core::Decimal>& r) {
  return r ? *r : core::Decimal();
}

/// One of Binance's limits, kept 10 % below the exchange's figure.
core::RateBudgetOptions budget_options(std::string limit_name, std::int64_t window_ms,
                                       std::int64_t exchange_limit, std::string header) {
  core::RateBudgetOptions o;
  o.exchange = "binance";
  o.limit_per_window = exchange_limit;
  o.exchange_limit_per_window = exchange_limit;
  o.window_ms = window_ms;
  o.used_header = std::move(header);
  o.metric_prefix = "live";
  o.limit_name = std::move(limit_name);
  return o;
}

bool is_new_order(std::string_view method, std::string_view path) {
  return method == "POST" && path == "/api/v3/order";
}

}  // namespace

struct LiveExecutor::Working {
  core::Order order;
  std::string id;
  enum class Phase { kSending, kLookingUp, kOpen } phase = Phase::kSending;
  int resends = 0;                               // sent again after a lookup proved absence
  std::optional<std::int64_t> unknown_since_us;  // when the outcome first became unknown
  std::string cause;                             // what first made the outcome unknown
  std::string evidence;                          // the latest lookup's result
  bool accepted_reported = false;
  bool cancel_requested = false;
  bool request_in_flight = false;  // a poll or cancel is out (lookups use phase)
  core::Decimal filled_qty;
  core::Decimal filled_quote;
  std::optional<std::string> exchange_order_id;
  int polled_fills = 0;
  core::OrderStatus last_reported = core::OrderStatus::kAccepted;
};

LiveExecutorOptions LiveExecutorOptions::from_config(const core::LiveGatewayConfig& config) {
  LiveExecutorOptions o;
  o.api_url = config.exchanges.binance.api_url;
  o.request_timeout_us = seconds_to_us(config.execution.timeout_sec);
  o.max_retries = config.execution.max_retries;
  o.retry_delay_us = seconds_to_us(config.execution.retry_delay_sec);
  o.order_timeout_us = seconds_to_us(config.exchanges.binance.order_timeout_sec);
  return o;
}

LiveExecutor::LiveExecutor(core::Clock& clock, core::HttpClient& http,
                           core::metrics::Registry& metrics, LiveExecutorOptions options,
                           core::ExchangeKeys keys, ExecutionEvents events)
    : clock_(clock),
      http_(http),
      metrics_(metrics),
      options_(std::move(options)),
      keys_(std::move(keys)),
      events_(std::move(events)),
      log_("live_gateway.live_executor"),
      in_doubt_total_(metrics.counter(
          "live_in_doubt_total", "Orders whose outcome became unknown and had to be looked up")),
      origin_(core::parse_url(options_.api_url)),
      weight_(clock, metrics,
              budget_options("weight_1m", 60'000, options_.weight_per_min, "X-MBX-USED-WEIGHT-1M")),
      orders_10s_(
          clock, metrics,
          budget_options("orders_10s", 10'000, options_.orders_per_10s, "X-MBX-ORDER-COUNT-10S")),
      orders_1d_(clock, metrics,
                 budget_options("orders_1d", 86'400'000, options_.orders_per_day,
                                "X-MBX-ORDER-COUNT-1D")) {}

LiveExecutor::~LiveExecutor() {
  if (poll_timer_) clock_.cancel(*poll_timer_);
}

std::int64_t LiveExecutor::backoff_us(int attempt) const {
  return options_.retry_delay_us << std::min(attempt, 10);
}

LiveExecutor::Working* LiveExecutor::find(const std::string& id) {
  const auto it = orders_.find(id);
  return it == orders_.end() ? nullptr : it->second.get();
}

void LiveExecutor::start() {
  const std::int64_t sent_ms = clock_.wall_us() / 1000;
  send("GET", "/api/v3/time", {}, 0, [this, sent_ms](binance::Reply r) {
    const auto server_ms = binance::parse_server_time(r.body);
    if (r.outcome != binance::Outcome::kOk || !server_ms) {
      log_.warn("binance server time unknown; signing with our own clock",
                {{"error", describe(r)}});
      return;
    }
    clock_offset_ms_ = *server_ms - (sent_ms + clock_.wall_us() / 1000) / 2;
    log_.info("binance clock offset", {{"offset_ms", clock_offset_ms_}});
  });
}

void LiveExecutor::send(std::string method, std::string path, std::string params, int attempt,
                        Done done) {
  binance::Reply unsent;
  unsent.outcome = binance::Outcome::kUnsent;
  if (!origin_ || !keys_.complete()) {
    unsent.msg = !origin_ ? origin_.status().message : "binance keys are not set";
    return done(std::move(unsent));
  }
  acquire(method, path,
          [this, alive = std::weak_ptr<bool>(alive_), method, path, params, attempt,
           done = std::move(done), unsent](core::Status granted) mutable {
            if (alive.expired()) return;
            if (!granted) {
              unsent.msg = granted.message;
              return done(std::move(unsent));
            }
            dispatch(std::move(method), std::move(path), std::move(params), attempt,
                     std::move(done));
          });
}

void LiveExecutor::acquire(const std::string& method, const std::string& path,
                           std::function<void(core::Status)> granted) {
  const int weight = method == "GET" && path == "/api/v3/order" ? 4 : 1;
  if (!is_new_order(method, path)) return weight_.acquire(weight, std::move(granted));
  weight_.acquire(weight, [this, granted = std::move(granted)](core::Status s) mutable {
    if (!s) return granted(std::move(s));
    orders_10s_.acquire(1, [this, granted = std::move(granted)](core::Status s) mutable {
      if (!s) return granted(std::move(s));
      orders_1d_.acquire(1, std::move(granted));
    });
  });
}

void LiveExecutor::dispatch(std::string method, std::string path, std::string params, int attempt,
                            Done done) {
  core::HttpRequest request{method, path, {}, ""};
  if (path != "/api/v3/time") {
    const std::string query = params + (params.empty() ? "" : "&") +
                              fmt::format("recvWindow={}&timestamp={}", options_.recv_window_ms,
                                          clock_.wall_us() / 1000 + clock_offset_ms_);
    request.target += "?" + core::binance_signed_query(query, *keys_.secret);
    request.headers.push_back({"X-MBX-APIKEY", keys_.api_key->expose()});
  }
  const std::int64_t sent_wall_us = clock_.wall_us();
  http_.request(
      *origin_, std::move(request), options_.request_timeout_us,
      [this, alive = std::weak_ptr<bool>(alive_), method, path, params, attempt, sent_wall_us,
       done](core::Result<core::HttpResponse> response) mutable {
        if (alive.expired()) return;
        if (response) {  // the budgets hold every request while a 429/418's Retry-After runs
          weight_.observe(*response, sent_wall_us);
          if (is_new_order(method, path)) {
            orders_10s_.observe(*response, sent_wall_us);
            orders_1d_.observe(*response, sent_wall_us);
          }
        }
        binance::Reply reply = binance::classify(response);
        metrics_
            .counter("live_exchange_requests_total", "REST requests to the exchange, by result",
                     {{"endpoint", method + " " + path}, {"code", reply.metric_code}})
            .inc();
        if (reply.outcome == binance::Outcome::kRateLimited) {
          log_.warn("binance rate limit",
                    {{"status", reply.http_status}, {"retry_after_sec", reply.retry_after_sec}});
        }
        if (reply.outcome == binance::Outcome::kUnsent && attempt < options_.max_retries) {
          clock_.call_after(backoff_us(attempt),
                            [this, alive, method, path, params, attempt, done]() mutable {
                              if (!alive.expired())
                                send(std::move(method), std::move(path), std::move(params),
                                     attempt + 1, std::move(done));
                            });
          return;
        }
        done(std::move(reply));
      });
}

void LiveExecutor::submit(const core::Order& order) {
  const std::string id = order.client_order_id.value_or("");
  if (id.empty() || orders_.count(id) != 0) {
    return refuse(
        order.account, order.symbol, id,
        id.empty() ? core::RejectCode::kInvalidOrder : core::RejectCode::kDuplicateClientOrderId,
        id.empty() ? "no client_order_id" : "client_order_id is already working");
  }
  auto w = std::make_unique<Working>();
  w->order = order;
  w->id = id;
  orders_.emplace(id, std::move(w));
  send_order(id);
}

void LiveExecutor::send_order(const std::string& id) {
  Working* w = find(id);
  w->phase = Working::Phase::kSending;
  send("POST", "/api/v3/order", binance::new_order_params(w->order, id), 0,
       [this, id](binance::Reply r) { on_order_reply(id, std::move(r)); });
}

void LiveExecutor::on_order_reply(const std::string& id, binance::Reply reply) {
  Working* w = find(id);
  if (w == nullptr) return;
  switch (reply.outcome) {
    case binance::Outcome::kOk: {
      auto row = binance::parse_order_row(reply.body);
      if (!row) {
        mark_unknown(*w, "unreadable order response: " + row.status().message);
        return look_up(id);
      }
      w->phase = Working::Phase::kOpen;
      w->unknown_since_us.reset();
      return apply_row(*w, *row);
    }
    case binance::Outcome::kRejected:
    case binance::Outcome::kRateLimited:
      return finish(id, core::OrderStatus::kRejected,
                    binance::reject_code(reply.http_status, reply.code, reply.msg),
                    "binance refused the order: " + describe(reply));
    case binance::Outcome::kUnsent:
      return finish(id, core::OrderStatus::kFailed, core::RejectCode::kExchangeError,
                    fmt::format("binance unreachable, order not sent ({} attempts): {}",
                                options_.max_retries + 1, reply.msg));
    case binance::Outcome::kUnknown:
      mark_unknown(*w, "order send: " + describe(reply));
      return look_up(id);
  }
}

void LiveExecutor::mark_unknown(Working& w, const std::string& evidence) {
  w.phase = Working::Phase::kLookingUp;
  w.evidence = evidence;
  if (w.unknown_since_us) return;
  w.cause = evidence;
  w.unknown_since_us = clock_.now_us();
  in_doubt_total_.inc();
  log_.warn("order outcome unknown; looking it up",
            {{"client_order_id", w.id}, {"evidence", evidence}});
}

void LiveExecutor::look_up(const std::string& id) {
  Working* w = find(id);
  const std::int64_t unknown_us = clock_.now_us() - *w->unknown_since_us;
  if (unknown_us >= options_.order_timeout_us) {
    return finish(
        id, core::OrderStatus::kFailed, core::RejectCode::kTimeout,
        fmt::format("outcome unknown for {} ms (order_timeout {} ms); cause: {}; last: {}",
                    unknown_us / 1000, options_.order_timeout_us / 1000, w->cause, w->evidence));
  }
  send("GET", "/api/v3/order",
       fmt::format("symbol={}&origClientOrderId={}", binance::form_escape(w->order.symbol),
                   binance::form_escape(id)),
       0, [this, id](binance::Reply r) { on_lookup_reply(id, std::move(r)); });
}

void LiveExecutor::on_lookup_reply(const std::string& id, binance::Reply reply) {
  Working* w = find(id);
  if (w == nullptr) return;
  if (reply.outcome == binance::Outcome::kOk) {
    auto row = binance::parse_order_row(reply.body);
    if (row) {
      log_.info("order found by lookup", {{"client_order_id", id}, {"status", row->status}});
      w->phase = Working::Phase::kOpen;
      w->unknown_since_us.reset();
      return apply_row(*w, *row);
    }
    w->evidence = "lookup: unreadable order: " + row.status().message;
  } else if (reply.outcome == binance::Outcome::kRejected && reply.code == kNoSuchOrder) {
    // Absence is proven: only now may the order go out again.
    if (w->resends < options_.max_retries) {
      ++w->resends;
      w->evidence += "; lookup: not on the exchange (-2013), sent again";
      log_.warn("order not on the exchange; sending it again", {{"client_order_id", id}});
      return send_order(id);
    }
    return finish(
        id, core::OrderStatus::kFailed, core::RejectCode::kExchangeError,
        fmt::format("not on the exchange after {} sends; {}", w->resends + 1, w->evidence));
  } else {
    w->evidence = "lookup: " + describe(reply);
  }
  const std::int64_t left = *w->unknown_since_us + options_.order_timeout_us - clock_.now_us();
  clock_.call_after(std::clamp<std::int64_t>(left, 0, options_.retry_delay_us),
                    [this, alive = std::weak_ptr<bool>(alive_), id] {
                      if (!alive.expired() && find(id) != nullptr) look_up(id);
                    });
}

void LiveExecutor::apply_row(Working& w, const binance::OrderRow& row) {
  w.exchange_order_id = row.order_id;
  const auto status = binance::order_status(row.status);
  if (!status) return schedule_poll();  // PENDING_NEW and the like: not settled yet
  if (*status == core::OrderStatus::kRejected)
    return finish(w.id, core::OrderStatus::kRejected, core::RejectCode::kExchangeError,
                  "binance rejected the order (status REJECTED)");
  if (!w.accepted_reported) {
    w.accepted_reported = true;
    report(w, core::OrderStatus::kAccepted, std::nullopt, "");
  }
  auto fill = [&](const core::Decimal& price, const core::Decimal& qty, core::Decimal fee,
                  std::string fee_asset, std::string fill_id) {
    events_.on_fill(core::Fill{std::move(fill_id), w.id, w.order.account, w.order.symbol,
                               w.order.side, price, qty, std::move(fee), std::move(fee_asset),
                               core::Liquidity::kTaker, false, clock_.wall_us()});
  };
  const core::Decimal filled_before = w.filled_qty;
  for (const auto& f : row.fills) {
    fill(f.price, f.qty, f.commission, f.commission_asset, f.trade_id);
    w.filled_qty = or_zero(w.filled_qty.add(f.qty));
    w.filled_quote = or_zero(w.filled_quote.add(or_zero(f.price.mul(f.qty))));
  }
  if (row.executed_qty > w.filled_qty) {  // seen by polling: one fill at the average price
    const core::Decimal qty = or_zero(row.executed_qty.sub(w.filled_qty));
    const core::Decimal quote = or_zero(row.cummulative_quote_qty.sub(w.filled_quote));
    fill(or_zero(quote.div_round(qty, kPriceScale, core::Rounding::kHalfEven)), qty,
         core::Decimal(), "", fmt::format("{}-p{}", row.order_id, ++w.polled_fills));
    w.filled_qty = row.executed_qty;
    w.filled_quote = row.cummulative_quote_qty;
  }
  if (*status == core::OrderStatus::kFilled || *status == core::OrderStatus::kCanceled ||
      *status == core::OrderStatus::kExpired)
    return finish(w.id, *status, std::nullopt, "");
  if (*status == core::OrderStatus::kPartiallyFilled &&
      (w.last_reported != *status || w.filled_qty != filled_before))
    report(w, *status, std::nullopt, "");
  if (w.cancel_requested && !w.request_in_flight) send_cancel(w.id);
  schedule_poll();
}

void LiveExecutor::cancel(const std::string& account, const std::string& client_order_id) {
  Working* w = find(client_order_id);
  if (w == nullptr || w->order.account != account) {
    return refuse(account, w != nullptr ? w->order.symbol : "", client_order_id,
                  core::RejectCode::kUnknownOrder, "no working order with this client_order_id");
  }
  w->cancel_requested = true;
  if (w->phase == Working::Phase::kOpen && !w->request_in_flight) send_cancel(client_order_id);
}

void LiveExecutor::send_cancel(const std::string& id) {
  Working* w = find(id);
  w->request_in_flight = true;
  send("DELETE", "/api/v3/order",
       fmt::format("symbol={}&origClientOrderId={}", binance::form_escape(w->order.symbol),
                   binance::form_escape(id)),
       0, [this, id](binance::Reply r) {
         Working* w = find(id);
         if (w == nullptr) return;
         w->request_in_flight = false;
         if (r.outcome == binance::Outcome::kOk) {
           if (auto row = binance::parse_order_row(r.body)) return apply_row(*w, *row);
         }
         if (r.outcome == binance::Outcome::kRejected && r.code != kUnknownOrderSent) {
           w->cancel_requested = false;  // refused for good; the order keeps working
           log_.warn("binance refused the cancel",
                     {{"client_order_id", id}, {"error", describe(r)}});
         }
         // -2011 (already final) and failures: the next poll settles it, and retries the cancel.
         schedule_poll();
       });
}

void LiveExecutor::schedule_poll() {
  if (poll_timer_) return;
  poll_timer_ = clock_.call_after(options_.poll_interval_us, [this] {
    poll_timer_.reset();
    poll();
  });
}

void LiveExecutor::poll() {
  bool any = false;
  for (auto& [id, w] : orders_) {
    if (w->phase != Working::Phase::kOpen) continue;
    any = true;
    if (w->request_in_flight) continue;
    w->request_in_flight = true;
    send("GET", "/api/v3/order",
         fmt::format("symbol={}&origClientOrderId={}", binance::form_escape(w->order.symbol),
                     binance::form_escape(id)),
         0, [this, id = id](binance::Reply r) {
           Working* w = find(id);
           if (w == nullptr) return;
           w->request_in_flight = false;
           if (r.outcome == binance::Outcome::kOk) {
             if (auto row = binance::parse_order_row(r.body)) return apply_row(*w, *row);
           }
           schedule_poll();
         });
  }
  if (any) schedule_poll();
}

void LiveExecutor::refuse(const std::string& account, const std::string& symbol,
                          const std::string& id, core::RejectCode code, std::string reason) {
  core::OrderUpdate u;
  u.client_order_id = id;
  u.account = account;
  u.symbol = symbol;
  u.status = core::OrderStatus::kRejected;
  u.code = code;
  u.reason = std::move(reason);
  u.paper = false;
  u.ts_us = clock_.wall_us();
  events_.on_update(u);
}

void LiveExecutor::report(Working& w, core::OrderStatus status,
                          std::optional<core::RejectCode> code, std::string reason) {
  w.last_reported = status;
  core::OrderUpdate u;
  u.client_order_id = w.id;
  u.account = w.order.account;
  u.symbol = w.order.symbol;
  u.status = status;
  u.code = code;
  u.reason = std::move(reason);
  u.filled_qty = w.filled_qty;
  if (w.filled_qty.is_positive()) {
    auto avg = w.filled_quote.div_round(w.filled_qty, kPriceScale, core::Rounding::kHalfEven);
    if (avg) u.avg_price = *avg;
  }
  u.exchange_order_id = w.exchange_order_id;
  u.paper = false;
  u.ts_us = clock_.wall_us();
  events_.on_update(u);
}

void LiveExecutor::finish(const std::string& id, core::OrderStatus status,
                          std::optional<core::RejectCode> code, std::string reason) {
  auto it = orders_.find(id);
  std::unique_ptr<Working> w = std::move(it->second);
  orders_.erase(it);
  if (code) {
    log_.warn("order ended", {{"client_order_id", id},
                              {"status", core::order_status_name(status)},
                              {"code", core::reject_code_name(*code)},
                              {"reason", reason}});
  }
  report(*w, status, code, std::move(reason));
}

}  // namespace live_gateway
