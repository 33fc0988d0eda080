#include "gateway/market_feed.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "core/log.h"
#include "gateway/feed/feed_protocol.h"

namespace gateway {

struct MarketFeed::Metrics {
  Metrics(core::metrics::Registry& registry, std::string exchange)
      : registry(registry),
        exchange(std::move(exchange)),
        log("gateway." + this->exchange),
        reconnects(counter("gateway_ws_reconnects_total", "Websocket dials after the first")),
        stale(counter("gateway_stale_streams_total", "Websocket streams closed for silence")),
        gaps(counter("gateway_seq_gaps_total", "Sequence gaps seen on a stream")),
        polls_ok(registry.counter("gateway_rest_polls_total", "REST ticker polls by result",
                                  {{"exchange", this->exchange}, {"result", "ok"}})),
        polls_failed(registry.counter("gateway_rest_polls_total", "REST ticker polls by result",
                                      {{"exchange", this->exchange}, {"result", "failed"}})) {
    for (std::size_t i = 1; i < kMalformedReasonCount; ++i) {
      malformed[i] = &registry.counter(
          "gateway_frames_malformed_total", "Frames and bodies refused by the codecs",
          {{"exchange", this->exchange},
           {"reason", std::string(malformed_reason_name(static_cast<MalformedReason>(i)))}});
    }
  }

  core::metrics::Counter& counter(std::string_view name, std::string_view help) {
    return registry.counter(name, help, {{"exchange", exchange}});
  }
  core::metrics::Counter& ticks_in(const std::string& symbol) {
    auto it = ticks.find(symbol);
    if (it == ticks.end()) {
      auto& c = registry.counter("gateway_ticks_in_total", "Ticks decoded from the exchange",
                                 {{"exchange", exchange}, {"symbol", symbol}});
      it = ticks.emplace(symbol, &c).first;
    }
    return *it->second;
  }

