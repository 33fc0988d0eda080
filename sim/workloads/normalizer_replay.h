/// @file sim/workloads/normalizer_replay.h
/// @brief The `normalizer_replay` workload: recorded Binance trades through the bus into the
/// REAL NormalizerService, bars compared with the independently computed reference bars.
///
/// Host `publisher` creates stream TICKS (core/streams.h) and replays every trade of
/// `trades` (CSV: trade_id,price,qty,trade_time_ms,is_buyer_maker,...,local_recv_ns) as Tick
/// JSON on `ticks.binance.BTCUSDT` through a JsPublisher (Nats-Msg-Id
/// `binance:BTCUSDT:trade:<id>`), at the recorded relative times divided by `speed`. Host
/// `normalizer` runs normalizer::NormalizerService over its SimBus and the world's SimStore.
/// The oracle polls the store's `ohlcv_1m` every 500 ms of virtual time (outside every host).
/// Safety: a stored reference minute never has more trades or more volume than the
/// reference (nothing counted twice). Liveness: every minute of `bars` (CSV:
/// open_time_ms,open,high,low,close,volume,quote_volume,trade_count,...) is stored with
/// exactly its open, high, low, close, volume and trade count.
///
/// | param | meaning | default |
/// |---|---|---|
/// | trades, bars | fixture paths (from the working directory) | fixtures/binance/derived/... |
/// | minutes | the reference minutes replayed and judged, `A-B` (0-based, inclusive): only the
/// trades of those minutes are published, so a scenario stays short | all |
/// | speed | replay speed factor | 1 |
/// | min_skipped | liveness also needs this many redeliveries skipped as already stored
/// (proves a crash hit the window between a write and its ack) | 0 |
/// | ack_wait | the consumer's AckWait (the reconnect hold is twice that) | 1s |
/// | flush_interval | the normalizer's store.flush_interval_sec | 1s |
/// | store_latency | the store's write latency (widens the window between write and ack) | 0us |
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.h"
#include "sim/workload.h"

namespace sim {

struct ReplayTrade {
  std::int64_t time_ms = 0;
  std::string msg_id;
  std::string json;
};

struct ReferenceBar {
  core::Decimal open, high, low, close, volume;
  std::uint64_t trades = 0;
};

struct NormalizerReplayParams {
  std::vector<ReplayTrade> trades;
  std::map<std::int64_t, ReferenceBar> reference;  // by minute start, µs
  double speed = 1;
  std::int64_t ack_wait_us = 1'000'000;
  std::int64_t flush_interval_us = 1'000'000;
  std::int64_t store_latency_us = 0;
  std::uint64_t min_skipped = 0;
};

/// Reads both fixtures; kConfig naming the file or parameter that is wrong.
core::Result<NormalizerReplayParams> parse_normalizer_replay_params(
    const std::map<std::string, std::string>& params);

/// The stored `ohlcv_1m` rows against the reference (shared by this workload's oracle and
/// `sim run --live`, sim/live/normalizer_live.h): rows of other minutes are ignored.
struct BarsJudgement {
  std::size_t equal = 0;                 // reference minutes stored exactly
  std::string first_difference;          // the first stored minute that differs, if any
  std::optional<std::string> violation;  // a minute counted twice, or an unreadable row
};
BarsJudgement judge_bars(const std::map<std::int64_t, ReferenceBar>& reference,
                         const core::QueryResult& rows);

struct NormalizerReplayOracle {
  std::size_t published = 0;
  std::size_t minutes_equal = 0;
  std::string first_difference;
  std::uint64_t redelivered_skipped = 0;  // summed over normalizer incarnations that died
  std::uint64_t skipped_live = 0;         // ... and the running one, as of the last poll
  std::optional<std::string> violation;
};

class NormalizerReplayWorkload final : public Workload {
 public:
  explicit NormalizerReplayWorkload(NormalizerReplayParams params) : params_(std::move(params)) {}
  void setup(SimWorld& world) override;
  std::optional<std::string> safety_violation() const override { return oracle_.violation; }
  bool converged() const override;
  std::string progress() const override;

 private:
  void poll();
  void judge(const core::QueryResult& rows);

  NormalizerReplayParams params_;
  NormalizerReplayOracle oracle_;
  SimWorld* world_ = nullptr;
};

}  // namespace sim
