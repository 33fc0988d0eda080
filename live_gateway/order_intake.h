/// @file live_gateway/order_intake.h
/// @brief OrderIntake: the bus side of an order message. Parses `{prefix}.{account}.{action}`
/// subjects, decodes new/cancel/approve bodies into core types, defaults the symbol, and gives
/// every order a client_order_id.
///
/// Pure logic, no I/O, no clock: a client_order_id the message lacks is `{worker_id}-{n}` with a
/// per-instance counter, so ids are deterministic in simulation and unique as long as each
/// worker incarnation has its own worker_id (main: host, pid and start time; sim: host name and
/// incarnation). Every failure is a `Rejection` with kInvalidOrder and a reason naming the field,
/// taken from the codec (`order.quantity: expected a positive decimal, got "0"`). One instance
/// per worker, used on its loop thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/types.h"

namespace live_gateway {

/// Why an order did not go through, as published on `{prefix}.{account}.rejected`.
struct Rejection {
  core::RejectCode code = core::RejectCode::kInvalidOrder;
  std::string reason;

  bool operator==(const Rejection&) const = default;
};

enum class OrderAction : std::uint8_t { kNew, kCancel, kApprove };

struct OrderSubject {
  std::string account;
  OrderAction action = OrderAction::kNew;

  bool operator==(const OrderSubject&) const = default;
};

/// `{prefix}.{account}.{new|cancel|approve}` with `prefix` a literal ("orders"); nullopt for
/// anything else (other actions, wrong token count, empty account).
std::optional<OrderSubject> parse_order_subject(std::string_view prefix, std::string_view subject);

/// The subject prefix of an intake pattern: "orders.*.new" -> "orders". Empty when the pattern
/// is not `{prefix}.*.{action}`.
std::string intake_prefix(std::string_view subscribe_subject);

class OrderIntake {
 public:
  /// `default_symbol`: the symbol of an order that names none. `worker_id`: 1..24 characters
  /// of [A-Za-z0-9._:/-] (checked by the caller's config), unique per worker incarnation.
  OrderIntake(std::string default_symbol, std::string worker_id);

  /// A new order for `account` (from the subject). The result always has a client_order_id.
  std::variant<core::Order, Rejection> decode_new(std::string_view account, std::string_view body);
  /// The client_order_id of a cancel or approve body (`{"client_order_id":".."}`).
  std::variant<std::string, Rejection> decode_order_ref(std::string_view account,
                                                        std::string_view body) const;

  const std::string& default_symbol() const { return default_symbol_; }

 private:
  std::string default_symbol_;
  std::string worker_id_;
  std::uint64_t generated_ = 0;
};

}  // namespace live_gateway
