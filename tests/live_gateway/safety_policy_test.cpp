// SafetyPolicy: every safety key rejects what it should and lets through what it should.
#include <catch2/catch.hpp>

#include "live_gateway/safety_policy.h"
#include "sim/mockex/server_config.h"

namespace {

using core::Decimal;
using core::RejectCode;
using live_gateway::Rejection;
using live_gateway::SafetyPolicy;

Decimal dec(const char* s) {
  return Decimal::parse(s).value();
}

core::Order limit(const char* symbol, const char* qty, const char* price) {
  core::Order o;
  o.account = "test_account";
  o.symbol = symbol;
  o.quantity = dec(qty);
  o.price = dec(price);
  o.client_order_id = "c1";
  return o;
}

core::Order market(const char* qty) {
  core::Order o = limit("BTCUSDT", qty, "1");
  o.type = core::OrderType::kMarket;
  o.price.reset();
  return o;
}

SafetyPolicy make(const core::SafetyConfig& safety, live_gateway::SymbolTable symbols = {}) {
  auto p = SafetyPolicy::make(safety, std::move(symbols));
  REQUIRE(p.is_ok());
  return std::move(*p);
}

std::optional<RejectCode> code_of(const SafetyPolicy& p, core::Order o,
                                  std::optional<Decimal> last = dec("45000"), bool live = false) {
  auto v = p.check(o, last, live);
  if (const Rejection* r = std::get_if<Rejection>(&v)) return r->code;
  return std::nullopt;
}

live_gateway::SymbolTable recorded_symbols() {
  auto text = sim::mockex::read_exchange_info_recording(
      std::string(sim::mockex::kDefaultExchangeInfoRecording));
  REQUIRE(text.is_ok());
  auto table = live_gateway::symbol_table_from_exchange_info(*text);
  REQUIRE(table.is_ok());
  return std::move(*table);
}

}  // namespace

TEST_CASE("SafetyPolicy rejects the seed's Test 2 order with MAX_ORDER_SIZE and its notional",
          "[live_gateway][safety]") {
  SafetyPolicy p = make({});
  core::Order o = limit("BTCUSDT", "100", "45000.0");
  auto v = p.check(o, dec("45000"), false);
  REQUIRE(std::holds_alternative<Rejection>(v));
  CHECK(std::get<Rejection>(v) ==
        Rejection{RejectCode::kMaxOrderSize,
                  "order notional 4500000.0 USD exceeds safety.max_order_size_usd 1000"});
}

TEST_CASE(
    "SafetyPolicy lets an order at exactly max_order_size_usd through and returns its notional",
    "[live_gateway][safety]") {
  SafetyPolicy p = make({});
  core::Order o = limit("BTCUSDT", "0.02", "50000");
  auto v = p.check(o, dec("50000"), false);
  REQUIRE(std::holds_alternative<Decimal>(v));
  CHECK(std::get<Decimal>(v) == dec("1000"));
}

TEST_CASE("SafetyPolicy values a market order at the last tick and needs one",
          "[live_gateway][safety]") {
  SafetyPolicy p = make({});
  CHECK(code_of(p, market("0.03")) == RejectCode::kMaxOrderSize);  // 1350 USD
  CHECK(code_of(p, market("0.02")) == std::nullopt);               // 900 USD
  CHECK(code_of(p, market("0.02"), std::nullopt) == RejectCode::kNoMarketData);
}

TEST_CASE("SafetyPolicy paper_trading_only forces paper whatever the order says",
          "[live_gateway][safety]") {
  SafetyPolicy p = make({});
  core::Order o = limit("BTCUSDT", "0.001", "45000");
  o.paper_trading = false;
  REQUIRE(std::holds_alternative<Decimal>(p.check(o, dec("45000"), true)));
  CHECK(o.paper_trading);
}

TEST_CASE(
    "SafetyPolicy without paper_trading_only lets a live order through only to a live executor",
    "[live_gateway][safety]") {
  core::SafetyConfig s;
  s.paper_trading_only = false;
  SafetyPolicy p = make(s);
  core::Order o = limit("BTCUSDT", "0.001", "45000");
  o.paper_trading = false;
  REQUIRE(std::holds_alternative<Decimal>(p.check(o, dec("45000"), true)));
  CHECK_FALSE(o.paper_trading);
  CHECK(code_of(p, o, dec("45000"), false) == RejectCode::kPaperOnly);
}

