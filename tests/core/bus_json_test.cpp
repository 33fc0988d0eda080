#include "core/codec/bus_json.h"

#include <catch2/catch.hpp>

namespace {

using namespace core;
using codec::to_json;

Decimal d(std::string_view text) {
  return *Decimal::parse(text);
}

Tick binance_trade() {
  Tick t;
  t.exchange = Exchange::kBinance;
  t.symbol = "BTCUSDT";
  t.kind = TickKind::kTrade;
  t.ts_event_us = 1700000000123000;
  t.ts_recv_us = 1700000000124500;
  t.seq = 42;
  t.price = d("43250.01000000");
  t.qty = d("0.00001000");
  t.side = Side::kSell;
  t.trade_id = "3141592653";
  return t;
}

Order limit_order() {
  Order o;
  o.account = "test_account";
  o.symbol = "BTCUSDT";
  o.side = Side::kBuy;
  o.type = OrderType::kLimit;
  o.quantity = d("0.001");
  o.price = d("45000.0");
  o.client_order_id = "c-17";
  o.time_in_force = TimeInForce::kIoc;
  return o;
}

std::string order_error(std::string_view json, std::string_view subject_account = "acct") {
  auto r = codec::decode_order(json, subject_account);
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().code == Errc::kInvalidArgument);
  return r.status().message;
}

}  // namespace

TEST_CASE("Tick encodes to the exact bytes of the bus contract", "[codec]") {
  CHECK(to_json(binance_trade()) ==
        R"({"v":1,"exchange":"binance","symbol":"BTCUSDT","kind":"trade",)"
        R"("ts_event":1700000000123000,"ts_recv":1700000000124500,"seq":42,)"
        R"("price":43250.01000000,"qty":0.00001000,"side":"sell","trade_id":"3141592653"})");
  Tick book;
  book.exchange = Exchange::kKraken;
  book.symbol = "XBT/USD";
  book.kind = TickKind::kBook;
  book.bid = d("43000.1");
  book.bid_qty = d("0.5");
  book.ask = d("43000.2");
  book.ask_qty = d("1.25000000");
  CHECK(to_json(book) == R"({"v":1,"exchange":"kraken","symbol":"XBT/USD","kind":"book",)"
                         R"("ts_event":0,"ts_recv":0,"bid":43000.1,"bid_qty":0.5,)"
                         R"("ask":43000.2,"ask_qty":1.25000000})");
}

TEST_CASE("Tick encoding appends to a reused buffer", "[codec]") {
  std::string buf;
  codec::encode(binance_trade(), buf);
  const std::string first = buf;
  buf.clear();
  codec::encode(binance_trade(), buf);
  CHECK(buf == first);
}

TEST_CASE("Tick encoding escapes free text and appends after what the buffer holds", "[codec]") {
  Tick t;
  t.exchange = Exchange::kCoinbase;
  t.symbol = "A\"B\\";
  t.kind = TickKind::kTicker;
  t.ts_event_us = -5;
  t.trade_id = std::string("x\n\x01");
  t.last = d("-0.005");
  t.volume = d("123456789012345678901234.5");  // past 64 bits of mantissa
  std::string buf = "prefix|";
  codec::encode(t, buf);
  CHECK(buf == R"(prefix|{"v":1,"exchange":"coinbase","symbol":"A\"B\\","kind":"ticker",)"
               R"("ts_event":-5,"ts_recv":0,"trade_id":"x\n\u0001","last":-0.005,)"
               R"("volume":123456789012345678901234.5})");
  CHECK(*codec::decode_tick(buf.substr(7)) == t);
}

TEST_CASE("Every bus message decodes back to what was encoded", "[codec]") {
  const Tick trade = binance_trade();
  CHECK(*codec::decode_tick(to_json(trade)) == trade);
  CHECK(codec::decode_tick(to_json(trade))->price->to_string() == "43250.01000000");
  Tick ticker;
  ticker.exchange = Exchange::kCoinbase;
  ticker.symbol = "BTC-USD";
  ticker.kind = TickKind::kTicker;
  ticker.bid = d("1");
  ticker.ask = d("2");
  ticker.last = d("1.5");
  ticker.volume = d("12345.678");
  CHECK(*codec::decode_tick(to_json(ticker)) == ticker);

  const Order order = limit_order();
  CHECK(*codec::decode_order(to_json(order)) == order);
  const CancelRequest cancel{"acct", "c-17"};
  CHECK(*codec::decode_cancel(to_json(cancel)) == cancel);

  OrderUpdate update;
  update.client_order_id = "c-17";
  update.account = "acct";
  update.symbol = "BTCUSDT";
  update.status = OrderStatus::kRejected;
  update.code = RejectCode::kMaxOrderSize;
  update.reason = "notional 4500000 USD exceeds max_order_size_usd 1000";
  update.ts_us = 5;
  CHECK(*codec::decode_order_update(to_json(update)) == update);
  CHECK(to_json(update) ==
        R"({"client_order_id":"c-17","account":"acct","symbol":"BTCUSDT","status":"rejected",)"
        R"("code":"MAX_ORDER_SIZE","reason":"notional 4500000 USD exceeds max_order_size_usd )"
        R"(1000","filled_qty":0,"paper":true,"ts":5})");

  const Fill fill{"f-1",      "c-17",       "acct", "BTCUSDT",         Side::kBuy, d("45000.00"),
                  d("0.001"), d("-0.0001"), "USDT", Liquidity::kMaker, true,       77};
  CHECK(*codec::decode_fill(to_json(fill)) == fill);

  const Bar bar{60000000, Exchange::kBinance, "BTCUSDT",        d("1.0"), d("2.5"),
                d("0.5"), d("2.0"),           d("10.00100000"), 3};
  CHECK(*codec::decode_bar(to_json(bar)) == bar);
  CHECK(codec::decode_bar(to_json(bar))->volume.to_string() == "10.00100000");
}

