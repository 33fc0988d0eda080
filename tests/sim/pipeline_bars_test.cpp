// sim::reference_bars, the `pipeline` workload's independent reference (1-minute OHLCV and
// trade count per symbol from recorded Binance trade frames), and parse_pipeline_params.
// Run from the source dir (fixtures/).
#include <catch2/catch.hpp>

#include <cctype>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/workloads/pipeline_bars.h"

namespace {

std::string trade(const char* symbol, long id, const char* price, const char* qty, long time_ms) {
  std::string stream = symbol;
  for (char& c : stream) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return fmt::format(
      R"({{"stream":"{}@trade","data":{{"e":"trade","E":{},"s":"{}","t":{},"p":"{}","q":"{}",)"
      R"("T":{},"m":true,"M":true}}}})",
      stream, time_ms + 1, symbol, id, price, qty, time_ms);
}

core::Decimal dec(const char* text) {
  return *core::Decimal::parse(text);
}

void check_bar(const sim::ReferenceBar& bar, const char* open, const char* high, const char* low,
               const char* close, const char* volume, std::uint64_t trades) {
  CHECK(bar.open == dec(open));
  CHECK(bar.high == dec(high));
  CHECK(bar.low == dec(low));
  CHECK(bar.close == dec(close));
  CHECK(bar.volume == dec(volume));
  CHECK(bar.trades == trades);
}

constexpr std::int64_t kMinuteUs = 60'000'000;

}  // namespace

TEST_CASE("reference_bars aggregates trades per symbol and minute of their trade time",
          "[sim][pipeline]") {
  const std::vector<std::string> frames = {
      // Minute 0 of BTCUSDT, arriving out of trade-time order.
      trade("BTCUSDT", 12, "100.50", "0.25", 30'000),
      trade("BTCUSDT", 10, "100.00", "1.5", 1'000),
      R"({"stream":"btcusdt@bookTicker","data":{"u":1,"s":"BTCUSDT","b":"1","B":"2","a":"3","A":"4"}})",
      trade("BTCUSDT", 11, "99.25", "0.125", 59'999),
      // The same trade id again (a resend): the first is kept.
      trade("BTCUSDT", 10, "500.00", "9", 2'000),
      // Equal trade times: the smaller id opens, the larger closes.
      trade("BTCUSDT", 21, "101.00", "1", 60'000),
      trade("BTCUSDT", 20, "102.00", "2", 60'000),
      trade("ETHUSDT", 7, "2500.1", "3.00000001", 61'000),
  };
  auto bars = sim::reference_bars(frames);
  REQUIRE(bars.is_ok());
  REQUIRE(bars->size() == 2);
  const auto& btc = bars->at("BTCUSDT");
  REQUIRE(btc.size() == 2);
  // Open 10 (1 s), high 12, low 11 (59.999 s), close 11: by trade time, not arrival.
  check_bar(btc.at(0), "100.00", "100.50", "99.25", "99.25", "1.875", 3);
  check_bar(btc.at(kMinuteUs), "102.00", "102.00", "101.00", "101.00", "3", 2);
  const auto& eth = bars->at("ETHUSDT");
  REQUIRE(eth.size() == 1);
  check_bar(eth.at(kMinuteUs), "2500.1", "2500.1", "2500.1", "2500.1", "3.00000001", 1);
}

TEST_CASE("reference_bars names the frame and field of a malformed trade", "[sim][pipeline]") {
  auto no_price = sim::reference_bars(
      {trade("BTCUSDT", 1, "1", "1", 0),
       R"({"stream":"btcusdt@trade","data":{"s":"BTCUSDT","t":2,"q":"1","T":5}})"});
  REQUIRE_FALSE(no_price.is_ok());
  CHECK(no_price.status().code == core::Errc::kConfig);
  CHECK(no_price.status().message == "recording: trade frame 1: field \"p\" missing or malformed");
  auto not_json = sim::reference_bars({"{\"stream\":\"btcusdt@trade\""});
  REQUIRE_FALSE(not_json.is_ok());
  CHECK(not_json.status().message == "recording: frame 0 is not a JSON object");
  auto no_frames = sim::reference_bars({});
  REQUIRE(no_frames.is_ok());
  CHECK(no_frames->empty());
}

TEST_CASE("The pipeline scenarios' slice holds the bars derived from Binance's trade dump",
          "[sim][pipeline]") {
  // scenarios/pipeline_*.yaml: trade times 23:54:59-23:57:01, minutes 23:55 and 23:56 whole.
  auto p =
      sim::parse_pipeline_params({{"kind", "pipeline"}, {"from", "44s"}, {"duration", "122s"}});
  REQUIRE(p.is_ok());
  CHECK_FALSE(p->gateway.purge_read);
  REQUIRE(p->reference.size() == 1);
  const auto& bars = p->reference.at("BTCUSDT");
  REQUIRE(bars.size() == 4);
  // fixtures/binance/derived/BTCUSDT-1m-bars-COMPUTED-from-trades-2024.csv
  check_bar(bars.at(1'723'161'300'000'000), "61828.00", "61860.80", "61780.00", "61782.25",
            "15.07702", 1255);
  check_bar(bars.at(1'723'161'360'000'000), "61782.25", "61782.26", "61723.99", "61727.66",
            "15.49778", 1011);
}

TEST_CASE("pipeline refuses other exchanges, lost frames and bad durations, naming the key",
          "[sim][pipeline]") {
  auto coinbase = sim::parse_pipeline_params({{"kind", "pipeline"}, {"exchange", "coinbase"}});
  REQUIRE_FALSE(coinbase.is_ok());
  CHECK(coinbase.status().code == core::Errc::kConfig);
  CHECK(coinbase.status().message == "workload.exchange: pipeline needs binance, got coinbase");
  auto lossy = sim::parse_pipeline_params(
      {{"kind", "pipeline"}, {"duration", "1s"}, {"max_undelivered", "2"}});
  REQUIRE_FALSE(lossy.is_ok());
  CHECK(lossy.status().message ==
        "workload.max_undelivered: pipeline needs 0 (its reference holds every trade of the "
        "slice), got 2");
  auto flush = sim::parse_pipeline_params({{"kind", "pipeline"}, {"flush_interval", "soon"}});
  REQUIRE_FALSE(flush.is_ok());
  CHECK(flush.status().message ==
        "workload.flush_interval: expected a positive duration, got \"soon\"");
}
