/// @file sim/workloads/gateway_replay.h
/// @brief The `gateway_replay` workload: the REAL gateway::GatewayService against the REAL
/// mock exchange (sim::mockex::MockExchange), fed a Binance, Coinbase or Kraken recording in
/// virtual time, judged on what the world's JetStream stream TICKS stores.
///
/// `exchange: coinbase|kraken` enables only that venue in the gateway (websocket at
/// `/coinbase`, `/kraken/v2`) and feeds the venue's recorded frames (`recording`: a
/// comma-separated list, merged by time); the reference and what is judged there (trades
/// only) are in venue_replay.h. A venue frame counts as delivered when the venue feed sent it
/// to a session; the replay starts once the gateway made its subscriptions. No `loop_to`.
///
/// Host `exchange` runs MockExchange on port 8080 and, once every websocket stream the gateway
/// needs has a subscriber, feeds it the recording's `binance.ws` frames of `symbols` at their
/// recorded relative times divided by `speed`. Hosts `gateway` (or `gateway-1`..`gateway-N`
/// with `instances: N`, sharing their exchange budget through SimKv) run GatewayService over
/// their own SimBus, SimKv handle, SimHttpClient and SimWsClient, dialling `exchange`.
///
/// The reference is the recording run through gateway::binance::BinanceCodec directly: each
/// frame's ticks, named by TickPublisher::msg_id. A frame counts as delivered when the hub had
/// a subscriber for its stream as it was fed (a frame fed while the websocket is down cannot
/// reach the gateway; `max_undelivered` bounds how many may be, 0 by default). The oracle reads
/// the stream every 200 ms of virtual time, outside every host.
/// Safety: per subject, trade and book ticks (REST `ticker` snapshots are not judged) arrive in
/// recording order, none twice, none skipped that was delivered; the exchange never answered
/// 418, nor 429 beyond those a rest_throttle fault forced and `max_exchange_429`. Liveness: the
/// replay ended, every delivered tick is stored, and the exchange answered 200 at least
/// `min_rest_ok` times.
///
/// The exchange counts weight per client IP: with `same_ip` (default) every gateway host
/// reaches it from one address (MockexConfig::nat), as instances behind one egress do.
///
/// Timeline actions (besides the world's): `ws_drop` (MockExchange::drop_streams),
/// `rest_throttle: {count: N, retry_after: 2s}` (the next N REST calls get 429),
/// `exchange_latency: {add: 800ms}, for: 5s` (REST answers delayed), `rest_errors: {count: N,
/// code: 503}` (the next N REST calls get that 5xx), `api_burst` (the gateways' HTTP API,
/// judged by `expect:` entries: gateway_api_probe.h, also for the api_* params).
///
/// | param | meaning | default |
/// |---|---|---|
/// | exchange | binance, coinbase or kraken | binance |
/// | recording | recording(s) (from the working directory) | fixtures/<exchange>/.. |
/// | symbols | comma-separated, as configured in the gateway | BTCUSDT; BTC-USD,ETH-USD;
/// XMRUSD,SCEUR | | from, duration | the slice of the recording replayed (durations into it) | 0s,
/// all | | loop_to | replay the slice looped until this much recording time (replay_loop.h says how
/// ids and times are shifted; divided by speed like every offset), e.g. 24h | 0: play once | |
/// speed | replay speed factor | 1 | | instances | gateway hosts | 1 | | buffer_size,
/// max_ticks_per_sec | the gateway's performance.* | 5000, 10000 | | poll_interval |
/// exchanges.binance.poll_interval_sec | 60s | | websocket | exchanges.binance.websocket_enabled |
/// true | | rate_limit_per_min | exchanges.binance.rate_limit_per_min | 1200 | |
/// exchange_weight_per_min | the exchange's weight limit per IP | 6000 | | same_ip | every gateway
/// host reaches the exchange from one IP | true | | stagger | gateway-N starts its service (N-1) x
/// stagger after the world starts | 0s | | max_undelivered | frames that may be fed while no
/// gateway listens | 0 | | max_exchange_429 | 429s the exchange may answer besides forced ones | 0
/// | | min_rest_ok | 200 answers of the exchange needed to converge | 0 |
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.h"
#include "sim/workload.h"
#include "sim/workloads/gateway_api_probe.h"
#include "sim/workloads/replay_loop.h"

