#include "core/types.h"

#include <array>

namespace core {
namespace {

// Names indexed by the enum's value; the enums are dense from 0.
constexpr std::array<std::string_view, 3> kExchangeNames = {"binance", "coinbase", "kraken"};
constexpr std::array<std::string_view, 2> kSideNames = {"buy", "sell"};
constexpr std::array<std::string_view, 3> kTickKindNames = {"trade", "ticker", "book"};
constexpr std::array<std::string_view, 2> kOrderTypeNames = {"limit", "market"};
constexpr std::array<std::string_view, 3> kTimeInForceNames = {"GTC", "IOC", "FOK"};
constexpr std::array<std::string_view, 2> kLiquidityNames = {"maker", "taker"};
constexpr std::array<std::string_view, 8> kOrderStatusNames = {
    "accepted", "rejected", "pending_approval", "partially_filled",
    "filled",   "canceled", "expired",          "failed"};
constexpr std::array<std::string_view, 17> kRejectCodeNames = {"PAPER_ONLY",
                                                               "MAX_ORDER_SIZE",
                                                               "MAX_POSITION",
                                                               "SYMBOL_NOT_ALLOWED",
                                                               "PRICE_FILTER",
                                                               "LOT_SIZE",
                                                               "MIN_NOTIONAL",
                                                               "PRICE_BAND",
                                                               "DUPLICATE_CLIENT_ORDER_ID",
                                                               "KILL_SWITCH",
                                                               "INVALID_ORDER",
                                                               "NO_MARKET_DATA",
                                                               "EXCHANGE_ERROR",
                                                               "RATE_LIMITED",
                                                               "UNKNOWN_ORDER",
                                                               "TIMEOUT",
                                                               "INSUFFICIENT_BALANCE"};

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::string_view, N>& names, E v) {
  const auto i = static_cast<std::size_t>(v);
  return i < N ? names[i] : std::string_view("unknown");
}

template <typename E, std::size_t N>
std::optional<E> parse_name(const std::array<std::string_view, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view exchange_name(Exchange v) {
  return name_of(kExchangeNames, v);
}
std::string_view side_name(Side v) {
  return name_of(kSideNames, v);
}
std::string_view tick_kind_name(TickKind v) {
  return name_of(kTickKindNames, v);
}
std::string_view order_type_name(OrderType v) {
  return name_of(kOrderTypeNames, v);
}
std::string_view time_in_force_name(TimeInForce v) {
  return name_of(kTimeInForceNames, v);
}
std::string_view liquidity_name(Liquidity v) {
  return name_of(kLiquidityNames, v);
}
std::string_view order_status_name(OrderStatus v) {
  return name_of(kOrderStatusNames, v);
}
std::string_view reject_code_name(RejectCode v) {
  return name_of(kRejectCodeNames, v);
}

std::optional<Exchange> parse_exchange(std::string_view t) {
  return parse_name<Exchange>(kExchangeNames, t);
}
std::optional<Side> parse_side(std::string_view t) {
  return parse_name<Side>(kSideNames, t);
}
std::optional<TickKind> parse_tick_kind(std::string_view t) {
  return parse_name<TickKind>(kTickKindNames, t);
}
std::optional<OrderType> parse_order_type(std::string_view t) {
  return parse_name<OrderType>(kOrderTypeNames, t);
}
std::optional<TimeInForce> parse_time_in_force(std::string_view t) {
  return parse_name<TimeInForce>(kTimeInForceNames, t);
}
std::optional<Liquidity> parse_liquidity(std::string_view t) {
  return parse_name<Liquidity>(kLiquidityNames, t);
}
std::optional<OrderStatus> parse_order_status(std::string_view t) {
  return parse_name<OrderStatus>(kOrderStatusNames, t);
}
std::optional<RejectCode> parse_reject_code(std::string_view t) {
  return parse_name<RejectCode>(kRejectCodeNames, t);
}

}  // namespace core
