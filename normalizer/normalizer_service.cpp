#include "normalizer/normalizer_service.h"

#include <algorithm>

#include "core/codec/bus_json.h"
#include "core/ilp.h"
#include "core/log.h"
#include "core/streams.h"
#include "normalizer/bar_rows.h"

namespace normalizer {
namespace {

constexpr std::int64_t kBackoffMinUs = 100'000;
constexpr std::int64_t kBackoffMaxUs = 5'000'000;
constexpr std::int64_t kRejectedRetryUs = 5'000'000;

const core::log::Logger& logger() {
  static const core::log::Logger log("normalizer");
  return log;
}

std::int64_t seconds_us(double s) {
  return static_cast<std::int64_t>(s * 1e6);
}

// "ticks.>" -> "ticks": the stream's subjects are the subscription's prefix and everything
// under it.
std::string subject_prefix(const std::string& subject) {
  const std::size_t wildcard = subject.find(".>");
  return wildcard == std::string::npos ? subject : subject.substr(0, wildcard);
}

// A query the normalizer builds is valid by construction, so kInvalidArgument means the
// server knows no such table yet (QuestDB answers 400 "table does not exist"): no rows.
bool no_table_yet(const core::Status& s) {
  return s.code == core::Errc::kInvalidArgument;
}

}  // namespace

struct NormalizerService::Metrics {
  explicit Metrics(core::metrics::Registry& r)
      : ticks_in(r.counter("normalizer_ticks_in_total", "Messages taken from the bus")),
        malformed(r.counter("normalizer_ticks_malformed_total", "Messages that are not a Tick")),
        applied(r.counter("normalizer_trades_applied_total", "Trades added to a bar",
                          {{"late", "false"}})),
        applied_late(r.counter("normalizer_trades_applied_total", "Trades added to a bar",
                               {{"late", "true"}})),
        duplicates(r.counter("normalizer_trades_duplicate_total",
                             "Trades whose id the minute already counted")),
        too_late(r.counter("normalizer_trades_too_late_total",
                           "Trades for a minute closed longer ago than retained")),
        skipped(r.counter("normalizer_redelivered_skipped_total",
                          "Redeliveries at or below the stored checkpoint")),
        bars_written(r.counter("normalizer_bars_written_total", "Bar rows in accepted writes")),
        writes(r.counter("normalizer_store_writes_total", "Accepted store writes")),
        write_unavailable(r.counter("normalizer_store_write_errors_total", "Failed store writes",
                                    {{"kind", "unavailable"}})),
        write_rejected(r.counter("normalizer_store_write_errors_total", "Failed store writes",
                                 {{"kind", "rejected"}})),
        acks_pending(r.gauge("normalizer_acks_pending",
                             "Messages applied and waiting for an accepted write")),
        ack_lag(r.gauge("normalizer_ack_lag_seconds",
                        "Receive-to-ack time of the oldest message of the last ack")) {}

