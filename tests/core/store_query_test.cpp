// core::to_questdb_sql and core::to_influxql: exact query text, quoting and time bounds.
#include <catch2/catch.hpp>

#include "core/store_query.h"

namespace {

core::StoreQuery full_query() {
  core::StoreQuery q;
  q.table = "ohlcv_1m";
  q.tags_equal = {{"exchange", "binance"}, {"symbol", "it's \"x\"\\"}};
  q.from_ns = 1'767'225'600'000'000'001;
  q.to_ns = 1'767'225'660'000'000'000;
  q.newest_first = true;
  q.limit = 10;
  return q;
}

}  // namespace

TEST_CASE("to_questdb_sql quotes names and values and bounds time in microseconds",
          "[unit][store]") {
  CHECK(core::to_questdb_sql(full_query(), "timestamp") ==
        "SELECT * FROM \"ohlcv_1m\" WHERE \"exchange\" = 'binance' AND \"symbol\" = "
        "'it''s \"x\"\\' AND \"timestamp\" >= 1767225600000001 AND \"timestamp\" < "
        "1767225660000000 ORDER BY \"timestamp\" DESC LIMIT 10");
}

TEST_CASE("to_influxql quotes names and values and bounds time in nanoseconds", "[unit][store]") {
  CHECK(core::to_influxql(full_query()) ==
        "SELECT * FROM \"ohlcv_1m\" WHERE \"exchange\" = 'binance' AND \"symbol\" = "
        "'it\\'s \"x\"\\\\' AND time >= 1767225600000000001 AND time < 1767225660000000000 "
        "ORDER BY time DESC LIMIT 10");
}

TEST_CASE("A query with no filters selects the whole table oldest first", "[unit][store]") {
  core::StoreQuery q;
  q.table = "bars";
  CHECK(core::to_influxql(q) == "SELECT * FROM \"bars\" ORDER BY time ASC");
  CHECK(core::to_questdb_sql(q, "ts") == "SELECT * FROM \"bars\" ORDER BY \"ts\" ASC");
}
