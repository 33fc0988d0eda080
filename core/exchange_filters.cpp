#include "core/exchange_filters.h"

#include <array>
#include <utility>

namespace core {
namespace {

constexpr std::array<std::pair<SpotOrderType, std::string_view>, 3> kTypeNames{{
    {SpotOrderType::kLimit, "LIMIT"},
    {SpotOrderType::kMarket, "MARKET"},
    {SpotOrderType::kLimitMaker, "LIMIT_MAKER"},
}};

FilterRejection reject(std::string_view filter, RejectCode code) {
  return FilterRejection{-1013, fmt::format("Filter failure: {}", filter), code};
}

/// min/max/step with 0 meaning "rule off" (PRICE_FILTER's documented convention; LOT_SIZE and
/// MARKET_LOT_SIZE follow it in practice: 2021 MARKET_LOT_SIZE sends stepSize 0).
bool within_range_and_step(const Decimal& v, const Decimal& min, const Decimal& max,
                           const Decimal& step) {
  if (min.is_positive() && v < min) return false;
  if (max.is_positive() && v > max) return false;
  if (step.is_positive() && !v.is_multiple_of(step)) return false;
  return true;
}

/// value * factor; an overflow (absurd inputs) counts as out of any bound.
std::optional<Decimal> product(const Decimal& value, const Decimal& factor) {
  auto r = value.mul(factor);
  if (!r) return std::nullopt;
  return *r;
}

bool passes_percent_price(const PercentPriceBySideFilter& f, Side side, const Decimal& price,
                          const Decimal& ref) {
  const bool buy = side == Side::kBuy;
  const auto up = product(ref, buy ? f.bid_multiplier_up : f.ask_multiplier_up);
  const auto down = product(ref, buy ? f.bid_multiplier_down : f.ask_multiplier_down);
  if (!up || !down) return false;
  return price <= *up && price >= *down;
}

std::optional<FilterRejection> check_notional(const NotionalFilter& f, bool market,
                                              const Decimal& notional) {
  if ((!market || f.apply_min_to_market) && notional < f.min_notional) {
    return reject("NOTIONAL", RejectCode::kMinNotional);
  }
  if (f.max_notional && (!market || f.apply_max_to_market) && notional > *f.max_notional) {
    return reject("NOTIONAL", RejectCode::kMaxOrderSize);
  }
  return std::nullopt;
}

}  // namespace

std::string_view spot_order_type_name(SpotOrderType v) {
  for (const auto& [type, name] : kTypeNames) {
    if (type == v) return name;
  }
  return "?";
}

std::optional<SpotOrderType> parse_spot_order_type(std::string_view text) {
  for (const auto& [type, name] : kTypeNames) {
    if (name == text) return type;
  }
  return std::nullopt;
}

std::optional<FilterRejection> check_order(const SymbolFilters& filters, const FilterInput& order) {
  const bool market = order.type == SpotOrderType::kMarket;
  const std::optional<Decimal> price = market ? std::nullopt : order.price;
  if (const auto& f = filters.price;
      f && price && !within_range_and_step(*price, f->min_price, f->max_price, f->tick_size)) {
    return reject("PRICE_FILTER", RejectCode::kPriceFilter);
  }
  if (const auto& f = filters.percent_price_by_side;
      f && price && order.ref_price &&
      !passes_percent_price(*f, order.side, *price, *order.ref_price)) {
    return reject("PERCENT_PRICE_BY_SIDE", RejectCode::kPriceBand);
  }
  if (const auto& f = filters.lot_size;
      f && !within_range_and_step(order.quantity, f->min_qty, f->max_qty, f->step_size)) {
    return reject("LOT_SIZE", RejectCode::kLotSize);
  }
  if (const auto& f = filters.market_lot_size;
      f && market && !within_range_and_step(order.quantity, f->min_qty, f->max_qty, f->step_size)) {
    return reject("MARKET_LOT_SIZE", RejectCode::kLotSize);
  }
  const std::optional<Decimal> valuation = market ? order.ref_price : price;
  if (filters.notional && valuation) {
    const auto notional = product(*valuation, order.quantity);
    if (!notional) return reject("NOTIONAL", RejectCode::kMaxOrderSize);
    if (auto r = check_notional(*filters.notional, market, *notional)) return r;
  }
  if (filters.max_num_orders && order.open_orders >= *filters.max_num_orders) {
    return reject("MAX_NUM_ORDERS", RejectCode::kInvalidOrder);
  }
  return std::nullopt;
}

std::optional<FilterRejection> check_order(const SymbolFilters& filters, Side side,
                                           SpotOrderType type, std::optional<Decimal> price,
                                           const Decimal& quantity,
                                           std::optional<Decimal> ref_price) {
  return check_order(filters, FilterInput{side, type, price, quantity, ref_price, 0});
}

std::optional<FilterRejection> check_quote_order(const SymbolFilters& filters,
                                                 const Decimal& quote_order_qty) {
  if (!filters.notional) return std::nullopt;
  return check_notional(*filters.notional, true, quote_order_qty);
}

}  // namespace core
