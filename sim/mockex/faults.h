/// @file sim/mockex/faults.h
/// @brief `Faults`: what the mock exchange does wrong on purpose, so clients' error paths can
/// be tested: added latency, forced 5xx, forced 429, "accept the order, then drop the
/// response", stalled or dropped market streams, sequence gaps and added latency on
/// websocket frames.
///
/// A plain value held by MockExchange (`MockExchange::faults()`), set in-process by sim
/// scenarios and tests, or over HTTP through `POST /admin/faults` when the server runs with
/// `MockexConfig::admin` (the `mockex --admin` flag). The counters count down as faults are
/// injected; every injection is counted in `mockex_faults_injected_total{kind}` with kind
/// latency, 5xx, 429, drop_response, stream_stall, stream_drop, stream_gap (per skipped
/// event) or stream_latency (per delayed frame). REST faults apply to
/// /api/v3 requests only (never /metrics or /admin), in this order: 429, then 5xx (neither
/// reaches the model or the weight counter), then the drop; latency delays every answer,
/// dropped ones included. Not thread-safe: the loop thread of the server reads and writes it.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace sim::mockex {

struct Faults {
  /// Added before every /api/v3 answer (0 = none).
  std::int64_t latency_ms = 0;
  /// The next N /api/v3 requests get `error_status` with Binance's -1001 body.
  std::uint32_t error_next = 0;
  int error_status = 503;
  /// The next N /api/v3 requests get 429 -1003 with `Retry-After: retry_after_sec`.
  std::uint32_t throttle_next = 0;
  std::int64_t retry_after_sec = 1;
  /// The next N POST /api/v3/order are executed by the model as usual (the order exists), then
  /// the connection is reset instead of answered.
  std::uint32_t drop_order_response_next = 0;
  /// Market-stream frames are withheld (not queued) while set; sessions stay open.
  bool streams_stalled = false;
  /// The next N Binance market-stream events that have subscribers are not sent to anyone:
  /// a sequence gap (depth U > previous u + 1, trade ids skip).
  std::uint32_t stream_gap_next = 0;
  /// Added before every Binance market-stream frame (0 = none); order is kept per session.
  std::int64_t stream_latency_ms = 0;
};

/// Applies the JSON object `body` over `faults`: any of the fields above by name, plus
/// `"drop_streams": true` (returned in `drop_streams`, an action rather than a state).
/// kInvalidArgument names the field that is unknown or of the wrong type; `faults` is left
/// unchanged then.
core::Status apply_faults_json(const std::string& body, Faults& faults, bool& drop_streams);

/// `faults` as a JSON object with the field names above.
std::string faults_json(const Faults& faults);

}  // namespace sim::mockex
