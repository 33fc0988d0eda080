/// @file tests/gateway/live_stack.h
/// @brief The gateway end to end on loopback, for the live tests: a real nats-server
/// (JetStream, file store), redis-server, the `mockex` binary replaying recordings with
/// --start-on-subscribe and --admin, and `gateway` processes pointed at them; a NATS tap that
/// collects the published ticks; the ticks the recording should give (`expected_ticks`).
///
/// Every process gets a free port and a log file in the stack's temp dir and is killed by its
/// ServerProcess destructor (and by PR_SET_PDEATHSIG if the test dies). Waits poll with
/// deadlines. Tests may use wall time here: this is the harness, not service logic.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/types.h"
#include "net/asio_clock.h"
#include "net/nats_bus.h"
#include "tests/support/server_process.h"

namespace gwlive {

/// One exchange as mockex serves it and as the gateway is told to read it.
struct Venue {
  core::Exchange exchange;
  std::string name;                     // config key and subject token: "binance"
  std::vector<std::string> symbols;     // the exchange's own spelling, as configured
  std::string ws_path;                  // appended to ws://127.0.0.1:PORT
  std::vector<std::string> recordings;  // replayed together
};
Venue binance_venue();
Venue coinbase_venue();
Venue kraken_venue();

/// A tick with what legitimately differs between two runs cleared: receive times (and event
/// times that are receive times), and `seq` when `keep_seq` is false (Coinbase numbers the
/// messages of each connection anew).
core::Tick comparable(core::Tick tick, bool keep_seq = true);

/// The websocket ticks the gateway should publish for `venue`: the recordings fed in time
/// order through an in-process MockExchange (SimWorld) to a client that dials and subscribes
/// as the gateway's FeedProtocol does, its frames decoded by that protocol's codecs.
std::vector<core::Tick> expected_ticks(const Venue& venue);

/// Binance publishes REST 24 h tickers (snapshots) beside the websocket trades and books;
/// the recording comparison leaves them out.
bool from_websocket(const Venue& venue, const core::Tick& tick);

/// Subscribes to a subject through net::NatsBus (nats.c) and keeps what arrives.
class TickTap {
 public:
  TickTap(const std::string& nats_url, const std::string& subject);
  /// Runs the tap's loop until `done` or `timeout`; returns done().
  bool wait(const std::function<bool()>& done, std::chrono::milliseconds timeout);
  std::vector<core::Tick> ticks;
  std::vector<std::string> msg_ids;  // Nats-Msg-Id of each, in arrival order
  std::size_t undecodable = 0;

 private:
  net::AsioClock clock_;
  net::NatsBus bus_;
};

struct GatewayProcess {
  std::unique_ptr<testsupport::ServerProcess> process;
  std::string log_path;
  int http_port = 0;
  int metrics_port = 0;
};

class LiveStack {
 public:
  /// Starts nats-server, redis-server and mockex (`speed`: --speed value) for `venue`.
  LiveStack(Venue venue, std::string speed);
  const Venue& venue() const { return venue_; }
  std::string nats_url() const;
  std::uint16_t mockex_port() const { return mockex_port_; }
  testsupport::ServerProcess& nats() { return nats_; }
  const std::string& nats_store() const { return nats_store_; }

  /// Starts a gateway for the venue with `sets` (extra --set values) after the stack's own,
  /// and waits for its `listening` line.
  GatewayProcess& start_gateway(const std::vector<std::string>& sets = {});
  std::vector<std::unique_ptr<GatewayProcess>>& gateways() { return gateways_; }

  /// True once mockex logged that every recording finished, polling until `timeout`.
  bool wait_replay_finished(std::chrono::milliseconds timeout);
  std::string mockex_log() const;
  /// GET on mockex; "" when it does not answer.
  std::string mockex_get(const std::string& path) const;
  /// POST /admin/faults with `json`; the HTTP status (0: no answer).
  int mockex_faults(const std::string& json) const;

 private:
  Venue venue_;
  testsupport::TempDir dir_{"t26-gwlive"};
  std::uint16_t nats_port_, redis_port_, mockex_port_;
  std::string nats_store_;
  testsupport::ServerProcess nats_, redis_, mockex_;
  std::vector<std::unique_ptr<GatewayProcess>> gateways_;
};

/// The value of the Prometheus sample `sample` (name with labels), or -1 when absent. A
/// sharded gateway's series carry shard="N" as well: those are summed over the shards. A
/// bare name sums every series of that name, whatever their labels.
double metric_value(const std::string& metrics_text, const std::string& sample);
/// GET 127.0.0.1:port/path with cpp-httplib; "" when it does not answer.
std::string http_get(int port, const std::string& path);
/// The first index where the two differ, with both ticks as JSON, or "" when equal.
std::string first_difference(const std::vector<core::Tick>& got,
                             const std::vector<core::Tick>& want);

/// What a JetStream stream holds, read back in stream order through a durable push consumer.
struct StreamContents {
  std::uint64_t messages = 0;  // the stream's count (stream info)
  std::vector<core::Tick> ticks;
  std::vector<std::string> msg_ids;
};
StreamContents read_stream(const std::string& nats_url, const std::string& stream);

/// The ticks of `ticks` that came from the websocket, made comparable.
std::vector<core::Tick> websocket_ticks(const Venue& venue, const std::vector<core::Tick>& ticks,
                                        bool keep_seq);
/// `ticks` in the order the recordings define: as they are for one recording; per (symbol,
/// kind) for several, which mockex replays side by side (their relative order is timer luck).
std::vector<core::Tick> in_recording_order(const Venue& venue, std::vector<core::Tick> ticks);
/// Test (1): the gateway, started after a tap on ticks.{exchange}.>, publishes exactly the
/// recording's ticks for the configured symbols, in order, each once with a Nats-Msg-Id.
void check_ticks_equal_recording(const Venue& venue, const std::string& speed);

}  // namespace gwlive
