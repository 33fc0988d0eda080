#include "sim/mockex/exchange_model.h"

#include <catch2/catch.hpp>

#include "model_fixture.h"
#include "sim/mockex/responses.h"

using namespace mockex_test;
using sim::mockex::CancelResult;
using sim::mockex::ExchangeModel;
using sim::mockex::OrderRecord;
using sim::mockex::OrderState;

namespace {

constexpr std::int64_t kT0 = 1723161255000;

/// Asks 60000 x 0.05 and 60001 x 0.1, bids 59999 x 0.2 and 59998 x 1.
void seed_book(ExchangeModel& m) {
  m.apply_depth_level("BTCUSDT", Side::kSell, d("60000.00"), d("0.05"), kT0);
  m.apply_depth_level("BTCUSDT", Side::kSell, d("60001.00"), d("0.1"), kT0);
  m.apply_depth_level("BTCUSDT", Side::kBuy, d("59999.00"), d("0.2"), kT0);
  m.apply_depth_level("BTCUSDT", Side::kBuy, d("59998.00"), d("1"), kT0);
}

}  // namespace

TEST_CASE("A market buy walks the book with exact fills, fees and balances", "[mockex]") {
  ExchangeModel m(config());
  seed_book(m);
  const auto r = accepted(m.new_order("alice", market(Side::kBuy, "0.1"), kT0 + 1));
  CHECK(r.order.status == OrderState::kFilled);
  CHECK(r.order.executed_qty == d("0.1"));
  CHECK(r.order.cummulative_quote_qty == d("6000.05"));
  REQUIRE(r.fills.size() == 2);
  CHECK(r.fills[0].price == d("60000"));
  CHECK(r.fills[0].qty == d("0.05"));
  CHECK(r.fills[0].commission == d("0.00005"));
  CHECK(r.fills[0].commission_asset == "BTC");
  CHECK(r.fills[1].price == d("60001"));
  CHECK(r.fills[1].trade_id == 2);
  CHECK(free_of(m, "alice", "USDT") == d("3999.95"));
  CHECK(free_of(m, "alice", "BTC") == d("1.0999"));
  CHECK(m.ledger().fees().at("BTC") == d("0.0001"));
  CHECK(m.ledger().locked("alice", "USDT") == d("0"));
  CHECK(
      encode_new_order(r) ==
      R"({"symbol":"BTCUSDT","orderId":1,"orderListId":-1,"clientOrderId":"mockex0000000000000001",)"
      R"("transactTime":1723161255001,"price":"0.00000000","origQty":"0.10000000",)"
      R"("executedQty":"0.10000000","origQuoteOrderQty":"0.00000000",)"
      R"("cummulativeQuoteQty":"6000.05000000","status":"FILLED","timeInForce":"GTC",)"
      R"("type":"MARKET","side":"BUY","workingTime":1723161255001,)"
      R"("selfTradePreventionMode":"NONE","fills":[)"
      R"({"price":"60000.00000000","qty":"0.05000000","commission":"0.00005000",)"
      R"("commissionAsset":"BTC","tradeId":1},)"
      R"({"price":"60001.00000000","qty":"0.05000000","commission":"0.00005000",)"
      R"("commissionAsset":"BTC","tradeId":2}]})");
}

TEST_CASE("A limit buy takes what crosses, rests the remainder and locks only its price",
          "[mockex]") {
  ExchangeModel m(config());
  seed_book(m);
  const auto r = accepted(m.new_order("alice", limit(Side::kBuy, "60000.50", "0.1"), kT0));
  CHECK(r.order.status == OrderState::kPartiallyFilled);
  CHECK(r.order.executed_qty == d("0.05"));
  // Locked: 60000.50 * 0.05 for the rest; spent 3000 for the fill.
  CHECK(m.ledger().locked("alice", "USDT") == d("3000.025"));
  CHECK(free_of(m, "alice", "USDT") == d("3999.975"));
  CHECK(m.book("BTCUSDT")->best(Side::kBuy) == d("60000.50"));
  CHECK(m.book("BTCUSDT")->best(Side::kSell) == d("60001"));
  const auto open = accepted(m.open_orders("alice", std::string("BTCUSDT")));
  REQUIRE(open.size() == 1);
  CHECK(open[0].order_id == r.order.order_id);
}

