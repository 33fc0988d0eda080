// The gateway binary end to end, short enough for `make test`: the real mockex replaying the
// Kraken recordings (small) at 10x, real nats-server and redis-server, ticks read back through
// nats.c. The slow cases (Binance and Coinbase, rate limits, outages, faults) are in
// gateway_live_test.cpp.
#include <catch2/catch.hpp>

#include "tests/gateway/live_stack.h"

TEST_CASE("The gateway publishes every Kraken trade and ticker of the recording once and in order",
          "[gateway][net]") {
  gwlive::check_ticks_equal_recording(gwlive::kraken_venue(), "10");
}
