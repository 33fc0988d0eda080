/// @file core/jetstream.h
/// @brief JetStream on the Bus port: stream and consumer specs, their JSON wire form, and
/// JsApi, which creates streams and durable consumers through `$JS.API.*` requests.
///
/// JetStream is a protocol over core NATS subjects, so this client logic lives in core and
/// runs unchanged against nats-server (net::NatsBus) and its model (sim::SimBusServer, which
/// uses the same codecs). JsApi is used on the loop thread; its callbacks run there. The
/// durable publisher and consumer are core/js_publisher.h and core/js_consumer.h.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/ports/bus.h"
#include "core/ports/clock.h"
#include "core/status.h"

namespace core {

enum class StreamStorage { kFile, kMemory };

struct StreamSpec {
  std::string name;                   // "TICKS"
  std::vector<std::string> subjects;  // "ticks.>"
  StreamStorage storage = StreamStorage::kFile;
  std::int64_t duplicate_window_us = 120'000'000;
  std::int64_t max_age_us = 0;  // 0: keep forever
  bool operator==(const StreamSpec&) const = default;
};

struct ConsumerSpec {
  std::string stream;
  std::string durable;
  std::string filter_subject;  // empty: the whole stream
  std::int64_t ack_wait_us = 30'000'000;
  int max_ack_pending = 1000;
  int max_deliver = -1;  // -1: redeliver forever
  /// After a reconnect, how long JsConsumer holds deliveries back so that the redeliveries
  /// of messages lost in flight arrive and are put in order; 0 means 2 * ack_wait_us.
  std::int64_t reconnect_hold_us = 0;
  bool operator==(const ConsumerSpec&) const = default;
};

/// The server's answer to a JetStream publish.
struct PubAck {
  std::string stream;
  std::uint64_t seq = 0;
  bool duplicate = false;
};

/// What the reply subject of a consumer delivery says about it:
/// `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<ts ns>.<pending>`.
struct JsDelivery {
  std::string stream;
  std::string consumer;
  std::uint32_t delivery_count = 0;
  std::uint64_t stream_seq = 0;
  std::uint64_t consumer_seq = 0;
  std::int64_t ts_ns = 0;
  std::uint64_t pending = 0;
};

struct StreamState {
  std::uint64_t messages = 0;
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;
};

/// JetStream API error codes the client reacts to (server `err_code`).
inline constexpr int kJsErrStreamNotFound = 10059;
inline constexpr int kJsErrStreamNameInUse = 10058;
inline constexpr std::string_view kMsgIdHeader = "Nats-Msg-Id";

std::string stream_spec_to_json(const StreamSpec& spec);
Result<StreamSpec> stream_spec_from_json(std::string_view json);
/// The body of `$JS.API.CONSUMER.DURABLE.CREATE.<stream>.<durable>`.
std::string consumer_create_json(const ConsumerSpec& spec, std::string_view deliver_subject);
/// Parses a consumer create request back (the server model's side); fills `deliver_subject`.
Result<ConsumerSpec> consumer_create_from_json(std::string_view json, std::string& deliver_subject);
std::string pub_ack_to_json(const PubAck& ack);
/// kRejected with the server's description for an error answer, kProtocol for garbage.
Result<PubAck> pub_ack_from_json(std::string_view json);
/// `{"type":..,"error":{"code":..,"err_code":..,"description":..}}` as the server answers.
std::string js_error_json(int code, int err_code, std::string_view description);
Result<JsDelivery> parse_ack_subject(std::string_view reply);
/// The deliver subject JsConsumer uses: fixed per durable, so re-creating is idempotent.
std::string deliver_subject_for(const ConsumerSpec& spec);

/// Request/reply over the Bus for the `$JS.API` calls.
class JsApi {
 public:
  JsApi(Bus& bus, Clock& clock, std::int64_t timeout_us = 5'000'000);
  ~JsApi();
  JsApi(const JsApi&) = delete;
  JsApi& operator=(const JsApi&) = delete;

  /// Creates the stream, or updates it when it exists with another configuration.
  void ensure_stream(const StreamSpec& spec, std::function<void(Status)> done);
  void stream_info(const std::string& name, std::function<void(Result<StreamState>)> done);
  /// Creates (or binds to) the durable push consumer that delivers to `deliver_subject`.
  void ensure_consumer(const ConsumerSpec& spec, const std::string& deliver_subject,
                       std::function<void(Status)> done);
  /// Sends `body` to `subject` and hands over the reply body (kTimeout, kUnavailable).
  void request(const std::string& subject, const std::string& body,
               std::function<void(Result<std::string>)> done);

 private:
  void on_reply(const BusMessage& msg);

  struct Pending {
    std::function<void(Result<std::string>)> done;
    TimerId timer = 0;
  };
  Bus& bus_;
  Clock& clock_;
  std::int64_t timeout_us_;
  std::string inbox_;
  SubscriptionId sub_ = 0;
  std::uint64_t next_token_ = 1;
  std::map<std::uint64_t, Pending> pending_;
};

}  // namespace core
