// pub_ack_from_json reads the PubAck texts nats-server and SimBus write, through the fast
// path or the json tree, to the same values; errors keep their codes.
#include <catch2/catch.hpp>

#include "core/jetstream.h"

namespace {

core::PubAck ack_of(std::string_view text) {
  auto ack = core::pub_ack_from_json(text);
  REQUIRE(ack.is_ok());
  return *ack;
}

}  // namespace

TEST_CASE("pub_ack_from_json reads nats-server's PubAck, spaces included", "[unit]") {
  const auto ack = ack_of(R"({"stream":"TICKS", "seq":42})");
  CHECK(ack.stream == "TICKS");
  CHECK(ack.seq == 42);
  CHECK_FALSE(ack.duplicate);

  const auto dup = ack_of(R"({"stream":"TICKS", "seq":7,"duplicate": true})");
  CHECK(dup.stream == "TICKS");
  CHECK(dup.seq == 7);
  CHECK(dup.duplicate);

  const auto domain = ack_of(R"({"stream":"TICKS", "domain":"hub", "seq":9})");
  CHECK(domain.stream == "TICKS");
  CHECK(domain.seq == 9);
}

TEST_CASE("pub_ack_from_json reads pub_ack_to_json's text back", "[unit]") {
  for (const bool duplicate : {false, true}) {
    const core::PubAck in{"ORDERS", 123456789012ULL, duplicate};
    const auto out = ack_of(core::pub_ack_to_json(in));
    CHECK(out.stream == in.stream);
    CHECK(out.seq == in.seq);
    CHECK(out.duplicate == in.duplicate);
  }
}

TEST_CASE("pub_ack_from_json parses escapes and other layouts with the json tree", "[unit]") {
  const auto escaped = ack_of(R"({"seq":3,"stream":"A\u0042"})");
  CHECK(escaped.stream == "AB");
  CHECK(escaped.seq == 3);
  const auto extra = ack_of(R"({"stream":"S","seq":4,"batch":"x"})");
  CHECK(extra.stream == "S");
  CHECK(extra.seq == 4);
}

TEST_CASE("pub_ack_from_json refuses error answers and acks without seq or stream", "[unit]") {
  const auto error = core::pub_ack_from_json(
      R"({"error":{"code":503,"err_code":10077,"description":"no responders"}})");
  CHECK(error.status().code == core::Errc::kRejected);
  CHECK(core::pub_ack_from_json(R"({"stream":"S"})").status().code == core::Errc::kProtocol);
  CHECK(core::pub_ack_from_json(R"({"seq":1})").status().code == core::Errc::kProtocol);
  CHECK_FALSE(core::pub_ack_from_json("not json").is_ok());
}
