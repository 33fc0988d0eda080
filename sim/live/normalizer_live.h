/// @file sim/live/normalizer_live.h
/// @brief The `normalizer_replay` workload live: nats-server -js, influxd and the normalizer
/// binary; the runner publishes the recorded trades itself (net::NatsBus, core::JsPublisher,
/// Nats-Msg-Id `binance:BTCUSDT:trade:<id>`) on ticks.binance.BTCUSDT at their recorded
/// times divided by the workload's speed and the run's, as the sim's publisher host does.
///
/// influxd's `ohlcv_1m` is queried every 500 ms and judged with `judge_bars` against the
/// reference bars (sim/workloads/normalizer_replay.h): no stored minute ever holds more
/// trades or volume than the reference (safety); every reference minute is stored exactly,
/// and every trade was published (liveness). Not live: store_latency (influxd answers as it
/// does), min_skipped (the skip counter of a killed normalizer dies with it).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "sim/live/live_workload.h"

namespace sim::live {

/// The normalizer binary on `world`'s NATS and influxd (both started), named "normalizer";
/// shared with the pipeline workload's live run.
core::Status start_normalizer(LiveWorld& world, std::int64_t ack_wait_us,
                              std::int64_t flush_interval_us);

core::Result<std::unique_ptr<LiveWorkload>> make_normalizer_live(
    const std::map<std::string, std::string>& params, net::AsioClock& clock, double speed);

}  // namespace sim::live
