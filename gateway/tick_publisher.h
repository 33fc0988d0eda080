/// @file gateway/tick_publisher.h
/// @brief TickPublisher: normalized ticks onto the bus, `{prefix}.{exchange}.{symbol}`.
///
/// JetStream mode (`nats.jetstream: true`, the default) hands each tick to a JsPublisher
/// outbox of `performance.buffer_size` with `Nats-Msg-Id = {exchange}:{symbol}:{kind}:{id}`
/// (id: the trade id, else the exchange's sequence, else the event time in µs), so a resend
/// after a NATS outage is deduplicated by the stream. Core mode publishes directly, with the
/// same header. `performance.max_ticks_per_sec` caps the rate (token bucket on the Clock,
/// one second of burst; 0 = no cap); a tick over the cap or with the outbox full is dropped,
/// counted in `gateway_ticks_dropped_total{reason}` and refused with kResourceExhausted.
///
/// Metrics: `gateway_ticks_published_total{exchange,symbol}`;
/// `gateway_publish_latency_seconds{exchange}`, fetch to publish: from the frame's arrival
/// (the tick's ts_recv, wall clock) to the tick's hand-off to the NATS connection, whose
/// buffer is written to the socket within the same loop turns (in JetStream mode, when the
/// outbox first sends it: later than publish() while NATS is away); and in JetStream mode
/// `gateway_puback_latency_seconds{exchange}`, from the frame's arrival to the tick's PubAck
/// (stored): the publish latency plus JetStream's round trip.
///
/// | option | config key | default |
/// |---|---|---|
/// | subject_prefix | nats.publish_subject_prefix | "ticks" |
/// | jetstream | nats.jetstream | true |
/// | buffer_size | performance.buffer_size | 5000 |
/// | max_ticks_per_sec | performance.max_ticks_per_sec | 10000 |
///
/// Runs on the shard's loop; one publisher per shard.
#pragma once

#include <array>
#include <deque>
#include <vector>

#include <cstdint>
#include <memory>
#include <string>

#include "core/js_publisher.h"
#include "core/metrics.h"
#include "core/ports/bus.h"
#include "core/ports/clock.h"
#include "core/types.h"

namespace gateway {

struct TickPublisherOptions {
  std::string subject_prefix = "ticks";
  bool jetstream = true;
  std::size_t buffer_size = 5000;
  std::uint64_t max_ticks_per_sec = 10000;
};

class TickPublisher {
 public:
  TickPublisher(core::Clock& clock, core::Bus& bus, core::metrics::Registry& metrics,
                TickPublisherOptions options);

  /// kResourceExhausted: dropped (over the rate cap, or the outbox is full); kUnavailable in
  /// core mode while NATS is away.
  core::Status publish(const core::Tick& tick);
  /// Ticks waiting for their PubAck (JetStream mode).
  std::size_t pending() const { return outbox_ ? outbox_->pending() : 0; }

  static std::string subject(std::string_view prefix, const core::Tick& tick);
  static std::string msg_id(const core::Tick& tick);
  /// The same, appended to `out` (the hot path reuses its buffers).
  static void append_subject(std::string& out, std::string_view prefix, const core::Tick& tick);
  static void append_msg_id(std::string& out, const core::Tick& tick);

 private:
  bool take_token();
  /// The published counter of the tick's exchange and symbol (created at its first tick).
  core::metrics::Counter& published(const core::Tick& tick);
  using Arrival = std::pair<core::Exchange, std::int64_t>;             // and ts_recv
  using LatencyByExchange = std::array<core::metrics::Histogram*, 3>;  // by core::Exchange
  LatencyByExchange latency_histograms(const std::string& name, const std::string& help);
  void observe(const LatencyByExchange& histograms, const Arrival& arrival);

  struct SymbolSeries {
    core::Exchange exchange;
    std::string symbol;
    core::metrics::Counter* published;
  };

  core::Clock& clock_;
  core::Bus& bus_;
  TickPublisherOptions options_;
  std::unique_ptr<core::JsPublisher> outbox_;
  core::metrics::Registry& metrics_;
  std::vector<SymbolSeries> published_;  // a shard's symbols: a short scan, no allocation
  LatencyByExchange publish_latency_{};
  LatencyByExchange puback_latency_{};  // JetStream only
  // JetStream: ticks in the outbox not yet sent, and not yet acknowledged (both in order).
  std::deque<Arrival> awaiting_send_;
  std::deque<Arrival> awaiting_ack_;
  core::metrics::Counter& dropped_rate_;
  core::metrics::Counter& dropped_full_;
  // Reused per tick: the encoded tick, its subject, and its one Nats-Msg-Id header.
  std::string payload_;
  std::string subject_;
  core::Headers headers_{{"Nats-Msg-Id", ""}};
  double tokens_ = 0;
  std::int64_t refilled_at_us_ = 0;
};

}  // namespace gateway
