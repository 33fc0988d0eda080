// One contract for core::Store, run against net::IlpStore (a real influxd, influx dialect)
// and sim::SimStore. Rows are built with core::IlpBuffer, as the normalizer builds them.
#include "tests/contract/store_contract.h"

#include "core/ilp.h"

namespace {

using core::Errc;
using storecontract::query;
using storecontract::write;

constexpr std::int64_t kT0Ns = 1'767'225'600'000'000'000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kMinuteNs = 60'000'000'000;

std::string bar(std::string_view exchange, std::string_view symbol, std::string_view open,
                std::int64_t trades, std::int64_t ts_ns) {
  core::IlpBuffer b;
  REQUIRE(b.table("bars"));
  REQUIRE(b.symbol("exchange", exchange));
  REQUIRE(b.symbol("symbol", symbol));
  REQUIRE(b.column_decimal("open", open));
  REQUIRE(b.column_int("trades", trades));
  REQUIRE(b.column_str("note", "a \"q\" b\\c"));
  REQUIRE(b.column_bool("ok", trades % 2 == 1));
  REQUIRE(b.at(ts_ns));
  return b.text();
}

std::string cell(const core::QueryResult& r, std::size_t row, std::string_view column) {
  const auto at = r.column_index(column);
  REQUIRE(at.has_value());
  return r.rows.at(row).at(*at);
}

core::StoreQuery bars_of(std::string exchange) {
  core::StoreQuery q;
  q.table = "bars";
  q.tags_equal = {{"exchange", std::move(exchange)}};
  return q;
}

template <typename W>
void write_then_query(W& w) {
  REQUIRE(write(w, bar("binance", "BTCUSDT", "101.25", 5, kT0Ns) +
                       bar("binance", "BTCUSDT", "102.5", 6, kT0Ns + kMinuteNs) +
                       bar("coinbase", "BTC-USD", "99", 7, kT0Ns)));
  const auto all = query(w, bars_of("binance"));
  REQUIRE(all.is_ok());
  REQUIRE(all->rows.size() == 2);
  CHECK(all->columns.front() == "time");
  CHECK(cell(*all, 0, "time") == std::to_string(kT0Ns));
  CHECK(cell(*all, 0, "symbol") == "BTCUSDT");
  CHECK(cell(*all, 0, "open") == "101.25");
  CHECK(cell(*all, 0, "trades") == "5");
  CHECK(cell(*all, 0, "note") == "a \"q\" b\\c");
  CHECK(cell(*all, 0, "ok") == "true");
  CHECK(cell(*all, 1, "open") == "102.5");
  CHECK(cell(*all, 1, "ok") == "false");

  auto newest = bars_of("binance");
  newest.newest_first = true;
  newest.limit = 1;
  const auto last = query(w, newest);
  REQUIRE(last->rows.size() == 1);
  CHECK(cell(*last, 0, "time") == std::to_string(kT0Ns + kMinuteNs));

  auto window = bars_of("coinbase");
  window.from_ns = kT0Ns;
  window.to_ns = kT0Ns + 1;
  const auto one = query(w, window);
  REQUIRE(one->rows.size() == 1);
  CHECK(cell(*one, 0, "open") == "99");
  window.from_ns = kT0Ns + 1;
  window.to_ns = kT0Ns + kMinuteNs;
  CHECK(query(w, window)->rows.empty());

  core::StoreQuery missing;
  missing.table = "no_such_table";
  const auto none = query(w, missing);
  REQUIRE(none.is_ok());
  CHECK(none->columns.empty());
  CHECK(none->rows.empty());
}
STORE_CONTRACT("answers a query with the rows written", write_then_query)

template <typename W>
void upserts(W& w) {
  REQUIRE(write(w, bar("binance", "ETHUSDT", "10.5", 1, kT0Ns)));
  REQUIRE(write(w, bar("binance", "ETHUSDT", "11.75", 3, kT0Ns)));  // same key: replaces
  const auto r = query(w, bars_of("binance"));
  REQUIRE(r.is_ok());
  REQUIRE(r->rows.size() == 1);
  CHECK(cell(*r, 0, "open") == "11.75");
  CHECK(cell(*r, 0, "trades") == "3");
}
STORE_CONTRACT("keeps one row, the last, for a repeated timestamp and tag set", upserts)

template <typename W>
void bad_line(W& w) {
  const core::Status s = write(w, "bars,exchange=binance open=\n");
  CHECK(s.code == Errc::kInvalidArgument);
  CHECK(s.message ==
        "store write: HTTP 400: unable to parse 'bars,exchange=binance open=': missing field "
        "value");
  CHECK_FALSE(s.in_doubt);
  CHECK(query(w, bars_of("binance"))->rows.empty());
}
STORE_CONTRACT("refuses a malformed line with the server's reason", bad_line)

template <typename W>
void server_down(W& w) {
  REQUIRE(write(w, bar("binance", "BTCUSDT", "1", 1, kT0Ns)));
  w.server_down();
  const core::Status s = write(w, bar("binance", "BTCUSDT", "2", 1, kT0Ns));
  CHECK(s.code == Errc::kUnavailable);
  CHECK_FALSE(s.in_doubt);  // nothing was sent: a retry cannot duplicate
  CHECK(query(w, bars_of("binance")).status().code == Errc::kUnavailable);
}
STORE_CONTRACT("fails with kUnavailable while the server is down", server_down)

}  // namespace

TEST_CASE("SimStore refuses injected 5xx writes and keeps nothing of them",
          "[contract][store][sim]") {
  storecontract::StoreSimWorld w;
  w.store.fail_writes(2, 503);
  for (int i = 0; i < 2; ++i) {
    const core::Status s = write(w, bar("binance", "BTCUSDT", "1", 1, kT0Ns));
    CHECK(s.code == Errc::kUnavailable);
    CHECK(s.message == "store write: HTTP 503: injected failure");
  }
  CHECK(w.store.row_count("bars") == 0);
  CHECK(write(w, bar("binance", "BTCUSDT", "1", 1, kT0Ns)));
  CHECK(w.store.row_count("bars") == 1);
}

TEST_CASE("SimStore completes a slow write after its latency in virtual time",
          "[contract][store][sim]") {
  storecontract::StoreSimWorld w;
  w.store.set_write_latency_us(250'000);
  const std::int64_t start_us = w.clock.now_us();
  CHECK(write(w, bar("binance", "BTCUSDT", "1", 1, kT0Ns)));
  CHECK(w.clock.now_us() - start_us == 250'000);
}

TEST_CASE("IlpStore reports a malformed url with kConfig", "[contract][store]") {
  net::AsioClock clock;
  core::StoreOptions o;
  o.url = "https://example";
  net::IlpStore store(clock, o);
  std::optional<core::Status> got;
  store.write("t v=1i 1\n", [&](core::Status s) { got = s; });
  REQUIRE(clock.run_until([&] { return got.has_value(); }, 1'000'000));
  CHECK(got->code == Errc::kConfig);
  CHECK(got->message == "store url 'https://example' does not start with http://");
}