TEST_CASE("A resting limit order fills as maker when a recorded trade crosses it", "[mockex]") {
  ExchangeModel m(config());
  seed_book(m);
  const auto r = accepted(m.new_order("alice", limit(Side::kSell, "60100.00", "0.01"), kT0));
  CHECK(r.order.status == OrderState::kNew);
  CHECK(m.ledger().locked("alice", "BTC") == d("0.01"));
  m.apply_trade("BTCUSDT", d("60100.00"), d("0.003"), Side::kBuy, kT0 + 5);
  auto q = accepted(m.query_order("alice", "BTCUSDT", r.order.order_id, std::nullopt));
  CHECK(q.status == OrderState::kPartiallyFilled);
  CHECK(q.executed_qty == d("0.003"));
  // 0.003 * 60100 = 180.3 USDT, maker fee 0.1% = 0.1803 USDT.
  CHECK(free_of(m, "alice", "USDT") == d("10180.1197"));
  CHECK(m.ledger().locked("alice", "BTC") == d("0.007"));
  const auto events = m.drain_events();
  REQUIRE(events.size() == 2);
  CHECK(events[1].first_fill);
  REQUIRE(events[1].last_fill);
  CHECK(events[1].last_fill->maker);
}

TEST_CASE("Resting orders of two users fill in price-time priority", "[mockex]") {
  ExchangeModel m(config());
  accepted(m.new_order("alice", limit(Side::kBuy, "59000.00", "0.01"), kT0));
  accepted(m.new_order("bob", limit(Side::kBuy, "59000.00", "0.01"), kT0 + 1));
  accepted(m.new_order("carol", limit(Side::kBuy, "59500.00", "0.01"), kT0 + 2));
  const auto r = accepted(m.new_order("dave", market(Side::kSell, "0.025"), kT0 + 3));
  REQUIRE(r.fills.size() == 3);
  CHECK(r.fills[0].price == d("59500"));  // better price first
  CHECK(r.fills[1].qty == d("0.01"));     // alice, first at 59000
  CHECK(r.fills[2].qty == d("0.005"));    // bob, second at 59000
  CHECK(accepted(m.query_order("alice", "BTCUSDT", 1, std::nullopt)).status == OrderState::kFilled);
  CHECK(accepted(m.query_order("bob", "BTCUSDT", 2, std::nullopt)).executed_qty == d("0.005"));
  CHECK(free_of(m, "bob", "BTC") == d("1.004995"));  // 0.005 less 0.000005 maker fee
}

TEST_CASE("FOK expires with no fills when the book cannot fill it all, fills when it can",
          "[mockex]") {
  ExchangeModel m(config());
  seed_book(m);
  const auto miss = accepted(
      m.new_order("alice", limit(Side::kBuy, "60001.00", "0.16", core::TimeInForce::kFok), kT0));
  CHECK(miss.order.status == OrderState::kExpired);
  CHECK(miss.fills.empty());
  CHECK(free_of(m, "alice", "USDT") == d("10000"));
  CHECK(m.ledger().locked("alice", "USDT") == d("0"));
  const auto hit = accepted(
      m.new_order("alice", limit(Side::kBuy, "60001.00", "0.15", core::TimeInForce::kFok), kT0));
  CHECK(hit.order.status == OrderState::kFilled);
  CHECK(hit.fills.size() == 2);
}

TEST_CASE("IOC fills what it can and expires the remainder", "[mockex]") {
  ExchangeModel m(config());
  seed_book(m);
  const auto r = accepted(
      m.new_order("alice", limit(Side::kSell, "59999.00", "0.5", core::TimeInForce::kIoc), kT0));
  CHECK(r.order.status == OrderState::kExpired);
  CHECK(r.order.executed_qty == d("0.2"));
  CHECK(m.ledger().locked("alice", "BTC") == d("0"));
  CHECK(free_of(m, "alice", "BTC") == d("0.8"));
  CHECK(accepted(m.open_orders("alice", std::nullopt)).empty());
}

