#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/catch.h>
#include <catch2/catch.hpp>

#include "live_gateway/paper_engine.h"
#include "tests/live_gateway/paper_recorder.h"

namespace {

using core::Decimal;
using live_gateway::PaperEngine;
using live_gateway::PaperOptions;
using live_gateway::test::FixedClock;
using live_gateway::test::PaperRecorder;

// Ticks carry ts_event_us = kTickSpacingUs x (step + 1); replay() advances the clock by
// kStepUs before each step, so every fill's ts_us names the step that caused it.
constexpr std::int64_t kTickSpacingUs = 1'000;
constexpr std::int64_t kStepUs = 100;

/// One step of a random session: a tick, a new order or a cancel.
struct Step {
  enum Kind { kTrade, kBook, kOrder, kCancel } kind;
  core::Tick tick;
  core::Order order;
  std::string cancel_id;
};

Decimal price_near_45000() {
  return *Decimal::from_mantissa(449'900 + *rc::gen::inRange(0, 201), 1);  // 44990.0..45010.0
}
Decimal random_qty() {
  return *Decimal::from_mantissa(*rc::gen::inRange(1, 2'001), 3);
}

Step random_step(int index, int orders_so_far) {
  Step step{static_cast<Step::Kind>(*rc::gen::inRange(0, 4)), {}, {}, {}};
  const std::int64_t ts_us = kTickSpacingUs * (index + 1);
  step.tick.symbol = "BTCUSDT";
  step.tick.ts_event_us = ts_us;
  if (step.kind == Step::kTrade) {
    step.tick.price = price_near_45000();
    step.tick.qty = random_qty();
  } else if (step.kind == Step::kBook) {
    step.tick.kind = core::TickKind::kBook;
    const Decimal mid = price_near_45000();
    step.tick.bid = *mid.sub(Decimal::from_int(*rc::gen::inRange(0, 4)));
    step.tick.ask = *mid.add(Decimal::from_int(*rc::gen::inRange(1, 4)));
    step.tick.bid_qty = random_qty();
    step.tick.ask_qty = random_qty();
  } else if (step.kind == Step::kOrder) {
    core::Order& o = step.order;
    o.account = "acct";
    o.symbol = "BTCUSDT";
    o.side = *rc::gen::element(core::Side::kBuy, core::Side::kSell);
    o.type = *rc::gen::element(core::OrderType::kLimit, core::OrderType::kMarket);
    o.quantity = random_qty();
    if (o.type == core::OrderType::kLimit) o.price = price_near_45000();
    o.time_in_force = *rc::gen::element(core::TimeInForce::kGtc, core::TimeInForce::kIoc,
                                        core::TimeInForce::kFok);
    o.client_order_id = "o" + std::to_string(orders_so_far);
  } else {
    step.cancel_id = "o" + std::to_string(*rc::gen::inRange(0, orders_so_far + 1));
  }
  return step;
}

std::vector<Step> random_session() {
  std::vector<Step> steps;
  int orders = 0;
  const int count = *rc::gen::inRange(1, 80);
  for (int i = 0; i < count; ++i) {
    steps.push_back(random_step(i, orders));
    if (steps.back().kind == Step::kOrder) ++orders;
  }
  return steps;
}

void replay(const std::vector<Step>& steps, PaperRecorder& rec) {
  FixedClock clock;
  PaperEngine engine(PaperOptions{Decimal::from_int(2), Decimal::from_int(10), std::nullopt}, clock,
                     rec.events());
  for (const Step& step : steps) {
    clock.run_for(kStepUs);
    if (step.kind == Step::kOrder) {
      engine.submit(step.order);
    } else if (step.kind == Step::kCancel) {
      engine.cancel("acct", step.cancel_id);
    } else {
      engine.on_tick(step.tick);
    }
  }
}

/// What a limit order may fill at most: the opposite touch it met on arrival, plus every later
/// trade at or through its price and every later displayed opposite size crossing it.
Decimal limit_fill_bound(const std::vector<Step>& steps, std::size_t arrival) {
  const core::Order& o = steps[arrival].order;
  const bool buy = o.side == core::Side::kBuy;
  auto crosses = [&](const Decimal& price) { return buy ? price <= *o.price : price >= *o.price; };
  auto touch_offer = [&](const core::Tick& t) {
    const Decimal& touch = buy ? *t.ask : *t.bid;
    return crosses(touch) ? (buy ? *t.ask_qty : *t.bid_qty) : Decimal{};
  };
  Decimal bound;
  for (std::size_t i = arrival; i-- > 0;) {
    if (steps[i].kind != Step::kBook) continue;
    bound = touch_offer(steps[i].tick);
    break;
  }
  for (std::size_t i = arrival + 1; i < steps.size(); ++i) {
    const core::Tick& t = steps[i].tick;
    if (steps[i].kind == Step::kTrade && crosses(*t.price)) bound = *bound.add(*t.qty);
    if (steps[i].kind == Step::kBook) bound = *bound.add(touch_offer(t));
  }
  return bound;
}

std::size_t step_of(const core::Fill& fill) {
  const std::int64_t ts_us = fill.ts_us;
  return static_cast<std::size_t>(ts_us < FixedClock::kWallOriginUs
                                      ? ts_us / kTickSpacingUs - 1
                                      : (ts_us - FixedClock::kWallOriginUs) / kStepUs - 1);
}

/// Liquidity is consumed: resting orders together take no more than one trade's quantity per
/// side, and all fills against one displayed touch, until the next book tick, no more than its
/// size. Returns false at the first excess.
bool liquidity_respected(const std::vector<Step>& steps, const std::vector<core::Fill>& fills) {
  std::map<std::size_t, std::vector<core::Fill>> by_step;
  for (const core::Fill& fill : fills) by_step[step_of(fill)].push_back(fill);
  std::optional<Decimal> ask_left;  // nullopt until a book tick: takers use the last price
  std::optional<Decimal> bid_left;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const core::Tick& t = steps[i].tick;
    const bool trade = steps[i].kind == Step::kTrade;
    if (steps[i].kind == Step::kBook) {
      ask_left = t.ask_qty;
      bid_left = t.bid_qty;
    }
    Decimal buy_trade_left = trade ? *t.qty : Decimal{};
    Decimal sell_trade_left = buy_trade_left;
    for (const core::Fill& fill : by_step[i]) {
      const bool buy = fill.side == core::Side::kBuy;
      Decimal* left = nullptr;
      if (trade && fill.liquidity == core::Liquidity::kMaker) {
        left = buy ? &buy_trade_left : &sell_trade_left;
      } else {
        std::optional<Decimal>& touch = buy ? ask_left : bid_left;
        if (touch) left = &*touch;
      }
      if (left == nullptr) continue;
      *left = *left->sub(fill.qty);
      if (left->is_negative()) return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE(
    "PaperEngine never fills beyond the order, its limit price, or what crossed it after arrival",
    "[live_gateway][paper][property]") {
  rc::prop("fills are bounded and consistent over random ticks and orders", [] {
    const std::vector<Step> steps = random_session();
    PaperRecorder rec;
    replay(steps, rec);

    std::map<std::string, core::Order> orders;
    for (const Step& step : steps) {
      if (step.kind == Step::kOrder) orders[*step.order.client_order_id] = step.order;
    }
    std::map<std::string, Decimal> fill_sums;
    for (const core::Fill& fill : rec.fills) {
      const core::Order& o = orders.at(fill.client_order_id);
      fill_sums[fill.client_order_id] = *fill_sums[fill.client_order_id].add(fill.qty);
      RC_ASSERT(fill.qty.is_positive());
      if (o.price && o.side == core::Side::kBuy) RC_ASSERT(fill.price <= *o.price);
      if (o.price && o.side == core::Side::kSell) RC_ASSERT(fill.price >= *o.price);
    }
    std::map<std::string, Decimal> last_filled;
    for (const core::OrderUpdate& u : rec.updates) {
      if (u.status == core::OrderStatus::kRejected) continue;
      RC_ASSERT(u.filled_qty <= orders.at(u.client_order_id).quantity);
      last_filled[u.client_order_id] = u.filled_qty;
    }
    for (const auto& [id, filled] : last_filled) RC_ASSERT(fill_sums[id] == filled);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (steps[i].kind != Step::kOrder || !steps[i].order.price) continue;
      RC_ASSERT(fill_sums[*steps[i].order.client_order_id] <= limit_fill_bound(steps, i));
    }
    RC_ASSERT(liquidity_respected(steps, rec.fills));
  });
}

TEST_CASE("PaperEngine gives byte-identical events for the same inputs",
          "[live_gateway][paper][property]") {
  rc::prop("two replays of one session log the same bytes", [] {
    const std::vector<Step> steps = random_session();
    PaperRecorder first;
    PaperRecorder second;
    replay(steps, first);
    replay(steps, second);
    RC_ASSERT(first.log == second.log);
  });
}
