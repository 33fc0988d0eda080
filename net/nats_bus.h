/// @file net/nats_bus.h
/// @brief net::NatsBus: core::Bus on nats.c, with every callback handed to the shard's loop.
///
/// The connection's socket I/O runs on the AsioClock's loop (nats.c's external event loop, see
/// net/detail/nats_loop.h): reads are parsed on the loop and what they bring for each
/// subscription is handed to its handler right after; a publish appends to nats.c's buffer
/// and everything published in one loop turn goes out in one write (with `send_asap`; else
/// nats.c's flusher sends about 1 ms later). nats.c's own threads (reconnect, pings, its
/// callbacks) only `post` state changes to the loop, where the state handlers run. Connecting never blocks
/// the constructor on a down server: nats.c keeps trying in the background (kConnected
/// arrives when it succeeds). In JetStream mode the reconnect buffer is disabled and publish
/// fails fast while the loop has not yet seen the reconnect (see core/bus_options.h).
/// When nats.c gives up (max_reconnect_attempts used up, also when the server was down from
/// the start) it closes the connection: state handlers see kClosed, `connected()` is false and
/// publish fails with kUnavailable; after reconnect_wait a new connection cycle starts with
/// the same options, every live subscription is made again on it (ids stay valid) and
/// kReconnected (kConnected if it never was up) follows once it is up. It never gives up.
/// Destruction closes the connection, waits for nats.c's closed callback, then destroys it;
/// posted work still queued checks a liveness flag and does nothing.
/// Received headers come sorted by name (nats.c keeps them in a hash map).
#pragma once

#include <cstdint>
#include <memory>

#include "core/bus_options.h"
#include "core/ports/bus.h"
#include "net/asio_clock.h"

namespace net {

class NatsBus final : public core::Bus {
 public:
  NatsBus(AsioClock& clock, core::BusOptions options);
  ~NatsBus() override;
  NatsBus(const NatsBus&) = delete;
  NatsBus& operator=(const NatsBus&) = delete;

  core::Status publish(std::string_view subject, std::string_view data,
                       const core::Headers& headers, std::string_view reply) override;
  core::Result<core::SubscriptionId> subscribe(
      std::string_view subject, std::string_view queue_group,
      std::function<void(const core::BusMessage&)> on_message) override;
  core::Status unsubscribe(core::SubscriptionId id) override;
  std::string new_inbox() override;
  bool connected() const override;
  /// Connections started so far: 1 after construction, +1 per cycle after nats.c gave up.
  std::uint64_t connection_cycles() const;
  core::StateHandlerId on_state(std::function<void(core::BusState)> handler) override;
  void remove_state_handler(core::StateHandlerId id) override;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace net
