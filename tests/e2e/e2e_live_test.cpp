// The seed's integration test 1 with the real binaries on loopback: mockex replays a real
// BTCUSDT recording -> gateway -> nats-server -js -> normalizer -> influxd. The 2024 recording
// (99,574 frames, 10 reference bars) takes minutes: mockex (ASan) spends ~1 ms of CPU per
// frame on the book; the disturbed runs use the 2023 one (15,088 frames, 6 reference bars). "No
// data loss": the table equals the bars folded from the recording's trades in exact decimals (every
// minute, the partial first and last ones too), which equal the reference bar CSV for the
// complete minutes; `normalizer bars` prints the seed's query. The disturbed runs kill -9
// the normalizer, restart nats-server or restart influxd mid-replay and must end with the
// same table as an undisturbed run.
#include <catch2/catch.hpp>

#include "tests/e2e/e2e_world.h"

namespace {
constexpr std::int64_t kMs = 1000;
}  // namespace

TEST_CASE(
    "The 2024 BTCUSDT recording end to end gives the reference bars and the seed's query "
    "prints the 10 newest",
    "[e2e][net][live]") {
  e2e::E2eWorld w(e2e::recording_2024("max"));
  e2e::run_and_check(w, 0, {});
  e2e::check_bars_command(w);
}

TEST_CASE(
    "End to end, a normalizer killed with SIGKILL mid-replay and restarted ends with the same "
    "table",
    "[e2e][net][live]") {
  e2e::E2eWorld w(e2e::recording_2023("max"));
  e2e::run_and_check(w, 3'000, [&] {
    w.normalizer->kill9();
    w.db.clock.run_for(1000 * kMs);
    w.normalizer->start();
  });
}

TEST_CASE("End to end, a nats-server restarted mid-replay ends with the same table",
          "[e2e][net][live]") {
  e2e::E2eWorld w(e2e::recording_2023("max"));
  e2e::run_and_check(w, 3'000, [&] {
    w.nats->terminate();
    w.db.clock.run_for(1000 * kMs);
    w.nats->start();
  });
}

TEST_CASE("End to end, an influxd restarted mid-replay ends with the same table",
          "[e2e][net][live]") {
  e2e::E2eWorld w(e2e::recording_2023("max"));
  e2e::run_and_check(w, 3'000, [&] {
    w.db.influxd.terminate();
    w.db.clock.run_for(1000 * kMs);
    w.db.influxd.start();
  });
}
