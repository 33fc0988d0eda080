// Property: two workers in one queue group, any sequence of orders, fills, cancels, worker
// crash/restarts and kill switch flips: what accepted orders hold (open ones their notional,
// finished ones what they filled) never passes max_position_size_usd, and while the switch is
// on (once its broadcast had time to land) no order reaches an executor.
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
  int kind;  // 0..5 new order, 6 cancel, 7..8 fill, 9 crash or restart a worker, 10 halt/resume
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

/// Flips the kill switch through a running worker (nothing when both are down). Returns
/// whether it is on afterwards.
bool flip_switch(OrderWorld& w, int pick, bool halted) {
  for (const char* name : {pick % 2 == 0 ? "w1" : "w2", pick % 2 == 0 ? "w2" : "w1"}) {
    Worker* worker = w.sim().process<Worker>(name);
    if (worker == nullptr) continue;
    halted ? worker->service.resume("property") : worker->service.halt("property", "property");
    return !halted;
  }
  return halted;
}

void run(OrderWorld& w, const Op& op, int& next_id, bool& halted) {
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
  } else if (op.kind == 10) {
    halted = flip_switch(w, op.pick, halted);
    w.sim().clock().run_for(100'000);  // the broadcast reaches the other worker
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
        rc::gen::inRange(0, 11), rc::gen::inRange(1, 31), rc::gen::inRange(0, 1000)));
    WorkerSetup setup;
    setup.config.safety.max_position_size_usd = "2000";
    // With a stable instance a restarted worker also settles what its dead orders reserved.
    setup.stable_instance = *rc::gen::arbitrary<bool>();
    OrderWorld w(setup, {"w1", "w2"}, seed);
    const core::Decimal cap = core::Decimal::from_int(2000);
    int next_id = 0;
    bool halted = false;
    for (const Op& op : ops) {
      const bool was_halted = halted;
      const std::size_t before = w.ledger.orders.size();
      run(w, op, next_id, halted);
      RC_ASSERT(w.ledger.held_usd() <= cap);
      if (was_halted && halted) RC_ASSERT(w.ledger.orders.size() == before);
    }
    w.sim().heal_all();
    w.sim().clock().run_for(testsupport::kSecondUs);
    RC_ASSERT(w.ledger.held_usd() <= cap);
    bool capped = false;
    for (const auto& u : w.updates("orders.acc.rejected")) {
      capped = capped || u.code == core::RejectCode::kMaxPosition;
    }
    RC_TAG(capped ? "cap reached" : "cap not reached",
           setup.stable_instance ? "stable instance" : "new instance");
  });
}
