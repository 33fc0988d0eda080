#include "sim/mockex/server.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/exchange_info.h"
#include "sim/mockex/detail/server_impl.h"
#include "sim/mockex/responses.h"
#include "sim/mockex/signing.h"

namespace sim::mockex {
namespace {

constexpr std::string_view kJson = "application/json;charset=UTF-8";
/// A max-speed replay waits while a subscriber has this much unsent: a few socket writes'
/// worth, enough that the socket never runs dry.
constexpr std::size_t kMaxSessionBacklogBytes = 256 * 1024;
/// A looping replay keeps a recording in memory up to this much text; a larger one is read
/// from its file on every pass.
constexpr std::size_t kMaxKeptRecordingBytes = 256 * 1024 * 1024;

/// exchangeInfo filtered to `symbols` (in the configured order), with today's filter names
/// and the configured rate limits.
core::Result<nlohmann::ordered_json> build_exchange_info(const MockexConfig& c) {
  const auto info = nlohmann::ordered_json::parse(c.exchange_info_json, nullptr, false);
  if (info.is_discarded() || !info.contains("symbols"))
    return core::make_error(core::Errc::kConfig,
                            "mockex: exchangeInfo body is not an exchangeInfo");
  auto modern = core::modernize_exchange_info(info);
  if (!modern) return modern.status();
  nlohmann::ordered_json symbols = nlohmann::ordered_json::array();
  for (const auto& want : c.symbols) {
    const auto& all = (*modern)["symbols"];
    const auto it = std::find_if(all.begin(), all.end(),
                                 [&](const auto& s) { return s.value("symbol", "") == want; });
    if (it == all.end())
      return core::make_error(core::Errc::kConfig, "mockex: symbol {} is not in exchangeInfo",
                              want);
    symbols.push_back(*it);
  }
  nlohmann::ordered_json out = *modern;
  out["symbols"] = std::move(symbols);
  const auto& l = c.rate_limits;
  out["rateLimits"] = nlohmann::ordered_json::parse(fmt::format(
      R"([{{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":{}}},)"
      R"({{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":{}}},)"
      R"({{"rateLimitType":"ORDERS","interval":"DAY","intervalNum":1,"limit":{}}},)"
      R"({{"rateLimitType":"RAW_REQUESTS","interval":"MINUTE","intervalNum":5,"limit":300000}}])",
      l.weight_per_minute, l.orders_per_10s, l.orders_per_day));
  return out;
}

WeightParams weight_params(const RequestParams& p) {
  WeightParams w;
  w.has_symbol = p.has("symbol");
  if (const auto symbols = p.get("symbols")) {
    const auto list = nlohmann::json::parse(*symbols, nullptr, false);
    if (list.is_array()) w.symbols_count = list.size();
  }
  if (const auto limit = p.get("limit")) w.limit = std::atoi(limit->c_str());
  w.compute_commission_rates = p.get("computeCommissionRates") == "true";
  return w;
}

}  // namespace

RestAnswer error_answer(const BinanceError& error) {
  return {error.http_status, encode_error(error), std::nullopt};
}

MockExchange::Impl::Impl(core::Clock& clock_, core::HttpServer& server_, MockexConfig config_,
                         nlohmann::ordered_json info, ExchangeConfig exchange)
    : clock(clock_),
      server(server_),
      config(std::move(config_)),
      exchange_info(std::move(info)),
      model(std::move(exchange)),
      limiter(config.rate_limits),
      orders_total(registry.counter("mockex_orders_total", "Orders the mock exchange accepted")),
      ws_frames_total(
          registry.counter("mockex_ws_frames_total", "Market-stream frames sent to ws clients")) {
  routes = {
      {"GET /api/v3/ping", {&Impl::ping}},
      {"GET /api/v3/time", {&Impl::time}},
      {"GET /api/v3/exchangeInfo", {&Impl::exchange_info_answer}},
      {"GET /api/v3/depth", {&Impl::depth}},
      {"GET /api/v3/trades", {&Impl::trades}},
      {"GET /api/v3/historicalTrades", {&Impl::trades}},
      {"GET /api/v3/aggTrades", {&Impl::agg_trades}},
      {"GET /api/v3/klines", {&Impl::klines}},
      {"GET /api/v3/uiKlines", {&Impl::klines}},
      {"GET /api/v3/avgPrice", {&Impl::avg_price}},
      {"GET /api/v3/ticker/price", {&Impl::ticker_price}},
      {"GET /api/v3/ticker/bookTicker", {&Impl::book_ticker}},
      {"GET /api/v3/ticker/24hr", {&Impl::ticker_24hr}},
      {"POST /api/v3/order", {&Impl::new_order, true}},
      {"GET /api/v3/order", {&Impl::query_order, true}},
      {"DELETE /api/v3/order", {&Impl::cancel_order, true}},
      {"GET /api/v3/openOrders", {&Impl::open_orders, true}},
      {"GET /api/v3/account", {&Impl::account, true}},
  };
  hub.use_faults(clock, faults, [this](const char* kind) { count_fault(kind); });
}

