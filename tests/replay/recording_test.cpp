#include <catch2/catch.hpp>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "sim/replay/recording.h"
#include "tests/support/server_process.h"

using sim::replay::format_record_line;
using sim::replay::Record;
using sim::replay::RecordingReader;
using sim::replay::RecordingWriter;

namespace {

// Frames chosen to stress byte-exactness: trailing zeros, an id beyond 2^63, odd spacing,
// escapes, non-JSON text, JSON scalars, line breaks, control characters and UTF-8.
std::vector<Record> sample_records() {
  return {
      {1723161254087896, "binance.ws", "",
       R"({"stream":"btcusdt@trade","data":{"e":"trade","p":"61837.63000000","q":"0.02000000","x":1.50e+3}})"},
      {1618678132831468, "kraken.ws.v1", "",
       R"({"connectionID":18239578009413566319,"event":"systemStatus"})"},
      {1618678132831469, "kraken.ws.v1", "",
       R"([993, [["354.11000000","0.89594024"]] ,"trade","XMR/USD"])"},
      {1618678132831470, "kraken.ws.v1.sent", "", R"({"event":"ping","s":"a\"b\\c\u00e9"})"},
      {1633998511132921, "binance.rest", "GET https://api.binance.com/api/v3/exchangeInfo",
       R"({"timezone":"UTC"})"},
      {5, "coinbase.ws", "", "pong"},
      {4, "coinbase.ws", "", "\"quoted\""},
      {6, "coinbase.ws", "", "42"},
      {7, "coinbase.ws", "", "{\"a\":1}\n"},
      {8, "coinbase.ws", "", "{\n \"a\": 1\n}"},
      {9, "coinbase.ws", "", std::string("tab\there\x01 and \xc3\xa9 \\ \"")},
      {-3, "x", "", ""},
      {10, "coinbase.ws", "", "{\"a\":}"},
      {11, "coinbase.ws", "", " {\"a\":1}"},
  };
}

std::vector<Record> read_all(const std::string& path) {
  auto reader = RecordingReader::open(path);
  REQUIRE(reader.is_ok());
  std::vector<Record> out;
  Record r;
  for (;;) {
    auto more = reader->next(r);
    REQUIRE(more.is_ok());
    if (!*more) break;
    out.push_back(r);
  }
  return out;
}

void write_all(const std::string& path, const std::vector<Record>& records) {
  auto writer = RecordingWriter::open(path);
  REQUIRE(writer.is_ok());
  for (const auto& r : records) REQUIRE(writer->write(r).is_ok());
  REQUIRE(writer->close().is_ok());
  CHECK(writer->records_written() == records.size());
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("A recording round-trips every frame byte for byte, plain and zstd", "[replay]") {
  testsupport::TempDir dir("t26-replay");
  const auto records = sample_records();
  for (const std::string name : {"/r.jsonl", "/r.jsonl.zst"}) {
    const std::string path = dir.path() + name;
    write_all(path, records);
    CHECK(read_all(path) == records);
  }
}

TEST_CASE("A JSON frame is embedded verbatim and anything else as a JSON string", "[replay]") {
  const auto records = sample_records();
  CHECK(
      *format_record_line(records[0]) ==
      R"({"t":1723161254087896,"src":"binance.ws","msg":{"stream":"btcusdt@trade","data":{"e":"trade","p":"61837.63000000","q":"0.02000000","x":1.50e+3}}})");
  CHECK(
      *format_record_line(records[2]) ==
      R"({"t":1618678132831469,"src":"kraken.ws.v1","msg":[993, [["354.11000000","0.89594024"]] ,"trade","XMR/USD"]})");
  CHECK(
      *format_record_line(records[4]) ==
      R"({"t":1633998511132921,"src":"binance.rest","req":"GET https://api.binance.com/api/v3/exchangeInfo","msg":{"timezone":"UTC"}})");
  CHECK(*format_record_line(records[5]) == R"({"t":5,"src":"coinbase.ws","msg":"pong"})");
  CHECK(*format_record_line(records[7]) == R"({"t":6,"src":"coinbase.ws","msg":"42"})");
  CHECK(*format_record_line(records[8]) == R"({"t":7,"src":"coinbase.ws","msg":"{\"a\":1}\n"})");
  CHECK(*format_record_line(records[10]) ==
        "{\"t\":9,\"src\":\"coinbase.ws\",\"msg\":\"tab\\there\\u0001 and \xc3\xa9 \\\\ \\\"\"}");
}

TEST_CASE("RecordingWriter refuses an empty src and a frame that is not UTF-8", "[replay]") {
  auto empty_src = format_record_line(Record{1, "", "", "{}"});
  CHECK(empty_src.status().code == core::Errc::kInvalidArgument);
  auto binary = format_record_line(Record{1, "binance.ws", "", std::string("\xff\xfe")});
  CHECK(binary.status().code == core::Errc::kInvalidArgument);
  CHECK(binary.status().message == "record (src binance.ws): src, req or msg is not valid UTF-8");
}

TEST_CASE("RecordingReader names the file and line of a malformed record", "[replay]") {
  testsupport::TempDir dir("t26-replay");
  const std::string good = R"({"t":1,"src":"a","msg":{}})";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"t":1,"src":"a","msg":{"x":}})",
       "not JSON (The JSON document has an improper structure: missing or superfluous commas, "
       "braces, missing keys, etc.)"},
      {"", "empty line"},
      {"[1,2]", "not a JSON object"},
      {R"({"t":"1","src":"a","msg":{}})", "\"t\" missing or not an integer"},
      {R"({"t":1.5,"src":"a","msg":{}})", "\"t\" missing or not an integer"},
      {R"({"t":1,"msg":{}})", "\"src\" missing, empty or not a string"},
      {R"({"t":1,"src":"a","req":7,"msg":{}})", "\"req\" is not a string"},
      {R"({"t":1,"src":"a"})", "\"msg\" missing"},
      {R"({"t":1,"src":"a","msg":12})", "\"msg\" is not an object, array or string"},
  };
  for (const auto& [line, what] : cases) {
    const std::string path = dir.path() + "/bad.jsonl";
    write_text(path, good + "\n" + good + "\n" + line + "\n" + good + "\n");
    auto reader = RecordingReader::open(path);
    REQUIRE(reader.is_ok());
    Record r;
    CHECK(*reader->next(r));
    CHECK(*reader->next(r));
    auto bad = reader->next(r);
    REQUIRE_FALSE(bad.is_ok());
    CHECK(bad.status().code == core::Errc::kProtocol);
    CHECK(bad.status().message == path + ":3: " + what);
  }
}

