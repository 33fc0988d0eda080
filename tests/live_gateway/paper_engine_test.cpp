#include "live_gateway/paper_engine.h"

#include <catch2/catch.hpp>

#include "core/codec/bus_json.h"
#include "tests/live_gateway/paper_recorder.h"

namespace {

using core::Decimal;
using core::OrderStatus;
using core::Side;
using core::TimeInForce;
using live_gateway::PaperEngine;
using live_gateway::PaperOptions;
using live_gateway::test::FixedClock;
using live_gateway::test::PaperRecorder;

Decimal dec(std::string_view text) {
  return *Decimal::parse(text);
}

core::Tick book(std::string_view bid, std::string_view bid_qty, std::string_view ask,
                std::string_view ask_qty, std::int64_t ts_us) {
  core::Tick t;
  t.symbol = "BTCUSDT";
  t.kind = core::TickKind::kBook;
  t.ts_event_us = ts_us;
  t.ts_recv_us = ts_us;
  t.bid = dec(bid);
  t.bid_qty = dec(bid_qty);
  t.ask = dec(ask);
  t.ask_qty = dec(ask_qty);
  return t;
}

core::Tick trade(std::string_view price, std::string_view qty, std::int64_t ts_us) {
  core::Tick t;
  t.symbol = "BTCUSDT";
  t.kind = core::TickKind::kTrade;
  t.ts_event_us = ts_us;
  t.ts_recv_us = ts_us;
  t.price = dec(price);
  t.qty = dec(qty);
  t.side = Side::kSell;
  return t;
}

core::Order order(std::string id, Side side, std::string_view qty,
                  std::optional<std::string_view> price,
                  std::optional<TimeInForce> tif = std::nullopt) {
  core::Order o;
  o.account = "acct";
  o.symbol = "BTCUSDT";
  o.side = side;
  o.type = price ? core::OrderType::kLimit : core::OrderType::kMarket;
  o.quantity = dec(qty);
  if (price) o.price = dec(*price);
  o.client_order_id = std::move(id);
  o.time_in_force = tif;
  return o;
}

struct PaperFixture {
  FixedClock clock;
  PaperRecorder rec;
  PaperEngine engine{PaperOptions{dec("2"), dec("10"), std::nullopt}, clock, rec.events()};

  std::vector<OrderStatus> statuses() const {
    std::vector<OrderStatus> out;
    for (const auto& u : rec.updates) out.push_back(u.status);
    return out;
  }
};

}  // namespace

