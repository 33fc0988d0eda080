/// @file sim/workloads/pipeline_bars.h
/// @brief The `pipeline` workload: the seed's Integration Test 1 in one simulated world,
/// exchange -> gateway -> NATS -> normalizer -> store, bars judged against reference bars
/// computed from the recording.
///
/// It is `gateway_replay` (gateway_replay.h: hosts `exchange` and `gateway`, the TICKS oracle,
/// its params and timeline actions; Binance only) plus host `normalizer`
/// (NormalizerHost: the REAL NormalizerService over its own SimBus and the world's SimStore)
/// consuming the gateway's ticks from stream TICKS through its durable consumer. The TICKS
/// oracle does not purge what it read here: the stream is the normalizer's input, and a purge
/// could drop messages its consumer has not acked yet.
///
/// Reference: `reference_bars` over every trade frame the exchange replays (the slice of the
/// recording), an aggregation independent of the normalizer's code. Every minute of the slice
/// is judged, the partial first and last ones too: the normalizer upserts open bars on every
/// flush (normalizer_service.h), so once every trade is consumed and flushed the stored bar of
/// a partial minute equals the reference built from the same trades. The slice replays fully
/// (max_undelivered 0): a frame lost before the gateway subscribed would be in the reference.
/// The oracle polls `ohlcv_1m` per symbol every 500 ms of virtual time, outside every host.
/// Safety: the gateway_replay rules, and a stored minute never holds more trades or volume
/// than the reference (nothing counted twice, judge_bars). Liveness: gateway_replay's, and
/// every reference minute of every symbol stored with exactly its open, high, low, close,
/// volume and trade count.
///
/// | param | meaning | default |
/// |---|---|---|
/// | (gateway_replay's) | the exchange, gateway and replay | as gateway_replay |
/// | flush_interval | the normalizer's store.flush_interval_sec | 1s |
/// | ack_wait | the normalizer consumer's AckWait | 1s |
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "sim/workload.h"
#include "sim/workloads/gateway_replay.h"
#include "sim/workloads/normalizer_replay.h"

namespace sim {

/// Per symbol, its bars by minute start (µs since the epoch).
using SymbolBars = std::map<std::string, std::map<std::int64_t, ReferenceBar>>;

/// The 1-minute bars of the Binance trades among `records` (combined-stream frames as
/// recorded, `{"stream":"btcusdt@trade","data":{"s":..,"t":..,"p":..,"q":..,"T":..}}`; frames
/// of other streams are ignored). A trade belongs to the minute of its trade time `T` (ms);
/// open and close are the first and last trade of the minute by (T, trade id), high and low
/// the extreme prices, volume the exact sum of quantities, trades the count. A trade id seen
/// before for its symbol is dropped (JetStream keeps the first message of an id).
/// kConfig naming the frame and field when a trade frame is malformed.
core::Result<SymbolBars> reference_bars(const std::vector<std::string>& records);

/// Per symbol, the last judgement of its stored bars (judge_bars); the oracle's and
/// `sim run --live`'s (sim/live/pipeline_live.h) view of the store.
class BarsTally {
 public:
  /// Keeps `j` as `symbol`'s latest; returns its violation naming the symbol, if any.
  std::optional<std::string> record(const std::string& symbol, BarsJudgement j);
  std::size_t equal() const;
  /// "N of M reference minutes equal" and the first difference stored now, if any.
  std::string summary(std::size_t minutes) const;

 private:
  std::map<std::string, std::size_t> equal_;
  std::map<std::string, std::string> difference_;
};

struct PipelineParams {
  GatewayReplayParams gateway;
  SymbolBars reference;
  std::int64_t flush_interval_us = 1'000'000;
  std::int64_t ack_wait_us = 1'000'000;
};

/// The params that are gateway_replay's (all but flush_interval and ack_wait).
std::map<std::string, std::string> gateway_params_of(
    const std::map<std::string, std::string>& params);

/// gateway_replay's params plus this workload's; kConfig naming what is wrong.
core::Result<PipelineParams> parse_pipeline_params(
    const std::map<std::string, std::string>& params);

class PipelineWorkload final : public Workload {
 public:
  explicit PipelineWorkload(PipelineParams params);
  void setup(SimWorld& world) override;
  std::optional<std::string> safety_violation() const override;
  bool converged() const override;
  std::string progress() const override;
  core::Result<std::function<void()>> action(const TimelineEntry& entry) override {
    return gateway_.action(entry);
  }

 private:
  void poll(SymbolBars::const_iterator symbol);

  GatewayReplayWorkload gateway_;
  SymbolBars reference_;
  std::int64_t flush_interval_us_;
  std::int64_t ack_wait_us_;
  std::size_t reference_minutes_ = 0;
  BarsTally tally_;
  std::optional<std::string> violation_;
  SimWorld* world_ = nullptr;
};

}  // namespace sim