TEST_CASE("Order takes its account from the subject and infers its type", "[codec]") {
  // The seed's own test message: numbers from Python, no client_order_id.
  auto seed = codec::decode_order(
      R"({"symbol": "BTCUSDT", "side": "buy", "quantity": 100, "price": 45000.0})", "test_account");
  REQUIRE(seed.is_ok());
  CHECK(seed->account == "test_account");
  CHECK(seed->type == OrderType::kLimit);
  CHECK(seed->price->to_string() == "45000.0");
  CHECK(seed->paper_trading);
  CHECK_FALSE(seed->client_order_id);

  auto market = codec::decode_order(
      R"({"symbol":"BTCUSDT","side":"sell","quantity":"1e-05","price":null})", "a");
  REQUIRE(market.is_ok());
  CHECK(market->type == OrderType::kMarket);
  CHECK(market->quantity.to_string() == "0.00001");
}

TEST_CASE("Malformed orders are rejected with the field named", "[codec]") {
  CHECK(order_error(R"({"symbol":"BTCUSDT","side":"buy","quantity":"abc","price":1})") ==
        R"(order.quantity: expected a positive decimal, got "abc")");
  CHECK(order_error(R"({"symbol":"BTCUSDT","side":"buy","quantity":-1,"price":1})") ==
        "order.quantity: expected a positive decimal, got -1");
  CHECK(order_error(R"({"symbol":"BTCUSDT","side":"hold","quantity":1})") ==
        R"(order.side: expected one of buy|sell, got "hold")");
  CHECK(order_error(R"({"symbol":"BTCUSDT","side":"buy"})") == "order.quantity: missing");
  CHECK(order_error(R"({"symbol":"BTCUSDT","side":"buy","quantity":1,"type":"limit"})") ==
        "order.price: missing (a limit order needs one)");
  CHECK(
      order_error(R"({"symbol":"BTCUSDT","side":"buy","quantity":1,"type":"market","price":2})") ==
      "order.price: a market order takes no price, got 2");
  CHECK(order_error(R"({"symbol":"BTC USDT","side":"buy","quantity":1})") ==
        R"(order.symbol: expected 1..32 characters of [A-Za-z0-9-_/], got "BTC USDT")");
  CHECK(order_error(R"({"account":"other","symbol":"BTCUSDT","side":"buy","quantity":1})") ==
        R"(order.account: "other" differs from the subject's account "acct")");
  CHECK(order_error(R"({"symbol":"BTCUSDT","side":"buy","quantity":1})", "") ==
        "order.account: missing (not in the message or subject)");
  CHECK(order_error(R"({"symbol":"BTCUSDT","side":"buy","quantity":1,"paper_trading":"yes"})") ==
        R"(order.paper_trading: expected true or false, got "yes")");
  CHECK(order_error(R"({"symbol":"BTCUSDT","side":"buy","quantity":1,"client_order_id":""})") ==
        R"(order.client_order_id: expected 1..36 characters of [A-Za-z0-9._:/-], got "")");
  CHECK(order_error(R"({"symbol":"BTCUSDT","side":"buy","quantity":{"a":1}})") ==
        "order.quantity: expected a positive decimal, got an object");
  CHECK(order_error(R"([1,2])") == "order: expected a JSON object");
  CHECK(order_error(R"({"symbol":"BTCUSDT","side":"buy","quantity":1} x)")
            .rfind("order: malformed JSON", 0) == 0);
  CHECK(order_error(R"({"symbol":"BTCUSDT","side":"buy","quantity":1} {})") ==
        "order: unexpected content after the object");
  CHECK(order_error("").rfind("order: malformed JSON", 0) == 0);
}

TEST_CASE("Malformed ticks, fills and cancels are rejected with the field named", "[codec]") {
  CHECK(codec::decode_tick(R"({"v":2})").status().message == "tick.v: expected version 1, got 2");
  CHECK(codec::decode_tick(R"({"v":1,"exchange":"ftx"})").status().message ==
        R"(tick.exchange: expected one of binance|coinbase|kraken, got "ftx")");
  CHECK(codec::decode_tick(R"({"v":1,"exchange":"binance","symbol":"X","kind":"trade",)"
                           R"("ts_event":1})")
            .status()
            .message == "tick.ts_recv: missing");
  CHECK(codec::decode_tick(R"({"v":1,"exchange":"binance","symbol":"X","kind":"trade",)"
                           R"("ts_event":"soon","ts_recv":1})")
            .status()
            .message == R"(tick.ts_event: expected an integer, got "soon")");
  CHECK(codec::decode_fill(R"({"fill_id":7})").status().message ==
        "fill.fill_id: expected a string, got 7");
  CHECK(codec::decode_cancel(R"({"client_order_id":"c 1"})", "a").status().message ==
        R"(cancel.client_order_id: expected 1..36 characters of [A-Za-z0-9._:/-], got "c 1")");
  CHECK(codec::decode_order_update(R"({"status":"done"})").status().message ==
        "order_update.status: expected one of accepted|rejected|pending_approval|"
        R"(partially_filled|filled|canceled|expired|failed, got "done")");
}

TEST_CASE("Tick decoding accepts an integer trade_id and keeps its digits", "[codec]") {
  auto t = codec::decode_tick(R"({"v":1,"exchange":"binance","symbol":"BTCUSDT","kind":"trade",)"
                              R"("ts_event":1,"ts_recv":2,"trade_id":12345678901234,"extra":[1]})");
  REQUIRE(t.is_ok());
  CHECK(*t->trade_id == "12345678901234");
}