TEST_CASE("PaperEngine fills the seed's Test 1 paper order from trades around 45000",
          "[live_gateway][paper]") {
  PaperFixture f;
  auto parsed = core::codec::decode_order(
      R"({"account": "test_account", "symbol": "BTCUSDT", "side": "buy", "type": "limit",)"
      R"( "quantity": 0.001, "price": 45000.0, "paper_trading": true})",
      "test_account");
  REQUIRE(parsed.is_ok());
  core::Order seed_order = *parsed;
  seed_order.client_order_id = "seed-1";
  f.engine.on_tick(book("44999.9", "0.5", "45000.1", "0.5", 1'000));
  f.engine.submit(seed_order);
  CHECK(f.statuses() == std::vector{OrderStatus::kAccepted});
  f.engine.on_tick(trade("45000.5", "1", 2'000));  // above the limit: no fill
  f.engine.on_tick(trade("45000.0", "0.0004", 3'000));
  f.engine.on_tick(trade("44999.8", "0.01", 4'000));
  REQUIRE(f.rec.fills.size() == 2);
  CHECK(core::codec::to_json(f.rec.fills[1]) ==
        R"({"fill_id":"seed-1-2","client_order_id":"seed-1","account":"test_account",)"
        R"("symbol":"BTCUSDT","side":"buy","price":45000.0,"qty":0.0006,"fee":0.027,)"
        R"("fee_asset":"USDT","liquidity":"maker","paper":true,"ts":4000})");
  CHECK(f.statuses() ==
        std::vector{OrderStatus::kAccepted, OrderStatus::kPartiallyFilled, OrderStatus::kFilled});
  CHECK(f.rec.updates.back().filled_qty == dec("0.001"));
  CHECK(f.rec.updates.back().avg_price == dec("45000"));
  CHECK(f.engine.working_orders() == 0);
}

TEST_CASE("PaperEngine fills a market buy at the ask plus slippage, exactly",
          "[live_gateway][paper]") {
  PaperFixture f;
  f.engine.on_tick(book("44999.50", "2", "45000.10", "1.5", 1'000));
  f.engine.submit(order("m1", Side::kBuy, "0.5", std::nullopt));
  REQUIRE(f.rec.fills.size() == 1);
  const core::Fill& fill = f.rec.fills[0];
  CHECK(fill.fill_id == "m1-1");
  CHECK(fill.price.to_string() == "45009.10002");
  CHECK(fill.qty == dec("0.5"));
  CHECK(fill.fee.to_string() == "22.50455001");
  CHECK(fill.fee_asset == "USDT");
  CHECK(fill.liquidity == core::Liquidity::kTaker);
  CHECK(fill.paper);
  CHECK(fill.ts_us == f.clock.wall_us());
  CHECK(f.statuses() == std::vector{OrderStatus::kAccepted, OrderStatus::kFilled});
  CHECK(f.rec.updates.back().avg_price->to_string() == "45009.10002");

  f.engine.submit(order("m2", Side::kSell, "1", std::nullopt));
  CHECK(f.rec.fills.back().price.to_string() == "44990.5001");
}

TEST_CASE("PaperEngine limits a market order to the touch size and fills the rest on later ticks",
          "[live_gateway][paper]") {
  PaperFixture f;
  f.engine.on_tick(book("44999.50", "2", "45000.10", "1.5", 1'000));
  f.engine.submit(order("m1", Side::kBuy, "2", std::nullopt));
  REQUIRE(f.rec.fills.size() == 1);
  CHECK(f.rec.fills[0].qty == dec("1.5"));
  CHECK(f.rec.updates.back().status == OrderStatus::kPartiallyFilled);
  f.engine.on_tick(trade("45000.10", "3", 2'000));  // the displayed ask is spent: no fill
  CHECK(f.rec.fills.size() == 1);
  f.engine.on_tick(book("44999.50", "2", "45001", "1", 3'000));
  REQUIRE(f.rec.fills.size() == 2);
  CHECK(f.rec.fills[1].price.to_string() == "45010.0002");
  CHECK(f.rec.fills[1].qty == dec("0.5"));
  CHECK(f.rec.fills[1].ts_us == 3'000);
  CHECK(f.rec.updates.back().status == OrderStatus::kFilled);
  CHECK(f.rec.updates.back().avg_price->to_string() == "45009.325065");
}

TEST_CASE("PaperEngine fills a market order at the last trade when no touch is known",
          "[live_gateway][paper]") {
  PaperFixture f;
  f.engine.submit(order("m1", Side::kBuy, "1", std::nullopt));
  CHECK(f.statuses() == std::vector{OrderStatus::kAccepted});
  f.engine.on_tick(trade("45000", "0.01", 5'000));
  REQUIRE(f.rec.fills.size() == 1);
  CHECK(f.rec.fills[0].price.to_string() == "45009");
  CHECK(f.rec.fills[0].qty == dec("1"));
  CHECK(f.rec.updates.back().status == OrderStatus::kFilled);
}

TEST_CASE("PaperEngine fills a resting limit only by what traded at or through it after arrival",
          "[live_gateway][paper]") {
  PaperFixture f;
  f.engine.on_tick(trade("44990", "5", 1'000));  // before the order: does not count
  f.engine.on_tick(book("44989", "1", "45010", "1", 1'500));
  f.engine.submit(order("l1", Side::kBuy, "1", "45000"));
  CHECK(f.rec.fills.empty());
  f.engine.on_tick(trade("45005", "3", 2'000));
  CHECK(f.rec.fills.empty());
  f.engine.on_tick(trade("45000", "0.3", 3'000));
  f.engine.on_tick(trade("44995", "0.5", 4'000));
  f.engine.on_tick(trade("44990", "2", 5'000));
  REQUIRE(f.rec.fills.size() == 3);
  CHECK(f.rec.fills[0].qty == dec("0.3"));
  CHECK(f.rec.fills[1].qty == dec("0.5"));
  CHECK(f.rec.fills[2].qty == dec("0.2"));
  for (const auto& fill : f.rec.fills) {
    CHECK(fill.price == dec("45000"));
    CHECK(fill.liquidity == core::Liquidity::kMaker);
  }
  CHECK(f.statuses() == std::vector{OrderStatus::kAccepted, OrderStatus::kPartiallyFilled,
                                    OrderStatus::kPartiallyFilled, OrderStatus::kFilled});
}

TEST_CASE("PaperEngine shares one trade's quantity among resting orders oldest first",
          "[live_gateway][paper]") {
  PaperFixture f;
  f.engine.submit(order("a", Side::kBuy, "1", "45000"));
  f.engine.submit(order("b", Side::kBuy, "1", "45000"));
  f.engine.on_tick(trade("45000", "1.2", 1'000));
  REQUIRE(f.rec.fills.size() == 2);
  CHECK(f.rec.fills[0].client_order_id == "a");
  CHECK(f.rec.fills[0].qty == dec("1"));
  CHECK(f.rec.fills[1].client_order_id == "b");
  CHECK(f.rec.fills[1].qty == dec("0.2"));
}

TEST_CASE("PaperEngine fills a resting limit at its price when the opposite touch crosses it",
          "[live_gateway][paper]") {
  PaperFixture f;
  f.engine.submit(order("s1", Side::kSell, "1", "45100"));
  f.engine.on_tick(book("45120", "0.25", "45130", "1", 1'000));
  REQUIRE(f.rec.fills.size() == 1);
  CHECK(f.rec.fills[0].price == dec("45100"));
  CHECK(f.rec.fills[0].qty == dec("0.25"));
  CHECK(f.rec.fills[0].liquidity == core::Liquidity::kMaker);
  CHECK(f.rec.fills[0].fee_asset == "USDT");
}

TEST_CASE("PaperEngine reports partial fills then filled with the exact average price",
          "[live_gateway][paper]") {
  PaperFixture f;
  f.engine.on_tick(book("44990", "1", "44995", "0.4", 1'000));
  f.engine.submit(order("l1", Side::kBuy, "1", "45000"));
  REQUIRE(f.rec.fills.size() == 1);
  CHECK(f.rec.fills[0].price == dec("44995"));  // marketable: the touch, better than the limit
  CHECK(f.rec.fills[0].liquidity == core::Liquidity::kTaker);
  CHECK(f.rec.updates.back().status == OrderStatus::kPartiallyFilled);
  CHECK(f.rec.updates.back().avg_price == dec("44995"));
  f.engine.on_tick(trade("45000", "0.6", 2'000));
  CHECK(f.rec.updates.back().status == OrderStatus::kFilled);
  CHECK(f.rec.updates.back().filled_qty == dec("1"));
  CHECK(f.rec.updates.back().avg_price->to_string() == "44998");

  f.engine.on_tick(book("44990", "1", "44995", "0.4", 3'000));
  f.engine.submit(order("l2", Side::kBuy, "0.7", "45000"));
  f.engine.on_tick(trade("45000", "1", 4'000));
  CHECK(f.rec.updates.back().avg_price->to_string() == "44997.142857142857142857");
}

TEST_CASE("PaperEngine cancels the remainder of an IOC order", "[live_gateway][paper]") {
  PaperFixture f;
  f.engine.on_tick(book("44990", "1", "45000", "0.3", 1'000));
  f.engine.submit(order("i1", Side::kBuy, "1", "45010", TimeInForce::kIoc));
  REQUIRE(f.rec.fills.size() == 1);
  CHECK(f.rec.fills[0].qty == dec("0.3"));
  CHECK(f.statuses() ==
        std::vector{OrderStatus::kAccepted, OrderStatus::kPartiallyFilled, OrderStatus::kCanceled});
  CHECK(f.rec.updates.back().filled_qty == dec("0.3"));
  CHECK(f.rec.updates.back().reason == "IOC: remainder 0.7 not fillable at once");
  CHECK(f.engine.working_orders() == 0);
}

TEST_CASE("PaperEngine fills a FOK order entirely or not at all", "[live_gateway][paper]") {
  PaperFixture f;
  f.engine.on_tick(book("44990", "1", "45000", "0.3", 1'000));
  f.engine.submit(order("f1", Side::kBuy, "1", "45010", TimeInForce::kFok));
  CHECK(f.rec.fills.empty());
  CHECK(f.statuses() == std::vector{OrderStatus::kAccepted, OrderStatus::kCanceled});
  CHECK(f.rec.updates.back().filled_qty == Decimal{});
  CHECK(f.rec.updates.back().reason == "FOK: 1 BTCUSDT cannot fill entirely at once");

  f.engine.submit(order("f2", Side::kBuy, "0.3", "45010", TimeInForce::kFok));
  REQUIRE(f.rec.fills.size() == 1);
  CHECK(f.rec.updates.back().status == OrderStatus::kFilled);
  f.engine.submit(order("f3", Side::kBuy, "0.1", std::nullopt, TimeInForce::kFok));
  CHECK(f.rec.fills.size() == 1);  // the displayed ask is spent
  CHECK(f.rec.updates.back().status == OrderStatus::kCanceled);
  CHECK(f.engine.working_orders() == 0);
}

TEST_CASE("PaperEngine cancels a working order and rejects a cancel of an unknown one",
          "[live_gateway][paper]") {
  PaperFixture f;
  f.engine.submit(order("c1", Side::kBuy, "1", "44000"));
  CHECK(f.engine.working_orders() == 1);
  f.engine.cancel("acct", "c1");
  CHECK(f.rec.updates.back().status == OrderStatus::kCanceled);
  CHECK(f.rec.updates.back().client_order_id == "c1");
  CHECK(f.engine.working_orders() == 0);
  f.engine.cancel("acct", "c1");
  CHECK(f.rec.updates.back().status == OrderStatus::kRejected);
  CHECK(f.rec.updates.back().code == core::RejectCode::kUnknownOrder);
  f.engine.on_tick(trade("43000", "5", 1'000));
  CHECK(f.rec.fills.empty());
}

TEST_CASE("PaperEngine rejects an invalid or duplicate order", "[live_gateway][paper]") {
  PaperFixture f;
  f.engine.submit(order("z", Side::kBuy, "0", "45000"));
  CHECK(f.rec.updates.back().code == core::RejectCode::kInvalidOrder);
  CHECK(f.rec.updates.back().reason == "quantity 0 is not positive");
  f.engine.submit(order("d", Side::kBuy, "1", "44000"));
  f.engine.submit(order("d", Side::kBuy, "1", "44000"));
  CHECK(f.rec.updates.back().status == OrderStatus::kRejected);
  CHECK(f.rec.updates.back().code == core::RejectCode::kDuplicateClientOrderId);
  CHECK(f.engine.working_orders() == 1);
}

TEST_CASE("PaperEngine keeps signed positions and cost per account and symbol",
          "[live_gateway][paper]") {
  PaperFixture f;
  f.engine.on_tick(book("44990", "5", "45000", "5", 1'000));
  f.engine.submit(order("b1", Side::kBuy, "0.5", "45000"));
  f.engine.submit(order("s1", Side::kSell, "0.75", "44990"));
  const auto positions = f.engine.positions();
  REQUIRE(positions.size() == 1);
  CHECK(positions[0].account == "acct");
  CHECK(positions[0].symbol == "BTCUSDT");
  CHECK(positions[0].base_qty == dec("-0.25"));
  CHECK(positions[0].cost == dec("-11242.5"));  // 22500 - 33742.5
  CHECK(positions[0].fees == dec("56.2425"));   // 22.5 + 33.7425
}

TEST_CASE("quote_asset reads the quote asset of each exchange's symbols", "[live_gateway][paper]") {
  CHECK(live_gateway::quote_asset("BTCUSDT") == "USDT");
  CHECK(live_gateway::quote_asset("BTC-USD") == "USD");
  CHECK(live_gateway::quote_asset("XBTUSD") == "USD");
  CHECK(live_gateway::quote_asset("ETHBTC") == "BTC");
  CHECK(live_gateway::quote_asset("BTCFDUSD") == "FDUSD");
  CHECK(live_gateway::quote_asset("BTCTUSD") == "TUSD");
  CHECK(live_gateway::quote_asset("WHAT").empty());
}

TEST_CASE("PaperOptions parses the paper keys and names a bad one", "[live_gateway][paper]") {
  core::LiveGatewayConfig config;
  auto options = PaperOptions::from_config(config);
  REQUIRE(options.is_ok());
  CHECK(options->slippage_bps == dec("2"));
  CHECK(options->fee_bps == dec("10"));
  config.paper.fee_bps = "-1";
  auto bad = PaperOptions::from_config(config);
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().code == core::Errc::kConfig);
  CHECK(bad.status().message == "paper.fee_bps: '-1' is not a non-negative decimal");
}
