#include "core/trace.h"

#include <sstream>

#include <catch2/catch.hpp>

using core::Decimal;
using core::TraceWriter;

namespace {

void write_sample(TraceWriter& w, std::string_view id) {
  w.event(1500, "paper", "fill")
      .str("client_order_id", id)
      .dec("qty", *Decimal::parse("0.00100000"))
      .i64("delta", -3)
      .u64("seq", 7)
      .boolean("partial", false);
  w.event(2000, "gateway", "tick");
}

}  // namespace

TEST_CASE("TraceWriter writes JSON lines with fields in the order given", "[trace]") {
  TraceWriter w;
  write_sample(w, "c-17");
  CHECK(w.text() ==
        "{\"t\":1500,\"actor\":\"paper\",\"event\":\"fill\",\"client_order_id\":\"c-17\","
        "\"qty\":0.00100000,\"delta\":-3,\"seq\":7,\"partial\":false}\n"
        "{\"t\":2000,\"actor\":\"gateway\",\"event\":\"tick\"}\n");
  CHECK(w.lines() == 2);
  CHECK(w.bytes() == w.text().size());
}

TEST_CASE("TraceWriter escapes quotes, backslashes and control characters", "[trace]") {
  TraceWriter w;
  w.event(0, "a\"b", "e\\v").str("k\n", std::string_view("x\ty\x01z\x7f\xc3\xa9", 8));
  CHECK(w.text() ==
        "{\"t\":0,\"actor\":\"a\\\"b\",\"event\":\"e\\\\v\",\"k\\n\":\"x\\ty\\u0001z\x7f\xc3\xa9\"}"
        "\n");
}

TEST_CASE("TraceWriter hashes every byte, the same for the same trace", "[trace]") {
  TraceWriter empty;
  CHECK(empty.sha256_hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  TraceWriter a;
  TraceWriter b;
  TraceWriter c;
  write_sample(a, "c-17");
  write_sample(b, "c-17");
  write_sample(c, "c-18");
  CHECK(a.sha256_hex() == b.sha256_hex());
  CHECK(a.sha256_hex() != c.sha256_hex());
  const std::string before = a.sha256_hex();
  a.event(3000, "x", "y");
  CHECK(a.sha256_hex() != before);  // the hash keeps running after a read
}

TEST_CASE("TraceWriter writes the same bytes to a stream as in memory", "[trace]") {
  std::ostringstream out;
  TraceWriter to_stream(out);
  TraceWriter in_memory;
  write_sample(to_stream, "c-17");
  write_sample(in_memory, "c-17");
  CHECK(out.str() == in_memory.text());
  CHECK(to_stream.text().empty());
  CHECK(to_stream.sha256_hex() == in_memory.sha256_hex());
  CHECK(to_stream.status().is_ok());
  out.setstate(std::ios::badbit);
  CHECK(to_stream.status().code == core::Errc::kIo);
}
