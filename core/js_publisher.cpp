#include "core/js_publisher.h"

#include <charconv>
#include <iterator>

namespace core {

JsPublisher::JsPublisher(Bus& bus, Clock& clock, OutboxOptions options)
    : bus_(bus), clock_(clock), options_(options), inbox_(bus.new_inbox()) {
  assert(options_.capacity > 0 && options_.max_in_flight > 0);
  auto sub = bus_.subscribe(inbox_ + ".*", "", [this](const BusMessage& m) { handle_reply(m); });
  assert(sub.is_ok() && "an inbox subject is always valid");
  sub_ = sub.is_ok() ? *sub : 0;
  state_handler_ = bus_.on_state([this](BusState s) { handle_state(s); });
}

JsPublisher::~JsPublisher() {
  bus_.remove_state_handler(state_handler_);
  (void)bus_.unsubscribe(sub_);
  clock_.cancel(retry_timer_);
  clock_.cancel(ack_timer_);
}

Status JsPublisher::publish(std::string subject, std::string data, std::string msg_id,
                            Headers headers) {
  if (subject.empty() || msg_id.empty()) {
    return make_error(Errc::kInvalidArgument,
                      "JsPublisher: subject '{}' and msg_id '{}' are "
                      "both required",
                      subject, msg_id);
  }
  if (queue_.size() >= options_.capacity) {
    return make_error(Errc::kResourceExhausted,
                      "JsPublisher outbox full: {} messages await their PubAck", queue_.size());
  }
  headers.push_back(Header{std::string(kMsgIdHeader), std::move(msg_id)});
  Entry e;
  e.id = next_id_++;
  e.subject = std::move(subject);
  e.data = std::move(data);
  e.headers = std::move(headers);
  queue_.push_back(std::move(e));
  pump();
  return Status::ok();
}

void JsPublisher::handle_state(BusState state) {
  if (state == BusState::kDisconnected || state == BusState::kClosed) {
    // Whatever was on the wire may be lost; after the reconnect, start again from the
    // oldest unacknowledged message so the stream keeps publish order.
    if (next_send_ > 0) ++rewinds_;
    next_send_ = 0;
    return;
  }
  pump();
}

void JsPublisher::handle_reply(const BusMessage& msg) {
  const std::string_view token = std::string_view(msg.subject).substr(inbox_.size() + 1);
  std::uint64_t id = 0;
  const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), id);
  if (ec != std::errc() || queue_.empty() || id < queue_.front().id) return;  // old news
  const std::size_t index = id - queue_.front().id;
  if (index >= queue_.size() || queue_[index].acked) return;

  Result<PubAck> ack = pub_ack_from_json(msg.data);
  if (!ack) {
    // Stream missing, JetStream still recovering after a restart ("no responders"), or a
    // store error: the message is not stored, and later ones must not overtake it.
    rewind(options_.retry_delay_us);
    return;
  }
  queue_[index].acked = true;
  queue_[index].ack = std::move(*ack);
  while (!queue_.empty() && queue_.front().acked) {
    const PubAck done = std::move(queue_.front().ack);
    queue_.pop_front();
    ++acked_;
    if (done.duplicate) ++duplicates_;
    if (next_send_ > 0) --next_send_;
    if (on_acked_) on_acked_(done);
  }
  pump();
}

void JsPublisher::pump() {
  if (waiting_retry_ || !bus_.connected()) return;
  while (next_send_ < queue_.size() && next_send_ < options_.max_in_flight) {
    Entry& e = queue_[next_send_];
    if (!e.acked) {
      reply_.assign(inbox_).push_back('.');
      fmt::format_to(std::back_inserter(reply_), "{}", e.id);
      if (Status s = bus_.publish(e.subject, e.data, e.headers, reply_); !s) {
        rewind(options_.retry_delay_us);  // the bus lost its connection under us
        return;
      }
      const bool first = e.sent_us < 0;
      e.sent_us = clock_.now_us();
      if (first && on_first_sent_) on_first_sent_();
    }
    ++next_send_;
  }
  arm_ack_timer();
}

void JsPublisher::rewind(std::int64_t delay_us) {
  ++rewinds_;
  next_send_ = 0;
  waiting_retry_ = true;
  clock_.cancel(retry_timer_);
  retry_timer_ = clock_.call_after(delay_us, [this] {
    retry_timer_ = 0;
    waiting_retry_ = false;
    pump();
  });
}

void JsPublisher::arm_ack_timer() {
  if (ack_timer_ != 0 || next_send_ == 0 || queue_.front().sent_us < 0) return;
  const std::int64_t due_us = queue_.front().sent_us + options_.ack_timeout_us;
  ack_timer_ = clock_.call_after(std::max<std::int64_t>(due_us - clock_.now_us(), 0), [this] {
    ack_timer_ = 0;
    check_ack_timeout();
  });
}

void JsPublisher::check_ack_timeout() {
  if (next_send_ == 0 || queue_.empty()) return;
  if (clock_.now_us() - queue_.front().sent_us >= options_.ack_timeout_us) {
    rewind(0);
    return;
  }
  arm_ack_timer();
}

}  // namespace core
