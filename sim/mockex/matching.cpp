// ExchangeModel's matching half: funds locking, the taker walk, settlement of each match
// between user accounts, the market and the fee pot, and what happens to a taker's remainder.
#include "sim/mockex/detail/decimal_ops.h"
#include "sim/mockex/exchange_model.h"

namespace sim::mockex {
namespace {

using core::SpotOrderType;
using detail::add;
using detail::mul;
using detail::sub;

/// Commission precision: Binance's base/quoteCommissionPrecision is 8 for the symbols we serve.
constexpr int kCommissionScale = 8;

Decimal commission_of(const Decimal& received, const Decimal& rate) {
  const Decimal one = Decimal::from_int(1);
  Decimal amount = received.normalized();
  // Keep the product within Decimal's 18 places; the digits dropped lie 7+ places below the
  // commission's precision.
  if (const int room = Decimal::kMaxScale - rate.normalized().scale(); amount.scale() > room) {
    amount = detail::checked(amount.div_round(one, room, core::Rounding::kHalfUp));
  }
  return detail::checked(
      mul(amount, rate.normalized()).div_round(one, kCommissionScale, core::Rounding::kHalfUp));
}

bool rests(const OrderRecord& o) {
  return o.type == SpotOrderType::kLimitMaker ||
         (o.type == SpotOrderType::kLimit && o.time_in_force == core::TimeInForce::kGtc);
}

Decimal planned_qty(const std::vector<Match>& plan) {
  Decimal sum;
  for (const auto& m : plan) sum = add(sum, m.qty);
  return sum;
}

}  // namespace

Reply<NewOrderResult> ExchangeModel::execute(SymbolState& s, OrderRecord order, RespType resp,
                                             std::int64_t now_ms) {
  const bool quote_sized = order.orig_quote_order_qty.is_positive();
  TakeSpec spec;
  spec.taker_order_id = order.order_id;
  spec.side = order.side;
  if (order.type != SpotOrderType::kMarket) spec.limit_price = order.price;
  if (quote_sized) {
    spec.quote_budget = order.orig_quote_order_qty;
  } else {
    spec.base_qty = order.orig_qty;
  }
  if (s.info.filters.lot_size) spec.step = s.info.filters.lot_size->step_size;
  const std::vector<Match> plan = s.book.plan(spec);

  const std::string& asset = order.side == Side::kBuy ? s.info.quote_asset : s.info.base_asset;
  const Decimal lock = lock_amount(order, plan);
  if (!ledger_.lock(order.api_key, asset, lock)) {
    return BinanceError{400, -2010, "Account has insufficient balance for requested action."};
  }
  order.locked = lock;
  ++s.next_order_id;
  if (order.client_order_id.empty()) order.client_order_id = next_client_order_id();
  const OrderKey key{order.symbol, order.order_id};
  OrderRecord& rec = orders_[key] = std::move(order);
  by_client_id_[{rec.api_key, rec.symbol, rec.client_order_id}] = rec.order_id;
  ledger_.touch(rec.api_key, now_ms);
  emit(rec);

  std::vector<TradeFill> fills;
  if (rec.time_in_force == core::TimeInForce::kFok && planned_qty(plan) < rec.orig_qty) {
    finish_taker(s, rec);  // no fills: expires and unlocks everything
    return NewOrderResult{rec, fills, resp, now_ms};
  }
  s.book.execute(plan);
  for (const auto& m : plan) settle(s, m, now_ms, &fills);
  finish_taker(s, rec);
  return NewOrderResult{rec, std::move(fills), resp, now_ms};
}

Decimal ExchangeModel::lock_amount(const OrderRecord& order, const std::vector<Match>& plan) const {
  const bool buy = order.side == Side::kBuy;
  if (order.type != SpotOrderType::kMarket) {
    return buy ? mul(order.price, order.orig_qty) : order.orig_qty;
  }
  if (buy && order.orig_quote_order_qty.is_positive()) return order.orig_quote_order_qty;
  if (!buy && order.orig_qty.is_positive()) return order.orig_qty;
  Decimal sum;  // what the walk will cost (buy by quantity) or sell (sell by quote)
  for (const auto& m : plan) sum = add(sum, buy ? mul(m.price, m.qty) : m.qty);
  return sum;
}

void ExchangeModel::settle(SymbolState& s, const Match& m, std::int64_t now_ms,
                           std::vector<TradeFill>* fills) {
  const std::uint64_t trade_id = s.next_trade_id++;
  const bool maker_buys = m.maker_side == Side::kBuy;
  const std::uint64_t buyer_id = maker_buys ? m.maker_order_id : m.taker_order_id;
  const std::uint64_t seller_id = maker_buys ? m.taker_order_id : m.maker_order_id;
  OrderRecord* buyer = buyer_id != 0 ? &orders_.at({s.info.symbol, buyer_id}) : nullptr;
  OrderRecord* seller = seller_id != 0 ? &orders_.at({s.info.symbol, seller_id}) : nullptr;
  const Decimal quote = mul(m.price, m.qty);
  // Base goes seller -> buyer, quote buyer -> seller; the market stands in for a missing side.
  if (seller != nullptr) {
    ledger_.pay_locked(seller->api_key, s.info.base_asset, m.qty,
                       buyer != nullptr ? buyer->api_key : std::string());
    seller->locked = sub(seller->locked, m.qty);
  } else {
    ledger_.pay_from_market(buyer->api_key, s.info.base_asset, m.qty);
  }
  if (buyer != nullptr) {
    ledger_.pay_locked(buyer->api_key, s.info.quote_asset, quote,
                       seller != nullptr ? seller->api_key : std::string());
    buyer->locked = sub(buyer->locked, quote);
  } else {
    ledger_.pay_from_market(seller->api_key, s.info.quote_asset, quote);
  }
  for (OrderRecord* party : {buyer, seller}) {
    if (party == nullptr) continue;
    TradeFill fill = record_fill(s, *party, m, trade_id, now_ms);
    if (fills != nullptr && party->order_id == m.taker_order_id) fills->push_back(fill);
  }
}

TradeFill ExchangeModel::record_fill(SymbolState& s, OrderRecord& order, const Match& m,
                                     std::uint64_t trade_id, std::int64_t now_ms) {
  const bool maker = order.order_id == m.maker_order_id;
  const bool buy = order.side == Side::kBuy;
  const Decimal quote = mul(m.price, m.qty);
  TradeFill fill;
  fill.price = m.price;
  fill.qty = m.qty;
  fill.commission_asset = buy ? s.info.base_asset : s.info.quote_asset;
  fill.commission =
      commission_of(buy ? m.qty : quote, maker ? config_.maker_rate : config_.taker_rate);
  fill.trade_id = trade_id;
  fill.maker = maker;
  ledger_.pay_fee(order.api_key, fill.commission_asset, fill.commission);
  ledger_.touch(order.api_key, now_ms);

  const bool first = order.executed_qty.is_zero();
  order.executed_qty = add(order.executed_qty, m.qty);
  order.cummulative_quote_qty = add(order.cummulative_quote_qty, quote);
  order.update_time_ms = now_ms;
  order.status =
      order.executed_qty == order.orig_qty ? OrderState::kFilled : OrderState::kPartiallyFilled;
  if (maker && order.status == OrderState::kFilled) set_open(order, false);
  emit(order, fill, first);
  return fill;
}

void ExchangeModel::finish_taker(SymbolState& s, OrderRecord& order) {
  const bool buy = order.side == Side::kBuy;
  const std::string& asset = buy ? s.info.quote_asset : s.info.base_asset;
  if (order.orig_quote_order_qty.is_positive()) {
    // A quoteOrderQty order's origQty is what it bought or sold. It is FILLED when the budget,
    // not the book, ran out (liquidity is left on the other side).
    order.orig_qty = order.executed_qty;
    const bool book_left = s.book.best(buy ? Side::kSell : Side::kBuy).has_value();
    order.status =
        order.executed_qty.is_positive() && book_left ? OrderState::kFilled : OrderState::kExpired;
  }
  if (order.status != OrderState::kFilled && rests(order)) {
    const Decimal remaining = order.remaining_qty();
    const Decimal needed = buy ? mul(order.price, remaining) : remaining;
    ledger_.unlock(order.api_key, asset, sub(order.locked, needed));
    order.locked = needed;
    s.book.add(order.side, order.price, order.order_id, remaining);
    set_open(order, true);
    return;
  }
  ledger_.unlock(order.api_key, asset, order.locked);
  order.locked = Decimal{};
  if (order.status != OrderState::kFilled) {
    order.status = OrderState::kExpired;
    emit(order);
  }
}

void ExchangeModel::settle_market_crossings(SymbolState& s, const std::vector<Match>& matches,
                                            std::int64_t now_ms) {
  for (const auto& m : matches) settle(s, m, now_ms, nullptr);
}

}  // namespace sim::mockex
