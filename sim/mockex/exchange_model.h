/// @file sim/mockex/exchange_model.h
/// @brief `ExchangeModel`: the Binance Spot exchange the mock serves, as pure logic in virtual
/// time: symbols with their filters, one OrderBook per symbol, accounts per API key, order
/// placement, cancel and query with Binance's answers and error codes, fees, and market data
/// that moves the recorded liquidity (see order_book.h for the liquidity model).
///
/// Time comes in as `now_ms` on every call (ms since the epoch, the exchange's clock); the model
/// reads no clock, draws no randomness and iterates only ordered containers, so the same calls
/// give the same answers, ids and JSON byte for byte. Not thread-safe: one owner calls it.
///
/// | ExchangeConfig field | meaning | default |
/// |---|---|---|
/// | symbols | tradable symbols (core/exchange_info.h) | none |
/// | starting_balances | what a new API key owns on first use | 10000 USDT, 1 BTC, 10 ETH, 100 SOL
/// | | maker_rate, taker_rate | commission per fill, in the received asset, rounded half up to 8
/// places | 0.001 |
///
/// Order handling, in order: symbol (-1121), mandatory parameters (-1102/-1106), filters
/// (-1013 via core::check_order, valued at reference_price()), duplicate open
/// newClientOrderId of the key on the symbol (-2010 "Duplicate order sent."), LIMIT_MAKER that
/// would take (-2010), balance (-2010 "Account has insufficient balance for requested
/// action."). Accepted orders lock their funds (a LIMIT buy price*qty of quote, a sell its
/// quantity), match at once, and then rest (LIMIT GTC, LIMIT_MAKER) or expire (IOC, MARKET,
/// FOK that cannot fill completely: EXPIRED with no fills). There is no self-trade prevention.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/exchange_info.h"
#include "sim/mockex/accounts.h"
#include "sim/mockex/order_book.h"
#include "sim/mockex/types.h"

namespace sim::mockex {

struct ExchangeConfig {
  std::vector<core::SymbolInfo> symbols;
  std::map<std::string, Decimal> starting_balances = default_starting_balances();
  Decimal maker_rate = Decimal::from_mantissa(1, 3).value();
  Decimal taker_rate = Decimal::from_mantissa(1, 3).value();

  static std::map<std::string, Decimal> default_starting_balances();
};

class ExchangeModel {
 public:
  explicit ExchangeModel(ExchangeConfig config);

  Reply<NewOrderResult> new_order(const std::string& api_key, const NewOrderRequest& request,
                                  std::int64_t now_ms);
  /// By orderId, else origClientOrderId (the key's open order with it). Unknown or no longer
  /// open: -2011 "Unknown order sent.". `new_client_order_id` names the cancel itself.
  Reply<CancelResult> cancel_order(const std::string& api_key, const std::string& symbol,
                                   std::optional<std::uint64_t> order_id,
                                   const std::optional<std::string>& orig_client_order_id,
                                   const std::optional<std::string>& new_client_order_id,
                                   std::int64_t now_ms);
  /// Any order of the key, open or not; by origClientOrderId the latest order with that id.
  /// Unknown: -2013 "Order does not exist.".
  Reply<OrderRecord> query_order(const std::string& api_key, const std::string& symbol,
                                 std::optional<std::uint64_t> order_id,
                                 const std::optional<std::string>& orig_client_order_id) const;
  /// The key's open orders, of one symbol or all, by (symbol, orderId).
  Reply<std::vector<OrderRecord>> open_orders(const std::string& api_key,
                                              const std::optional<std::string>& symbol) const;
  /// Opens the account with the starting balances on first use.
  AccountView account(const std::string& api_key, std::int64_t now_ms);

  /// Market data (unknown symbols are ignored: a recording may carry more than is traded).
  void apply_book_ticker(const std::string& symbol, const Decimal& bid, const Decimal& bid_qty,
                         const Decimal& ask, const Decimal& ask_qty, std::int64_t now_ms);
  void apply_depth_level(const std::string& symbol, Side side, const Decimal& price,
                         const Decimal& qty, std::int64_t now_ms);
  void apply_trade(const std::string& symbol, const Decimal& price, const Decimal& qty,
                   Side taker_side, std::int64_t now_ms);

  /// The price filters and MARKET notional use: the last recorded trade, else the recorded
  /// mid, else none (then those checks are skipped).
  std::optional<Decimal> reference_price(const std::string& symbol) const;
  const core::SymbolInfo* symbol_info(const std::string& symbol) const;
  const OrderBook* book(const std::string& symbol) const;
  const Ledger& ledger() const { return ledger_; }
  /// Every order ever accepted, open or final, of every key.
  std::size_t order_count() const { return orders_.size(); }
  const ExchangeConfig& config() const { return config_; }
  /// Order changes since the last call, oldest first.
  std::vector<OrderEvent> drain_events();

 private:
  struct SymbolState {
    core::SymbolInfo info;
    OrderBook book;
    std::uint64_t next_order_id = 1;
    std::uint64_t next_trade_id = 1;
    std::optional<Decimal> last_trade_price;
  };
  using OrderKey = std::pair<std::string, std::uint64_t>;  // (symbol, orderId)

  // exchange_model.cpp: validation and bookkeeping.
  std::optional<BinanceError> validate(const SymbolState& s, const std::string& api_key,
                                       const NewOrderRequest& r) const;
  OrderRecord* find_open(const std::string& api_key, const std::string& symbol,
                         std::optional<std::uint64_t> order_id,
                         const std::optional<std::string>& client_order_id);
  std::string next_client_order_id();
  void set_open(OrderRecord& order, bool open);
  void emit(const OrderRecord& order, std::optional<TradeFill> fill = std::nullopt,
            bool first_fill = false);

  // matching.cpp: locking, matching, settlement.
  Reply<NewOrderResult> execute(SymbolState& s, OrderRecord order, RespType resp_type,
                                std::int64_t now_ms);
  Decimal lock_amount(const OrderRecord& order, const std::vector<Match>& plan) const;
  void settle(SymbolState& s, const Match& m, std::int64_t now_ms, std::vector<TradeFill>* fills);
  TradeFill record_fill(SymbolState& s, OrderRecord& order, const Match& m, std::uint64_t trade_id,
                        std::int64_t now_ms);
  void finish_taker(SymbolState& s, OrderRecord& order);
  void settle_market_crossings(SymbolState& s, const std::vector<Match>& matches,
                               std::int64_t now_ms);

  ExchangeConfig config_;
  std::map<std::string, SymbolState> symbols_;
  std::map<OrderKey, OrderRecord> orders_;
  /// api key -> its open orders.
  std::map<std::string, std::set<OrderKey>> open_by_key_;
  /// (api key, symbol, clientOrderId) -> latest orderId with it.
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> by_client_id_;
  Ledger ledger_;
  std::vector<OrderEvent> events_;
  std::uint64_t next_client_seq_ = 1;
};

}  // namespace sim::mockex
