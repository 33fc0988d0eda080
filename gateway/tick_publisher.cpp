#include "gateway/tick_publisher.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "core/codec/bus_json.h"

namespace gateway {

TickPublisher::TickPublisher(core::Clock& clock, core::Bus& bus, core::metrics::Registry& metrics,
                             TickPublisherOptions options)
    : clock_(clock),
      bus_(bus),
      options_(std::move(options)),
      metrics_(metrics),
      dropped_rate_(metrics.counter("gateway_ticks_dropped_total", "Ticks dropped, by reason",
                                    {{"reason", "rate_cap"}})),
      dropped_full_(metrics.counter("gateway_ticks_dropped_total", "Ticks dropped, by reason",
                                    {{"reason", "outbox_full"}})),
      tokens_(static_cast<double>(options_.max_ticks_per_sec)),
      refilled_at_us_(clock.now_us()) {
  if (options_.jetstream) {
    core::OutboxOptions outbox;
    outbox.capacity = options_.buffer_size;
    // Everything queued may be on the wire: with JsPublisher's default 512, the PubAck round
    // trip (milliseconds while nats-server stores a burst) capped a max-speed feed near
    // 512 / RTT and the rest overflowed the outbox. Resends after a rewind are deduplicated.
    outbox.max_in_flight = options_.buffer_size;
    outbox_ = std::make_unique<core::JsPublisher>(bus_, clock_, outbox);
    outbox_->on_first_sent([this] {
      // First sends come once per message and in publish order, as the ticks went in.
      if (awaiting_send_.empty()) return;
      observe(publish_latency_, awaiting_send_.front());
      awaiting_send_.pop_front();
    });
    outbox_->on_acked([this](const core::PubAck&) {
      if (awaiting_ack_.empty()) return;
      observe(puback_latency_, awaiting_ack_.front());
      awaiting_ack_.pop_front();
    });
    puback_latency_ = latency_histograms("gateway_puback_latency_seconds",
                                         "Frame arrival to the tick's PubAck from JetStream");
  }
  publish_latency_ = latency_histograms(
      "gateway_publish_latency_seconds",
      "Fetch to publish: frame arrival to the tick's hand-off to the NATS connection");
}

TickPublisher::LatencyByExchange TickPublisher::latency_histograms(const std::string& name,
                                                                   const std::string& help) {
  LatencyByExchange out{};
  for (const core::Exchange x :
       {core::Exchange::kBinance, core::Exchange::kCoinbase, core::Exchange::kKraken}) {
    out[static_cast<std::size_t>(x)] = &metrics_.histogram(
        name, help,
        {0.00005, 0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1},
        {{"exchange", std::string(core::exchange_name(x))}});
  }
  return out;
}

core::metrics::Counter& TickPublisher::published(const core::Tick& tick) {
  for (const SymbolSeries& s : published_)
    if (s.exchange == tick.exchange && s.symbol == tick.symbol) return *s.published;
  auto& counter = metrics_.counter(
      "gateway_ticks_published_total", "Ticks published, by exchange and symbol",
      {{"exchange", std::string(core::exchange_name(tick.exchange))}, {"symbol", tick.symbol}});
  published_.push_back({tick.exchange, tick.symbol, &counter});
  return counter;
}

void TickPublisher::observe(const LatencyByExchange& histograms, const Arrival& arrival) {
  const std::int64_t us = std::max<std::int64_t>(0, clock_.wall_us() - arrival.second);
  histograms[static_cast<std::size_t>(arrival.first)]->observe(static_cast<double>(us) / 1e6);
}

std::string TickPublisher::subject(std::string_view prefix, const core::Tick& tick) {
  std::string s;
  append_subject(s, prefix, tick);
  return s;
}

std::string TickPublisher::msg_id(const core::Tick& tick) {
  std::string id;
  append_msg_id(id, tick);
  return id;
}

void TickPublisher::append_subject(std::string& out, std::string_view prefix,
                                   const core::Tick& tick) {
  out.append(prefix).append(".").append(core::exchange_name(tick.exchange)).append(".");
  out.append(tick.symbol);
}

void TickPublisher::append_msg_id(std::string& out, const core::Tick& tick) {
  out.append(core::exchange_name(tick.exchange)).append(":").append(tick.symbol).append(":");
  out.append(core::tick_kind_name(tick.kind)).append(":");
  if (tick.trade_id) {
    out.append(*tick.trade_id);
  } else if (tick.seq) {
    fmt::format_to(std::back_inserter(out), "{}", *tick.seq);
  } else {
    fmt::format_to(std::back_inserter(out), "{}", tick.ts_event_us);
  }
}

bool TickPublisher::take_token() {
  if (options_.max_ticks_per_sec == 0) return true;
  const double rate = static_cast<double>(options_.max_ticks_per_sec);
  const std::int64_t now = clock_.now_us();
  tokens_ = std::min(rate, tokens_ + rate * static_cast<double>(now - refilled_at_us_) / 1e6);
  refilled_at_us_ = now;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

core::Status TickPublisher::publish(const core::Tick& tick) {
  if (!take_token()) {
    dropped_rate_.inc();
    return core::make_error(core::Errc::kResourceExhausted,
                            "over performance.max_ticks_per_sec ({})", options_.max_ticks_per_sec);
  }
  payload_.clear();
  core::codec::encode(tick, payload_);
  subject_.clear();
  append_subject(subject_, options_.subject_prefix, tick);
  std::string& id = headers_.front().value;
  id.clear();
  append_msg_id(id, tick);
  const Arrival arrival{tick.exchange, tick.ts_recv_us};
  core::Status s;
  if (outbox_) {
    awaiting_send_.push_back(arrival);  // before: the outbox may send it inside publish()
    s = outbox_->publish(subject_, payload_, id);
    if (!s.is_ok()) awaiting_send_.pop_back();  // refused, so never sent
  } else {
    s = bus_.publish(subject_, payload_, headers_, "");
  }
  if (s.code == core::Errc::kResourceExhausted) dropped_full_.inc();
  if (!s.is_ok()) return s;
  published(tick).inc();
  if (outbox_)
    awaiting_ack_.push_back(arrival);
  else
    observe(publish_latency_, arrival);
  return s;
}

}  // namespace gateway