void MockExchange::Impl::count_response(int status) {
  registry
      .counter("mockex_http_responses_total", "HTTP responses sent, by status",
               {{"code", std::to_string(status)}})
      .inc();
}

void MockExchange::Impl::count_fault(const char* kind, std::uint64_t n) {
  registry
      .counter("mockex_faults_injected_total", "Faults injected on purpose (faults.h), by kind",
               {{"kind", kind}})
      .inc(n);
}

void MockExchange::Impl::handle(const core::HttpRequest& request,
                                const core::HttpResponder& responder) {
  const auto q = request.target.find('?');
  const std::string path = request.target.substr(0, q);
  core::HttpResponse response;
  const std::string endpoint = request.method + " " + path;
  const auto route = routes.find(endpoint);
  const std::string query = q == std::string::npos ? "" : request.target.substr(q + 1);
  std::optional<core::HttpResponse> venue;
  if (request.method == "GET" && !(venue = coinbase.handle_rest(path, query)))
    venue = kraken.handle_rest(path, query);
  bool drop = false;
  std::int64_t delay_ms = 0;
  if (venue) {
    response = std::move(*venue);
    count_response(response.status);
  } else if (path == "/metrics" && request.method == "GET") {
    ws_frames_total.inc(hub.frames_sent() - ws_frames_total.value());
    const std::uint64_t withheld = hub.frames_withheld();
    if (withheld > stream_stall_counted)
      count_fault("stream_stall", withheld - stream_stall_counted);
    stream_stall_counted = withheld;
    count_response(200);  // counted before rendering, so the page includes itself
    response.headers.push_back({"Content-Type", "text/plain; version=0.0.4"});
    response.body = registry.render_prometheus();
  } else if (config.admin && path == "/admin/faults") {
    response = admin_faults(request);
    count_response(response.status);
  } else if (route == routes.end()) {
    response.status = 404;
    response.headers.push_back({"Content-Type", std::string(kJson)});
    response.body = encode_error({404, -1000, "Unknown endpoint: " + endpoint});
    count_response(404);
  } else {
    registry
        .counter("mockex_http_requests_total", "REST requests, by endpoint",
                 {{"endpoint", endpoint}})
        .inc();
    auto forced = forced_failure();
    response = forced ? std::move(*forced) : dispatch(request, route->second, endpoint);
    drop = !forced && endpoint == "POST /api/v3/order" && faults.drop_order_response_next > 0;
    if (drop) {
      --faults.drop_order_response_next;
      count_fault("drop_response");
    } else {
      count_response(response.status);
    }
    delay_ms = faults.latency_ms;
  }
  deliver(std::move(response), responder, drop, delay_ms);
}

std::optional<core::HttpResponse> MockExchange::Impl::forced_failure() {
  core::HttpResponse r;
  r.headers.push_back({"Content-Type", std::string(kJson)});
  if (faults.throttle_next > 0) {
    --faults.throttle_next;
    count_fault("429");
    r.status = 429;
    r.headers.push_back({"Retry-After", std::to_string(faults.retry_after_sec)});
    r.body = encode_error({429, -1003,
                           fmt::format("Too much request weight used; current limit is {} request "
                                       "weight per 1 MINUTE. Please use WebSocket Streams for live "
                                       "updates to avoid polling the API.",
                                       config.rate_limits.weight_per_minute)});
    return r;
  }
  if (faults.error_next > 0) {
    --faults.error_next;
    count_fault("5xx");
    r.status = faults.error_status;
    r.body = encode_error(
        {r.status, -1001, "Internal error; unable to process your request. Please try again."});
    return r;
  }
  return std::nullopt;
}

