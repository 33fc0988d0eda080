/// @file live_gateway/executor.h
/// @brief The seam between the order path (intake, safety, reservations, bus) and where an
/// order is executed: `Executor`, implemented by PaperEngine (fills from the ticks on the bus)
/// and LiveExecutor (signed REST against the exchange).
///
/// The order path hands an executor only orders that passed SafetyPolicy and whose exposure
/// is reserved, always with a client_order_id. The executor reports every state change as a
/// core::OrderUpdate (accepted, partially_filled, filled, canceled, expired, rejected, failed)
/// and every execution as a core::Fill through the `ExecutionEvents` it was given; the order
/// path publishes them and settles the reservation when an update is final. Events may run
/// inside submit(), cancel() or on_tick() (the paper engine answers at once) or later from the
/// loop (the live executor waits for the exchange); the order path copes with both. One
/// executor per worker, on that worker's loop thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "core/types.h"

namespace live_gateway {

struct ExecutionEvents {
  std::function<void(const core::OrderUpdate&)> on_update;
  std::function<void(const core::Fill&)> on_fill;
};

class Executor {
 public:
  virtual ~Executor() = default;
  /// Starts executing `order` (client_order_id set, limits already checked). Reports at least
  /// one update: accepted, or rejected/failed with a code and reason.
  virtual void submit(const core::Order& order) = 0;
  /// Cancels a working order; an unknown or already final order gets a rejected update with
  /// kUnknownOrder (the order path only forwards cancels of orders it knows).
  virtual void cancel(const std::string& account, const std::string& client_order_id) = 0;
  /// Every tick from the bus, in bus order (the paper engine fills from them; the live
  /// executor may ignore them).
  virtual void on_tick(const core::Tick& tick) = 0;
  /// Orders submitted and not yet final.
  virtual std::size_t working_orders() const = 0;
};

}  // namespace live_gateway
