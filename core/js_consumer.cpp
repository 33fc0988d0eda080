#include "core/js_consumer.h"

namespace core {
namespace {

constexpr std::int64_t kEnsureRetryUs = 250'000;

}  // namespace

JsConsumer::JsConsumer(Bus& bus, Clock& clock, ConsumerSpec spec)
    : bus_(bus),
      clock_(clock),
      spec_(std::move(spec)),
      deliver_subject_(deliver_subject_for(spec_)),
      api_(bus, clock) {
  if (spec_.reconnect_hold_us == 0) spec_.reconnect_hold_us = 2 * spec_.ack_wait_us;
}

JsConsumer::~JsConsumer() {
  *alive_ = false;
  bus_.remove_state_handler(state_handler_);
  if (sub_ != 0) (void)bus_.unsubscribe(sub_);
  clock_.cancel(release_timer_);
  clock_.cancel(ensure_timer_);
}

void JsConsumer::start(std::function<void(const JsMessage&)> on_message,
                       std::function<void(Status)> on_started) {
  assert(sub_ == 0 && "JsConsumer::start called twice");
  on_message_ = std::move(on_message);
  on_started_ = std::move(on_started);
  auto sub =
      bus_.subscribe(deliver_subject_, "", [this](const BusMessage& m) { handle_delivery(m); });
  assert(sub.is_ok() && "deliver subjects are valid");
  sub_ = sub.is_ok() ? *sub : 0;
  state_handler_ = bus_.on_state([this](BusState s) { handle_state(s); });
  hold();
  ensure_consumer();
}

void JsConsumer::ensure_consumer() {
  clock_.cancel(ensure_timer_);
  ensure_timer_ = 0;
  api_.ensure_consumer(spec_, deliver_subject_, [this, alive = alive_](Status s) {
    if (!*alive) return;
    if (on_started_) std::exchange(on_started_, nullptr)(s);
    if (s || s.code == Errc::kRejected) return;  // created, or refused for good
    ensure_timer_ = clock_.call_after(kEnsureRetryUs, [this] {
      ensure_timer_ = 0;
      ensure_consumer();
    });
  });
}

void JsConsumer::handle_state(BusState state) {
  if (state == BusState::kDisconnected || state == BusState::kClosed) {
    holding_ = true;
    clock_.cancel(release_timer_);
    release_timer_ = 0;
    return;
  }
  // The server may have restarted: bind again (idempotent) and let the redeliveries of
  // anything lost in flight arrive before releasing newer messages.
  hold();
  ensure_consumer();
}

void JsConsumer::hold() {
  if (spec_.reconnect_hold_us < 0) return;
  holding_ = true;
  clock_.cancel(release_timer_);
  release_timer_ = clock_.call_after(spec_.reconnect_hold_us, [this] {
    release_timer_ = 0;
    release();
  });
}

void JsConsumer::release() {
  holding_ = false;
  auto held = std::move(held_);
  held_.clear();
  for (auto& [seq, m] : held) {
    if (holding_) {  // the application's callback saw a disconnect: keep the rest
      held_.emplace(seq, std::move(m));
      continue;
    }
    if (seq > last_seq_) {
      deliver(std::move(m));
    } else {
      ++duplicates_;
      if (unacked_.count(seq) == 0) (void)bus_.publish(m.msg.reply, "+ACK", {}, "");
    }
  }
}

void JsConsumer::handle_delivery(const BusMessage& msg) {
  Result<JsDelivery> d = parse_ack_subject(msg.reply);
  if (!d) return;  // not a stream message (flow control, heartbeat)
  const std::uint64_t seq = d->stream_seq;
  JsMessage m{msg, std::move(*d)};
  if (nakked_.erase(seq) > 0) {
    unacked_.insert(seq);
    on_message_(m);
    return;
  }
  if (seq <= last_seq_) {
    ++duplicates_;
    // Already handed over. If the application acked it, that ack was lost: ack again.
    if (unacked_.count(seq) == 0) (void)bus_.publish(msg.reply, "+ACK", {}, "");
    return;
  }
  if (holding_) {
    held_.insert_or_assign(seq, std::move(m));
    return;
  }
  deliver(std::move(m));
}

void JsConsumer::deliver(JsMessage m) {
  last_seq_ = m.delivery.stream_seq;
  unacked_.insert(last_seq_);
  on_message_(m);
}

Status JsConsumer::ack(const JsMessage& m) {
  unacked_.erase(m.delivery.stream_seq);
  return bus_.publish(m.msg.reply, "+ACK", {}, "");
}

Status JsConsumer::nak(const JsMessage& m, std::int64_t delay_us) {
  unacked_.erase(m.delivery.stream_seq);
  nakked_.insert(m.delivery.stream_seq);
  return bus_.publish(m.msg.reply, fmt::format("-NAK {{\"delay\":{}}}", delay_us * 1000), {}, "");
}

}  // namespace core
