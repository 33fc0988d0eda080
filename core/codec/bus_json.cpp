#include "core/codec/bus_json.h"

#include <charconv>
#include <cstring>

#include "core/codec/json_reader.h"
#include "core/json_text.h"

namespace core::codec {
namespace {

using detail::FieldReader;
using detail::Required;
using detail::Sign;
using json::ObjectWriter;

constexpr std::string_view kSideNames = "buy|sell";
constexpr std::string_view kExchangeNames = "binance|coinbase|kraken";
constexpr std::size_t kSymbolLenMax = 32;
constexpr std::string_view kSymbolExtra = "-_/";
constexpr std::size_t kAccountLenMax = 64;
constexpr std::string_view kAccountExtra = "-_";
constexpr std::size_t kClientOrderIdLenMax = 36;
constexpr std::string_view kClientOrderIdExtra = "._:/-";

void opt_dec(ObjectWriter& w, std::string_view key, const std::optional<Decimal>& v) {
  if (v) w.dec(key, *v);
}

void opt_str(ObjectWriter& w, std::string_view key, const std::optional<std::string>& v) {
  if (v) w.str(key, *v);
}

/// The message's account, or the subject's when the message has none; never two different.
Status resolve_account(std::string_view message, std::optional<std::string>& from_message,
                       std::string_view subject_account, std::string& out) {
  if (from_message && !subject_account.empty() && *from_message != subject_account) {
    return make_error(Errc::kInvalidArgument,
                      "{}.account: \"{}\" differs from the subject's account \"{}\"", message,
                      *from_message, subject_account);
  }
  if (from_message) {
    out = std::move(*from_message);
  } else if (!subject_account.empty()) {
    out = std::string(subject_account);
  } else {
    return make_error(Errc::kInvalidArgument, "{}.account: missing (not in the message or subject)",
                      message);
  }
  return detail::check_token(message, "account", out, kAccountLenMax, kAccountExtra);
}

/// type given or inferred from the price; a limit order needs a price, a market order none.
Status resolve_order_type(const std::optional<OrderType>& given, Order& order) {
  order.type = given.value_or(order.price ? OrderType::kLimit : OrderType::kMarket);
  if (order.type == OrderType::kLimit && !order.price) {
    return make_error(Errc::kInvalidArgument, "order.price: missing (a limit order needs one)");
  }
  if (order.type == OrderType::kMarket && order.price) {
    return make_error(Errc::kInvalidArgument, "order.price: a market order takes no price, got {}",
                      *order.price);
  }
  return Status::ok();
}

Status tick_field(Tick& t, std::string_view key, FieldReader& r) {
  if (key == "v") {
    std::int64_t v = 0;
    if (Status s = r.i64(v); !s) return s;
    return v == Tick::kVersion ? Status::ok() : r.fail("version 1");
  }
  if (key == "exchange") return r.enumeration(t.exchange, &parse_exchange, kExchangeNames);
  if (key == "symbol") return r.str(t.symbol);
  if (key == "kind") return r.enumeration(t.kind, &parse_tick_kind, "trade|ticker|book");
  if (key == "ts_event") return r.i64(t.ts_event_us);
  if (key == "ts_recv") return r.i64(t.ts_recv_us);
  if (key == "seq") return r.opt_u64(t.seq);
  if (key == "price") return r.opt_dec(t.price, Sign::kAny);
  if (key == "qty") return r.opt_dec(t.qty, Sign::kNonNegative);
  if (key == "side") return r.opt_enumeration(t.side, &parse_side, kSideNames);
  if (key == "trade_id") return r.opt_id(t.trade_id);
  if (key == "bid") return r.opt_dec(t.bid, Sign::kAny);
  if (key == "bid_qty") return r.opt_dec(t.bid_qty, Sign::kNonNegative);
  if (key == "ask") return r.opt_dec(t.ask, Sign::kAny);
  if (key == "ask_qty") return r.opt_dec(t.ask_qty, Sign::kNonNegative);
  if (key == "last") return r.opt_dec(t.last, Sign::kAny);
  if (key == "volume") return r.opt_dec(t.volume, Sign::kNonNegative);
  return Status::ok();
}

/// Writes into a buffer sized once for the whole message: the gateway encodes every tick it
/// publishes, and the per-field capacity checks and calls of ObjectWriter were most of it.
/// `field` starts with the field's `,"key":`, written as one literal.
class TickWriter {
 public:
  TickWriter(std::string& out, std::size_t bound) : out_(out), start_(out.size()) {
    out_.resize(start_ + bound);
    p_ = out_.data() + start_;
  }
  void lit(std::string_view text) {
    std::memcpy(p_, text.data(), text.size());
    p_ += text.size();
  }
  void str(std::string_view field, std::string_view value) {
    lit(field);
    p_ = json::write_string(p_, value);
  }
  template <typename Int>
  void integer(std::string_view field, Int value) {
    lit(field);
    p_ = std::to_chars(p_, p_ + 24, value).ptr;
  }
  void dec(std::string_view field, const std::optional<Decimal>& value) {
    if (!value) return;
    lit(field);
    p_ += value->write_to(p_);
  }
  void close() {
    *p_++ = '}';
    out_.resize(static_cast<std::size_t>(p_ - out_.data()));
  }

