/// @file live_gateway/safety_policy.h
/// @brief SafetyPolicy: the per-order checks of the seed's `safety` section plus the design's
/// additions, evaluated on one order against the last tick. Shared limits (position size,
/// duplicate client_order_id) need the Kv and live in exposure.h; this file is pure logic.
///
/// `check` runs the rules in this order, the first failure wins:
///
/// | rule | key | RejectCode |
/// |---|---|---|
/// | kill switch | safety.kill_switch, POST /halt | kKillSwitch |
/// | paper only (1) | safety.paper_trading_only | kPaperOnly |
/// | allowlist | safety.symbols_allowed | kSymbolNotAllowed |
/// | known symbol | exchangeInfo (execution.validate_orders) | kInvalidOrder |
/// | reference price (2) | a market order needs a last tick | kNoMarketData |
/// | order size (2) | safety.max_order_size_usd | kMaxOrderSize |
/// | exchange filters | PRICE_FILTER, LOT_SIZE, NOTIONAL, ... | core/exchange_filters.h |
/// | price band (3) | safety.price_band_pct | kPriceBand, kNoMarketData |
///
/// (1) true forces paper_trading=true whatever the order says; false lets an order ask for live,
/// refused only when the worker has no live executor. (2) The notional is qty x limit price, or
/// qty x last tick for a market order. (3) A limit must lie within pct % of the last tick; with
/// no tick yet it is refused; "0" turns the band off.
///
/// Prices are taken to be USD (the quote of the allowed symbols is USDT/USD). The halt flag is
/// the only state; one instance per worker, on its loop thread.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>

#include "core/config/live_gateway_config.h"
#include "core/decimal.h"
#include "core/exchange_filters.h"
#include "core/status.h"
#include "core/types.h"
#include "live_gateway/order_intake.h"

namespace live_gateway {

/// Exchange filters by symbol. Empty: filters are not checked.
using SymbolTable = std::map<std::string, core::SymbolFilters, std::less<>>;

/// The TRADING symbols of an exchangeInfo body (legacy filter names mapped). kProtocol from the
/// parser.
core::Result<SymbolTable> symbol_table_from_exchange_info(std::string_view json);

class SafetyPolicy {
 public:
  /// kConfig naming the key when a limit is not a non-negative decimal. `symbols` as
  /// SymbolTable (pass an empty one when execution.validate_orders is false).
  static core::Result<SafetyPolicy> make(const core::SafetyConfig& safety, SymbolTable symbols);

  /// Checks `order` (paper_trading may be forced to true) and returns its notional in USD,
  /// the amount to reserve against max_position_size_usd; or the first rule it breaks.
  std::variant<core::Decimal, Rejection> check(core::Order& order,
                                               const std::optional<core::Decimal>& last_price,
                                               bool live_available) const;

  bool halted() const { return halted_; }
  void set_halted(bool halted) { halted_ = halted; }
  bool require_approval() const { return require_approval_; }
  const core::Decimal& max_position_usd() const { return max_position_usd_; }
  const core::Decimal& max_order_usd() const { return max_order_usd_; }

 private:
  SafetyPolicy() = default;
  std::optional<Rejection> check_filters(const core::Order& order,
                                         const std::optional<core::Decimal>& last_price) const;
  std::optional<Rejection> check_band(const core::Order& order,
                                      const std::optional<core::Decimal>& last_price) const;

  bool paper_only_ = true;
  bool require_approval_ = false;
  bool halted_ = false;
  core::Decimal max_order_usd_;
  core::Decimal max_position_usd_;
  core::Decimal band_pct_;
  std::set<std::string, std::less<>> allowlist_;
  SymbolTable symbols_;
};

}  // namespace live_gateway
