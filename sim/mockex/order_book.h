/// @file sim/mockex/order_book.h
/// @brief `OrderBook`: one symbol's price-time priority book holding recorded market liquidity
/// and the users' resting orders, and the matching walk over it.
///
/// The liquidity model (documented once here, relied on by ExchangeModel and its tests):
/// - Recorded liquidity comes from replayed market data and only from it. `apply_book_ticker`
///   replaces each side's recorded liquidity with the one best level it names (a bookTicker
///   feed knows nothing deeper); `apply_depth_level` sets or deletes (qty 0) one level, for
///   feeds with depth. User orders never move the recorded market: a taker that consumes
///   recorded quantity reduces it only until the next market-data update overwrites it.
/// - User orders match against recorded liquidity and against each other. At one price,
///   recorded liquidity goes first (it was queued before any user order could join), then
///   user orders in arrival order (FIFO). Better prices always go first.
/// - The market crosses resting user orders: after a book update, a user bid at or above the
///   recorded ask (or ask at or below the recorded bid) fills as maker at its own price
///   against the recorded quantity. A recorded trade at price p with a SELL taker fills user
///   bids priced >= p (a BUY taker: user asks <= p), best price first, FIFO, at most the
///   trade's quantity in total, each at the user's own price.
/// - No crossed book at rest: after every public call, the best bid (recorded or user) is
///   below the best ask, except where the recorded data itself is crossed.
/// Levels live in std::map keyed by Decimal (ordered iteration, deterministic). The prices that
/// hold user orders are indexed apart, so market data costs O(log n) whatever the depth, and
/// nothing is walked when no user order rests (the replay's hot path). Not thread-safe; the
/// owner (ExchangeModel) serialises calls. Quantities are exact; nothing is rounded.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "core/decimal.h"
#include "core/types.h"

namespace sim::mockex {

using core::Decimal;
using core::Side;

/// One execution against the book. maker_order_id 0 means recorded liquidity; taker_order_id 0
/// means the recorded market flow (a book update or trade crossed a user order).
struct Match {
  std::uint64_t maker_order_id = 0;
  std::uint64_t taker_order_id = 0;
  Side maker_side = Side::kBuy;
  Decimal price;
  Decimal qty;

  bool operator==(const Match&) const = default;
};

/// What a taker wants: the side it takes as, an optional limit (none for MARKET), and a base
/// quantity or a quote budget (quoteOrderQty: each level takes the budget's worth rounded down
/// to `step`).
struct TakeSpec {
  std::uint64_t taker_order_id = 0;
  Side side = Side::kBuy;
  std::optional<Decimal> limit_price;
  std::optional<Decimal> base_qty;
  std::optional<Decimal> quote_budget;
  Decimal step;  // LOT_SIZE stepSize for quote budgets; 0 = any precision up to 8 places
};

/// A price level: recorded quantity first, then user orders (order id, remaining) FIFO.
struct Level {
  // A vector: most levels hold no user order, and an empty vector allocates nothing.
  using Orders = std::vector<std::pair<std::uint64_t, Decimal>>;

  Decimal recorded;
  Orders orders;

  bool empty() const { return recorded.is_zero() && orders.empty(); }
  Decimal total() const;
};

class OrderBook {
 public:
  /// Best price of a side over recorded and user liquidity.
  std::optional<Decimal> best(Side side) const;
  /// Best recorded-only price, the market as the data describes it.
  std::optional<Decimal> best_recorded(Side side) const;
  /// Aggregated (price, quantity) of a side, best first, at most `levels` levels.
  std::vector<std::pair<Decimal, Decimal>> depth(Side side, std::size_t levels) const;
  /// Whether an order on `side` at `price` would match at once (LIMIT_MAKER check).
  bool would_take(Side side, const Decimal& price) const;

  /// The matches a taker would get, without changing the book (FOK check, balance check).
  std::vector<Match> plan(const TakeSpec& spec) const;
  /// Executes a plan made by plan() on the unchanged book.
  void execute(const std::vector<Match>& plan);

  /// Rests a user order (the caller took what crossed first).
  void add(Side side, const Decimal& price, std::uint64_t order_id, const Decimal& qty);
  /// Removes a resting user order; false if it is not there.
  bool remove(Side side, const Decimal& price, std::uint64_t order_id);

  /// Market data; the returned matches are user makers crossed by the market.
  std::vector<Match> apply_book_ticker(const Decimal& bid, const Decimal& bid_qty,
                                       const Decimal& ask, const Decimal& ask_qty);
  std::vector<Match> apply_depth_level(Side side, const Decimal& price, const Decimal& qty);
  std::vector<Match> apply_trade(const Decimal& price, const Decimal& qty, Side taker_side);

 private:
  /// Decimal's order with the common case inline: one symbol's prices share a scale, and a
  /// map lookup compares a dozen times per recorded depth level.
  struct PriceLess {
    bool operator()(const Decimal& a, const Decimal& b) const {
      return a.scale() == b.scale() ? a.mantissa() < b.mantissa() : a < b;
    }
  };
  using Levels = std::map<Decimal, Level, PriceLess>;
  Levels& levels(Side side) { return side == Side::kBuy ? bids_ : asks_; }
  const Levels& levels(Side side) const { return side == Side::kBuy ? bids_ : asks_; }
  std::vector<Match> cross_resting();
  void clear_recorded(Side side);
  void erase_empty(Side side, const Decimal& price);
  std::set<Decimal>& user_prices(Side side) { return side == Side::kBuy ? user_bids_ : user_asks_; }
  std::optional<Decimal> best_user(Side side) const;
  /// Erases a user order from its level, and the level from the user index once it has none.
  void drop_user_order(Side side, Level& level, Level::Orders::iterator order,
                       const Decimal& price);

  Levels bids_;                  // iterated from the back: best (highest) first
  Levels asks_;                  // iterated from the front: best (lowest) first
  std::set<Decimal> user_bids_;  // prices of bids_ levels with user orders
  std::set<Decimal> user_asks_;  // prices of asks_ levels with user orders
};

}  // namespace sim::mockex
