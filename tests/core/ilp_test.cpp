// core::IlpBuffer: exact bytes, escaping, validation, and rows discarded on error.
#include <catch2/catch.hpp>

#include "core/ilp.h"

using core::Errc;
using core::IlpBuffer;

TEST_CASE("IlpBuffer writes symbols, every column type and the timestamp", "[unit][ilp]") {
  IlpBuffer b;
  REQUIRE(b.table("ohlcv_1m"));
  REQUIRE(b.symbol("exchange", "binance"));
  REQUIRE(b.symbol("symbol", "BTCUSDT"));
  REQUIRE(b.column_decimal("open", "50000.10"));
  REQUIRE(b.column_decimal("volume", "-0.000001"));
  REQUIRE(b.column_int("trades", -42));
  REQUIRE(b.column_str("note", "ok"));
  REQUIRE(b.column_bool("final", true));
  REQUIRE(b.at(1767225600000000000));
  REQUIRE(b.table("t"));
  REQUIRE(b.column_bool("x", false));
  REQUIRE(b.at(0));
  CHECK(b.text() ==
        "ohlcv_1m,exchange=binance,symbol=BTCUSDT open=50000.10,volume=-0.000001,trades=-42i,"
        "note=\"ok\",final=t 1767225600000000000\nt x=f 0\n");
  CHECK(b.row_count() == 2);
}

TEST_CASE("IlpBuffer escapes spaces, commas, equals, quotes, backslashes and newlines",
          "[unit][ilp]") {
  IlpBuffer b;
  REQUIRE(b.table("my table"));
  REQUIRE(b.symbol("tag key", "a,b=c d\\e\nf\rg"));
  REQUIRE(b.column_str("s=1", "say \"hi\"\\ then\nnewline\r"));
  REQUIRE(b.at(5));
  CHECK(b.text() ==
        "my\\ table,tag\\ key=a\\,b\\=c\\ d\\\\e\\\nf\\\rg s\\=1=\"say \\\"hi\\\"\\\\ then\\\n"
        "newline\\\r\" 5\n");
}

TEST_CASE("IlpBuffer rejects bad names and values and drops the row in progress", "[unit][ilp]") {
  IlpBuffer b;
  REQUIRE(b.table("ok"));
  REQUIRE(b.column_int("n", 1));
  REQUIRE(b.at(1));
  const std::string committed = b.text();

  REQUIRE(b.table("t"));
  const core::Status star = b.symbol("a*b", "v");
  CHECK(star.code == Errc::kInvalidArgument);
  CHECK(star.message == "ilp: column name 'a*b' can't contain a '*' character");
  CHECK(b.text() == committed);

  CHECK(b.table("").message == "ilp: table name is empty");
  CHECK(b.table("a..b").message ==
        "ilp: table name 'a..b' can't start or end with '.' or contain '..'");
  CHECK(b.table("x\ty").message == "ilp: table name 'x\ty' has a control character");
  REQUIRE(b.table("t"));
  CHECK(b.column_int("a.b", 1).message == "ilp: column name 'a.b' can't contain a '.' character");
  REQUIRE(b.table("t"));
  CHECK(b.column_decimal("p", "1e5").message == "ilp: column 'p' value '1e5' is not a decimal");
  REQUIRE(b.table("t"));
  CHECK(b.column_decimal("p", "1.").code == Errc::kInvalidArgument);
  CHECK(b.text() == committed);
  CHECK(b.row_count() == 1);
}

TEST_CASE("IlpBuffer refuses calls out of order", "[unit][ilp]") {
  IlpBuffer b;
  CHECK(b.symbol("s", "v").message == "ilp: symbol 's' before table()");
  CHECK(b.column_int("n", 1).message == "ilp: column 'n' before table()");
  CHECK(b.at(1).message == "ilp: at() before table()");
  REQUIRE(b.table("t"));
  CHECK(b.at(1).message == "ilp: at() without a column");
  REQUIRE(b.table("t"));
  REQUIRE(b.column_int("n", 1));
  CHECK(b.symbol("s", "v").message == "ilp: symbol 's' after a column");
  REQUIRE(b.table("t"));
  REQUIRE(b.column_int("n", 1));
  CHECK(b.at(-1).message == "ilp: timestamp -1 ns is negative");
  CHECK(b.empty());
}
