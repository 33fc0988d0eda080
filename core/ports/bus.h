/// @file core/ports/bus.h
/// @brief The message bus port (NATS semantics): subjects, wildcards, queue groups, headers.
///
/// Implemented by net::NatsBus (nats.c) and sim::SimBus (an in-process server model). The
/// port is core NATS only; JetStream (streams, the publish outbox, durable consumers) is
/// client logic in core/jetstream*.h built on it, so both worlds run the same client code
/// against a real server and its model. Conventions for every method:
/// - called on the owning shard's loop thread; every callback runs on that loop, never on a
///   library thread and never inside the call that registered it;
/// - subjects are dot-separated tokens; subscriptions may use `*` (one token) and `>` (the
///   rest, last token only);
/// - errors: kInvalidArgument (bad subject), kUnavailable (not connected and the reconnect
///   buffer is full or disabled, or the connection is closed). Nothing here blocks.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/headers.h"
#include "core/status.h"

namespace core {

struct BusMessage {
  std::string subject;
  std::string reply;  // empty when the publisher wants no answer
  Headers headers;
  std::string data;
};

enum class BusState { kConnected, kDisconnected, kReconnected, kClosed };
const char* bus_state_name(BusState state);

using SubscriptionId = std::uint64_t;
using StateHandlerId = std::uint64_t;

class Bus {
 public:
  virtual ~Bus() = default;

  /// Publishes `data` on `subject`; `reply` (may be empty) is handed to the receivers.
  /// While disconnected the message goes to the reconnect buffer (sent, in order, after the
  /// reconnect) or, when that is full or disabled, fails with kUnavailable.
  virtual Status publish(std::string_view subject, std::string_view data, const Headers& headers,
                         std::string_view reply) = 0;

  /// Delivers every message whose subject matches `subject` (wildcards allowed). With a
  /// non-empty `queue_group`, each message goes to one member of the group only. The
  /// subscription survives reconnects (the adapter subscribes again).
  virtual Result<SubscriptionId> subscribe(std::string_view subject, std::string_view queue_group,
                                           std::function<void(const BusMessage&)> on_message) = 0;
  /// kNotFound for an unknown id. No callback for it runs after this returns.
  virtual Status unsubscribe(SubscriptionId id) = 0;

  /// A subject prefix unique to this connection, for reply subjects ("_INBOX.<unique>").
  virtual std::string new_inbox() = 0;

  /// True while the connection to the server is up.
  virtual bool connected() const = 0;
  /// Adds a handler called on every connection state change, after those added before it.
  virtual StateHandlerId on_state(std::function<void(BusState)> handler) = 0;
  /// Removes a handler; it is not called after this returns. Unknown ids are ignored.
  virtual void remove_state_handler(StateHandlerId id) = 0;
};

}  // namespace core
