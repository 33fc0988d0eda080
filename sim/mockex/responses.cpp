#include "sim/mockex/responses.h"

#include "core/json_text.h"
#include "sim/mockex/detail/decimal_ops.h"

namespace sim::mockex {
namespace {

using core::json::ObjectWriter;

constexpr int kAmountScale = 8;

std::string_view type_name(const OrderRecord& o) {
  return core::spot_order_type_name(o.type);
}

/// The commission rate in basis points, as the integer account fields carry it.
std::int64_t basis_points(const Decimal& rate) {
  const Decimal bps =
      detail::checked(detail::mul(rate, Decimal::from_int(10000))
                          .div_round(Decimal::from_int(1), 0, core::Rounding::kTowardZero));
  return static_cast<std::int64_t>(bps.mantissa());
}

/// Fields shared by RESULT/FULL and the cancel answer, from price to side.
void amounts_and_state(ObjectWriter& w, const OrderRecord& o) {
  w.str("price", amount_text(o.price))
      .str("origQty", amount_text(o.orig_qty))
      .str("executedQty", amount_text(o.executed_qty))
      .str("origQuoteOrderQty", amount_text(o.orig_quote_order_qty))
      .str("cummulativeQuoteQty", amount_text(o.cummulative_quote_qty))
      .str("status", order_state_name(o.status))
      .str("timeInForce", core::time_in_force_name(o.time_in_force))
      .str("type", type_name(o))
      .str("side", binance_side_name(o.side));
}

std::string encode_fills(const std::vector<TradeFill>& fills) {
  std::string out = "[";
  for (const auto& f : fills) {
    if (out.size() > 1) out.push_back(',');
    ObjectWriter(out)
        .str("price", amount_text(f.price))
        .str("qty", amount_text(f.qty))
        .str("commission", amount_text(f.commission))
        .str("commissionAsset", f.commission_asset)
        .u64("tradeId", f.trade_id)
        .close();
  }
  out.push_back(']');
  return out;
}

}  // namespace

std::string amount_text(const Decimal& value) {
  if (value.scale() <= kAmountScale)
    return detail::checked(value.rescaled(kAmountScale)).to_string();
  return detail::checked(
             value.div_round(Decimal::from_int(1), kAmountScale, core::Rounding::kHalfUp))
      .to_string();
}

std::string encode_error(const BinanceError& error) {
  std::string out;
  ObjectWriter(out).i64("code", error.code).str("msg", error.msg).close();
  return out;
}

std::string encode_new_order(const NewOrderResult& r) {
  const OrderRecord& o = r.order;
  std::string out;
  ObjectWriter w(out);
  w.str("symbol", o.symbol)
      .u64("orderId", o.order_id)
      .i64("orderListId", -1)
      .str("clientOrderId", o.client_order_id)
      .i64("transactTime", r.transact_time_ms);
  if (r.resp_type != RespType::kAck) {
    amounts_and_state(w, o);
    w.i64("workingTime", o.time_ms).str("selfTradePreventionMode", "NONE");
    if (r.resp_type == RespType::kFull) w.raw("fills", encode_fills(r.fills));
  }
  w.close();
  return out;
}

std::string encode_order(const OrderRecord& o) {
  std::string out;
  ObjectWriter w(out);
  w.str("symbol", o.symbol)
      .u64("orderId", o.order_id)
      .i64("orderListId", -1)
      .str("clientOrderId", o.client_order_id)
      .str("price", amount_text(o.price))
      .str("origQty", amount_text(o.orig_qty))
      .str("executedQty", amount_text(o.executed_qty))
      .str("cummulativeQuoteQty", amount_text(o.cummulative_quote_qty))
      .str("status", order_state_name(o.status))
      .str("timeInForce", core::time_in_force_name(o.time_in_force))
      .str("type", type_name(o))
      .str("side", binance_side_name(o.side))
      .str("stopPrice", amount_text(Decimal{}))
      .str("icebergQty", amount_text(Decimal{}))
      .i64("time", o.time_ms)
      .i64("updateTime", o.update_time_ms)
      .boolean("isWorking", true)
      .i64("workingTime", o.time_ms)
      .str("origQuoteOrderQty", amount_text(o.orig_quote_order_qty))
      .str("selfTradePreventionMode", "NONE")
      .close();
  return out;
}

std::string encode_orders(const std::vector<OrderRecord>& orders) {
  std::string out = "[";
  for (const auto& o : orders) {
    if (out.size() > 1) out.push_back(',');
    out += encode_order(o);
  }
  out.push_back(']');
  return out;
}

std::string encode_cancel(const CancelResult& r) {
  const OrderRecord& o = r.order;
  std::string out;
  ObjectWriter w(out);
  w.str("symbol", o.symbol)
      .str("origClientOrderId", o.client_order_id)
      .u64("orderId", o.order_id)
      .i64("orderListId", -1)
      .str("clientOrderId", r.cancel_client_order_id)
      .i64("transactTime", r.transact_time_ms);
  amounts_and_state(w, o);
  w.str("selfTradePreventionMode", "NONE").close();
  return out;
}

std::string encode_account(const AccountView& a) {
  std::string rates;
  ObjectWriter(rates)
      .str("maker", amount_text(a.maker_rate))
      .str("taker", amount_text(a.taker_rate))
      .str("buyer", amount_text(Decimal{}))
      .str("seller", amount_text(Decimal{}))
      .close();
  std::string balances = "[";
  for (const auto& b : a.balances) {
    if (balances.size() > 1) balances.push_back(',');
    ObjectWriter(balances)
        .str("asset", b.asset)
        .str("free", amount_text(b.free))
        .str("locked", amount_text(b.locked))
        .close();
  }
  balances.push_back(']');
  std::string out;
  ObjectWriter(out)
      .i64("makerCommission", basis_points(a.maker_rate))
      .i64("takerCommission", basis_points(a.taker_rate))
      .i64("buyerCommission", 0)
      .i64("sellerCommission", 0)
      .raw("commissionRates", rates)
      .boolean("canTrade", true)
      .boolean("canWithdraw", true)
      .boolean("canDeposit", true)
      .boolean("brokered", false)
      .boolean("requireSelfTradePrevention", false)
      .boolean("preventSor", false)
      .i64("updateTime", a.update_time_ms)
      .str("accountType", "SPOT")
      .raw("balances", balances)
      .raw("permissions", R"(["SPOT"])")
      .u64("uid", a.uid)
      .close();
  return out;
}

}  // namespace sim::mockex
