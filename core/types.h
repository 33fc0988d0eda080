/// @file core/types.h
/// @brief Domain types of the bus messages: Tick, Bar, Order, CancelRequest, OrderUpdate, Fill.
///
/// Plain value structs with `==`, validated at the boundary by the codecs in core/codec/
/// (DESIGN.md section 3 gives their JSON). Every enum has a stable wire name (`*_name`) and a
/// parser (`parse_*`, exact lower-case name, nullopt otherwise); RejectCode is append-only
/// because its names appear in messages, logs and traces. Timestamps are µs since the Unix
/// epoch. Symbols are the exchange's own spelling (BTCUSDT, BTC-USD, XBTUSD).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/decimal.h"

namespace core {

enum class Exchange : std::uint8_t { kBinance, kCoinbase, kKraken };
enum class Side : std::uint8_t { kBuy, kSell };
enum class TickKind : std::uint8_t { kTrade, kTicker, kBook };
enum class OrderType : std::uint8_t { kLimit, kMarket };
enum class TimeInForce : std::uint8_t { kGtc, kIoc, kFok };
enum class Liquidity : std::uint8_t { kMaker, kTaker };

/// The `{status}` token of `orders.{account}.{status}`.
enum class OrderStatus : std::uint8_t {
  kAccepted,
  kRejected,
  kPendingApproval,
  kPartiallyFilled,
  kFilled,
  kCanceled,
  kExpired,
  kFailed,
};

/// Why an order was refused or failed. Append-only: the numbers and names are part of the
/// wire format ("code":"MAX_ORDER_SIZE").
enum class RejectCode : std::uint8_t {
  kPaperOnly = 0,
  kMaxOrderSize = 1,
  kMaxPosition = 2,
  kSymbolNotAllowed = 3,
  kPriceFilter = 4,
  kLotSize = 5,
  kMinNotional = 6,
  kPriceBand = 7,
  kDuplicateClientOrderId = 8,
  kKillSwitch = 9,
  kInvalidOrder = 10,
  kNoMarketData = 11,
  kExchangeError = 12,
  kRateLimited = 13,
  kUnknownOrder = 14,
  kTimeout = 15,
  kInsufficientBalance = 16,
};

std::string_view exchange_name(Exchange v);          // "binance"
std::string_view side_name(Side v);                  // "buy"
std::string_view tick_kind_name(TickKind v);         // "trade"
std::string_view order_type_name(OrderType v);       // "limit"
std::string_view time_in_force_name(TimeInForce v);  // "GTC"
std::string_view liquidity_name(Liquidity v);        // "maker"
std::string_view order_status_name(OrderStatus v);   // "partially_filled"
std::string_view reject_code_name(RejectCode v);     // "MAX_ORDER_SIZE"

std::optional<Exchange> parse_exchange(std::string_view text);
std::optional<Side> parse_side(std::string_view text);
std::optional<TickKind> parse_tick_kind(std::string_view text);
std::optional<OrderType> parse_order_type(std::string_view text);
std::optional<TimeInForce> parse_time_in_force(std::string_view text);
std::optional<Liquidity> parse_liquidity(std::string_view text);
std::optional<OrderStatus> parse_order_status(std::string_view text);
std::optional<RejectCode> parse_reject_code(std::string_view text);

/// One market-data event. Fields a kind lacks stay empty and are omitted on the wire:
/// trade has price/qty/side/trade_id, ticker has bid/ask(+qty)/last/volume, book has bid/ask(+qty).
struct Tick {
  static constexpr int kVersion = 1;
  int v = kVersion;
  Exchange exchange = Exchange::kBinance;
  std::string symbol;
  TickKind kind = TickKind::kTrade;
  std::int64_t ts_event_us = 0;      // exchange's event time
  std::int64_t ts_recv_us = 0;       // our receive time
  std::optional<std::uint64_t> seq;  // exchange sequence / update id, when it sends one
  std::optional<Decimal> price;
  std::optional<Decimal> qty;
  std::optional<Side> side;  // taker side
  /// Kept as text: exchanges differ (integers, UUIDs); the wire carries a JSON string.
  std::optional<std::string> trade_id;
  std::optional<Decimal> bid;
  std::optional<Decimal> bid_qty;
  std::optional<Decimal> ask;
  std::optional<Decimal> ask_qty;
  std::optional<Decimal> last;
  std::optional<Decimal> volume;  // 24 h base volume

  bool operator==(const Tick&) const = default;
};

/// One minute of OHLCV from trades, keyed by (ts_minute_us, exchange, symbol).
struct Bar {
  std::int64_t ts_minute_us = 0;  // start of the minute
  Exchange exchange = Exchange::kBinance;
  std::string symbol;
  Decimal open;
  Decimal high;
  Decimal low;
  Decimal close;
  Decimal volume;
  std::uint64_t trades = 0;

  bool operator==(const Bar&) const = default;
};

struct Order {
  std::string account;
  std::string symbol;
  Side side = Side::kBuy;
  OrderType type = OrderType::kLimit;
  Decimal quantity;              // base asset, > 0
  std::optional<Decimal> price;  // present iff type is limit
  bool paper_trading = true;     // the safe default when a message omits it
  std::optional<std::string> client_order_id;
  std::optional<TimeInForce> time_in_force;

  bool operator==(const Order&) const = default;
};

/// `orders.{account}.cancel`.
struct CancelRequest {
  std::string account;
  std::string client_order_id;

  bool operator==(const CancelRequest&) const = default;
};

/// `orders.{account}.{status}`: an order's state after a change. `code` and a non-empty
/// `reason` accompany rejected, expired and failed.
struct OrderUpdate {
  std::string client_order_id;
  std::string account;
  std::string symbol;
  OrderStatus status = OrderStatus::kAccepted;
  std::optional<RejectCode> code;
  std::string reason;                // human text, empty when there is nothing to say
  Decimal filled_qty;                // cumulative
  std::optional<Decimal> avg_price;  // of the filled quantity
  std::optional<std::string> exchange_order_id;
  bool paper = true;
  std::int64_t ts_us = 0;

  bool operator==(const OrderUpdate&) const = default;
};

/// `fills.{account}`: one execution.
struct Fill {
  std::string fill_id;
  std::string client_order_id;
  std::string account;
  std::string symbol;
  Side side = Side::kBuy;
  Decimal price;
  Decimal qty;
  Decimal fee;
  std::string fee_asset;
  Liquidity liquidity = Liquidity::kTaker;
  bool paper = true;
  std::int64_t ts_us = 0;

  bool operator==(const Fill&) const = default;
};

}  // namespace core
