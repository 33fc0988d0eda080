/// @file sim/mockex/detail/decimal_ops.h
/// @brief Exact Decimal arithmetic for the exchange model, where an overflow is a bug.
///
/// Amounts reaching the model passed LOT_SIZE/PRICE_FILTER-sized parsing (at most 38 digits),
/// so products of two of them cannot overflow in practice; if one does, the model is broken
/// and these throw std::logic_error rather than continue with a wrong balance.
#pragma once

#include <stdexcept>

#include "core/decimal.h"

namespace sim::mockex::detail {

inline core::Decimal checked(core::Result<core::Decimal> r) {
  if (!r) throw std::logic_error("mockex decimal arithmetic: " + r.status().message);
  return *r;
}
inline core::Decimal add(const core::Decimal& a, const core::Decimal& b) {
  return checked(a.add(b));
}
inline core::Decimal sub(const core::Decimal& a, const core::Decimal& b) {
  return checked(a.sub(b));
}
inline core::Decimal mul(const core::Decimal& a, const core::Decimal& b) {
  return checked(a.mul(b));
}
inline core::Decimal min(const core::Decimal& a, const core::Decimal& b) {
  return b < a ? b : a;
}

}  // namespace sim::mockex::detail
