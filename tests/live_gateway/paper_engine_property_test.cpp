#include <map>
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
  const std::int64_t ts_us = 1'000 * (index + 1);
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
    clock.run_for(100);
    if (step.kind == Step::kOrder) {
      engine.submit(step.order);
    } else if (step.kind == Step::kCancel) {
      engine.cancel("acct", step.cancel_id);
    } else {
      engine.on_tick(step.tick);
    }
  }
}

}  // namespace

TEST_CASE("PaperEngine never overfills, its fills add up, and a limit never fills worse",
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