core::HttpResponse MockExchange::Impl::admin_faults(const core::HttpRequest& request) {
  core::HttpResponse r;
  r.headers.push_back({"Content-Type", "application/json"});
  if (request.method == "POST") {
    bool drop_streams = false;
    if (auto s = apply_faults_json(request.body, faults, drop_streams); !s) {
      r.status = 400;
      r.body = nlohmann::json{{"error", s.message}}.dump();
      return r;
    }
    if (drop_streams) {
      count_fault("stream_drop");
      hub.drop_all();
    }
  } else if (request.method != "GET") {
    r.status = 405;
    r.body = R"({"error":"GET or POST"})";
    return r;
  }
  r.body = faults_json(faults);
  return r;
}

void MockExchange::Impl::deliver(core::HttpResponse response, const core::HttpResponder& responder,
                                 bool drop, std::int64_t delay_ms) {
  auto send = [response = std::move(response), responder, drop]() mutable {
    if (drop)
      responder.reset();
    else
      responder.respond(std::move(response));
  };
  if (delay_ms <= 0) return send();
  count_fault("latency");
  clock.call_after(delay_ms * 1000, std::move(send));
}

const std::string& MockExchange::Impl::client_ip(const core::HttpRequest& request) const {
  static const std::string kUnknown = "unknown";
  if (const auto it = config.nat.find(request.peer); it != config.nat.end()) return it->second;
  return request.peer.empty() ? kUnknown : request.peer;
}

core::HttpResponse MockExchange::Impl::dispatch(const core::HttpRequest& request,
                                                const Route& route, const std::string&) {
  const RequestParams params(request);
  const std::string& ip = client_ip(request);
  const std::int64_t now = now_ms();
  const std::int64_t weight = request_weight(request.method, params.path(), weight_params(params));
  const bool free_if_ok = free_when_successful(request.method, params.path());

  RateDecision decision = limiter.admit(ip, free_if_ok ? 0 : weight, now);
  RestAnswer answer;
  if (!decision.admitted()) {
    answer = error_answer(*decision.error);
    answer.status = decision.http_status;
  } else {
    std::string api_key;
    if (route.is_signed) {
      auto who = verify_signed(request, params, config.api_keys, now);
      if (auto* e = std::get_if<BinanceError>(&who))
        answer = error_answer(*e);
      else
        api_key = std::get<std::string>(who);
    }
    if (answer.body.empty()) answer = (this->*route.handler)(params, api_key);
    if (free_if_ok && answer.status != 200) limiter.charge(ip, weight, now);
    decision.used_weight_1m = limiter.used_weight(ip, now);
  }
  core::HttpResponse response;
  response.status = answer.status;
  response.headers.push_back({"Content-Type", std::string(kJson)});
  for (auto& [name, value] : rate_limit_headers(decision, answer.orders))
    response.headers.push_back({std::move(name), std::move(value)});
  response.body = std::move(answer.body);
  return response;
}

std::optional<BinanceError> MockExchange::Impl::read_symbol(const RequestParams& p,
                                                            std::string& symbol) const {
  const auto s = p.get("symbol");
  if (!s || s->empty()) return mandatory_param("symbol");
  if (model.symbol_info(*s) == nullptr) return BinanceError{400, -1121, "Invalid symbol."};
  symbol = *s;
  return std::nullopt;
}

Reply<std::vector<std::string>> MockExchange::Impl::read_symbols(const RequestParams& p) const {
  if (p.has("symbol")) {
    std::string one;
    if (auto e = read_symbol(p, one)) return *e;
    return std::vector<std::string>{one};
  }
  const auto list_text = p.get("symbols");
  if (!list_text) return config.symbols;
  const auto list = nlohmann::json::parse(*list_text, nullptr, false);
  if (list.is_discarded() || !list.is_array()) return mandatory_param("symbols");
  std::vector<std::string> out;
  for (const auto& s : list) {
    if (!s.is_string() || model.symbol_info(s.get<std::string>()) == nullptr)
      return BinanceError{400, -1121, "Invalid symbol."};
    out.push_back(s.get<std::string>());
  }
  return out;
}