TEST_CASE("SafetyPolicy rejects a symbol outside symbols_allowed and passes one inside",
          "[live_gateway][safety]") {
  SafetyPolicy p = make({});
  CHECK(code_of(p, limit("DOGEUSDT", "10", "0.2"), dec("0.2")) == RejectCode::kSymbolNotAllowed);
  CHECK(code_of(p, limit("ETHUSDT", "0.1", "3000"), dec("3000")) == std::nullopt);
}

TEST_CASE("SafetyPolicy price_band_pct rejects a limit too far from the last tick",
          "[live_gateway][safety]") {
  SafetyPolicy p = make({});  // 5 %
  CHECK(code_of(p, limit("BTCUSDT", "0.001", "47250.01")) == RejectCode::kPriceBand);
  CHECK(code_of(p, limit("BTCUSDT", "0.001", "42749.99")) == RejectCode::kPriceBand);
  CHECK(code_of(p, limit("BTCUSDT", "0.001", "47250")) == std::nullopt);
  CHECK(code_of(p, limit("BTCUSDT", "0.001", "42750")) == std::nullopt);
  CHECK(code_of(p, limit("BTCUSDT", "0.001", "45000"), std::nullopt) == RejectCode::kNoMarketData);
}

TEST_CASE("SafetyPolicy price_band_pct 0 turns the band off", "[live_gateway][safety]") {
  core::SafetyConfig s;
  s.price_band_pct = "0";
  SafetyPolicy p = make(s);
  CHECK(code_of(p, limit("BTCUSDT", "0.001", "60000"), std::nullopt) == std::nullopt);
}

TEST_CASE("SafetyPolicy kill_switch rejects every order until resumed", "[live_gateway][safety]") {
  core::SafetyConfig s;
  s.kill_switch = true;
  SafetyPolicy p = make(s);
  CHECK(code_of(p, limit("BTCUSDT", "0.001", "45000")) == RejectCode::kKillSwitch);
  p.set_halted(false);
  CHECK(code_of(p, limit("BTCUSDT", "0.001", "45000")) == std::nullopt);
}

TEST_CASE(
    "SafetyPolicy applies the recorded exchangeInfo filters: tick size, lot size, min notional",
    "[live_gateway][safety]") {
  SafetyPolicy p = make({}, recorded_symbols());
  CHECK(code_of(p, limit("BTCUSDT", "0.001", "45000.001")) == RejectCode::kPriceFilter);
  CHECK(code_of(p, limit("BTCUSDT", "0.0010001", "45000")) == RejectCode::kLotSize);
  CHECK(code_of(p, limit("BTCUSDT", "0.0001", "45000")) == RejectCode::kMinNotional);
  CHECK(code_of(p, limit("BTCUSDT", "0.001", "45000.01")) == std::nullopt);
}

TEST_CASE("SafetyPolicy rejects an allowed symbol the exchange does not list as INVALID_ORDER",
          "[live_gateway][safety]") {
  core::SafetyConfig s;
  s.symbols_allowed.push_back("NOPEUSDT");
  SafetyPolicy p = make(s, recorded_symbols());
  CHECK(code_of(p, limit("NOPEUSDT", "1", "10"), dec("10")) == RejectCode::kInvalidOrder);
}

TEST_CASE("SafetyPolicy refuses a limit that is not a decimal, naming the key",
          "[live_gateway][safety]") {
  core::SafetyConfig s;
  s.max_position_size_usd = "ten";
  auto p = SafetyPolicy::make(s, {});
  REQUIRE_FALSE(p.is_ok());
  CHECK(p.status().code == core::Errc::kConfig);
  CHECK(p.status().message ==
        "safety.max_position_size_usd: expected a non-negative decimal, got \"ten\"");
}

TEST_CASE(
    "The allowed symbols are read from safety.symbols_allowed; the old key name fails "
    "naming its path",
    "[live_gateway][safety]") {
  core::LoadOptions ok;
  ok.yaml_text = "safety:\n  symbols_allowed: [ETHUSDT]\n";
  auto c = core::load_live_gateway_config(ok);
  REQUIRE(c.is_ok());
  CHECK(c->safety.symbols_allowed == std::vector<std::string>{"ETHUSDT"});
  core::LoadOptions old = ok;
  old.yaml_text = "safety:\n  symbols_allowlist: [ETHUSDT]\n";
  auto bad = core::load_live_gateway_config(old);
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().code == core::Errc::kConfig);
  CHECK(bad.status().message.find("unknown key 'safety.symbols_allowlist'") != std::string::npos);
}
