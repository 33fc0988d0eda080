#include "live_gateway/paper_engine.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <utility>

#include <fmt/format.h>

namespace live_gateway {
namespace {

using core::Decimal;
using core::Result;

constexpr int kBpsDigits = 4;  // 1 bp = 10^-4

/// Collects the first error of a chain of exact operations, so a fill is computed whole
/// before anything is committed.
class Exact {
 public:
  Decimal operator()(Result<Decimal> r) {
    if (r) return *r;
    if (status_.is_ok()) status_ = r.status();
    return {};
  }
  const core::Status& status() const { return status_; }

 private:
  core::Status status_;
};

/// x * bps / 10000: exact while the scale allows, else half-even at kMaxScale.
Result<Decimal> times_bps(const Decimal& x, const Decimal& bps) {
  auto product = x.mul(bps);
  if (!product) return product.status();
  auto scaled = product->scale() + kBpsDigits <= Decimal::kMaxScale
                    ? Decimal::from_mantissa(product->mantissa(), product->scale() + kBpsDigits)
                    : product->div_round(Decimal::from_int(10000), Decimal::kMaxScale,
                                         core::Rounding::kHalfEven);
  if (!scaled) return scaled.status();
  return scaled->normalized();
}

/// The price a market order pays: `touch` moved slippage_bps against the taker.
Result<Decimal> slipped(const Decimal& touch, core::Side side, const Decimal& slippage_bps) {
  auto move = times_bps(touch, slippage_bps);
  if (!move) return move.status();
  auto price = side == core::Side::kBuy ? touch.add(*move) : touch.sub(*move);
  if (!price) return price.status();
  return price->normalized();
}

Result<Decimal> parse_bps(const std::string& text, std::string_view key) {
  auto value = Decimal::parse(text);
  if (!value || value->is_negative()) {
    return core::make_error(core::Errc::kConfig, "{}: '{}' is not a non-negative decimal", key,
                            text);
  }
  return *value;
}

/// `supply` lowered by `qty`; zero when that cannot be represented (nothing more is offered).
void consume(std::optional<Decimal>& supply, const Decimal& qty) {
  if (!supply) return;
  auto left = supply->sub(qty);
  *supply = left ? *left : Decimal{};
}

struct Market {
  std::optional<Decimal> bid;
  std::optional<Decimal> ask;
  std::optional<Decimal> last;
  std::optional<Decimal> bid_size;  // what the touch still offers; nullopt: unknown, unlimited
  std::optional<Decimal> ask_size;

  void absorb(const core::Tick& tick) {
    if (tick.kind == core::TickKind::kTrade) {
      if (tick.price) last = tick.price;
      return;
    }
    if (tick.bid) {
      bid = tick.bid;
      bid_size = tick.bid_qty;
    }
    if (tick.ask) {
      ask = tick.ask;
      ask_size = tick.ask_qty;
    }
    if (tick.last) last = tick.last;
  }
};

struct Working {
  core::Order order{};  // client_order_id set
  core::TimeInForce tif = core::TimeInForce::kGtc;
  Decimal remaining{};
  Decimal filled{};
  Decimal notional{};  // sum of price x qty over the fills
  std::optional<Decimal> avg_price{};
  std::uint64_t fill_count = 0;

  bool buy() const { return order.side == core::Side::kBuy; }
  /// Whether a counterparty at `price` crosses this limit order's price.
  bool crossed_by(const Decimal& price) const {
    return buy() ? price <= *order.price : price >= *order.price;
  }
};

using OrderKey = std::pair<std::string, std::string>;  // account, client_order_id

}  // namespace

Result<PaperOptions> PaperOptions::from_config(const core::LiveGatewayConfig& config) {
  auto slippage = parse_bps(config.paper.slippage_bps, "paper.slippage_bps");
  if (!slippage) return slippage.status();
  auto fee = parse_bps(config.paper.fee_bps, "paper.fee_bps");
  if (!fee) return fee.status();
  return PaperOptions{*slippage, *fee, std::nullopt};
}

std::string quote_asset(std::string_view symbol) {
  const auto separator = symbol.find_first_of("-/");
  if (separator != std::string_view::npos) return std::string(symbol.substr(separator + 1));
  // Longest first, so BTCFDUSD is not read as ...USD; a base keeps at least kMinBase letters,
  // so XBTUSD is XBT/USD and not XB/TUSD.
  constexpr std::size_t kMinBase = 3;
  static constexpr std::array<std::string_view, 14> kQuotes{"FDUSD", "USDT", "USDC", "BUSD", "TUSD",
                                                            "DAI",   "USD",  "EUR",  "GBP",  "JPY",
                                                            "TRY",   "BTC",  "ETH",  "BNB"};
  for (std::string_view quote : kQuotes) {
    if (symbol.size() >= quote.size() + kMinBase && symbol.ends_with(quote))
      return std::string(quote);
  }
  return {};
}

struct PaperEngine::State {
  State(PaperOptions options_in, core::Clock& clock_in, ExecutionEvents events_in)
      : options(std::move(options_in)), clock(clock_in), events(std::move(events_in)) {}

