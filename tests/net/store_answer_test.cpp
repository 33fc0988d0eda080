// net::detail::parse_*_answer: QuestDB /exec and influx /query bodies as the servers send them.
#include <catch2/catch.hpp>

#include "net/detail/store_answer.h"

using nlohmann::json;

TEST_CASE("A QuestDB answer puts its designated timestamp first as ns", "[unit][store]") {
  const json answer = json::parse(R"({"query":"SELECT ...","columns":[
      {"name":"exchange","type":"SYMBOL"},{"name":"open","type":"DOUBLE"},
      {"name":"trades","type":"LONG"},{"name":"timestamp","type":"TIMESTAMP"},
      {"name":"final","type":"BOOLEAN"},{"name":"note","type":"STRING"}],
      "dataset":[["binance",101.25,5,"2026-01-01T00:01:00.000001Z",true,null],
                 ["binance",99.0,7,"1969-12-31T23:59:59.500000Z",false,"x"]],
      "count":2})");
  const auto r = net::detail::parse_questdb_answer(answer, "timestamp");
  REQUIRE(r.is_ok());
  CHECK(r->columns ==
        std::vector<std::string>{"time", "exchange", "open", "trades", "final", "note"});
  CHECK(r->rows.at(0) ==
        std::vector<std::string>{"1767225660000001000", "binance", "101.25", "5", "true", ""});
  CHECK(r->rows.at(1).at(0) == "-500000000");
  CHECK(r->rows.at(1).at(2) == "99.0");
}

TEST_CASE("A QuestDB answer without its timestamp column is a protocol error", "[unit][store]") {
  const json answer = json::parse(
      R"({"columns":[{"name":"ts","type":"TIMESTAMP"}],"dataset":[["2026-01-01T00:00:00.000000Z"]]})");
  const auto r = net::detail::parse_questdb_answer(answer, "timestamp");
  CHECK(r.status().code == core::Errc::kProtocol);
  CHECK(r.status().message == "store query: no column 'timestamp' in the answer");
}

TEST_CASE("An influx answer keeps its columns; an empty one has none; an error is refused",
          "[unit][store]") {
  const auto rows = net::detail::parse_influx_answer(json::parse(
      R"({"results":[{"statement_id":0,"series":[{"name":"bars","columns":["time","open"],
          "values":[[1767225600000000000,102.5]]}]}]})"));
  REQUIRE(rows.is_ok());
  CHECK(rows->columns == std::vector<std::string>{"time", "open"});
  CHECK(rows->rows.at(0) == std::vector<std::string>{"1767225600000000000", "102.5"});
  const auto empty =
      net::detail::parse_influx_answer(json::parse(R"({"results":[{"statement_id":0}]})"));
  CHECK(empty->columns.empty());
  const auto error = net::detail::parse_influx_answer(
      json::parse(R"({"results":[{"statement_id":0,"error":"error parsing query: found EOF"}]})"));
  CHECK(error.status().code == core::Errc::kInvalidArgument);
  CHECK(error.status().message == "store query: error parsing query: found EOF");
}
