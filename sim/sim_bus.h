/// @file sim/sim_bus.h
/// @brief sim::SimBus: core::Bus for one simulated process, connected to a SimBusServer.
///
/// Behaves like net::NatsBus with the same BusOptions: subscriptions are kept by the client
/// and sent again after a reconnect; while disconnected, publishes go to the reconnect buffer
/// (core-NATS mode, `reconnect_buf_bytes`, flushed in order after the reconnect) or fail with
/// kUnavailable (buffer full, or JetStream mode, where the buffer is disabled); reconnect is
/// tried every `reconnect_wait_us`, up to `max_reconnect_attempts` (-1 forever), then the
/// connection is closed (kClosed, buffer dropped) and a new cycle starts after
/// `reconnect_wait_us`: it never gives up. Headers arrive sorted by name, as from NatsBus.
/// Everything runs on the clock's loop; the server must outlive the client.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/bus_options.h"
#include "core/ports/bus.h"
#include "core/ports/clock.h"
#include "sim/sim_bus_server.h"

namespace sim {

class SimBus final : public core::Bus {
 public:
  SimBus(core::Clock& clock, SimBusServer& server, core::BusOptions options);
  ~SimBus() override;
  SimBus(const SimBus&) = delete;
  SimBus& operator=(const SimBus&) = delete;

  core::Status publish(std::string_view subject, std::string_view data,
                       const core::Headers& headers, std::string_view reply) override;
  core::Result<core::SubscriptionId> subscribe(
      std::string_view subject, std::string_view queue_group,
      std::function<void(const core::BusMessage&)> on_message) override;
  core::Status unsubscribe(core::SubscriptionId id) override;
  std::string new_inbox() override;
  bool connected() const override { return conn_ != 0; }
  /// Connection cycles started: 1 after construction, +1 after each close (as NatsBus).
  std::uint64_t connection_cycles() const { return cycles_; }
  core::StateHandlerId on_state(std::function<void(core::BusState)> handler) override;
  void remove_state_handler(core::StateHandlerId id) override;

  // For SimBusServer.
  const std::string& name() const { return options_.name; }
  void deliver(core::SubscriptionId sid, const core::BusMessage& msg);
  void connection_lost();

 private:
  struct Sub {
    std::string subject;
    std::string queue;
    std::function<void(const core::BusMessage&)> on_message;
  };
  void start_cycle();
  void try_connect();
  bool attach();
  void close();
  void notify(core::BusState state);

  core::Clock& clock_;
  SimBusServer& server_;
  core::BusOptions options_;
  SimBusServer::ConnId conn_ = 0;
  bool ever_connected_ = false;
  bool closed_ = false;
  int attempts_ = 0;
  std::uint64_t cycles_ = 0;
  core::TimerId reconnect_timer_ = 0;
  std::string inbox_base_;
  std::uint64_t next_inbox_ = 1;
  core::SubscriptionId next_sub_ = 1;
  std::map<core::SubscriptionId, Sub> subs_;
  std::vector<core::BusMessage> buffer_;  // reconnect buffer
  std::int64_t buffer_bytes_ = 0;
  core::StateHandlerId next_handler_ = 1;
  std::map<core::StateHandlerId, std::function<void(core::BusState)>> handlers_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace sim