  PaperOptions options;
  core::Clock& clock;
  ExecutionEvents events;
  std::map<std::string, Market> markets;
  std::map<std::uint64_t, Working> working;  // by arrival: the order fills are offered in
  std::map<OrderKey, std::uint64_t> by_key;
  std::map<OrderKey, PaperPosition> positions;  // by account, symbol
  std::uint64_t next_seq = 1;

  void emit(const core::OrderUpdate& update) const {
    if (events.on_update) events.on_update(update);
  }

  core::OrderUpdate make_update(const Working& w, core::OrderStatus status,
                                std::int64_t ts_us) const {
    core::OrderUpdate u;
    u.client_order_id = *w.order.client_order_id;
    u.account = w.order.account;
    u.symbol = w.order.symbol;
    u.status = status;
    u.filled_qty = w.filled;
    u.avg_price = w.avg_price;
    u.paper = true;
    u.ts_us = ts_us;
    return u;
  }

  void reject(const core::Order& order, core::RejectCode code, std::string reason) const {
    core::OrderUpdate u;
    u.client_order_id = order.client_order_id.value_or("");
    u.account = order.account;
    u.symbol = order.symbol;
    u.status = core::OrderStatus::kRejected;
    u.code = code;
    u.reason = std::move(reason);
    u.ts_us = clock.wall_us();
    emit(u);
  }

  /// Ends a working order with a final `status` and reports it.
  void finish(std::uint64_t seq, core::OrderStatus status, std::optional<core::RejectCode> code,
              std::string reason, std::int64_t ts_us) {
    auto it = working.find(seq);
    if (it == working.end()) return;
    core::OrderUpdate u = make_update(it->second, status, ts_us);
    u.code = code;
    u.reason = std::move(reason);
    by_key.erase({it->second.order.account, *it->second.order.client_order_id});
    working.erase(it);
    emit(u);
  }

  /// Books one execution of `qty` at `price`: order, position, then the Fill and the update.
  void execute(std::uint64_t seq, const Decimal& price, const Decimal& qty,
               core::Liquidity liquidity, std::int64_t ts_us) {
    Working& w = working.at(seq);
    const OrderKey position_key{w.order.account, w.order.symbol};
    auto known = positions.find(position_key);
    PaperPosition position = known != positions.end()
                                 ? known->second
                                 : PaperPosition{w.order.account, w.order.symbol, {}, {}, {}};
    Exact exact;
    const Decimal fill_notional = exact(price.mul(qty));
    const Decimal fee = exact(times_bps(fill_notional, options.fee_bps));
    const Decimal filled = exact(w.filled.add(qty));
    const Decimal notional = exact(w.notional.add(fill_notional));
    const Decimal remaining = exact(w.remaining.sub(qty));
    const Decimal avg =
        exact(notional.div_round(filled, Decimal::kMaxScale, core::Rounding::kHalfEven));
    position.base_qty = exact(w.buy() ? position.base_qty.add(qty) : position.base_qty.sub(qty));
    position.cost =
        exact(w.buy() ? position.cost.add(fill_notional) : position.cost.sub(fill_notional));
    position.fees = exact(position.fees.add(fee));
    if (!exact.status().is_ok()) {
      finish(
          seq, core::OrderStatus::kFailed, core::RejectCode::kInvalidOrder,
          fmt::format("paper fill of {} at {} overflows: {}", qty, price, exact.status().message),
          ts_us);
      return;
    }
    positions[position_key] = position;
    w.filled = filled;
    w.notional = notional;
    w.remaining = remaining;
    w.avg_price = avg.normalized();
    ++w.fill_count;
    const core::Fill fill{fmt::format("{}-{}", *w.order.client_order_id, w.fill_count),
                          *w.order.client_order_id,
                          w.order.account,
                          w.order.symbol,
                          w.order.side,
                          price,
                          qty,
                          fee,
                          quote_asset(w.order.symbol),
                          liquidity,
                          true,
                          ts_us};
    const bool done = !remaining.is_positive();
    core::OrderUpdate update = make_update(
        w, done ? core::OrderStatus::kFilled : core::OrderStatus::kPartiallyFilled, ts_us);
    if (done) {
      by_key.erase({w.order.account, *w.order.client_order_id});
      working.erase(seq);
    }
    if (events.on_fill) events.on_fill(fill);
    emit(update);
  }

