/// @file sim/live/gateway_live.h
/// @brief The `gateway_replay` workload live: nats-server -js, redis-server, the mockex binary
/// (--admin) replaying the scenario's slice of the recording and `instances` gateway binaries
/// pointed at them, judged on what the JetStream stream TICKS stores.
///
/// The slice the sim workload replays (sim/workloads/gateway_replay.h: recording, symbols,
/// from, duration, speed) is written as a recording into the run's temp dir and mockex replays
/// it at the run's speed, from the first websocket subscription on. Once the faults are over,
/// a durable consumer reads TICKS from its first message and every trade and book tick is
/// judged with `judge_stored_tick`, as the sim oracle does. Expectations: per subject in
/// recording order and none twice (safety); ticks passed over (lost) at most
/// `max_undelivered`, the frames mockex may send while no websocket is subscribed (safety);
/// mockex (/metrics) never answered 418 nor a 429 beyond the forced ones and
/// `max_exchange_429` (safety); the replay finished and the last tick of every subject is
/// stored, and mockex answered 200 at least `min_rest_ok` times (liveness).
/// Timeline: ws_drop, rest_throttle and exchange_latency go to mockex's POST /admin/faults.
/// Not live: loop_to (refused: the looped replay is sim only), same_ip (always: loopback),
/// stagger (instances start one after another).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "sim/live/live_workload.h"

namespace sim::live {

core::Result<std::unique_ptr<LiveWorkload>> make_gateway_live(
    const std::map<std::string, std::string>& params, net::AsioClock& clock, double speed);

}  // namespace sim::live