  core::metrics::Registry& registry;
  std::string exchange;
  core::log::Logger log;
  core::metrics::Counter& reconnects;
  core::metrics::Counter& stale;
  core::metrics::Counter& gaps;
  core::metrics::Counter& polls_ok;
  core::metrics::Counter& polls_failed;
  std::array<core::metrics::Counter*, kMalformedReasonCount> malformed{};
  std::map<std::string, core::metrics::Counter*, std::less<>> ticks;
  std::array<std::uint64_t, kMalformedReasonCount> exported{};  // malformed counts already added
};

MarketFeed::MarketFeed(core::Clock& clock, core::WsClient& ws, RestGet rest_get, core::Rng rng,
                       core::metrics::Registry& metrics, MarketFeedOptions options, TickSink sink)
    : clock_(clock),
      ws_(ws),
      rest_get_(std::move(rest_get)),
      rng_(rng),
      options_(std::move(options)),
      sink_(std::move(sink)),
      protocol_(feed::make_feed_protocol(options_.exchange, options_.config.symbols)),
      metrics_(std::make_unique<Metrics>(metrics,
                                         std::string(core::exchange_name(options_.exchange)))) {}

MarketFeed::~MarketFeed() {
  for (const core::TimerId id : {stale_timer_, poll_timer_, reconnect_timer_})
    if (id != 0) clock_.cancel(id);
  alive_.reset();
  ws_.close(1000, "feed stopping");
}

void MarketFeed::start() {
  if (started_) return;
  started_ = true;
  poll_all();  // the snapshot
  if (options_.config.websocket_enabled)
    connect();
  else
    schedule_poll();
}

bool MarketFeed::live() const {
  if (open_) return clock_.now_us() - last_frame_us_ < options_.stale_timeout_us;
  return last_poll_ok_;
}

std::int64_t MarketFeed::backoff_base_us() const {
  std::int64_t base = options_.backoff_initial_us;
  for (std::uint32_t i = 0; i < attempt_ && base < options_.backoff_max_us; ++i) base *= 2;
  return std::min(base, options_.backoff_max_us);
}

void MarketFeed::connect() {
  reconnect_timer_ = 0;
  std::weak_ptr<int> alive = alive_;
  core::WsHandlers handlers;
  handlers.on_open = [this, alive] {
    if (!alive.expired()) on_open();
  };
  handlers.on_text = [this, alive](const std::string& text) {
    if (!alive.expired()) on_frame(text);
  };
  handlers.on_close = [this, alive](int code, const std::string& reason) {
    if (alive.expired()) return;
    metrics_->log.info("websocket closed", {{"code", code}, {"reason", reason}});
    on_close();
  };
  ws_.connect(protocol_->ws_url(options_.config.ws_url), std::move(handlers));
}

void MarketFeed::on_open() {
  open_ = true;
  ++stats_.connects;
  opened_at_us_ = last_frame_us_ = clock_.now_us();
  last_frame_seq_.reset();
  last_trade_id_.clear();
#ifdef T26_BREAK_DROP_TICK_ON_RECONNECT
  drop_next_tick_ = stats_.connects > 1;
#endif
  if (poll_timer_ != 0) clock_.cancel(poll_timer_), poll_timer_ = 0;
  for (auto& message : protocol_->subscribe_messages()) {
    if (const core::Status s = ws_.send_text(std::move(message)); !s.is_ok())
      metrics_->log.warn("subscribe not sent", {{"error", s.message}});
  }
  stale_timer_ = clock_.call_after(options_.stale_timeout_us, [this] { check_stale(); });
}

void MarketFeed::on_frame(const std::string& text) {
  last_frame_us_ = clock_.now_us();
  if (const auto seq = protocol_->frame_sequence(text)) {
    const bool gap = last_frame_seq_ && *seq > *last_frame_seq_ + 1;
    last_frame_seq_ = seq;
    if (gap) on_gap();
  }
  protocol_->decode_frame(text, clock_.wall_us(), [this](const core::Tick& tick) {
#ifdef T26_BREAK_DROP_TICK_ON_RECONNECT
    if (std::exchange(drop_next_tick_, false)) return;
#endif
    if (protocol_->trade_ids_sequential()) check_trade_sequence(tick);
    emit(tick);
  });
  export_codec_stats();
}

void MarketFeed::on_close() {
  const bool was_open = open_;
  open_ = false;
  if (stale_timer_ != 0) clock_.cancel(stale_timer_), stale_timer_ = 0;
  if (was_open && clock_.now_us() - opened_at_us_ >= options_.healthy_after_us) attempt_ = 0;
  const std::int64_t base = backoff_base_us();
  const std::int64_t jitter = rng_.random_int(
      0, static_cast<std::int64_t>(static_cast<double>(base) * options_.jitter_ratio) + 1);
  ++attempt_;
  reconnect_timer_ = clock_.call_after(base + jitter, [this] {
    ++stats_.reconnects;
    metrics_->reconnects.inc();
    connect();
  });
  if (poll_timer_ == 0) schedule_poll();
}

void MarketFeed::check_stale() {
  stale_timer_ = 0;
  const std::int64_t silent_us = clock_.now_us() - last_frame_us_;
  if (silent_us < options_.stale_timeout_us) {
    stale_timer_ =
        clock_.call_after(options_.stale_timeout_us - silent_us, [this] { check_stale(); });
    return;
  }
  ++stats_.stale;
  metrics_->stale.inc();
  metrics_->log.warn("websocket stale: reconnecting", {{"silent_us", silent_us}});
  ws_.close(4000, "stale stream");
}

void MarketFeed::schedule_poll() {
  const auto interval_us = static_cast<std::int64_t>(options_.config.poll_interval_sec * 1e6);
  poll_timer_ = clock_.call_after(interval_us, [this] {
    poll_timer_ = 0;
    if (open_) return;
    poll_all();
    schedule_poll();
  });
}

void MarketFeed::poll_all() {
  for (const feed::RestRequest& request : protocol_->rest_requests()) {
    std::weak_ptr<int> alive = alive_;
    rest_get_(request.target, request.weight,
              [this, alive, request](core::Result<core::HttpResponse> response) {
                if (!alive.expired()) on_rest(request, std::move(response));
              });
  }
}

void MarketFeed::on_rest(const feed::RestRequest& request,
                         core::Result<core::HttpResponse> response) {
  DecodeResult result{DecodeOutcome::kMalformed, MalformedReason::kNone, 0};
  if (response && response->status == 200) {
    result = protocol_->decode_rest(request, response->body, clock_.wall_us(),
                                    [this](const core::Tick& tick) { emit(tick); });
    export_codec_stats();
  }
  last_poll_ok_ = result.outcome == DecodeOutcome::kOk;
  if (last_poll_ok_) {
    ++stats_.polls_ok;
    metrics_->polls_ok.inc();
    return;
  }
  ++stats_.polls_failed;
  metrics_->polls_failed.inc();
  const std::string why = !response ? response.status().message
                          : response->status != 200
                              ? "HTTP " + std::to_string(response->status)
                              : std::string(malformed_reason_name(result.reason));
  metrics_->log.warn("REST poll failed", {{"target", request.target}, {"error", why}});
}

void MarketFeed::emit(const core::Tick& tick) {
  ++stats_.ticks;
  metrics_->ticks_in(tick.symbol).inc();
  sink_(tick);
}

void MarketFeed::check_trade_sequence(const core::Tick& tick) {
  if (tick.kind != core::TickKind::kTrade || !tick.trade_id) return;
  std::uint64_t id = 0;
  const std::string& text = *tick.trade_id;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) return;
  auto it = last_trade_id_.find(tick.symbol);
  if (it == last_trade_id_.end()) {
    last_trade_id_.emplace(tick.symbol, id);
    return;
  }
  const bool gap = id > it->second + 1;
  it->second = std::max(it->second, id);
  if (gap) on_gap();
}

void MarketFeed::on_gap() {
  ++stats_.seq_gaps;
  metrics_->gaps.inc();
  metrics_->log.warn("sequence gap: REST snapshot");
  poll_all();
}

void MarketFeed::export_codec_stats() {
  const CodecStats stats = protocol_->stats();
  for (std::size_t i = 1; i < kMalformedReasonCount; ++i) {
    const std::uint64_t now = stats.frames_malformed[i];
    if (now > metrics_->exported[i]) metrics_->malformed[i]->inc(now - metrics_->exported[i]);
    metrics_->exported[i] = now;
  }
}

}  // namespace gateway
