#include "sim/mockex/types.h"

#include <array>
#include <utility>

#include "sim/mockex/detail/decimal_ops.h"

namespace sim::mockex {
namespace {

constexpr std::array<std::string_view, 5> kStateNames{"NEW", "PARTIALLY_FILLED", "FILLED",
                                                      "CANCELED", "EXPIRED"};
constexpr std::array<std::string_view, 3> kRespNames{"ACK", "RESULT", "FULL"};

}  // namespace

std::string_view order_state_name(OrderState v) {
  return kStateNames.at(static_cast<int>(v));
}
std::string_view resp_type_name(RespType v) {
  return kRespNames.at(static_cast<int>(v));
}

std::optional<RespType> parse_resp_type(std::string_view text) {
  for (std::size_t i = 0; i < kRespNames.size(); ++i) {
    if (kRespNames[i] == text) return static_cast<RespType>(i);
  }
  return std::nullopt;
}

std::string_view binance_side_name(core::Side v) {
  return v == core::Side::kBuy ? "BUY" : "SELL";
}

std::optional<core::Side> parse_binance_side(std::string_view text) {
  if (text == "BUY") return core::Side::kBuy;
  if (text == "SELL") return core::Side::kSell;
  return std::nullopt;
}

std::optional<core::TimeInForce> parse_binance_time_in_force(std::string_view text) {
  for (auto t : {core::TimeInForce::kGtc, core::TimeInForce::kIoc, core::TimeInForce::kFok}) {
    if (core::time_in_force_name(t) == text) return t;
  }
  return std::nullopt;
}

Decimal OrderRecord::remaining_qty() const {
  return detail::sub(orig_qty, executed_qty);
}

}  // namespace sim::mockex