TEST_CASE("LIMIT_MAKER that would take is refused with -2010", "[mockex]") {
  ExchangeModel m(config());
  seed_book(m);
  auto req = limit(Side::kBuy, "60000.00", "0.01");
  req.type = SpotOrderType::kLimitMaker;
  req.time_in_force.reset();
  CHECK(refused(m.new_order("alice", req, kT0)) ==
        BinanceError{400, -2010, "Order would immediately match and take."});
  req.price = d("59999.99");
  const auto ok = accepted(m.new_order("alice", req, kT0));
  CHECK(ok.resp_type == sim::mockex::RespType::kAck);
  CHECK(ok.order.status == OrderState::kNew);
}

TEST_CASE("A duplicate open newClientOrderId is refused; reuse after cancel is allowed",
          "[mockex]") {
  ExchangeModel m(config());
  auto req = limit(Side::kBuy, "50000.00", "0.01");
  req.new_client_order_id = "my-1";
  accepted(m.new_order("alice", req, kT0));
  CHECK(refused(m.new_order("alice", req, kT0)) ==
        BinanceError{400, -2010, "Duplicate order sent."});
  accepted(m.new_order("bob", req, kT0));  // another account may use it
  const auto c = accepted(
      m.cancel_order("alice", "BTCUSDT", std::nullopt, std::string("my-1"), std::nullopt, kT0));
  CHECK(c.order.status == OrderState::kCanceled);
  CHECK(free_of(m, "alice", "USDT") == d("10000"));
  accepted(m.new_order("alice", req, kT0));
}

TEST_CASE("Orders beyond the balance, off the filters or missing parameters are refused",
          "[mockex]") {
  ExchangeModel m(config());
  CHECK(refused(m.new_order("alice", limit(Side::kBuy, "50000.00", "0.3"), kT0)) ==
        BinanceError{400, -2010, "Account has insufficient balance for requested action."});
  CHECK(refused(m.new_order("alice", limit(Side::kSell, "50000.00", "1.00001"), kT0)).msg ==
        "Account has insufficient balance for requested action.");
  CHECK(refused(m.new_order("alice", limit(Side::kBuy, "50000.00", "0.000015"), kT0)) ==
        BinanceError{400, -1013, "Filter failure: LOT_SIZE"});
  CHECK(refused(m.new_order("alice", limit(Side::kBuy, "50000.001", "0.01"), kT0)) ==
        BinanceError{400, -1013, "Filter failure: PRICE_FILTER"});
  CHECK(refused(m.new_order("alice", limit(Side::kBuy, "400.00", "0.01"), kT0)) ==
        BinanceError{400, -1013, "Filter failure: NOTIONAL"});
  auto no_price = limit(Side::kBuy, "1", "0.01");
  no_price.price.reset();
  CHECK(refused(m.new_order("alice", no_price, kT0)) ==
        BinanceError{400, -1102,
                     "Mandatory parameter 'price' was not sent, was empty/null, or malformed."});
  auto bad_symbol = limit(Side::kBuy, "1", "0.01");
  bad_symbol.symbol = "DOGEUSDT";
  CHECK(refused(m.new_order("alice", bad_symbol, kT0)) ==
        BinanceError{400, -1121, "Invalid symbol."});
}

