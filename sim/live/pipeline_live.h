/// @file sim/live/pipeline_live.h
/// @brief The `pipeline` workload live (sim/workloads/pipeline_bars.h): the gateway_replay
/// live run (gateway_live.h: nats-server -js, redis-server, mockex replaying the slice, the
/// gateway binary, TICKS judged after the faults) plus influxd and the normalizer binary
/// consuming the gateway's ticks from TICKS, its bars judged in influxd.
///
/// influxd's `ohlcv_1m` is queried per symbol every 500 ms and judged with `judge_bars`
/// against the reference bars computed from the slice (`reference_bars`), as the sim oracle
/// does. Expectations: the gateway_replay ones, no stored minute with more trades or volume
/// than the reference (safety), every reference minute stored exactly (liveness).
/// Timeline: the gateway_replay actions; `crash` names `gateway` or `normalizer`.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "sim/live/live_workload.h"

namespace sim::live {

core::Result<std::unique_ptr<LiveWorkload>> make_pipeline_live(
    const std::map<std::string, std::string>& params, net::AsioClock& clock, double speed);

}  // namespace sim::live
