/// @file core/js_consumer.h
/// @brief JsConsumer: a durable JetStream push consumer whose application sees every stream
/// message once and in stream order, across disconnects and server restarts.
///
/// The server side (durable consumer, explicit acks, AckWait redelivery, MaxAckPending) is
/// created through JsApi and lives in the stream's store. It redelivers whatever it has no
/// ack for, which gives the application at-least-once; this class turns that into
/// exactly-once-in-order for one process:
/// - it remembers the highest stream sequence handed to the application; a redelivery at or
///   below it is dropped (and acked again if the application already acked it: the first
///   ack may have been lost with the server);
/// - a message delivered by the server just before a crash or disconnect may be lost in
///   flight while the server recorded it as delivered; it comes back only after AckWait,
///   behind newer messages. So after every (re)connect, deliveries are held back for
///   `reconnect_hold_us` (default 2 * AckWait), then released in stream-sequence order.
/// Messages the application naks come back out of order (that is what a nak asks for).
/// The application acks each message, now or later (e.g. once its store accepted it).
///
/// Loop thread only; callbacks run on the loop. Bus and Clock must outlive it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "core/jetstream.h"

namespace core {

struct JsMessage {
  BusMessage msg;
  JsDelivery delivery;  // stream_seq, delivery_count (1 on first delivery), ...
};

class JsConsumer {
 public:
  JsConsumer(Bus& bus, Clock& clock, ConsumerSpec spec);
  ~JsConsumer();
  JsConsumer(const JsConsumer&) = delete;
  JsConsumer& operator=(const JsConsumer&) = delete;

  /// Creates or binds the durable consumer (retrying until the server answers) and starts
  /// delivering. `on_started` gets the first create answer; `on_message` every message.
  void start(std::function<void(const JsMessage&)> on_message,
             std::function<void(Status)> on_started);

  /// Acknowledges the message (kUnavailable if the bus is down: it will be redelivered, and
  /// then acked here as a duplicate).
  Status ack(const JsMessage& m);
  /// Asks for redelivery after `delay_us`.
  Status nak(const JsMessage& m, std::int64_t delay_us);

  std::uint64_t last_stream_seq() const { return last_seq_; }
  std::uint64_t duplicates_dropped() const { return duplicates_; }
  bool holding() const { return holding_; }

 private:
  void handle_state(BusState state);
  void handle_delivery(const BusMessage& msg);
  void deliver(JsMessage m);
  void ensure_consumer();
  void hold();
  void release();

  Bus& bus_;
  Clock& clock_;
  ConsumerSpec spec_;
  std::string deliver_subject_;
  JsApi api_;
  std::function<void(const JsMessage&)> on_message_;
  std::function<void(Status)> on_started_;
  SubscriptionId sub_ = 0;
  StateHandlerId state_handler_ = 0;
  std::uint64_t last_seq_ = 0;
  std::uint64_t duplicates_ = 0;
  std::set<std::uint64_t> unacked_;  // handed to the application, not yet acked by it
  std::set<std::uint64_t> nakked_;
  bool holding_ = false;
  std::map<std::uint64_t, JsMessage> held_;  // by stream sequence
  TimerId release_timer_ = 0;
  TimerId ensure_timer_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace core
