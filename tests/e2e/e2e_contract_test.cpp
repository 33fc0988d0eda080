// The seed's integration test 1, short: the 2023 BTCUSDT recording (7 minutes) at 40x through
// mockex -> gateway -> nats-server -js -> normalizer -> influxd, real binaries on loopback.
// The long runs and the disturbed ones are in e2e_live_test.cpp.
#include <catch2/catch.hpp>

#include "tests/e2e/e2e_world.h"

TEST_CASE(
    "The 2023 BTCUSDT recording through mockex, gateway, NATS and normalizer lands in influxdb "
    "as the reference bars with no trade lost",
    "[e2e][net]") {
  e2e::E2eWorld w(e2e::recording_2023("max"));
  e2e::run_and_check(w, 0, {});
  e2e::check_bars_command(w);
}