 private:
  std::string& out_;
  std::size_t start_;
  char* p_;
};

}  // namespace

void encode(const Tick& t, std::string& out) {
  const std::string_view trade_id = t.trade_id ? std::string_view(*t.trade_id) : "";
  // The fixed keys and names fit 256 bytes; then eight decimals, two integers and the
  // free-text symbol and trade id escaped at their worst.
  TickWriter w(out, 256 + 8 * Decimal::kMaxChars + json::string_bound(t.symbol) +
                        json::string_bound(trade_id));
  w.integer(R"({"v":)", t.v);
  w.str(R"(,"exchange":)", exchange_name(t.exchange));
  w.str(R"(,"symbol":)", t.symbol);
  w.str(R"(,"kind":)", tick_kind_name(t.kind));
  w.integer(R"(,"ts_event":)", t.ts_event_us);
  w.integer(R"(,"ts_recv":)", t.ts_recv_us);
  if (t.seq) w.integer(R"(,"seq":)", *t.seq);
  w.dec(R"(,"price":)", t.price);
  w.dec(R"(,"qty":)", t.qty);
  if (t.side) w.str(R"(,"side":)", side_name(*t.side));
  if (t.trade_id) w.str(R"(,"trade_id":)", trade_id);
  w.dec(R"(,"bid":)", t.bid);
  w.dec(R"(,"bid_qty":)", t.bid_qty);
  w.dec(R"(,"ask":)", t.ask);
  w.dec(R"(,"ask_qty":)", t.ask_qty);
  w.dec(R"(,"last":)", t.last);
  w.dec(R"(,"volume":)", t.volume);
  w.close();
}

Result<Tick> decode_tick(std::string_view json) {
  static constexpr std::string_view kRequired[] = {"v",    "exchange", "symbol",
                                                   "kind", "ts_event", "ts_recv"};
  Required required("tick", kRequired);
  Tick t;
  Status s = detail::for_each_field(json, "tick", [&](std::string_view key, FieldReader& r) {
    required.mark(key);
    return tick_field(t, key, r);
  });
  if (s) s = required.check();
  if (!s) return s;
  return t;
}

void encode(const Order& o, std::string& out) {
  ObjectWriter w(out);
  w.str("account", o.account)
      .str("symbol", o.symbol)
      .str("side", side_name(o.side))
      .str("type", order_type_name(o.type))
      .dec("quantity", o.quantity);
  opt_dec(w, "price", o.price);
  w.boolean("paper_trading", o.paper_trading);
  opt_str(w, "client_order_id", o.client_order_id);
  if (o.time_in_force) w.str("time_in_force", time_in_force_name(*o.time_in_force));
  w.close();
}

Result<Order> decode_order(std::string_view json, std::string_view subject_account,
                           std::string_view default_symbol) {
  static constexpr std::string_view kRequired[] = {"symbol", "side", "quantity"};
  Required required("order", kRequired);
  Order o;
  std::optional<std::string> account;
  std::optional<OrderType> type;
  Status s = detail::for_each_field(json, "order", [&](std::string_view key, FieldReader& r) {
    required.mark(key);
    if (key == "account") return r.opt_str(account);
    if (key == "symbol") return r.str(o.symbol);
    if (key == "side") return r.enumeration(o.side, &parse_side, kSideNames);
    if (key == "type") return r.opt_enumeration(type, &parse_order_type, "limit|market");
    if (key == "quantity") return r.dec(o.quantity, Sign::kPositive);
    if (key == "price") return r.opt_dec(o.price, Sign::kPositive);
    if (key == "paper_trading") return r.is_null() ? Status::ok() : r.boolean(o.paper_trading);
    if (key == "client_order_id") return r.opt_str(o.client_order_id);
    if (key == "time_in_force") {
      return r.opt_enumeration(o.time_in_force, &parse_time_in_force, "GTC|IOC|FOK");
    }
    return Status::ok();
  });
  if (s && !default_symbol.empty() && o.symbol.empty()) {
    o.symbol = std::string(default_symbol);
    required.mark("symbol");
  }
  if (s) s = required.check();
  if (s) s = resolve_account("order", account, subject_account, o.account);
  if (s) s = detail::check_token("order", "symbol", o.symbol, kSymbolLenMax, kSymbolExtra);
  if (s && o.client_order_id) {
    s = detail::check_token("order", "client_order_id", *o.client_order_id, kClientOrderIdLenMax,
                            kClientOrderIdExtra);
  }
  if (s) s = resolve_order_type(type, o);
  if (!s) return s;
  return o;
}

void encode(const CancelRequest& c, std::string& out) {
  ObjectWriter(out).str("account", c.account).str("client_order_id", c.client_order_id).close();
}

Result<CancelRequest> decode_cancel(std::string_view json, std::string_view subject_account) {
  static constexpr std::string_view kRequired[] = {"client_order_id"};
  Required required("cancel", kRequired);
  CancelRequest c;
  std::optional<std::string> account;
  Status s = detail::for_each_field(json, "cancel", [&](std::string_view key, FieldReader& r) {
    required.mark(key);
    if (key == "account") return r.opt_str(account);
    if (key == "client_order_id") return r.str(c.client_order_id);
    return Status::ok();
  });
  if (s) s = required.check();
  if (s) s = resolve_account("cancel", account, subject_account, c.account);
  if (s) {
    s = detail::check_token("cancel", "client_order_id", c.client_order_id, kClientOrderIdLenMax,
                            kClientOrderIdExtra);
  }
  if (!s) return s;
  return c;
}

void encode(const OrderUpdate& u, std::string& out) {
  ObjectWriter w(out);
  w.str("client_order_id", u.client_order_id)
      .str("account", u.account)
      .str("symbol", u.symbol)
      .str("status", order_status_name(u.status));
  if (u.code) w.str("code", reject_code_name(*u.code));
  if (!u.reason.empty()) w.str("reason", u.reason);
  w.dec("filled_qty", u.filled_qty);
  opt_dec(w, "avg_price", u.avg_price);
  opt_str(w, "exchange_order_id", u.exchange_order_id);
  w.boolean("paper", u.paper).i64("ts", u.ts_us);
  w.close();
}

Result<OrderUpdate> decode_order_update(std::string_view json) {
  static constexpr std::string_view kRequired[] = {"client_order_id", "account", "symbol", "status",
                                                   "ts"};
  Required required("order_update", kRequired);
  OrderUpdate u;
  Status s =
      detail::for_each_field(json, "order_update", [&](std::string_view key, FieldReader& r) {
        required.mark(key);
        if (key == "client_order_id") return r.str(u.client_order_id);
        if (key == "account") return r.str(u.account);
        if (key == "symbol") return r.str(u.symbol);
        if (key == "status") {
          return r.enumeration(u.status, &parse_order_status,
                               "accepted|rejected|pending_approval|partially_filled|filled|"
                               "canceled|expired|failed");
        }
        if (key == "code") return r.opt_enumeration(u.code, &parse_reject_code, "a reject code");
        if (key == "reason") return r.is_null() ? Status::ok() : r.str(u.reason);
        if (key == "filled_qty") return r.dec(u.filled_qty, Sign::kNonNegative);
        if (key == "avg_price") return r.opt_dec(u.avg_price, Sign::kNonNegative);
        if (key == "exchange_order_id") return r.opt_str(u.exchange_order_id);
        if (key == "paper") return r.boolean(u.paper);
        if (key == "ts") return r.i64(u.ts_us);
        return Status::ok();
      });
  if (s) s = required.check();
  if (!s) return s;
  return u;
}

void encode(const Fill& f, std::string& out) {
  ObjectWriter(out)
      .str("fill_id", f.fill_id)
      .str("client_order_id", f.client_order_id)
      .str("account", f.account)
      .str("symbol", f.symbol)
      .str("side", side_name(f.side))
      .dec("price", f.price)
      .dec("qty", f.qty)
      .dec("fee", f.fee)
      .str("fee_asset", f.fee_asset)
      .str("liquidity", liquidity_name(f.liquidity))
      .boolean("paper", f.paper)
      .i64("ts", f.ts_us)
      .close();
}

Result<Fill> decode_fill(std::string_view json) {
  static constexpr std::string_view kRequired[] = {
      "fill_id", "client_order_id", "account",   "symbol", "side", "price", "qty",
      "fee",     "fee_asset",       "liquidity", "paper",  "ts"};
  Required required("fill", kRequired);
  Fill f;
  Status s = detail::for_each_field(json, "fill", [&](std::string_view key, FieldReader& r) {
    required.mark(key);
    if (key == "fill_id") return r.str(f.fill_id);
    if (key == "client_order_id") return r.str(f.client_order_id);
    if (key == "account") return r.str(f.account);
    if (key == "symbol") return r.str(f.symbol);
    if (key == "side") return r.enumeration(f.side, &parse_side, kSideNames);
    if (key == "price") return r.dec(f.price, Sign::kPositive);
    if (key == "qty") return r.dec(f.qty, Sign::kPositive);
    if (key == "fee") return r.dec(f.fee, Sign::kAny);  // rebates are negative fees
    if (key == "fee_asset") return r.str(f.fee_asset);
    if (key == "liquidity") return r.enumeration(f.liquidity, &parse_liquidity, "maker|taker");
    if (key == "paper") return r.boolean(f.paper);
    if (key == "ts") return r.i64(f.ts_us);
    return Status::ok();
  });
  if (s) s = required.check();
  if (!s) return s;
  return f;
}

void encode(const Bar& b, std::string& out) {
  ObjectWriter(out)
      .i64("ts_minute", b.ts_minute_us)
      .str("exchange", exchange_name(b.exchange))
      .str("symbol", b.symbol)
      .dec("open", b.open)
      .dec("high", b.high)
      .dec("low", b.low)
      .dec("close", b.close)
      .dec("volume", b.volume)
      .u64("trades", b.trades)
      .close();
}

Result<Bar> decode_bar(std::string_view json) {
  static constexpr std::string_view kRequired[] = {
      "ts_minute", "exchange", "symbol", "open", "high", "low", "close", "volume", "trades"};
  Required required("bar", kRequired);
  Bar b;
  Status s = detail::for_each_field(json, "bar", [&](std::string_view key, FieldReader& r) {
    required.mark(key);
    if (key == "ts_minute") return r.i64(b.ts_minute_us);
    if (key == "exchange") return r.enumeration(b.exchange, &parse_exchange, kExchangeNames);
    if (key == "symbol") return r.str(b.symbol);
    if (key == "open") return r.dec(b.open, Sign::kAny);
    if (key == "high") return r.dec(b.high, Sign::kAny);
    if (key == "low") return r.dec(b.low, Sign::kAny);
    if (key == "close") return r.dec(b.close, Sign::kAny);
    if (key == "volume") return r.dec(b.volume, Sign::kNonNegative);
    if (key == "trades") return r.u64(b.trades);
    return Status::ok();
  });
  if (s) s = required.check();
  if (!s) return s;
  return b;
}

}  // namespace core::codec
