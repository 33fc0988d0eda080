// The committed fixtures are what fixtures/SOURCES.md says they are: every file reads to the
// end with the recorded counts and times, and the Binance trade frames reproduce the derived
// trades CSVs field for field, so later tests can trust both.
#include <catch2/catch.hpp>

#include <cctype>
#include <string>
#include <vector>

#include <simdjson.h>

#include "sim/replay/recording.h"

using sim::replay::LineReader;
using sim::replay::Record;
using sim::replay::RecordingReader;

namespace {

struct Expected {
  const char* path;
  std::size_t records;
  std::int64_t first_t_us;
  std::int64_t last_t_us;
};

// Printed by `make fixtures` (build/bin/fixtures_convert).
const Expected kFixtures[] = {
    {"fixtures/binance/BTCUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst", 99574,
     1723161253937085, 1723161904535092},
    {"fixtures/binance/ETHUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst", 73274,
     1723161254024619, 1723161904543279},
    {"fixtures/binance/BTCUSDT_2023-04-05T0000Z-0007Z.jsonl.zst", 15088, 1680652800004107,
     1680653214604980},
    {"fixtures/binance/cryptofeed_2021-10-12T0028Z_ws_and_depth_snapshots.jsonl.zst", 269,
     1633998512063357, 1633998542077862},
    {"fixtures/binance/exchangeInfo_2021-10-12.jsonl.zst", 1, 1633998511132921, 1633998511132921},
    {"fixtures/coinbase/advanced_trade_2026-08-09T2105Z_BTC-USD_ETH-USD.jsonl.zst", 1036,
     1786309548026294, 1786309572876038},
    {"fixtures/kraken/ws_v1_2021-04-17T1648Z_trade.jsonl.zst", 50, 1618678132830970,
     1618678162660873},
    {"fixtures/kraken/ws_v1_2021-04-17T1648Z_ticker.jsonl.zst", 61, 1618678132845013,
     1618678163183554},
    {"fixtures/kraken/ws_v1_2021-04-17T1648Z_book.jsonl.zst", 4322, 1618678132825306,
     1618678163372862},
    {"fixtures/kraken/rest_AssetPairs_2021-04-17.jsonl.zst", 1, 1618678132358447, 1618678132358447},
};

std::vector<Record> read_recording(const std::string& path) {
  auto reader = RecordingReader::open(path);
  REQUIRE(reader.is_ok());
  std::vector<Record> out;
  Record r;
  for (;;) {
    auto more = reader->next(r);
    INFO(more.status().message);
    REQUIRE(more.is_ok());
    if (!*more) return out;
    out.push_back(r);
  }
}

std::vector<std::string> read_lines(const std::string& path) {
  auto reader = LineReader::open(path);
  REQUIRE(reader.is_ok());
  std::vector<std::string> out;
  for (std::string line;;) {
    auto more = reader->next(line);
    REQUIRE(more.is_ok());
    if (!*more) return out;
    out.push_back(line);
  }
}

std::string token(simdjson::ondemand::object& data, std::string_view key) {
  std::string_view raw = data[key].raw_json_token();
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.remove_suffix(1);
  if (!raw.empty() && raw.front() == '"') raw = raw.substr(1, raw.size() - 2);
  return std::string(raw);
}

// A trade frame as the CSV row it must equal: trade_id,price,qty,trade_time_ms,
// is_buyer_maker,is_best_match,event_time_ms,<receive time in ns or µs>.
std::string trade_row(const Record& r, bool recv_ns) {
  simdjson::ondemand::parser parser;
  const simdjson::padded_string frame(r.msg);
  simdjson::ondemand::document doc = parser.iterate(frame);
  simdjson::ondemand::object data = doc["data"].get_object();
  // Fields in the frame's own order (t, p, q, T, m, M after e, E, s); on-demand reads forward.
  const std::string event_time = token(data, "E");
  const std::string id = token(data, "t");
  const std::string price = token(data, "p");
  const std::string qty = token(data, "q");
  const std::string trade_time = token(data, "T");
  const std::string maker = token(data, "m");
  const std::string best = token(data, "M");
  return fmt::format("{},{},{},{},{},{},{},{}", id, price, qty, trade_time, maker, best, event_time,
                     recv_ns ? r.t_us * 1000 : r.t_us);
}

// The CSV row with its receive time cut to µs, the recording's resolution.
std::string csv_row_at_us(const std::string& row, bool recv_ns) {
  if (!recv_ns) return row;
  const std::size_t comma = row.rfind(',');
  const std::string ns = row.substr(comma + 1);
  return row.substr(0, comma + 1) + std::to_string(std::stoll(ns) / 1000 * 1000);
}

void check_trades(const std::string& recording, const std::string& csv, bool recv_ns,
                  std::size_t expected_trades) {
  std::vector<std::string> from_frames;
  for (const Record& r : read_recording(recording)) {
    if (r.src == "binance.ws" && r.msg.find("@trade\",\"data\":") != std::string::npos) {
      from_frames.push_back(trade_row(r, recv_ns));
    }
  }
  const auto rows = read_lines(csv);
  REQUIRE(rows.size() == expected_trades + 1);
  CHECK(rows[0] == (recv_ns ? "trade_id,price,qty,trade_time_ms,is_buyer_maker,is_best_match,"
                              "event_time_ms,local_recv_ns"
                            : "trade_id,price,qty,trade_time_ms,is_buyer_maker,is_best_match,"
                              "event_time_ms,local_recv_us"));
  REQUIRE(from_frames.size() == expected_trades);
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < expected_trades; ++i) {
    if (from_frames[i] != csv_row_at_us(rows[i + 1], recv_ns)) {
      if (++mismatches <= 3) FAIL_CHECK(from_frames[i] << " != " << rows[i + 1]);
    }
  }
  CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("Every committed fixture reads to the end with its recorded counts and times",
          "[replay][fixtures]") {
  for (const Expected& e : kFixtures) {
    INFO(e.path);
    const auto records = read_recording(e.path);
    REQUIRE(records.size() == e.records);
    CHECK(records.front().t_us == e.first_t_us);
    CHECK(records.back().t_us == e.last_t_us);
  }
}

TEST_CASE("The BTCUSDT 2024 recording's trade frames equal the derived trades CSV",
          "[replay][fixtures]") {
  check_trades("fixtures/binance/BTCUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst",
               "fixtures/binance/derived/BTCUSDT-trades-2024-08-08T2354Z-2024-08-09T0005Z.csv.zst",
               true, 19904);
}

TEST_CASE("The ETHUSDT 2024 recording's trade frames equal the derived trades CSV",
          "[replay][fixtures]") {
  check_trades("fixtures/binance/ETHUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst",
               "fixtures/binance/derived/ETHUSDT-trades-2024-08-08T2354Z-2024-08-09T0005Z.csv.zst",
               true, 14515);
}

TEST_CASE("The BTCUSDT 2023 recording's trade frames equal the derived trades CSV",
          "[replay][fixtures]") {
  check_trades("fixtures/binance/BTCUSDT_2023-04-05T0000Z-0007Z.jsonl.zst",
               "fixtures/binance/derived/BTCUSDT-trades-2023-04-05T0000Z-0006Z.csv.zst", false,
               3144);
}

TEST_CASE("The reference bar CSVs are the shared ones, unchanged", "[replay][fixtures]") {
  const auto bars =
      read_lines("fixtures/binance/derived/BTCUSDT-1m-bars-COMPUTED-from-trades-2024.csv");
  REQUIRE(bars.size() == 11);
  CHECK(bars[0] ==
        "open_time_ms,open,high,low,close,volume,quote_volume,trade_count,taker_buy_volume,"
        "first_trade_id,last_trade_id");
  CHECK(bars[1] ==
        "1723161300000,61828.00000000,61860.80000000,61780.00000000,61782.25000000,15.07702000,"
        "932148.0644641000000000,1255,6.63029000,3735684134,3735685388");
  CHECK(
      read_lines("fixtures/binance/derived/ETHUSDT-1m-bars-COMPUTED-from-trades-2024.csv").size() ==
      11);
  CHECK(
      read_lines("fixtures/binance/derived/BTCUSDT-1m-bars-COMPUTED-from-trades-2023.csv").size() ==
      7);
}
