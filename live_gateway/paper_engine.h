/// @file live_gateway/paper_engine.h
/// @brief PaperEngine: the Executor of paper trading. Fills orders deterministically from the
/// ticks it is fed, never touching an exchange, and keeps positions per account and symbol.
///
/// Market state is kept per symbol (symbols are the exchange's own spelling, so a symbol names
/// its venue; PaperOptions::exchange ignores the ticks of other exchanges): the touch (bid,
/// ask and their sizes) from book and ticker ticks, the last price from trades and tickers.
/// A touch size a tick omits is unknown and treated as unlimited. Liquidity is consumed: a
/// fill against the touch lowers what that side still offers until the next tick refreshes it.
///
/// | order | fills |
/// |---|---|
/// | market | taker, at the touch (ask for a buy, bid for a sell; the last price when no touch is
/// known) moved slippage_bps against the taker, up to the touch size; at once when a price is
/// known, the rest on following ticks (GTC) | | limit, marketable on arrival (buy: ask <= limit) |
/// taker, at the touch (the better of touch and limit), up to the touch size | | limit, resting |
/// maker, at the limit: a later trade at or through the limit fills at most that trade's quantity
/// (shared by resting orders in arrival order); a book or ticker tick whose opposite side crosses
/// the limit fills up to the displayed size |
///
/// Time in force: GTC (default) keeps the remainder working; IOC fills what it can at once and
/// the remainder is `canceled` (reason says why); FOK fills entirely at once or is `canceled`
/// with nothing filled. A market IOC/FOK with no price known is canceled the same way.
///
/// Events run synchronously inside submit(), cancel() and on_tick(): `accepted` on submit, then
/// per execution a core::Fill followed by a `partially_filled` or `filled` update with the
/// cumulative filled_qty and exact avg_price (rounded half-even at 18 places only when it does
/// not terminate). fill_id is `{client_order_id}-{n}` (n from 1), the fee is notional x fee_bps
/// / 10000 in the quote asset, everything carries paper = true. Times: the tick's ts_event_us
/// for fills a tick causes, clock.wall_us() otherwise. State is updated before each event, so
/// a callback may call back into the engine. Refusals are `rejected` updates: kInvalidOrder
/// (no client_order_id, quantity <= 0, limit without price), kDuplicateClientOrderId (already
/// working), kUnknownOrder (cancel of an order that is not working). An arithmetic overflow
/// fails the order (`failed`, kInvalidOrder).
///
/// One engine per worker, on its loop thread; borrows the clock, which must outlive it.
/// Same inputs in the same order give the same events, byte for byte.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/live_gateway_config.h"
#include "core/decimal.h"
#include "core/ports/clock.h"
#include "core/status.h"
#include "core/types.h"
#include "live_gateway/executor.h"

namespace live_gateway {

struct PaperOptions {
  core::Decimal slippage_bps;              // >= 0; paper.slippage_bps
  core::Decimal fee_bps;                   // >= 0; paper.fee_bps
  std::optional<core::Exchange> exchange;  // when set, ticks of other exchanges are ignored

  /// Parses paper.slippage_bps and paper.fee_bps; kConfig naming the key when one is not a
  /// non-negative decimal.
  static core::Result<PaperOptions> from_config(const core::LiveGatewayConfig& config);
};

/// What an account holds of one symbol, from its paper fills.
struct PaperPosition {
  std::string account;
  std::string symbol;
  core::Decimal base_qty;  // signed: long > 0, short < 0
  core::Decimal cost;      // quote paid for buys minus quote received for sells, fees excluded
  core::Decimal fees;      // in the quote asset
  bool operator==(const PaperPosition&) const = default;
};

/// The quote asset of an exchange symbol: after the separator ("BTC-USD", "BTC/USD" -> "USD"),
/// else the longest known quote suffix that leaves a base of 3 or more letters ("BTCUSDT" ->
/// "USDT", "XBTUSD" -> "USD", "BTCTUSD" -> "TUSD", "ETHBTC" -> "BTC"); empty when none matches.
std::string quote_asset(std::string_view symbol);

class PaperEngine final : public Executor {
 public:
  PaperEngine(PaperOptions options, core::Clock& clock, ExecutionEvents events);
  ~PaperEngine() override;
  PaperEngine(const PaperEngine&) = delete;
  PaperEngine& operator=(const PaperEngine&) = delete;

  void submit(const core::Order& order) override;
  void cancel(const std::string& account, const std::string& client_order_id) override;
  void on_tick(const core::Tick& tick) override;
  std::size_t working_orders() const override;

  /// Every position with at least one fill, ordered by account then symbol.
  std::vector<PaperPosition> positions() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace live_gateway
