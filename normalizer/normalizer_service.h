/// @file normalizer/normalizer_service.h
/// @brief NormalizerService: ticks from the bus -> 1-minute OHLCV bars upserted in the store,
/// exactly once across crashes, bus restarts and store outages.
///
/// JetStream mode (`nats.jetstream`): ensures stream TICKS (core/streams.h) exists, reads its
/// checkpoint from the store, then consumes `nats.subscribe_subject` through a durable
/// JsConsumer (`nats.durable_name`, explicit acks, in stream order). Core-NATS mode: a plain
/// subscription in `nats.queue_group`, no acks, no checkpoint (what is missed while down is
/// lost, as core NATS is). Each tick is decoded (a malformed one is counted in
/// normalizer_ticks_malformed_total and skipped, never blocking the ones behind it), trades
/// go to BarBuilder (bars.grace_sec), and the changed bars are upserted as ILP rows
/// (bar_rows.h) every store.flush_interval_sec, or sooner after store.batch_size changed
/// bars or store.batch_ticks ticks. One write is in flight at a time.
///
/// Exactly once (issue 8 item 2). Choice: upsert the open bars on every flush, ack what they
/// contain, and write the consumer's checkpoint in the same request. Every write carries all
/// bars changed since the last accepted write and the row `<table>_checkpoint` with S, the
/// stream sequence of the last message applied; messages are applied in stream order, so an
/// accepted write means "the store holds the effects of every message <= S". Only then are
/// the messages <= S acked. After a restart the service reads S back before consuming:
/// redelivered messages <= S are acked and skipped (their effects are stored: the kill -9
/// came between the write and its ack), those > S are applied on top of the stored bar,
/// which is read back (Store::query) the first time a minute is touched, so the trades of an
/// open minute that were acked before the crash are neither lost nor counted twice.
/// Why not hold acks until a minute closes: it needs MaxAckPending above a minute of ticks
/// (~2,000-3,000 BTCUSDT trades) and AckWait above a minute plus grace, per symbol summed,
/// and still double counts a late correction of a closed minute after a restart; here acks
/// follow every flush (1 s), so the consumer defaults (AckWait 30 s, MaxAckPending 1000) hold.
/// The in-order guarantee is JsConsumer's (reconnect hold of 2 * AckWait after every
/// (re)connect); without it a message lost in flight would return behind S and be skipped.
/// Limits: a seeded minute assumes its remaining trades come in event-time order (open kept,
/// close = the last applied); a trade id duplicated across the restart inside the same
/// minute with a different stream message is counted twice; a write still in flight from a
/// killed process that lands after its successor read S can mix two snapshots until the
/// successor's next write of those bars. Store errors: 5xx, connection errors and timeouts
/// are retried with backoff (100 ms doubling to 5 s) with the newest bars, nothing acked in
/// between; a 400 is logged as an error with the server's text, counted, nothing is acked,
/// and it is retried every 5 s (a schema fix in the database lets it through; meanwhile
/// MaxAckPending stops the deliveries).
///
/// | metric | meaning |
/// |---|---|
/// | normalizer_ticks_in_total | messages taken from the bus |
/// | normalizer_ticks_malformed_total | not a Tick: counted, skipped |
/// | normalizer_trades_applied_total{late} | trades added to a bar (late="true": to a closed
/// minute) | | normalizer_trades_duplicate_total / _too_late_total | trades refused by BarBuilder |
/// | normalizer_redelivered_skipped_total | redeliveries at or below the checkpoint |
/// | normalizer_bars_written_total | bar rows in accepted writes |
/// | normalizer_store_writes_total / normalizer_store_write_errors_total{kind} | kind: unavailable,
/// rejected | | normalizer_acks_pending | messages applied, waiting for a write to be acked | |
/// normalizer_ack_lag_seconds | receive-to-ack time of the oldest message in the last ack |
///
/// Loop thread only; every reference passed in must outlive the service.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "core/config/normalizer_config.h"
#include "core/js_consumer.h"
#include "core/metrics.h"
#include "core/ports/bus.h"
#include "core/ports/clock.h"
#include "core/ports/store.h"
#include "core/trace.h"
#include "normalizer/bar_builder.h"

namespace normalizer {

class NormalizerService {
 public:
  NormalizerService(core::Clock& clock, core::Bus& bus, core::Store& store,
                    core::metrics::Registry& metrics, core::TraceWriter* trace,
                    const core::NormalizerConfig& config);
  ~NormalizerService();
  NormalizerService(const NormalizerService&) = delete;
  NormalizerService& operator=(const NormalizerService&) = delete;

  /// Starts the stream/checkpoint/consumer sequence; each step retries until it succeeds.
  void start();

  /// True once messages are being consumed.
  bool consuming() const { return consuming_; }
  /// The last stream sequence the store is known to hold the effects of.
  std::uint64_t checkpoint() const { return checkpoint_; }
  std::size_t acks_pending() const { return pending_.size(); }

 private:
  using BarKey = std::tuple<core::Exchange, std::string, std::int64_t>;
  struct Inbound {
    core::JsMessage m;  // delivery.stream_seq 0 in core-NATS mode
    std::int64_t received_us = 0;
  };
  struct Metrics;

  void ensure_stream();
  void read_checkpoint();
  void start_consuming();
  void receive(core::JsMessage m);
  void pump();
  bool apply(const Inbound& in);  // false: waiting for a stored bar
  void look_up(const BarKey& key);
  void on_flush_timer();
  void flush();
  void on_written(core::Status status, std::map<BarKey, core::Bar> sent, std::uint64_t seq);
  void ack_through(std::uint64_t seq);
  std::int64_t next_backoff_us();
  template <typename F>
  auto guarded(F f);  // runs f only while the service exists

  core::Clock& clock_;
  core::Bus& bus_;
  core::Store& store_;
  core::TraceWriter* trace_;
  core::NormalizerConfig config_;
  std::unique_ptr<Metrics> metrics_;
  BarBuilder builder_;
  std::unique_ptr<core::JsApi> api_;
  std::unique_ptr<core::JsConsumer> consumer_;
  core::SubscriptionId sub_ = 0;
  bool consuming_ = false;

  std::deque<Inbound> inbox_;          // received, not yet applied
  std::deque<Inbound> pending_;        // applied, waiting for an accepted write to be acked
  std::map<BarKey, core::Bar> dirty_;  // changed since the last accepted write
  bool looking_up_ = false;
  std::optional<BarKey> looked_up_;  // the minute just read back from the store
  std::uint64_t applied_seq_ = 0;
  std::uint64_t checkpoint_ = 0;
  std::uint64_t ticks_since_flush_ = 0;
  bool writing_ = false;
  core::TimerId flush_timer_ = 0;
  core::TimerId retry_timer_ = 0;
  std::int64_t retry_at_us_ = 0;  // no write before this (backoff after a failure)
  std::int64_t backoff_us_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace normalizer
