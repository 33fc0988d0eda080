/// @file live_gateway/exposure.h
/// @brief Exposure: the USD notional each (account, symbol) holds or has on order, reserved
/// atomically in the shared core::Kv so every worker of the queue group, and every restart,
/// sees the same total.
///
/// One Kv hash per (account, symbol), `{prefix}:exposure:{account}:{symbol}`, run through
/// core::kReserveScript / kSettleScript (field "total" plus one field per reservation). The
/// script does the check-and-add in one step, so two workers cannot both fit under the cap.
/// Amounts are integer micro-USD, rounded up, so a reservation is never below its valuation.
///
/// Life of an order: reserve(id = client_order_id, its notional) before it may execute; when it
/// is final, settle() turns the reservation into a position in one step: the filled notional
/// stays (field `id:pos:{id}`), at most what was reserved, and the rest is released. A fill
/// priced above the order's valuation (a crossing sell filled at the higher bid, a market buy's
/// slippage) so counts at its valuation: the total never passes the cap that admitted it.
///
/// Sells do not net against buys: exposure is gross (every order adds its notional, whatever
/// its side), which never lets a limit break but can refuse an order that would reduce a
/// position. An order whose worker crashes keeps its reservation (the safe side) until the
/// worker's next incarnation with the same service.instance_id settles it (OrderService).
/// Callbacks run on the Kv's loop; borrows the Kv, which must outlive this object.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/decimal.h"
#include "core/ports/kv.h"
#include "core/status.h"

namespace live_gateway {

class Exposure {
 public:
  struct Outcome {
    bool reserved = false;
    core::Decimal total_usd;  // the (account, symbol) total after the call

    bool operator==(const Outcome&) const = default;
  };

  Exposure(core::Kv& kv, core::Decimal cap_usd, std::string key_prefix = "t26:live");

  /// Reserves `notional_usd` for `client_order_id` unless the total would pass the cap.
  /// Reserving an id twice reserves once. Kv errors come through unchanged (in_doubt kept: the
  /// reservation may exist, which errs on the safe side).
  void reserve(std::string_view account, std::string_view symbol, std::string_view client_order_id,
               const core::Decimal& notional_usd, std::function<void(core::Result<Outcome>)> done);
  /// The order is final: `filled_usd` (at most what it reserved) stays as position, the rest
  /// is released; settling twice settles once.
  void settle(std::string_view account, std::string_view symbol, std::string_view client_order_id,
              const core::Decimal& filled_usd, std::function<void(core::Status)> done);
  /// The current total of (account, symbol) in USD.
  void total(std::string_view account, std::string_view symbol,
             std::function<void(core::Result<core::Decimal>)> done);

  std::string key(std::string_view account, std::string_view symbol) const;
  /// USD to integer micro-USD, rounded up. kInvalidArgument when negative or too large.
  static core::Result<std::int64_t> to_micro_usd(const core::Decimal& usd);

 private:
  core::Kv& kv_;
  std::int64_t cap_micro_usd_ = 0;
  std::string prefix_;
};

}  // namespace live_gateway
