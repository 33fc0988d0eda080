#include <rapidcheck.h>
#include <rapidcheck/catch.h>
#include <catch2/catch.hpp>

#include <map>
#include <tuple>

#include "model_fixture.h"

using namespace mockex_test;
using sim::mockex::ExchangeModel;
using sim::mockex::OrderRecord;

namespace {

const std::array<std::string, 3> kKeys{"alice", "bob", "carol"};
constexpr std::int64_t kT0 = 1723161255000;

/// (op, key, side, a, b, c): op picks the action, a/b/c its numbers.
using Op = std::tuple<int, int, int, int, int, int>;

Decimal price_at(int offset) {  // 59900.00 .. 60100.00 in steps of 0.50
  return *Decimal::from_mantissa(5'990'000 + 50 * offset, 2);
}
Decimal qty_of(int steps) {
  return *Decimal::from_mantissa(steps, 5);
}  // 0.00001 * steps

void apply(ExchangeModel& m, const Op& op, std::int64_t now, std::vector<std::uint64_t>& ids) {
  const auto [kind, k, s, a, b, c] = op;
  const std::string& key = kKeys[k];
  const Side side = s == 0 ? Side::kBuy : Side::kSell;
  NewOrderRequest r = limit(side, "1", "1");
  r.price = price_at(a);
  r.quantity = qty_of(b);
  switch (kind) {
    case 0:
      r.time_in_force = static_cast<core::TimeInForce>(c % 3);
      break;
    case 1:
      r.type = SpotOrderType::kLimitMaker;
      break;
    case 2:
      r.type = SpotOrderType::kMarket;
      r.price.reset();
      if (c % 2 == 0) {
        r.quantity.reset();
        r.quote_order_qty = *Decimal::from_mantissa(b * 7, 2);
      }
      break;
    case 3:
      (void)m.cancel_order(key, "BTCUSDT", ids.empty() ? 1 : ids[c % ids.size()], std::nullopt,
                           std::nullopt, now);
      return;
    case 4:
      m.apply_book_ticker("BTCUSDT", price_at(a), qty_of(b), price_at(a + 1 + c % 4),
                          qty_of(c * 13 + 1), now);
      return;
    default:
      m.apply_trade("BTCUSDT", price_at(a), qty_of(b), side, now);
      return;
  }
  const auto reply = m.new_order(key, r, now);
  if (const auto* ok = std::get_if<NewOrderResult>(&reply)) ids.push_back(ok->order.order_id);
}

/// Every invariant the model promises after any call.
void check_invariants(const ExchangeModel& m, const std::map<std::string, Decimal>& totals0,
                      const std::vector<std::uint64_t>& ids) {
  RC_ASSERT(m.ledger().totals() == totals0);
  for (const auto& key : kKeys) {
    std::map<std::string, Decimal> locked_by_orders;
    const auto open = std::get<std::vector<OrderRecord>>(m.open_orders(key, std::nullopt));
    for (const auto& o : open) {
      const std::string asset = o.side == Side::kBuy ? "USDT" : "BTC";
      locked_by_orders[asset] = *locked_by_orders[asset].add(o.locked);
    }
    for (const auto& b : m.ledger().balances(key)) {
      RC_ASSERT(!b.free.is_negative());
      RC_ASSERT(b.locked == locked_by_orders[b.asset]);
    }
    for (const auto id : ids) {
      const auto q = m.query_order(key, "BTCUSDT", id, std::nullopt);
      const auto* o = std::get_if<OrderRecord>(&q);
      if (o == nullptr) continue;
      RC_ASSERT(o->executed_qty <= o->orig_qty);
      if (o->orig_quote_order_qty.is_positive()) {
        RC_ASSERT(o->cummulative_quote_qty <= o->orig_quote_order_qty);
      }
    }
  }
  const auto bid = m.book("BTCUSDT")->best(Side::kBuy);
  const auto ask = m.book("BTCUSDT")->best(Side::kSell);
  if (bid && ask) RC_ASSERT(*bid < *ask);
}

}  // namespace

TEST_CASE("ExchangeModel conserves balances and never overfills or rests crossed",
          "[mockex][property]") {
  rc::prop("any sequence of orders, cancels and market data", [] {
    const auto ops = *rc::gen::container<std::vector<Op>>(rc::gen::tuple(
        rc::gen::inRange(0, 6), rc::gen::inRange(0, 3), rc::gen::inRange(0, 2),
        rc::gen::inRange(0, 400), rc::gen::inRange(1, 3000), rc::gen::inRange(0, 100)));
    ExchangeModel m(config());
    for (const auto& key : kKeys) (void)m.account(key, kT0);
    const auto totals0 = m.ledger().totals();
    std::vector<std::uint64_t> ids;
    std::int64_t now = kT0;
    for (const auto& op : ops) {
      apply(m, op, now += 10, ids);
      check_invariants(m, totals0, ids);
    }
    RC_CLASSIFY(!m.ledger().fees().empty(), "trades happened");
    RC_CLASSIFY(!m.ledger().market().empty(), "traded with recorded liquidity");
  });
}