namespace sim {

struct GatewayReplayParams {
  core::Exchange exchange = core::Exchange::kBinance;
  std::string recording;  // comma-separated for Coinbase and Kraken
  std::vector<std::string> symbols;
  ReplayLoop replay;  // the frames fed and the judged ticks, in recording order
  std::string exchange_info_json;
  double speed = 1;
  int instances = 1;
  int buffer_size = 5000;
  int max_ticks_per_sec = 10000;
  double poll_interval_sec = 60;
  std::uint64_t max_undelivered = 0;
  bool websocket = true;
  int rate_limit_per_min = 1200;
  std::int64_t exchange_weight_per_min = 6000;
  std::uint64_t min_rest_ok = 0;
  std::uint64_t max_exchange_429 = 0;
  bool same_ip = true;
  std::int64_t stagger_us = 0;
  std::size_t venue_subscriptions = 0;  // Coinbase, Kraken: subscriptions of one connection
  GatewayApiParams api;                 // the gateways' own HTTP API (gateway_api_probe.h)
  bool purge_read = true;  // purge TICKS below what the oracle read (false: others consume it)
};

/// Reads and decodes the recording; kConfig naming the file or parameter that is wrong.
core::Result<GatewayReplayParams> parse_gateway_replay_params(
    const std::map<std::string, std::string>& params);

/// For a tick the stored ones passed over (its index, the msg id stored after it): the
/// violation it makes, or nothing when it may be missing.
using SkippedTick =
    std::function<std::optional<std::string>(std::size_t tick, std::string_view next_id)>;

/// Judges one TICKS message (`id`: its Nats-Msg-Id) against `replay`; shared by this workload's
/// oracle and `sim run --live` (sim/live/gateway_live.h). Only trade and book ticks are judged
/// (false, nothing judged, for the rest): per subject each comes after the last one stored in
/// recording order (`next_index`), never twice, and every tick passed over is asked to
/// `skipped`. True for a tick counted; a broken rule sets `violation` and returns false.
bool judge_stored_tick(const ReplayLoop& replay, std::map<std::string, std::size_t>& next_index,
                       const std::string& subject, std::string_view id, const SkippedTick& skipped,
                       std::optional<std::string>& violation);

struct GatewayReplayOracle {
  std::size_t fed = 0;            // frames fed so far (survives an exchange crash)
  std::uint64_t undelivered = 0;  // frames fed while nobody subscribed
  std::vector<bool> delivered;    // by tick index (ReplayLoop)
  std::size_t expected = 0;       // delivered ticks
  std::size_t stored = 0;         // judged ticks read from the stream
  std::uint64_t rest_ok = 0;      // 200 answers of the exchange, as of the last poll
  std::uint64_t next_seq = 1;     // next stream sequence to read
  std::map<std::string, std::size_t> next_index;  // per subject: the next index allowed
  std::optional<std::string> violation;
};

class GatewayReplayWorkload final : public Workload {
 public:
  explicit GatewayReplayWorkload(GatewayReplayParams params);
  void setup(SimWorld& world) override;
  std::optional<std::string> safety_violation() const override;
  bool converged() const override;
  std::string progress() const override;
  core::Result<std::function<void()>> action(const TimelineEntry& entry) override;
  core::Status expect(const Expectation& expectation) override { return api_.expect(expectation); }
  std::vector<std::string> report() const override { return api_.report(); }

 private:
  void poll();
  void judge(const std::string& subject, std::string_view msg_id);
  void check_exchange();

  GatewayReplayParams params_;
  GatewayReplayOracle oracle_;
  GatewayApiProbe api_;
  SimWorld* world_ = nullptr;
};

}  // namespace sim