core::Status MockExchange::Impl::start_replay(const std::string& path,
                                              std::function<void(const core::Status&)> done) {
  // Later passes of a loop replay the records the first pass read: parsing every line of
  // the file again was a fifth of mockex's CPU at max speed.
  auto& kept = kept_recordings[path];
  core::Result<replay::RecordingReader> reader = kept && kept->complete && !kept->over_bound
                                                     ? replay::RecordingReader::over(kept, path)
                                                     : replay::RecordingReader::open(path);
  if (!reader) return reader.status();
  if (config.feed.loop && !(kept && kept->complete)) {
    kept = std::make_shared<replay::KeptRecords>(kMaxKeptRecordingBytes);
    reader->keep_into(kept);
  }
  replay::ReplayOptions options{config.feed.speed, config.feed.max_speed, {}};
  // At max speed the slowest subscriber sets the pace, as TCP would, instead of its frames
  // queueing here without bound.
  options.hold = [this] {
    return std::max({hub.max_queued_bytes(), coinbase.max_queued_bytes(),
                     kraken.max_queued_bytes()}) > kMaxSessionBacklogBytes;
  };
  auto replayer = std::make_unique<replay::Replayer>(clock, options);
  for (const char* src : {"binance.ws", "binance.rest", "coinbase.ws", "kraken.ws.v1"})
    replayer->on(src, [this](const replay::Record& r) { on_record(r); });
  replay::Replayer* raw = replayer.get();
  replayers.push_back(std::move(replayer));
  return raw->start(std::move(*reader), [this, path, done, raw](const core::Status& status) {
    // The finished Replayer goes (and looping restarts the file) on a later loop turn: the
    // Replayer is still finishing. Without this a --loop run would keep one per pass.
    const bool again = status.is_ok() && config.feed.loop;
    clock.post([this, path, done, raw, again] {
      std::erase_if(replayers, [raw](const auto& r) { return r.get() == raw; });
      if (!again) return;
      if (auto s = start_replay(path, done); !s.is_ok() && done) done(s);
    });
    if (!again && done) done(status);
  });
}

core::Result<std::unique_ptr<MockExchange>> MockExchange::create(core::Clock& clock,
                                                                 core::HttpServer& server,
                                                                 MockexConfig config) {
  auto info = build_exchange_info(config);
  if (!info) return info.status();
  auto symbols = core::parse_exchange_info(*info);
  if (!symbols) return symbols.status();
  ExchangeConfig exchange;
  exchange.symbols = std::move(*symbols);
  if (!config.starting_balances.empty()) exchange.starting_balances = config.starting_balances;
  exchange.maker_rate = config.maker_rate;
  exchange.taker_rate = config.taker_rate;
  auto impl = std::make_unique<Impl>(clock, server, std::move(config), std::move(*info),
                                     std::move(exchange));
  Impl* self = impl.get();
  server.set_handler([self](const core::HttpRequest& request, core::HttpResponder responder) {
    self->handle(request, responder);
  });
  server.set_ws_handler(
      [self](const core::HttpRequest& upgrade, std::shared_ptr<core::WsSession> session) {
        const std::string path = upgrade.target.substr(0, upgrade.target.find('?'));
        if (path == "/coinbase")
          self->coinbase.accept(std::move(session));
        else if (path == "/kraken/v2")
          self->kraken.accept(std::move(session));
        else if (!self->hub.accept(upgrade, session))
          session->close(1008, "unknown stream path");
      });
  return std::unique_ptr<MockExchange>(new MockExchange(std::move(impl)));
}

MockExchange::MockExchange(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MockExchange::~MockExchange() {
  impl_->server.set_handler({});
  impl_->server.set_ws_handler({});
}

core::Status MockExchange::replay(const std::string& path,
                                  std::function<void(const core::Status&)> done) {
  return impl_->start_replay(path, std::move(done));
}

std::size_t MockExchange::active_replays() const {
  return impl_->replayers.size();
}

void MockExchange::feed(const replay::Record& record) {
  impl_->on_record(record);
}

Faults& MockExchange::faults() {
  return impl_->faults;
}

void MockExchange::on_subscribe(std::function<void()> fn) {
  impl_->hub.on_subscribe(fn);
  impl_->coinbase.on_subscribe(fn);
  impl_->kraken.on_subscribe(std::move(fn));
}

void MockExchange::drop_streams() {
  impl_->count_fault("stream_drop");
  impl_->hub.drop_all();
  impl_->coinbase.drop_all();
  impl_->kraken.drop_all();
}

std::uint64_t MockExchange::venue_messages_sent() const {
  return impl_->coinbase.sent() + impl_->kraken.sent();
}

ExchangeModel& MockExchange::model() {
  return impl_->model;
}
const MarketData& MockExchange::market() const {
  return impl_->market;
}
StreamHub& MockExchange::streams() {
  return impl_->hub;
}
core::metrics::Registry& MockExchange::metrics() {
  return impl_->registry;
}

}  // namespace sim::mockex
