/// @file sim/mockex/types.h
/// @brief Values the mock exchange speaks in: order requests, order records with their fills,
/// Binance error answers, and the Binance enum spellings (status, response type).
///
/// Plain value types, copied freely. Amounts are exact core::Decimal; times are ms since the
/// epoch in the exchange's (virtual) time, as Binance's REST API sends them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/decimal.h"
#include "core/exchange_filters.h"
#include "core/types.h"

namespace sim::mockex {

using core::Decimal;

/// Binance order status; the mock never produces PENDING_NEW, REJECTED or EXPIRED_IN_MATCH
/// (it has no self-trade prevention: selfTradePreventionMode is always "NONE").
enum class OrderState : std::uint8_t { kNew, kPartiallyFilled, kFilled, kCanceled, kExpired };
enum class RespType : std::uint8_t { kAck, kResult, kFull };

std::string_view order_state_name(OrderState v);  // "PARTIALLY_FILLED"
std::string_view resp_type_name(RespType v);      // "FULL"
std::optional<RespType> parse_resp_type(std::string_view text);
std::string_view binance_side_name(core::Side v);  // "BUY"
std::optional<core::Side> parse_binance_side(std::string_view text);
/// "GTC", "IOC", "FOK" (core::time_in_force_name already spells them like Binance).
std::optional<core::TimeInForce> parse_binance_time_in_force(std::string_view text);

/// Binance's error body `{"code":..,"msg":..}` and the HTTP status it travels with.
struct BinanceError {
  int http_status = 400;
  int code = 0;
  std::string msg;

  bool operator==(const BinanceError&) const = default;
};

/// A model call's answer: the value, or the error Binance would send instead.
template <typename T>
using Reply = std::variant<T, BinanceError>;

/// POST /api/v3/order after parameter parsing. Which fields a type requires is checked by
/// ExchangeModel::new_order (-1102, naming the parameter).
struct NewOrderRequest {
  std::string symbol;
  core::Side side = core::Side::kBuy;
  core::SpotOrderType type = core::SpotOrderType::kLimit;
  std::optional<core::TimeInForce> time_in_force;
  std::optional<Decimal> quantity;
  std::optional<Decimal> quote_order_qty;  // MARKET only
  std::optional<Decimal> price;
  std::optional<std::string> new_client_order_id;
  /// Absent: FULL for LIMIT and MARKET, ACK otherwise (Binance's default).
  std::optional<RespType> new_order_resp_type;
};

/// One execution of an order, as in a FULL response's `fills`.
struct TradeFill {
  Decimal price;
  Decimal qty;
  Decimal commission;
  std::string commission_asset;
  std::uint64_t trade_id = 0;
  bool maker = false;

  bool operator==(const TradeFill&) const = default;
};

/// Everything GET /api/v3/order shows about an order, plus the owner and the funds it locks.
struct OrderRecord {
  std::string api_key;
  std::string symbol;
  std::uint64_t order_id = 0;
  std::string client_order_id;
  core::Side side = core::Side::kBuy;
  core::SpotOrderType type = core::SpotOrderType::kLimit;
  core::TimeInForce time_in_force = core::TimeInForce::kGtc;
  Decimal price;  // 0 for MARKET
  Decimal orig_qty;
  Decimal executed_qty;
  Decimal cummulative_quote_qty;  // Binance's spelling
  Decimal orig_quote_order_qty;
  OrderState status = OrderState::kNew;
  std::int64_t time_ms = 0;
  std::int64_t update_time_ms = 0;
  /// Quote (buy) or base (sell) still locked for the open remainder.
  Decimal locked;

  bool is_open() const {
    return status == OrderState::kNew || status == OrderState::kPartiallyFilled;
  }
  Decimal remaining_qty() const;
  bool operator==(const OrderRecord&) const = default;
};

/// The answer to an accepted new order (also FOK/IOC orders that expired).
struct NewOrderResult {
  OrderRecord order;
  std::vector<TradeFill> fills;
  RespType resp_type = RespType::kFull;
  std::int64_t transact_time_ms = 0;
};

/// The answer to a cancel: the order as canceled, and the cancel's own clientOrderId.
struct CancelResult {
  OrderRecord order;
  std::string cancel_client_order_id;
  std::int64_t transact_time_ms = 0;
};

/// One asset of an account.
struct Balance {
  std::string asset;
  Decimal free;
  Decimal locked;

  bool operator==(const Balance&) const = default;
};

/// GET /api/v3/account, in the model's terms.
struct AccountView {
  Decimal maker_rate;
  Decimal taker_rate;
  std::int64_t update_time_ms = 0;
  std::uint64_t uid = 0;
  std::vector<Balance> balances;  // by asset name
};

/// A change to a user order, in order of occurrence (for executionReports and order counts).
struct OrderEvent {
  OrderRecord order;                   // after the change
  std::optional<TradeFill> last_fill;  // set when the change is an execution
  bool first_fill = false;             // this execution is the order's first
};

}  // namespace sim::mockex
