/// @file tests/live_gateway/fake_executor.h
/// @brief FakeExecutor: a live_gateway::Executor that accepts every order, records what it was
/// asked, and fills or cancels on the test's command. Its record of orders lives in a
/// `FakeLedger` the test owns, so it survives a simulated worker crash.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "live_gateway/executor.h"

namespace testsupport {

struct FakeOrderRecord {
  core::Order order;
  std::string worker;
  bool open = true;
  core::Decimal filled_qty;
  core::Decimal filled_usd;
};

/// Every order any FakeExecutor was given, by client_order_id, plus cancels and ticks seen.
struct FakeLedger {
  std::map<std::string, FakeOrderRecord> orders;
  std::vector<std::string> cancels;
  std::size_t ticks = 0;

  /// What the orders hold against the position cap: open orders their notional at the limit
  /// price, finished ones what they filled.
  core::Decimal held_usd() const {
    core::Decimal sum;
    for (const auto& [id, r] : orders) {
      core::Decimal v = r.open ? r.order.quantity.mul(*r.order.price).value() : r.filled_usd;
      sum = sum.add(v).value();
    }
    return sum;
  }
};

class FakeExecutor final : public live_gateway::Executor {
 public:
  /// `dies_with_worker`: like the paper engine, its orders end when it is destroyed (a worker
  /// crash); what they filled stays. Otherwise (a live exchange) they stay open.
  FakeExecutor(live_gateway::ExecutionEvents events, FakeLedger& ledger, std::string worker,
               bool dies_with_worker = false)
      : events_(std::move(events)),
        ledger_(ledger),
        worker_(std::move(worker)),
        dies_with_worker_(dies_with_worker) {}
  ~FakeExecutor() override {
    if (!dies_with_worker_) return;
    for (const std::string& id : mine_) ledger_.orders.at(id).open = false;
  }
  FakeExecutor(const FakeExecutor&) = delete;
  FakeExecutor& operator=(const FakeExecutor&) = delete;

  void submit(const core::Order& order) override {
    FakeOrderRecord record;
    record.order = order;
    record.worker = worker_;
    ledger_.orders[*order.client_order_id] = std::move(record);
    mine_.push_back(*order.client_order_id);
    events_.on_update(update(order, core::OrderStatus::kAccepted));
  }
  void cancel(const std::string& account, const std::string& client_order_id) override {
    ledger_.cancels.push_back(client_order_id);
    auto it = ledger_.orders.find(client_order_id);
    if (it == ledger_.orders.end() || !it->second.open || it->second.order.account != account) {
      core::OrderUpdate u;
      u.account = account;
      u.client_order_id = client_order_id;
      u.status = core::OrderStatus::kRejected;
      u.code = core::RejectCode::kUnknownOrder;
      u.reason = "unknown order";
      return events_.on_update(u);
    }
    it->second.open = false;
    events_.on_update(update(it->second.order, core::OrderStatus::kCanceled));
  }
  void on_tick(const core::Tick&) override { ++ledger_.ticks; }
  std::size_t working_orders() const override {
    std::size_t n = 0;
    for (const std::string& id : mine_) n += ledger_.orders.at(id).open ? 1 : 0;
    return n;
  }

  /// Fills `qty` of an open order at its limit price; filled when nothing is left.
  void fill(const std::string& client_order_id, const core::Decimal& qty) {
    FakeOrderRecord& r = ledger_.orders.at(client_order_id);
    const core::Order& o = r.order;
    core::Fill f;
    f.fill_id = client_order_id + "-f" + std::to_string(++fills_);
    f.client_order_id = client_order_id;
    f.account = o.account;
    f.symbol = o.symbol;
    f.side = o.side;
    f.price = *o.price;
    f.qty = qty;
    f.paper = o.paper_trading;
    r.filled_qty = r.filled_qty.add(qty).value();
    r.filled_usd = r.filled_usd.add(qty.mul(*o.price).value()).value();
    events_.on_fill(f);
    const bool done = r.filled_qty == o.quantity;
    if (done) r.open = false;
    core::OrderUpdate u =
        update(o, done ? core::OrderStatus::kFilled : core::OrderStatus::kPartiallyFilled);
    u.filled_qty = r.filled_qty;
    events_.on_update(u);
  }
  const std::vector<std::string>& submitted() const { return mine_; }

 private:
  static core::OrderUpdate update(const core::Order& o, core::OrderStatus status) {
    core::OrderUpdate u;
    u.client_order_id = *o.client_order_id;
    u.account = o.account;
    u.symbol = o.symbol;
    u.status = status;
    u.paper = o.paper_trading;
    return u;
  }

  live_gateway::ExecutionEvents events_;
  FakeLedger& ledger_;
  std::string worker_;
  std::vector<std::string> mine_;
  bool dies_with_worker_ = false;
  int fills_ = 0;
};

}  // namespace testsupport
