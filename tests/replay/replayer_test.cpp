#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "sim/replay/replayer.h"
#include "sim/sim_clock.h"
#include "tests/support/server_process.h"

using sim::replay::Record;
using sim::replay::RecordingReader;
using sim::replay::RecordingWriter;
using sim::replay::Replayer;
using sim::replay::ReplayOptions;

namespace {

// Recorded times, relative to the first: 0, 1 ms, 1 ms again, 2.5 s, then one that steps back.
const std::vector<std::int64_t> kTimes = {1'000'000'000, 1'000'001'000, 1'000'001'000,
                                          1'002'500'001, 1'002'400'000, 1'010'000'003};

std::string write_recording(const testsupport::TempDir& dir) {
  const std::string path = dir.path() + "/rec.jsonl.zst";
  auto writer = RecordingWriter::open(path);
  REQUIRE(writer.is_ok());
  for (std::size_t k = 0; k < kTimes.size(); ++k) {
    const std::string src = k == 2 ? "other.ws" : "binance.ws";
    REQUIRE(writer->write(Record{kTimes[k], src, "", fmt::format("{{\"k\":{}}}", k)}).is_ok());
  }
  REQUIRE(writer->close().is_ok());
  return path;
}

struct Fired {
  std::int64_t at_us;
  std::string msg;
};

// Replays `path` on a fresh SimClock advanced to `start_us`; the frame from "other.ws" (frame 2
// of write_recording's file) has no handler and must be skipped.
std::vector<Fired> replay(const std::string& path, ReplayOptions options, std::int64_t start_us,
                          std::uint64_t skipped = 1, core::Status* done_status = nullptr) {
  sim::SimClock clock;
  clock.run_for(start_us);
  Replayer replayer(clock, options);
  std::vector<Fired> fired;
  replayer.on("binance.ws", [&](const Record& r) { fired.push_back({clock.now_us(), r.msg}); });
  bool done = false;
  auto reader = RecordingReader::open(path);
  REQUIRE(reader.is_ok());
  REQUIRE(replayer
              .start(std::move(*reader),
                     [&](const core::Status& st) {
                       done = true;
                       if (done_status != nullptr) *done_status = st;
                     })
              .is_ok());
  CHECK_FALSE(done);  // never inside start()
  REQUIRE(clock.run_until([&] { return done; }, 3'600'000'000));
  CHECK(replayer.skipped() == skipped);
  CHECK(replayer.delivered() == fired.size());
  return fired;
}

}  // namespace

TEST_CASE("Replayer hands frame k over at t0 + (t_k - t_0) / speed on SimClock", "[replay]") {
  testsupport::TempDir dir("t26-replay");
  const std::string path = write_recording(dir);
  const std::int64_t t0 = 777;

  const auto at_1x = replay(path, ReplayOptions{1.0, false, {}}, t0);
  REQUIRE(at_1x.size() == 5);
  CHECK(at_1x[0].at_us == t0);
  CHECK(at_1x[1].at_us == t0 + 1'000);
  CHECK(at_1x[2].at_us == t0 + 2'500'001);
  CHECK(at_1x[3].at_us == t0 + 2'500'001);  // recorded earlier than frame 3: keeps file order
  CHECK(at_1x[4].at_us == t0 + 10'000'003);
  CHECK(at_1x[4].msg == "{\"k\":5}");

  const auto at_4x = replay(path, ReplayOptions{4.0, false, {}}, t0);
  REQUIRE(at_4x.size() == 5);
  CHECK(at_4x[1].at_us == t0 + 250);
  CHECK(at_4x[2].at_us == t0 + 625'000);  // 2'500'001 / 4, rounded down
  CHECK(at_4x[4].at_us == t0 + 2'500'000);

  const auto at_half = replay(path, ReplayOptions{0.5, false, {}}, t0);
  REQUIRE(at_half.size() == 5);
  CHECK(at_half[2].at_us == t0 + 5'000'002);
  CHECK(at_half[4].at_us == t0 + 20'000'006);
}

TEST_CASE("Replayer at max speed hands frames over back to back in file order", "[replay]") {
  testsupport::TempDir dir("t26-replay");
  const auto fired = replay(write_recording(dir), ReplayOptions{1.0, true, {}}, 50);
  REQUIRE(fired.size() == 5);
  for (std::size_t i = 0; i < fired.size(); ++i) CHECK(fired[i].at_us == 50);
  CHECK(fired[0].msg == "{\"k\":0}");
  CHECK(fired[2].msg == "{\"k\":3}");
  CHECK(fired[3].msg == "{\"k\":4}");
}

TEST_CASE("Replayer at max speed hands nothing over while hold says the receivers are behind",
          "[replay]") {
  testsupport::TempDir dir("t26-replay");
  const std::string path = write_recording(dir);
  sim::SimClock clock;
  bool behind = true;
  int holds = 0;
  Replayer replayer(clock, ReplayOptions{1.0, true, [&] {
                                           ++holds;
                                           return behind;
                                         }});
  std::vector<std::int64_t> fired_at;
  replayer.on("binance.ws", [&](const Record&) {
    fired_at.push_back(clock.now_us());
    behind = fired_at.size() == 2;  // the receiver falls behind after the second frame
  });
  bool done = false;
  auto reader = RecordingReader::open(path);
  REQUIRE(reader.is_ok());
  REQUIRE(replayer.start(std::move(*reader), [&](const core::Status&) { done = true; }).is_ok());
  clock.run_for(10 * Replayer::kHoldRetryUs);
  CHECK(fired_at.empty());
  CHECK(holds >= 10);  // looked again every kHoldRetryUs, no busy loop
  CHECK(holds <= 12);
  behind = false;
  REQUIRE(clock.run_until([&] { return fired_at.size() == 2; }, Replayer::kHoldRetryUs + 1));
  const std::int64_t second_at = clock.now_us();
  CHECK(fired_at[0] == fired_at[1]);  // one turn, no timer between
  clock.run_for(5 * Replayer::kHoldRetryUs);
  CHECK(fired_at.size() == 2);  // held again after the second
  behind = false;
  REQUIRE(clock.run_until([&] { return done; }, 60'000'000));
  REQUIRE(fired_at.size() == 5);
  CHECK(fired_at[2] > second_at);
  CHECK(fired_at[4] == fired_at[2]);
}

TEST_CASE("Replayer stops at a bad line and reports it with file and line", "[replay]") {
  testsupport::TempDir dir("t26-replay");
  const std::string path = dir.path() + "/bad.jsonl";
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fputs(
        "{\"t\":1,\"src\":\"binance.ws\",\"msg\":[1]}\n"
        "{\"t\":2,\"src\":\"binance.ws\",\"msg\":[2]}\n"
        "{\"t\":3,\"src\":\"binance.ws\",\"msg\":[3}\n"
        "{\"t\":4,\"src\":\"binance.ws\",\"msg\":[4]}\n",
        f);
    std::fclose(f);
  }
  core::Status status;
  const auto fired = replay(path, ReplayOptions{}, 0, 0, &status);
  REQUIRE(fired.size() == 2);
  CHECK(status.code == core::Errc::kProtocol);
  CHECK(status.message.rfind(path + ":3: not JSON", 0) == 0);
}

TEST_CASE("Replayer refuses a speed that is not positive and stops on request", "[replay]") {
  testsupport::TempDir dir("t26-replay");
  const std::string path = write_recording(dir);
  sim::SimClock clock;
  Replayer bad(clock, ReplayOptions{0.0, false, {}});
  auto reader = RecordingReader::open(path);
  REQUIRE(reader.is_ok());
  const auto st = bad.start(std::move(*reader), [](const core::Status&) {});
  CHECK(st.code == core::Errc::kInvalidArgument);
  CHECK(st.message == "replay speed 0 is not > 0");

  Replayer replayer(clock, ReplayOptions{});
  int seen = 0;
  bool done = false;
  replayer.on("binance.ws", [&](const Record&) {
    if (++seen == 2) replayer.stop();
  });
  auto reader2 = RecordingReader::open(path);
  REQUIRE(reader2.is_ok());
  REQUIRE(replayer.start(std::move(*reader2), [&](const core::Status&) { done = true; }).is_ok());
  clock.run_for(60'000'000);
  CHECK(seen == 2);
  CHECK_FALSE(done);
  CHECK_FALSE(replayer.running());
  CHECK(clock.pending() == 0);
}
