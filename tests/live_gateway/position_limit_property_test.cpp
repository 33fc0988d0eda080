// Property: two workers in one queue group, any sequence of orders, fills, cancels and worker
// crash/restarts: what accepted orders hold (open ones their notional, finished ones what they
// filled) never passes max_position_size_usd.
#include <rapidcheck.h>
#include <rapidcheck/catch.h>
#include <catch2/catch.hpp>

#include <tuple>

#include "tests/live_gateway/order_world.h"

namespace {

using testsupport::OrderWorld;
using testsupport::Worker;
using testsupport::WorkerSetup;

struct Op {
  int kind;  // 0..5 new order, 6 cancel, 7..8 fill, 9 crash or restart a worker
  int qty_milli;
  int pick;
};

void fill_one(OrderWorld& w, int pick) {
  for (const char* name : {"w1", "w2"}) {
    Worker* worker = w.sim().process<Worker>(name);
    if (worker == nullptr) continue;
    std::vector<std::string> open;
    for (const std::string& id : worker->paper.submitted()) {
      if (w.ledger.orders.at(id).open) open.push_back(id);
    }
    if (open.empty()) continue;
    const std::string& id = open[static_cast<std::size_t>(pick) % open.size()];
    const auto& r = w.ledger.orders.at(id);
    core::Decimal left = r.order.quantity.sub(r.filled_qty).value();
    // Half of what is left when that is a whole number of lots, else all of it.
    auto half = left.div_round(core::Decimal::from_int(2), 3, core::Rounding::kFloor);
    worker->paper.fill(id, pick % 2 == 0 && half && half->is_positive() ? *half : left);
    return;
  }
}

void run(OrderWorld& w, const Op& op, int& next_id) {
  w.tick("BTCUSDT", "45000");
  if (op.kind <= 5) {
    w.send(
        "orders.acc.new",
        fmt::format(R"({{"side":"buy","quantity":{}.{:03},"price":45000,"client_order_id":"o{}"}})",
                    op.qty_milli / 1000, op.qty_milli % 1000, ++next_id));
  } else if (op.kind == 6 && next_id > 0) {
    w.send("orders.acc.cancel",
           fmt::format(R"({{"client_order_id":"o{}"}})", 1 + op.pick % next_id));
  } else if (op.kind <= 8) {
    fill_one(w, op.pick);
  } else {
    const std::string name = op.pick % 2 == 0 ? "w1" : "w2";
    w.sim().alive(name) ? w.sim().crash(name) : w.sim().restart(name);
  }
  w.sim().clock().run_for(1000 * (op.pick % 50));
}

}  // namespace

TEST_CASE("Two workers never together hold more than max_position_size_usd",
          "[live_gateway][property]") {
  rc::prop("held notional <= cap after every step", [] {
    const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1'000'000);
    const auto ops = *rc::gen::container<std::vector<Op>>(rc::gen::construct<Op>(
        rc::gen::inRange(0, 10), rc::gen::inRange(1, 31), rc::gen::inRange(0, 1000)));
    WorkerSetup setup;
    setup.config.safety.max_position_size_usd = "2000";
    OrderWorld w(setup, {"w1", "w2"}, seed);
    const core::Decimal cap = core::Decimal::from_int(2000);
    int next_id = 0;
    for (const Op& op : ops) {
      run(w, op, next_id);
      RC_ASSERT(w.ledger.held_usd() <= cap);
    }
    w.sim().heal_all();
    w.sim().clock().run_for(testsupport::kSecondUs);
    RC_ASSERT(w.ledger.held_usd() <= cap);
    bool capped = false;
    for (const auto& u : w.updates("orders.acc.rejected")) {
      capped = capped || u.code == core::RejectCode::kMaxPosition;
    }
    RC_TAG(capped ? "cap reached" : "cap not reached");
  });
}
