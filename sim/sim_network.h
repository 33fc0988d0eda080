/// @file sim/sim_network.h
/// @brief sim::SimNetwork: byte streams between simulated hosts, with the faults of a real one.
///
/// Every connection the simulated services make (HTTP, WebSocket, NATS, Redis) is a stream
/// here: ordered, reliable while it lives, delivered after a per-link latency drawn from a
/// long-tailed distribution (FoundationDB's pFast: most sends are fast, a few are very slow).
/// Faults: loss (a lost segment arrives one retransmission timeout late, and everything behind
/// it waits, as with TCP), partial writes (one send arrives as several fragments), resets,
/// partitions (data waits while a link is cut, as TCP retransmits do; a cut longer than
/// `partition_reset_us` resets the connection), and host crashes (every connection of the host is
/// reset). Everything runs on the SimClock loop; randomness comes from the Rng given at
/// construction.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "core/rng.h"
#include "core/status.h"
#include "sim/sim_clock.h"

namespace sim {

using ConnId = std::uint64_t;

/// Per directed link. Latency: `latency_us_min + exp(latency_us_mean)`, except with
/// probability `tail_ratio`, when it is drawn up to `tail_us_max`.
struct LinkProfile {
  std::int64_t latency_us_min = 50;
  std::int64_t latency_us_mean = 150;
  double tail_ratio = 0.001;
  std::int64_t tail_us_max = 20'000;
  double loss_ratio = 0.0;           // chance a segment is lost once: TCP resends it after an RTO
  double partial_write_ratio = 0.0;  // chance a send is split into fragments
  double reset_ratio = 0.0;          // chance a send resets the connection instead
};

struct StreamHandlers {
  std::function<void(std::string_view bytes)> on_data;
  /// Called once when the stream ends: ok for an orderly close by the peer, kUnavailable for
  /// a reset (peer crash, injected reset, long partition).
  std::function<void(const core::Status&)> on_close;
};

class SimNetwork final {
 public:
  SimNetwork(SimClock& clock, core::Rng rng);

  void set_default_profile(const LinkProfile& profile) { default_profile_ = profile; }
  /// Profile for traffic from `from` to `to` (one direction).
  void set_link(const std::string& from, const std::string& to, const LinkProfile& profile);
  void set_partition_reset_us(std::int64_t us) { partition_reset_us_ = us; }
  std::int64_t partition_reset_us() const { return partition_reset_us_; }
  void set_connect_timeout_us(std::int64_t us) { connect_timeout_us_ = us; }

  /// `on_accept` must set the handlers of the new connection before it returns.
  core::Status listen(const std::string& host, std::uint16_t port,
                      std::function<void(ConnId conn, const std::string& peer_host)> on_accept);
  void unlisten(const std::string& host, std::uint16_t port);
  /// kUnavailable after one round trip when nobody listens; kTimeout when the hosts are
  /// partitioned for longer than the connect timeout.
  void connect(const std::string& from, const std::string& to, std::uint16_t port,
               std::function<void(core::Result<ConnId>)> done);
  void set_handlers(ConnId conn, StreamHandlers handlers);
  /// kUnavailable when the connection is gone. Delivery is asynchronous and in order.
  core::Status send(ConnId conn, std::string bytes);
  /// Orderly close: the peer's on_close gets ok after the bytes already sent.
  void close(ConnId conn);
  /// Hard reset of one connection: both ends see kUnavailable (this end synchronously none).
  void reset(ConnId conn);

  void partition(const std::string& a, const std::string& b);
  void heal(const std::string& a, const std::string& b);
  void heal_all();
  bool partitioned(const std::string& a, const std::string& b) const;
  /// A host crashed: its listeners vanish and its connections reset.
  void crash_host(const std::string& host);

  /// One latency draw for a hop from `from` to `to`.
  std::int64_t draw_latency_us(const std::string& from, const std::string& to);
  /// Latency plus a retransmission timeout when the segment is lost: how long a segment
  /// takes to arrive (for adapters that model their own connections, like SimBusServer).
  std::int64_t draw_delivery_us(const std::string& from, const std::string& to);

  std::size_t open_connections() const { return conns_.size(); }
  std::uint64_t bytes_delivered() const { return bytes_delivered_; }

 private:
  struct Chunk {
    std::int64_t due_us;
    std::string bytes;
    bool is_close;
  };
  struct Endpoint {
    std::string host;
    ConnId peer = 0;
    StreamHandlers handlers;
    bool has_handlers = false;
    std::string unread;         // bytes that arrived before handlers were set
    std::deque<Chunk> inbound;  // in flight towards this end, in send order
  };

  const LinkProfile& profile(const std::string& from, const std::string& to) const;
  void enqueue(const std::string& from, ConnId to, std::string bytes, bool is_close);
  void flush_unread(ConnId conn);
  void pump(ConnId to);
  void hand_over(ConnId to, Endpoint& end, Chunk chunk);
  void drop(ConnId conn, const core::Status& why);
  static std::pair<std::string, std::string> pair_key(const std::string& a, const std::string& b);

  static constexpr std::int64_t kRetransmitUs = 200'000;

  SimClock& clock_;
  core::Rng rng_;
  LinkProfile default_profile_;
  std::map<std::pair<std::string, std::string>, LinkProfile> links_;
  std::map<std::pair<std::string, std::uint16_t>, std::function<void(ConnId, const std::string&)>>
      listeners_;
  std::map<ConnId, Endpoint> conns_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> partitions_;  // -> epoch
  std::uint64_t partition_epoch_ = 0;
  std::int64_t partition_reset_us_ = 10'000'000;
  std::int64_t connect_timeout_us_ = 3'000'000;
  ConnId next_conn_ = 1;
  std::uint64_t bytes_delivered_ = 0;
};

}  // namespace sim