TEST_CASE("Cancel and query of unknown orders answer -2011 and -2013", "[mockex]") {
  ExchangeModel m(config());
  seed_book(m);
  CHECK(refused(m.cancel_order("alice", "BTCUSDT", 42, std::nullopt, std::nullopt, kT0)) ==
        BinanceError{400, -2011, "Unknown order sent."});
  CHECK(refused(m.query_order("alice", "BTCUSDT", 42, std::nullopt)) ==
        BinanceError{400, -2013, "Order does not exist."});
  const auto filled = accepted(m.new_order("alice", market(Side::kBuy, "0.01"), kT0));
  // A filled order can be queried (by either id) but no longer canceled.
  CHECK(accepted(m.query_order("alice", "BTCUSDT", std::nullopt, filled.order.client_order_id))
            .order_id == filled.order.order_id);
  CHECK(refused(m.cancel_order("alice", "BTCUSDT", filled.order.order_id, std::nullopt,
                               std::nullopt, kT0))
            .code == -2011);
  // Another key cannot see it.
  CHECK(refused(m.query_order("bob", "BTCUSDT", filled.order.order_id, std::nullopt)).code ==
        -2013);
}

TEST_CASE("A market buy by quoteOrderQty spends at most the budget in whole steps", "[mockex]") {
  ExchangeModel m(config());
  seed_book(m);
  auto req = market(Side::kBuy, "0");
  req.quantity.reset();
  req.quote_order_qty = d("100");
  const auto r = accepted(m.new_order("alice", req, kT0));
  CHECK(r.order.status == OrderState::kFilled);
  CHECK(r.order.orig_qty == d("0.00166"));  // 100 / 60000 = 0.0016666.. floored to the step
  CHECK(r.order.cummulative_quote_qty == d("99.6"));
  CHECK(free_of(m, "alice", "USDT") == d("9900.4"));
}

TEST_CASE("The account answer lists balances with free and locked in Binance's shape", "[mockex]") {
  ExchangeModel m(config());
  accepted(m.new_order("alice", limit(Side::kBuy, "50000.00", "0.01"), kT0));
  const auto view = m.account("alice", kT0);
  CHECK(sim::mockex::encode_account(view) ==
        R"({"makerCommission":10,"takerCommission":10,"buyerCommission":0,"sellerCommission":0,)"
        R"("commissionRates":{"maker":"0.00100000","taker":"0.00100000","buyer":"0.00000000",)"
        R"("seller":"0.00000000"},"canTrade":true,"canWithdraw":true,"canDeposit":true,)"
        R"("brokered":false,"requireSelfTradePrevention":false,"preventSor":false,)"
        R"("updateTime":1723161255000,"accountType":"SPOT","balances":[)"
        R"({"asset":"BTC","free":"1.00000000","locked":"0.00000000"},)"
        R"({"asset":"ETH","free":"10.00000000","locked":"0.00000000"},)"
        R"({"asset":"SOL","free":"100.00000000","locked":"0.00000000"},)"
        R"({"asset":"USDT","free":"9500.00000000","locked":"500.00000000"}],)"
        R"("permissions":["SPOT"],"uid":1})");
}

TEST_CASE("Fees stay exact on a symbol with 8-place ticks and steps", "[mockex]") {
  auto c = config();
  core::SymbolInfo pepe;
  pepe.symbol = "PEPEUSDT";
  pepe.base_asset = "PEPE";
  pepe.quote_asset = "USDT";
  pepe.filters.price = core::PriceFilter{d("0.00000001"), d("1000"), d("0.00000001")};
  pepe.filters.lot_size = core::LotSizeFilter{d("0.00000001"), d("1000"), d("0.00000001")};
  c.symbols.push_back(pepe);
  c.starting_balances["PEPE"] = d("10");
  ExchangeModel m(c);
  m.apply_depth_level("PEPEUSDT", Side::kBuy, d("0.12345678"), d("5"), kT0);
  auto req = market(Side::kSell, "1.23456789");
  req.symbol = "PEPEUSDT";
  const auto r = accepted(m.new_order("alice", req, kT0));
  REQUIRE(r.fills.size() == 1);
  // 0.12345678 * 1.23456789 = 0.1524157763907942; 0.1% of it, half up at 8 places.
  CHECK(r.order.cummulative_quote_qty == d("0.1524157763907942"));
  CHECK(r.fills[0].commission == d("0.00015242"));
  CHECK(free_of(m, "alice", "USDT") == d("10000.1522633563907942"));
}
