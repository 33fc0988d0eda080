/// @file core/exchange_filters.h
/// @brief Binance Spot symbol filters as values, and `check_order`, the exact-decimal filter check
/// shared by the mock exchange (sim/mockex) and live_gateway's SafetyPolicy.
///
/// Filters follow Binance `filters.md` with today's names; the 2021 names (MIN_NOTIONAL,
/// PERCENT_PRICE) are mapped by core/exchange_info.h while parsing. A field that is zero turns
/// its rule off (Binance sends 0 to disable a PRICE_FILTER bound or a MARKET_LOT_SIZE step).
/// All arithmetic is exact (core::Decimal); nothing here allocates except a rejection's text.
///
/// `check_order` evaluates the filters in a fixed order, the first failure wins:
///   PRICE_FILTER, PERCENT_PRICE_BY_SIDE, LOT_SIZE, MARKET_LOT_SIZE, NOTIONAL, MAX_NUM_ORDERS.
/// A rejection carries Binance's answer (code -1013, "Filter failure: <NAME>") and our RejectCode:
///
/// | filter                | RejectCode                                          |
/// |-----------------------|-----------------------------------------------------|
/// | PRICE_FILTER          | kPriceFilter                                        |
/// | PERCENT_PRICE_BY_SIDE | kPriceBand                                          |
/// | LOT_SIZE, MARKET_LOT_SIZE | kLotSize                                        |
/// | NOTIONAL              | kMinNotional below the minimum, kMaxOrderSize above |
/// | MAX_NUM_ORDERS        | kInvalidOrder                                       |
///
/// Reference price: MARKET orders are valued, and PERCENT_PRICE_BY_SIDE bands centred, on
/// `ref_price` (Binance: the average price over `avgPriceMins`). Without one those two checks
/// are skipped for the orders that need it, as a fresh symbol without trades would be.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/decimal.h"
#include "core/types.h"

namespace core {

/// Binance Spot order types the filters and mockex know. LIMIT_MAKER is a post-only LIMIT.
enum class SpotOrderType : std::uint8_t { kLimit, kMarket, kLimitMaker };

std::string_view spot_order_type_name(SpotOrderType v);  // "LIMIT_MAKER"
std::optional<SpotOrderType> parse_spot_order_type(std::string_view text);

struct PriceFilter {
  Decimal min_price;
  Decimal max_price;
  Decimal tick_size;
};

/// LOT_SIZE and MARKET_LOT_SIZE share these fields.
struct LotSizeFilter {
  Decimal min_qty;
  Decimal max_qty;
  Decimal step_size;
};

struct NotionalFilter {
  Decimal min_notional;
  bool apply_min_to_market = true;
  /// Absent in a mapped legacy MIN_NOTIONAL, which had no upper bound.
  std::optional<Decimal> max_notional;
  bool apply_max_to_market = false;
  int avg_price_mins = 5;
};

/// A limit price must lie in [ref * down, ref * up] with the multipliers of its side.
struct PercentPriceBySideFilter {
  Decimal bid_multiplier_up;
  Decimal bid_multiplier_down;
  Decimal ask_multiplier_up;
  Decimal ask_multiplier_down;
  int avg_price_mins = 5;
};

/// The filters of one symbol; an absent filter is not checked.
struct SymbolFilters {
  std::optional<PriceFilter> price;
  std::optional<LotSizeFilter> lot_size;
  std::optional<LotSizeFilter> market_lot_size;
  std::optional<NotionalFilter> notional;
  std::optional<PercentPriceBySideFilter> percent_price_by_side;
  std::optional<std::int64_t> max_num_orders;
};

/// Binance's error answer and our classification of it.
struct FilterRejection {
  int code = -1013;
  std::string msg;  // "Filter failure: LOT_SIZE"
  RejectCode reject = RejectCode::kInvalidOrder;

  bool operator==(const FilterRejection&) const = default;
};

/// The order as the filters see it. `price` is required for LIMIT and LIMIT_MAKER (the caller
/// has already answered -1102 when it is missing) and ignored for MARKET.
struct FilterInput {
  Side side = Side::kBuy;
  SpotOrderType type = SpotOrderType::kLimit;
  std::optional<Decimal> price;
  Decimal quantity;
  std::optional<Decimal> ref_price;
  /// Open orders the account already has on the symbol (MAX_NUM_ORDERS), excluding this one.
  std::int64_t open_orders = 0;
};

/// nullopt when the order passes every filter, else the first failure (see the file comment).
std::optional<FilterRejection> check_order(const SymbolFilters& filters, const FilterInput& order);

/// Shorthand for the common case without MAX_NUM_ORDERS context.
std::optional<FilterRejection> check_order(const SymbolFilters& filters, Side side,
                                           SpotOrderType type, std::optional<Decimal> price,
                                           const Decimal& quantity,
                                           std::optional<Decimal> ref_price);

/// A MARKET order sized by `quoteOrderQty`: only NOTIONAL applies before matching (the
/// executed base quantity is known only afterwards).
std::optional<FilterRejection> check_quote_order(const SymbolFilters& filters,
                                                 const Decimal& quote_order_qty);

}  // namespace core
