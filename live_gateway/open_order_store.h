/// @file live_gateway/open_order_store.h
/// @brief OpenOrderStore: a worker's open orders kept in the shared core::Kv under its
/// instance id, so the next incarnation with the same id finds them: pending approvals are
/// held again, and orders that died with the process can have their reservations settled.
///
/// One Kv hash per instance, `{prefix}:open:{instance}`; field `{account}/{client_order_id}`;
/// value `{"status":..,"notional_usd":..,"filled_usd":..,"order":{the order as on the bus}}`.
/// Writes are fire and forget (a failure is logged: the reservation in Exposure is the safety
/// net, this is bookkeeping). Callbacks run on the Kv's loop; borrows the Kv.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.h"
#include "core/ports/kv.h"
#include "core/status.h"
#include "core/types.h"

namespace live_gateway {

/// An order a worker holds: waiting for approval or working in an executor.
struct OpenOrder {
  core::Order order;
  core::OrderStatus status = core::OrderStatus::kPendingApproval;
  core::Decimal notional_usd;  // reserved in Exposure
  core::Decimal filled_qty;
  core::Decimal filled_usd;

  bool operator==(const OpenOrder&) const = default;
};

class OpenOrderStore {
 public:
  OpenOrderStore(core::Kv& kv, std::string instance, std::string key_prefix = "t26:live");

  /// Writes (or overwrites) the order's record.
  void put(const OpenOrder& open);
  void erase(std::string_view account, std::string_view client_order_id);
  /// Every record of this instance, by field order. A record that does not decode is logged,
  /// deleted and left out. Kv errors unchanged.
  void load(std::function<void(core::Result<std::vector<OpenOrder>>)> done);

  const std::string& key() const { return key_; }
  static std::string encode(const OpenOrder& open);
  /// kInvalidArgument naming the field that is wrong.
  static core::Result<OpenOrder> decode(std::string_view json);

 private:
  core::Kv& kv_;
  std::string key_;
};

}  // namespace live_gateway
