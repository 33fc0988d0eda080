/// @file core/js_publisher.h
/// @brief JsPublisher: the JetStream outbox. Every message stays until its PubAck arrives and
/// reaches the stream exactly once and in publish order, across disconnects and restarts.
///
/// How: each message carries a Nats-Msg-Id (the stream drops a repeat inside its duplicate
/// window) and its own reply subject `<inbox>.<n>`, so PubAcks are matched to messages. At
/// most `max_in_flight` are unacknowledged on the wire. Whenever the order on the wire may be
/// broken (disconnect, a publish the bus refused, an error PubAck, no PubAck within
/// `ack_timeout_us`), sending rewinds to the oldest unacknowledged message and goes on from
/// there in order; resending what the stream already holds only produces duplicate acks.
/// Nothing is handed to the bus while it is disconnected (the bus has no reconnect buffer in
/// JetStream mode, see core/bus_options.h), so no older message can be overtaken.
/// Limits: the stream's duplicate window must be longer than the longest outage the outbox
/// rides out, or a resend after it may be stored twice (core/streams.h chooses 10 min).
///
/// | option          | meaning                                               | default |
/// |-----------------|-------------------------------------------------------|---------|
/// | capacity        | messages held; publish fails kResourceExhausted above | 100000  |
/// | max_in_flight   | sent but not yet acknowledged                         | 512     |
/// | ack_timeout_us  | no PubAck within this: rewind and resend              | 2 s     |
/// | retry_delay_us  | pause before resending after an error                 | 50 ms   |
///
/// Loop thread only; the Bus and Clock must outlive it.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "core/jetstream.h"

namespace core {

struct OutboxOptions {
  std::size_t capacity = 100'000;
  std::size_t max_in_flight = 512;
  std::int64_t ack_timeout_us = 2'000'000;
  std::int64_t retry_delay_us = 50'000;
};

class JsPublisher {
 public:
  JsPublisher(Bus& bus, Clock& clock, OutboxOptions options = {});
  ~JsPublisher();
  JsPublisher(const JsPublisher&) = delete;
  JsPublisher& operator=(const JsPublisher&) = delete;

  /// Queues a message for `subject` with dedup id `msg_id` (both required): kInvalidArgument
  /// when either is empty, kResourceExhausted when `capacity` messages are unacknowledged.
  Status publish(std::string subject, std::string data, std::string msg_id, Headers headers = {});

  /// Messages queued and not yet acknowledged.
  std::size_t pending() const { return queue_.size(); }
  std::uint64_t acked() const { return acked_; }
  std::uint64_t duplicates() const { return duplicates_; }
  std::uint64_t rewinds() const { return rewinds_; }
  /// Called once per message when its PubAck arrives (in publish order).
  void on_acked(std::function<void(const PubAck&)> handler) { on_acked_ = std::move(handler); }
  /// Called once per message when it first goes to the bus (in publish order; resends after
  /// a rewind are not reported). May run inside publish().
  void on_first_sent(std::function<void()> handler) { on_first_sent_ = std::move(handler); }

 private:
  struct Entry {
    std::uint64_t id = 0;  // outbox sequence: the reply subject's last token
    std::string subject;
    std::string data;
    Headers headers;
    bool acked = false;
    PubAck ack;  // valid once acked
    std::int64_t sent_us = -1;
  };

  void handle_state(BusState state);
  void handle_reply(const BusMessage& msg);
  void pump();
  void rewind(std::int64_t delay_us);
  void arm_ack_timer();
  void check_ack_timeout();

  Bus& bus_;
  Clock& clock_;
  OutboxOptions options_;
  std::string inbox_;
  std::string reply_;  // pump's reply subject, reused (one per message sent)
  SubscriptionId sub_ = 0;
  StateHandlerId state_handler_ = 0;
  std::deque<Entry> queue_;    // front: the oldest unacknowledged message
  std::size_t next_send_ = 0;  // index in queue_ of the next message to put on the wire
  std::uint64_t next_id_ = 1;
  std::uint64_t acked_ = 0;
  std::uint64_t duplicates_ = 0;
  std::uint64_t rewinds_ = 0;
  bool waiting_retry_ = false;
  TimerId retry_timer_ = 0;
  TimerId ack_timer_ = 0;
  std::function<void(const PubAck&)> on_acked_;
  std::function<void()> on_first_sent_;
};

}  // namespace core
