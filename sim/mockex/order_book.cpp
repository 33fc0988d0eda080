#include "sim/mockex/order_book.h"

#include <algorithm>

#include "sim/mockex/detail/decimal_ops.h"

namespace sim::mockex {
namespace {

using detail::add;
using detail::min;
using detail::mul;
using detail::sub;

Side opposite(Side s) {
  return s == Side::kBuy ? Side::kSell : Side::kBuy;
}

/// Calls fn(entry) over an ordered container keyed by price, best first, until it returns false.
template <typename Ordered, typename Fn>
void walk_entries(Ordered& entries, Side side, Fn fn) {
  if (side == Side::kBuy) {
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
      if (!fn(*it)) return;
    }
  } else {
    for (auto it = entries.begin(); it != entries.end(); ++it) {
      if (!fn(*it)) return;
    }
  }
}

/// Calls fn(price, level) best first until it returns false.
template <typename LevelMap, typename Fn>
void walk(LevelMap& levels, Side side, Fn fn) {
  walk_entries(levels, side, [&](auto& entry) { return fn(entry.first, entry.second); });
}

/// Whether a taker on `taker_side` with `limit` may trade at `price`.
bool within_limit(Side taker_side, const std::optional<Decimal>& limit, const Decimal& price) {
  if (!limit) return true;
  return taker_side == Side::kBuy ? price <= *limit : price >= *limit;
}

/// What the taker still wants at `price`: its base remainder, or its budget's worth in base.
Decimal wanted_at(const TakeSpec& spec, const Decimal& base_left, const Decimal& budget_left,
                  const Decimal& price) {
  if (!spec.quote_budget) return base_left;
  const int scale = spec.step.is_positive() ? spec.step.scale() : 8;
  auto q = detail::checked(budget_left.div_round(price, scale, core::Rounding::kTowardZero));
  return spec.step.is_positive() ? detail::checked(q.floor_to_step(spec.step)) : q;
}

}  // namespace

Decimal Level::total() const {
  Decimal sum = recorded;
  for (const auto& [id, qty] : orders) sum = add(sum, qty);
  return sum;
}

std::optional<Decimal> OrderBook::best(Side side) const {
  std::optional<Decimal> out;
  walk(levels(side), side, [&](const Decimal& price, const Level&) {
    out = price;
    return false;
  });
  return out;
}

std::optional<Decimal> OrderBook::best_recorded(Side side) const {
  std::optional<Decimal> out;
  walk(levels(side), side, [&](const Decimal& price, const Level& level) {
    if (level.recorded.is_positive()) out = price;
    return !out;
  });
  return out;
}

std::vector<std::pair<Decimal, Decimal>> OrderBook::depth(Side side, std::size_t n) const {
  std::vector<std::pair<Decimal, Decimal>> out;
  walk(levels(side), side, [&](const Decimal& price, const Level& level) {
    if (out.size() >= n) return false;
    out.emplace_back(price, level.total());
    return true;
  });
  return out;
}

bool OrderBook::would_take(Side side, const Decimal& price) const {
  const auto other = best(opposite(side));
  return other && within_limit(side, price, *other);
}

std::vector<Match> OrderBook::plan(const TakeSpec& spec) const {
  std::vector<Match> out;
  const Side maker_side = opposite(spec.side);
  Decimal base_left = spec.base_qty.value_or(Decimal{});
  Decimal budget_left = spec.quote_budget.value_or(Decimal{});
  bool done = false;
  auto take = [&](std::uint64_t maker_id, const Decimal& price, const Decimal& avail) {
    const Decimal q = min(avail, wanted_at(spec, base_left, budget_left, price));
    if (!q.is_positive()) {
      done = true;
      return false;
    }
    out.push_back(Match{maker_id, spec.taker_order_id, maker_side, price, q});
    if (spec.quote_budget) {
      budget_left = sub(budget_left, mul(price, q));
    } else {
      base_left = sub(base_left, q);
    }
    return true;
  };
  walk(levels(maker_side), maker_side, [&](const Decimal& price, const Level& level) {
    if (!within_limit(spec.side, spec.limit_price, price)) return false;
    if (level.recorded.is_positive() && !take(0, price, level.recorded)) return false;
    for (const auto& [id, qty] : level.orders) {
      if (!take(id, price, qty)) return false;
    }
    return !done;
  });
  return out;
}

void OrderBook::execute(const std::vector<Match>& plan) {
  for (const auto& m : plan) {
    auto& book = levels(m.maker_side);
    const auto it = book.find(m.price);
    if (it == book.end()) throw std::logic_error("OrderBook::execute: plan on a changed book");
    Level& level = it->second;
    if (m.maker_order_id == 0) {
      level.recorded = sub(level.recorded, m.qty);
    } else {
      auto order = std::find_if(level.orders.begin(), level.orders.end(),
                                [&](const auto& o) { return o.first == m.maker_order_id; });
      if (order == level.orders.end()) throw std::logic_error("OrderBook::execute: no maker");
      order->second = sub(order->second, m.qty);
      if (order->second.is_zero()) drop_user_order(m.maker_side, level, order, m.price);
    }
    erase_empty(m.maker_side, m.price);
  }
}

