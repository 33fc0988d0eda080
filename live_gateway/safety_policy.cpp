#include "live_gateway/safety_policy.h"

#include <fmt/format.h>

#include "core/exchange_info.h"

namespace live_gateway {
namespace {

using core::Decimal;
using core::RejectCode;

core::Status parse_limit(std::string_view key, const std::string& text, Decimal& out) {
  core::Result<Decimal> d = Decimal::parse(text);
  if (!d || d->is_negative()) {
    return core::make_error(core::Errc::kConfig,
                            "safety.{}: expected a non-negative decimal, got \"{}\"", key, text);
  }
  out = *d;
  return core::Status::ok();
}

core::SpotOrderType spot_type(core::OrderType type) {
  return type == core::OrderType::kMarket ? core::SpotOrderType::kMarket
                                          : core::SpotOrderType::kLimit;
}

}  // namespace

core::Result<SymbolTable> symbol_table_from_exchange_info(std::string_view json) {
  core::Result<std::vector<core::SymbolInfo>> infos = core::parse_exchange_info_text(json);
  if (!infos) return infos.status();
  SymbolTable table;
  for (core::SymbolInfo& info : *infos) {
    if (info.status == "TRADING") table.emplace(info.symbol, std::move(info.filters));
  }
  return table;
}

core::Result<SafetyPolicy> SafetyPolicy::make(const core::SafetyConfig& safety,
                                              SymbolTable symbols) {
  SafetyPolicy p;
  core::Status s = parse_limit("max_order_size_usd", safety.max_order_size_usd, p.max_order_usd_);
  if (s)
    s = parse_limit("max_position_size_usd", safety.max_position_size_usd, p.max_position_usd_);
  if (s) s = parse_limit("price_band_pct", safety.price_band_pct, p.band_pct_);
  if (!s) return s;
  p.paper_only_ = safety.paper_trading_only;
  p.require_approval_ = safety.require_manual_approval;
  p.halted_ = safety.kill_switch;
  p.allowlist_.insert(safety.symbols_allowed.begin(), safety.symbols_allowed.end());
  p.symbols_ = std::move(symbols);
  return p;
}

std::variant<Decimal, Rejection> SafetyPolicy::check(core::Order& order,
                                                     const std::optional<Decimal>& last_price,
                                                     bool live_available) const {
  if (halted_) return Rejection{RejectCode::kKillSwitch, "trading is halted (kill switch)"};
  if (paper_only_) {
    order.paper_trading = true;
  } else if (!order.paper_trading && !live_available) {
    return Rejection{RejectCode::kPaperOnly,
                     "live trading is not enabled on this gateway; send paper_trading true"};
  }
  if (!allowlist_.contains(order.symbol)) {
    return Rejection{RejectCode::kSymbolNotAllowed,
                     fmt::format("symbol {} is not in safety.symbols_allowed", order.symbol)};
  }
  if (!symbols_.empty() && !symbols_.contains(order.symbol)) {
    return Rejection{RejectCode::kInvalidOrder,
                     fmt::format("unknown symbol {}: not trading on the exchange", order.symbol)};
  }
  std::optional<Decimal> ref = order.type == core::OrderType::kMarket ? last_price : order.price;
  if (!ref) {
    return Rejection{RejectCode::kNoMarketData,
                     fmt::format("no tick for {} yet to value a market order", order.symbol)};
  }
  core::Result<Decimal> notional = order.quantity.mul(*ref);
  if (!notional) return Rejection{RejectCode::kInvalidOrder, notional.status().message};
  if (*notional > max_order_usd_) {
    return Rejection{RejectCode::kMaxOrderSize,
                     fmt::format("order notional {} USD exceeds safety.max_order_size_usd {}",
                                 *notional, max_order_usd_)};
  }
  if (auto r = check_filters(order, last_price)) return *r;
  if (auto r = check_band(order, last_price)) return *r;
  return *notional;
}

std::optional<Rejection> SafetyPolicy::check_filters(
    const core::Order& order, const std::optional<Decimal>& last_price) const {
  auto it = symbols_.find(order.symbol);
  if (it == symbols_.end()) return std::nullopt;
  std::optional<core::FilterRejection> r = core::check_order(
      it->second, order.side, spot_type(order.type), order.price, order.quantity, last_price);
  if (!r) return std::nullopt;
  return Rejection{r->reject, fmt::format("exchange filter: {}", r->msg)};
}

std::optional<Rejection> SafetyPolicy::check_band(const core::Order& order,
                                                  const std::optional<Decimal>& last_price) const {
  if (order.type != core::OrderType::kLimit || band_pct_.is_zero()) return std::nullopt;
  if (!last_price) {
    return Rejection{
        RejectCode::kNoMarketData,
        fmt::format("no tick for {} yet to check safety.price_band_pct", order.symbol)};
  }
  // |price - last| * 100 <= pct * last, exact.
  core::Result<Decimal> diff = order.price->sub(*last_price);
  core::Result<Decimal> lhs = diff ? diff->abs().mul(Decimal::from_int(100)) : diff;
  core::Result<Decimal> rhs = band_pct_.mul(*last_price);
  if (!lhs || !rhs) return Rejection{RejectCode::kInvalidOrder, "price out of range"};
  if (*lhs <= *rhs) return std::nullopt;
  return Rejection{RejectCode::kPriceBand,
                   fmt::format("price {} is more than {}% from the last tick {}", *order.price,
                               band_pct_, *last_price)};
}

}  // namespace live_gateway