  core::metrics::Counter& ticks_in;
  core::metrics::Counter& malformed;
  core::metrics::Counter& applied;
  core::metrics::Counter& applied_late;
  core::metrics::Counter& duplicates;
  core::metrics::Counter& too_late;
  core::metrics::Counter& skipped;
  core::metrics::Counter& bars_written;
  core::metrics::Counter& writes;
  core::metrics::Counter& write_unavailable;
  core::metrics::Counter& write_rejected;
  core::metrics::Gauge& acks_pending;
  core::metrics::Gauge& ack_lag;
};

NormalizerService::NormalizerService(core::Clock& clock, core::Bus& bus, core::Store& store,
                                     core::metrics::Registry& metrics, core::TraceWriter* trace,
                                     const core::NormalizerConfig& config)
    : clock_(clock),
      bus_(bus),
      store_(store),
      trace_(trace),
      config_(config),
      metrics_(std::make_unique<Metrics>(metrics)),
      builder_(BarBuilderOptions{.grace_us = seconds_us(config.bars.grace_sec)}) {}

NormalizerService::~NormalizerService() {
  *alive_ = false;
  clock_.cancel(flush_timer_);
  clock_.cancel(retry_timer_);
  consumer_.reset();
  if (sub_ != 0) (void)bus_.unsubscribe(sub_);
}

template <typename F>
auto NormalizerService::guarded(F f) {
  return [weak = std::weak_ptr<bool>(alive_), f = std::move(f)](auto&&... args) mutable {
    if (auto alive = weak.lock(); alive && *alive) f(std::forward<decltype(args)>(args)...);
  };
}

void NormalizerService::start() {
  flush_timer_ =
      clock_.call_after(seconds_us(config_.store.flush_interval_sec), [this] { on_flush_timer(); });
  if (!config_.nats.jetstream) {
    start_consuming();
    return;
  }
  api_ = std::make_unique<core::JsApi>(bus_, clock_);
  ensure_stream();
}

void NormalizerService::ensure_stream() {
  core::StreamSpec spec = core::ticks_stream(subject_prefix(config_.nats.subscribe_subject));
  spec.name = config_.nats.stream;
  api_->ensure_stream(spec, guarded([this](core::Status s) {
                        if (!s) {
                          logger().warn("stream not ready, retrying",
                                        {{"stream", config_.nats.stream}, {"error", s.message}});
                          clock_.call_after(next_backoff_us(),
                                            guarded([this] { ensure_stream(); }));
                          return;
                        }
                        backoff_us_ = 0;
                        read_checkpoint();
                      }));
}

void NormalizerService::read_checkpoint() {
  core::StoreQuery q;
  q.table = checkpoint_table(config_.store.table);
  q.tags_equal = {{"consumer", config_.nats.durable_name}};
  store_.query(
      q, guarded([this](core::Result<core::QueryResult> r) {
        core::Result<std::uint64_t> seq = std::uint64_t{0};
    if (r) {
      seq = checkpoint_from(*r);
    } else if (!no_table_yet(r.status())) {
      seq = r.status();
    }
        if (!seq) {
          logger().warn("checkpoint not readable, retrying", {{"error", seq.status().message}});
          clock_.call_after(next_backoff_us(), guarded([this] { read_checkpoint(); }));
          return;
        }
        backoff_us_ = 0;
        checkpoint_ = applied_seq_ = *seq;
        logger().info("checkpoint read", {{"stream_seq", std::to_string(*seq)}});
        if (trace_)
          trace_->event(clock_.now_us(), "normalizer", "checkpoint_read").u64("seq", *seq);
        start_consuming();
      }));
}

void NormalizerService::start_consuming() {
  consuming_ = true;
  if (!config_.nats.jetstream) {
    auto sub = bus_.subscribe(config_.nats.subscribe_subject, config_.nats.queue_group,
                              [this](const core::BusMessage& msg) {
                                receive({msg, {}});
                              });
    if (!sub) {
      logger().error("subscribe failed", {{"subject", config_.nats.subscribe_subject},
                                          {"error", sub.status().message}});
      return;
    }
    sub_ = *sub;
    return;
  }
  core::ConsumerSpec spec;
  spec.stream = config_.nats.stream;
  spec.durable = config_.nats.durable_name;
  spec.filter_subject = config_.nats.subscribe_subject;
  spec.ack_wait_us = seconds_us(config_.nats.ack_wait_sec);
  spec.max_ack_pending = config_.nats.max_ack_pending;
  consumer_ = std::make_unique<core::JsConsumer>(bus_, clock_, spec);
  consumer_->start([this](const core::JsMessage& m) { receive(m); },
                   [](core::Status s) {
                     if (!s) logger().warn("consumer create failed", {{"error", s.message}});
                   });
}

void NormalizerService::receive(core::JsMessage m) {
  metrics_->ticks_in.inc();
  inbox_.push_back({std::move(m), clock_.now_us()});
  pump();
}

void NormalizerService::pump() {
  while (!inbox_.empty() && !looking_up_) {
    if (!apply(inbox_.front())) break;
    Inbound& in = inbox_.front();
    if (consumer_ && in.m.delivery.stream_seq > checkpoint_) {
      in.m.msg.data.clear();  // only the reply subject is needed to ack
      in.m.msg.data.shrink_to_fit();
      pending_.push_back(std::move(in));
    }
    inbox_.pop_front();
  }
  for (BarUpdate& u : builder_.take_changed()) {
    BarKey key{u.bar.exchange, u.bar.symbol, u.bar.ts_minute_us};
    dirty_.insert_or_assign(std::move(key), std::move(u.bar));
  }
  metrics_->acks_pending.set(static_cast<double>(pending_.size()));
  if (ticks_since_flush_ >= static_cast<std::uint64_t>(config_.store.batch_ticks) ||
      dirty_.size() >= static_cast<std::size_t>(config_.store.batch_size)) {
    flush();
  }
}

bool NormalizerService::apply(const Inbound& in) {
  const std::uint64_t seq = in.m.delivery.stream_seq;
  if (consumer_ && seq <= checkpoint_) {
    // Its effects are in the store already (a crash came between the write and the ack).
    metrics_->skipped.inc();
    (void)consumer_->ack(in.m);
    return true;
  }
  core::Result<core::Tick> tick = core::codec::decode_tick(in.m.msg.data);
  if (!tick) {
    metrics_->malformed.inc();
    logger().warn("malformed tick skipped",
                  {{"subject", in.m.msg.subject}, {"error", tick.status().message}});
  } else if (tick->kind == core::TickKind::kTrade) {
    const BarKey key{tick->exchange, tick->symbol, BarBuilder::minute_start_us(tick->ts_event_us)};
    const std::optional<bool> closed =
        builder_.minute_closed(tick->exchange, tick->symbol, std::get<2>(key));
    if (!closed && looked_up_ != key) {
      look_up(key);
      return false;
    }
    switch (builder_.add(*tick)) {
      case TradeOutcome::kAdded:
        (closed.value_or(false) ? metrics_->applied_late : metrics_->applied).inc();
        break;
      case TradeOutcome::kDuplicate:
        metrics_->duplicates.inc();
        break;
      case TradeOutcome::kTooLate:
        metrics_->too_late.inc();
        break;
      case TradeOutcome::kIgnored:
        break;
    }
  }
  looked_up_.reset();
  if (seq > applied_seq_) applied_seq_ = seq;
  ++ticks_since_flush_;
  return true;
}

// The first trade of a minute this process does not hold: the store may hold that minute
// already (written by an earlier incarnation, with trades acked since), so it is read back.
void NormalizerService::look_up(const BarKey& key) {
  looking_up_ = true;
  core::StoreQuery q;
  q.table = config_.store.table;
  q.tags_equal = {{"exchange", std::string(core::exchange_name(std::get<0>(key)))},
                  {"symbol", std::get<1>(key)}};
  q.from_ns = std::get<2>(key) * 1000;
  q.to_ns = (std::get<2>(key) + BarBuilder::kMinuteUs) * 1000;
  store_.query(
      q, guarded([this, key](core::Result<core::QueryResult> r) {
        if (!r && !no_table_yet(r.status())) {
          logger().warn("stored bar not readable, retrying", {{"error", r.status().message}});
          clock_.call_after(next_backoff_us(), guarded([this, key] { look_up(key); }));
          return;
        }
        backoff_us_ = 0;
        if (r && !r->rows.empty()) {
          core::Result<core::Bar> bar = bar_from_row(*r, 0);
          if (bar) {
            builder_.seed(*bar);
            if (trace_) {
              trace_->event(clock_.now_us(), "normalizer", "bar_seeded")
                  .i64("minute_us", bar->ts_minute_us)
                  .u64("trades", bar->trades);
            }
          } else {
            logger().error("stored bar unreadable, rebuilding it",
                           {{"error", bar.status().message}});
          }
        }
        looked_up_ = key;
        looking_up_ = false;
        pump();
      }));
}

void NormalizerService::on_flush_timer() {
  flush_timer_ =
      clock_.call_after(seconds_us(config_.store.flush_interval_sec), [this] { on_flush_timer(); });
  flush();
}

void NormalizerService::flush() {
  if (writing_ || clock_.now_us() < retry_at_us_) return;
  const bool checkpoint_due = consumer_ && applied_seq_ > checkpoint_;
  if (dirty_.empty() && !checkpoint_due) return;
  core::IlpBuffer buffer;
  for (const auto& [key, bar] : dirty_) {
    if (core::Status s = append_bar_row(buffer, config_.store.table, bar); !s) {
      logger().error("bar not encodable, dropped", {{"symbol", bar.symbol}, {"error", s.message}});
    }
  }
  const std::uint64_t seq = consumer_ ? applied_seq_ : 0;
  if (checkpoint_due) {
    (void)append_checkpoint_row(buffer, config_.store.table, config_.nats.durable_name, seq);
  }
  writing_ = true;
  ticks_since_flush_ = 0;
  std::map<BarKey, core::Bar> sent = std::move(dirty_);
  dirty_.clear();
  store_.write(buffer.text(), guarded([this, sent = std::move(sent), seq](core::Status s) mutable {
                 on_written(std::move(s), std::move(sent), seq);
               }));
}

void NormalizerService::on_written(core::Status status, std::map<BarKey, core::Bar> sent,
                                   std::uint64_t seq) {
  writing_ = false;
  if (status) {
    backoff_us_ = 0;
    retry_at_us_ = 0;
    checkpoint_ = std::max(checkpoint_, seq);
    metrics_->writes.inc();
    metrics_->bars_written.inc(sent.size());
    if (trace_) {
      trace_->event(clock_.now_us(), "normalizer", "bars_written")
          .u64("bars", sent.size())
          .u64("seq", seq);
    }
    ack_through(seq);
    if (!dirty_.empty() &&
        ticks_since_flush_ >= static_cast<std::uint64_t>(config_.store.batch_ticks)) {
      flush();
    }
    return;
  }
  // Keep what was not sent successfully, unless a newer state of the bar is waiting already.
  for (auto& [key, bar] : sent) dirty_.emplace(key, std::move(bar));
  const bool rejected = status.code == core::Errc::kInvalidArgument;
  (rejected ? metrics_->write_rejected : metrics_->write_unavailable).inc();
  const std::int64_t delay_us = rejected ? kRejectedRetryUs : next_backoff_us();
  if (rejected) {
    logger().error("store refused the bars (HTTP 400); nothing acked, retrying",
                   {{"table", config_.store.table},
                    {"error", status.message},
                    {"retry_in_ms", std::to_string(delay_us / 1000)}});
  } else {
    logger().warn("store write failed; nothing acked, retrying",
                  {{"error", status.message}, {"retry_in_ms", std::to_string(delay_us / 1000)}});
  }
  if (trace_) {
    trace_->event(clock_.now_us(), "normalizer", "write_failed")
        .str("code", rejected ? "rejected" : "unavailable")
        .i64("retry_in_us", delay_us);
  }
  retry_at_us_ = clock_.now_us() + delay_us;
  clock_.cancel(retry_timer_);
  retry_timer_ = clock_.call_after(delay_us, [this] { flush(); });
}

void NormalizerService::ack_through(std::uint64_t seq) {
  if (!consumer_) return;
  if (!pending_.empty() && pending_.front().m.delivery.stream_seq <= seq) {
    metrics_->ack_lag.set(static_cast<double>(clock_.now_us() - pending_.front().received_us) /
                          1e6);
  }
  while (!pending_.empty() && pending_.front().m.delivery.stream_seq <= seq) {
    (void)consumer_->ack(pending_.front().m);  // a lost ack: redelivered, then skipped
    pending_.pop_front();
  }
  metrics_->acks_pending.set(static_cast<double>(pending_.size()));
}

std::int64_t NormalizerService::next_backoff_us() {
  backoff_us_ = std::clamp(backoff_us_ * 2, kBackoffMinUs, kBackoffMaxUs);
  return backoff_us_;
}

}  // namespace normalizer