  /// Fills `seq` at `price` up to `supply` (nullopt: unlimited) and lowers `supply` by that.
  void fill_from(std::uint64_t seq, const Decimal& price, std::optional<Decimal>& supply,
                 core::Liquidity liquidity, std::int64_t ts_us) {
    const Working& w = working.at(seq);
    const Decimal qty = supply ? std::min(w.remaining, *supply) : w.remaining;
    if (!qty.is_positive()) return;
    consume(supply, qty);
    execute(seq, price, qty, liquidity, ts_us);
  }

  /// The touch `w` would take from as a taker, or nullptr (none known, or a limit that the
  /// touch does not cross). A market order with no touch uses the last price, unlimited.
  const Decimal* taker_price(const Market& m, const Working& w) const {
    const std::optional<Decimal>& touch = w.buy() ? m.ask : m.bid;
    if (w.order.type == core::OrderType::kLimit) {
      return touch && w.crossed_by(*touch) ? &*touch : nullptr;
    }
    if (touch) return &*touch;
    return m.last ? &*m.last : nullptr;
  }

  std::optional<Decimal>* taker_supply(Market& m, const Working& w) const {
    const std::optional<Decimal>& touch = w.buy() ? m.ask : m.bid;
    if (!touch) return nullptr;  // the last price: no size known
    return w.buy() ? &m.ask_size : &m.bid_size;
  }

  /// Whether `w` could fill completely as a taker right now (FOK).
  bool fillable_now(const Working& w) {
    Market& m = markets[w.order.symbol];
    if (taker_price(m, w) == nullptr) return false;
    const std::optional<Decimal>* supply = taker_supply(m, w);
    return supply == nullptr || !*supply || **supply >= w.remaining;
  }

  /// Fills what `seq` can take from its market now, as a taker.
  void take(std::uint64_t seq, std::int64_t ts_us) {
    const Working& w = working.at(seq);
    Market& m = markets[w.order.symbol];
    const Decimal* touch = taker_price(m, w);
    if (touch == nullptr) return;
    Result<Decimal> price = w.order.type == core::OrderType::kMarket
                                ? slipped(*touch, w.order.side, options.slippage_bps)
                                : Result<Decimal>(*touch);
    if (!price) {
      finish(seq, core::OrderStatus::kFailed, core::RejectCode::kInvalidOrder,
             fmt::format("slippage on {} overflows: {}", *touch, price.status().message), ts_us);
      return;
    }
    std::optional<Decimal> unlimited;
    std::optional<Decimal>* supply = taker_supply(m, w);
    fill_from(seq, *price, supply != nullptr ? *supply : unlimited, core::Liquidity::kTaker, ts_us);
  }

