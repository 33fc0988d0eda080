#include <catch2/catch.hpp>

#include "normalizer/bar_builder.h"
#include "normalizer/bar_rows.h"

namespace {

core::Bar sample_bar() {
  core::Bar b;
  b.ts_minute_us = 1'723'161'300'000'000;
  b.symbol = "BTCUSDT";
  b.open = *core::Decimal::parse("61828.00000000");
  b.high = *core::Decimal::parse("61860.80000000");
  b.low = *core::Decimal::parse("61780.00000000");
  b.close = *core::Decimal::parse("61782.25000000");
  b.volume = *core::Decimal::parse("15.07702000");
  b.trades = 1255;
  return b;
}

}  // namespace

TEST_CASE("A bar is one ILP line with exact decimals and the minute's start in ns",
          "[normalizer][rows]") {
  core::IlpBuffer buffer;
  REQUIRE(normalizer::append_bar_row(buffer, "ohlcv_1m", sample_bar()));
  REQUIRE(normalizer::append_checkpoint_row(buffer, "ohlcv_1m", "normalizer", 42));
  CHECK(buffer.text() ==
        "ohlcv_1m,exchange=binance,symbol=BTCUSDT open=61828.00000000,high=61860.80000000,"
        "low=61780.00000000,close=61782.25000000,volume=15.07702000,trades=1255i "
        "1723161300000000000\n"
        "ohlcv_1m_checkpoint,consumer=normalizer stream_seq=42i 0\n");
}

TEST_CASE("A stored bar reads back equal, also from influx's plain numbers", "[normalizer][rows]") {
  core::QueryResult r;
  r.columns = {"time", "close", "exchange", "high", "low", "open", "symbol", "trades", "volume"};
  r.rows = {{"1723161300000000000", "61782.25", "binance", "61860.8", "61780", "61828", "BTCUSDT",
             "1255", "15.07702"}};
  auto bar = normalizer::bar_from_row(r, 0);
  REQUIRE(bar.is_ok());
  CHECK(*bar == sample_bar());
  r.rows[0][7] = "x";
  CHECK(normalizer::bar_from_row(r, 0).status().message ==
        "bar row 0: column 'trades' is not an integer: 'x'");
  CHECK(*normalizer::checkpoint_from(core::QueryResult{}) == 0);
}

TEST_CASE("store.write_url picks QuestDB or influxdb and its database", "[normalizer][rows]") {
  auto q = normalizer::store_options_from_write_url("http://questdb:9000/write", 10'000);
  REQUIRE(q.is_ok());
  CHECK(q->url == "http://questdb:9000");
  CHECK(q->dialect == core::StoreDialect::kQuestDb);
  CHECK(q->timeout_ms == 10'000);
  auto i = normalizer::store_options_from_write_url("http://127.0.0.1:8086/write?db=t26", 5000);
  REQUIRE(i.is_ok());
  CHECK(i->url == "http://127.0.0.1:8086");
  CHECK(i->dialect == core::StoreDialect::kInflux);
  CHECK(i->database == "t26");
  auto bad = normalizer::store_options_from_write_url("http://questdb:9000/exec", 1);
  CHECK(bad.status().code == core::Errc::kConfig);
  CHECK(bad.status().message ==
        "store.write_url 'http://questdb:9000/exec': the path must be /write (QuestDB) or "
        "/write?db=NAME (influxdb)");
}

TEST_CASE("BarBuilder continues a seeded bar: open kept, later trades added and closing it",
          "[normalizer][bars]") {
  normalizer::BarBuilder b;
  b.seed(sample_bar());
  CHECK(b.minute_closed(core::Exchange::kBinance, "BTCUSDT", sample_bar().ts_minute_us) == false);
  core::Tick t;
  t.symbol = "BTCUSDT";
  t.ts_event_us = sample_bar().ts_minute_us + 59'000'000;
  t.price = *core::Decimal::parse("61900");
  t.qty = *core::Decimal::parse("0.00298");
  t.trade_id = "9";
  CHECK(b.add(t) == normalizer::TradeOutcome::kAdded);
  const auto changed = b.take_changed();
  REQUIRE(changed.size() == 1);
  CHECK(changed[0].bar.open.to_string() == "61828.00000000");
  CHECK(changed[0].bar.high.to_string() == "61900");
  CHECK(changed[0].bar.close.to_string() == "61900");
  CHECK(changed[0].bar.volume.to_string() == "15.08000000");
  CHECK(changed[0].bar.trades == 1256);
}