TEST_CASE("RecordingReader keeps the last line without a newline and unknown keys are ignored",
          "[replay]") {
  testsupport::TempDir dir("t26-replay");
  const std::string path = dir.path() + "/tail.jsonl";
  write_text(path,
             "{\"src\":\"b\",\"msg\":[ 1 "
             "],\"t\":-2,\"extra\":{\"msg\":\"no\"}}\n{\"t\":3,\"src\":\"c\",\"msg\":\"x\"}");
  const auto records = read_all(path);
  REQUIRE(records.size() == 2);
  CHECK(records[0] == Record{-2, "b", "", "[ 1 ]"});
  CHECK(records[1] == Record{3, "c", "", "x"});
}

TEST_CASE("RecordingReader reports a missing file and a truncated zstd file", "[replay]") {
  testsupport::TempDir dir("t26-replay");
  auto missing = RecordingReader::open(dir.path() + "/none.jsonl");
  CHECK(missing.status().code == core::Errc::kIo);
  CHECK(missing.status().message ==
        dir.path() + "/none.jsonl: cannot open: No such file or directory");

  const std::string path = dir.path() + "/cut.jsonl.zst";
  std::vector<Record> many;
  for (int i = 0; i < 2000; ++i) many.push_back(Record{i, "s", "", fmt::format("[{}]", i)});
  write_all(path, many);
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  write_text(path, bytes.substr(0, bytes.size() - 8));
  auto reader = RecordingReader::open(path);
  REQUIRE(reader.is_ok());
  Record r;
  core::Status error;
  int read = 0;
  for (;;) {
    auto more = reader->next(r);
    if (!more) {
      error = more.status();
      break;
    }
    REQUIRE(*more);
    ++read;
  }
  CHECK(read <= 2000);
  CHECK(error.code == core::Errc::kProtocol);
  CHECK(error.message == path + ": truncated zstd stream");
}

TEST_CASE("A reader keeps what it read, and a reader over the kept records reads it again",
          "[replay]") {
  testsupport::TempDir dir("t26-replay");
  const auto records = sample_records();
  const std::string path = dir.path() + "/r.jsonl.zst";
  write_all(path, records);

  auto reader = RecordingReader::open(path);
  REQUIRE(reader.is_ok());
  auto kept = std::make_shared<sim::replay::KeptRecords>(std::size_t{1} << 20);
  reader->keep_into(kept);
  Record r;
  REQUIRE(*reader->next(r));
  CHECK_FALSE(kept->complete);  // not until the end of the file
  while (*reader->next(r)) {
  }
  REQUIRE(kept->complete);
  CHECK_FALSE(kept->over_bound);
  CHECK(kept->records == records);

  auto again = RecordingReader::over(kept, path);
  CHECK(again.path() == path);
  std::vector<Record> replayed;
  while (*again.next(r)) {
    replayed.push_back(r);
    CHECK(again.line_number() == replayed.size());
  }
  CHECK(replayed == records);
}

TEST_CASE("Keeping gives up and frees the records once their text passes the bound", "[replay]") {
  testsupport::TempDir dir("t26-replay");
  const auto records = sample_records();
  const std::string path = dir.path() + "/r.jsonl";
  write_all(path, records);
  auto reader = RecordingReader::open(path);
  REQUIRE(reader.is_ok());
  const auto first = records.front();
  const std::size_t bound = first.src.size() + first.req.size() + first.msg.size();
  auto kept = std::make_shared<sim::replay::KeptRecords>(bound);
  reader->keep_into(kept);
  Record r;
  REQUIRE(*reader->next(r));
  CHECK(kept->records.size() == 1);  // exactly at the bound is kept
  while (*reader->next(r)) {
  }
  CHECK(kept->over_bound);
  CHECK(kept->records.empty());
  CHECK(kept->complete);
}