void OrderBook::add(Side side, const Decimal& price, std::uint64_t order_id, const Decimal& qty) {
  levels(side)[price].orders.emplace_back(order_id, qty);
  user_prices(side).insert(price);
}

bool OrderBook::remove(Side side, const Decimal& price, std::uint64_t order_id) {
  auto& book = levels(side);
  const auto it = book.find(price);
  if (it == book.end()) return false;
  auto& orders = it->second.orders;
  const auto order = std::find_if(orders.begin(), orders.end(),
                                  [&](const auto& o) { return o.first == order_id; });
  if (order == orders.end()) return false;
  drop_user_order(side, it->second, order, price);
  erase_empty(side, price);
  return true;
}

std::vector<Match> OrderBook::apply_book_ticker(const Decimal& bid, const Decimal& bid_qty,
                                                const Decimal& ask, const Decimal& ask_qty) {
  clear_recorded(Side::kBuy);
  clear_recorded(Side::kSell);
  if (bid_qty.is_positive()) bids_[bid].recorded = bid_qty;
  if (ask_qty.is_positive()) asks_[ask].recorded = ask_qty;
  return cross_resting();
}

std::vector<Match> OrderBook::apply_depth_level(Side side, const Decimal& price,
                                                const Decimal& qty) {
  auto& book = levels(side);
  if (qty.is_zero()) {  // a delete: never build a level only to erase it
    const auto it = book.find(price);
    if (it == book.end()) return {};
    it->second.recorded = qty;
    if (it->second.empty()) book.erase(it);
  } else {
    book[price].recorded = qty;
  }
  return cross_resting();
}

std::vector<Match> OrderBook::apply_trade(const Decimal& price, const Decimal& qty,
                                          Side taker_side) {
  // Only user orders are crossed: the recorded side of the trade already happened.
  const Side maker_side = opposite(taker_side);
  std::vector<Match> out;
  Decimal left = qty;
  walk_entries(user_prices(maker_side), maker_side, [&](const Decimal& level_price) {
    if (!within_limit(taker_side, price, level_price)) return false;
    for (const auto& [id, remaining] : levels(maker_side).at(level_price).orders) {
      if (!left.is_positive()) return false;
      const Decimal q = min(remaining, left);
      out.push_back(Match{id, 0, maker_side, level_price, q});
      left = sub(left, q);
    }
    return left.is_positive();
  });
  execute(out);
  return out;
}

std::vector<Match> OrderBook::cross_resting() {
  std::vector<Match> out;
  for (const Side user_side : {Side::kBuy, Side::kSell}) {
    const Side market_side = opposite(user_side);
    for (;;) {
      const auto user_price = best_user(user_side);
      if (!user_price) break;  // the usual case during a replay: nothing to walk
      const auto market = best_recorded(market_side);
      if (!market || !within_limit(user_side, *user_price, *market)) break;
      Level& user_level = levels(user_side)[*user_price];
      Level& market_level = levels(market_side)[*market];
      const auto& [order_id, remaining] = user_level.orders.front();
      const Decimal q = min(remaining, market_level.recorded);
      out.push_back(Match{order_id, 0, user_side, *user_price, q});
      // Apply now so the next round sees the consumed quantities.
      market_level.recorded = sub(market_level.recorded, q);
      erase_empty(market_side, *market);
      execute({out.back()});
    }
  }
  return out;
}

void OrderBook::clear_recorded(Side side) {
  auto& book = levels(side);
  for (auto it = book.begin(); it != book.end();) {
    it->second.recorded = Decimal{};
    it = it->second.empty() ? book.erase(it) : std::next(it);
  }
}

std::optional<Decimal> OrderBook::best_user(Side side) const {
  const auto& prices = side == Side::kBuy ? user_bids_ : user_asks_;
  if (prices.empty()) return std::nullopt;
  return side == Side::kBuy ? *prices.rbegin() : *prices.begin();
}

void OrderBook::drop_user_order(Side side, Level& level, Level::Orders::iterator order,
                                const Decimal& price) {
  level.orders.erase(order);
  if (level.orders.empty()) user_prices(side).erase(price);
}

void OrderBook::erase_empty(Side side, const Decimal& price) {
  auto& book = levels(side);
  const auto it = book.find(price);
  if (it != book.end() && it->second.empty()) book.erase(it);
}

}  // namespace sim::mockex