  /// A resting limit order meets a tick: a trade through its price, or the opposite touch.
  void rest_match(std::uint64_t seq, const core::Tick& tick, Market& m,
                  std::optional<Decimal>& trade_left, std::int64_t ts_us) {
    const Working& w = working.at(seq);
    const Decimal limit = *w.order.price;
    if (tick.kind == core::TickKind::kTrade) {
      if (tick.price && w.crossed_by(*tick.price)) {
        fill_from(seq, limit, trade_left, core::Liquidity::kMaker, ts_us);
      }
      return;
    }
    const std::optional<Decimal>& touch = w.buy() ? m.ask : m.bid;
    if (touch && w.crossed_by(*touch)) {
      fill_from(seq, limit, w.buy() ? m.ask_size : m.bid_size, core::Liquidity::kMaker, ts_us);
    }
  }
};

PaperEngine::PaperEngine(PaperOptions options, core::Clock& clock, ExecutionEvents events)
    : state_(std::make_unique<State>(std::move(options), clock, std::move(events))) {}

PaperEngine::~PaperEngine() = default;

void PaperEngine::submit(const core::Order& order) {
  State& s = *state_;
  if (!order.client_order_id || order.client_order_id->empty()) {
    return s.reject(order, core::RejectCode::kInvalidOrder, "paper order has no client_order_id");
  }
  if (!order.quantity.is_positive()) {
    return s.reject(order, core::RejectCode::kInvalidOrder,
                    fmt::format("quantity {} is not positive", order.quantity));
  }
  if (order.type == core::OrderType::kLimit && !order.price) {
    return s.reject(order, core::RejectCode::kInvalidOrder, "limit order has no price");
  }
  const OrderKey key{order.account, *order.client_order_id};
  if (s.by_key.contains(key)) {
    return s.reject(order, core::RejectCode::kDuplicateClientOrderId,
                    fmt::format("client_order_id {} is already working", key.second));
  }
  const std::uint64_t seq = s.next_seq++;
  const core::TimeInForce tif = order.time_in_force.value_or(core::TimeInForce::kGtc);
  s.working.emplace(seq, Working{.order = order, .tif = tif, .remaining = order.quantity});
  s.by_key.emplace(key, seq);
  const std::int64_t ts_us = s.clock.wall_us();
  s.emit(s.make_update(s.working.at(seq), core::OrderStatus::kAccepted, ts_us));
  if (!s.working.contains(seq)) return;  // an event handler canceled it
  if (tif == core::TimeInForce::kFok && !s.fillable_now(s.working.at(seq))) {
    return s.finish(
        seq, core::OrderStatus::kCanceled, std::nullopt,
        fmt::format("FOK: {} {} cannot fill entirely at once", order.quantity, order.symbol),
        ts_us);
  }
  s.take(seq, ts_us);
  if (tif != core::TimeInForce::kGtc && s.working.contains(seq)) {
    s.finish(seq, core::OrderStatus::kCanceled, std::nullopt,
             fmt::format("{}: remainder {} not fillable at once", core::time_in_force_name(tif),
                         s.working.at(seq).remaining),
             ts_us);
  }
}

void PaperEngine::cancel(const std::string& account, const std::string& client_order_id) {
  State& s = *state_;
  auto it = s.by_key.find({account, client_order_id});
  if (it == s.by_key.end()) {
    core::Order unknown;
    unknown.account = account;
    unknown.client_order_id = client_order_id;
    return s.reject(
        unknown, core::RejectCode::kUnknownOrder,
        fmt::format("no working paper order {} for account {}", client_order_id, account));
  }
  s.finish(it->second, core::OrderStatus::kCanceled, std::nullopt, "canceled on request",
           s.clock.wall_us());
}

void PaperEngine::on_tick(const core::Tick& tick) {
  State& s = *state_;
  if (s.options.exchange && *s.options.exchange != tick.exchange) return;
  Market& m = s.markets[tick.symbol];
  m.absorb(tick);
  const std::int64_t ts_us = tick.ts_event_us != 0 ? tick.ts_event_us : s.clock.wall_us();
  std::vector<std::uint64_t> seqs;
  for (const auto& [seq, w] : s.working) {
    if (w.order.symbol == tick.symbol) seqs.push_back(seq);
  }
  // A trade's quantity is all that may fill the resting orders of each side, oldest first.
  const bool trade = tick.kind == core::TickKind::kTrade;
  std::optional<Decimal> buy_left = trade ? tick.qty.value_or(Decimal{}) : Decimal{};
  std::optional<Decimal> sell_left = buy_left;
  for (std::uint64_t seq : seqs) {
    auto it = s.working.find(seq);
    if (it == s.working.end()) continue;  // an event handler ended it
    if (it->second.order.type == core::OrderType::kMarket) {
      s.take(seq, ts_us);
    } else {
      s.rest_match(seq, tick, m, it->second.buy() ? buy_left : sell_left, ts_us);
    }
  }
}

std::size_t PaperEngine::working_orders() const {
  return state_->working.size();
}

std::vector<PaperPosition> PaperEngine::positions() const {
  std::vector<PaperPosition> out;
  out.reserve(state_->positions.size());
  for (const auto& [key, position] : state_->positions) out.push_back(position);
  return out;
}

}  // namespace live_gateway
