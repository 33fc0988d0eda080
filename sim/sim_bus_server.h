/// @file sim/sim_bus_server.h
/// @brief sim::SimBusServer: an in-process model of nats-server (core routing, queue groups,
/// JetStream) that sim::SimBus clients connect to, with crash and restart.
///
/// Routing: a message reaches every plain subscription whose subject matches (wildcards `*`
/// and `>`), and one member of each matching queue group, chosen by the server's Rng.
/// Each hop (client to server, server to client) takes `latency_us` on the clock; hops with
/// equal latency keep their order. `stop()` is a crash: connections and core subscriptions
/// are gone, anything in flight is lost, clients learn of it and reconnect every
/// `reconnect_wait_us`; JetStream state (streams, consumers, their pending acks) survives,
/// as with file storage. All of it runs on the clock's loop, so a seed fixes every choice.
/// The server must outlive its clients.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/ports/bus.h"
#include "core/ports/clock.h"
#include "core/rng.h"

namespace sim {

class SimBus;
class SimNetwork;
namespace detail {
class OrderedLink;
}
class SimJetStream;

class SimBusServer {
 public:
  SimBusServer(core::Clock& clock, core::Rng rng, std::int64_t latency_us = 50);
  ~SimBusServer();
  SimBusServer(const SimBusServer&) = delete;
  SimBusServer& operator=(const SimBusServer&) = delete;

  /// Crash: every connection drops now; the clients hear of it one hop later.
  void stop();
  void start();
  /// stop() now, start() after `down_us`.
  void restart(std::int64_t down_us);
  bool running() const { return running_; }
  std::int64_t latency_us() const { return latency_us_; }
  /// Places the server on `host` of `net`: hops then take the network's latency draws. A client
  /// whose host (its BusOptions::name) is cut off from it cannot connect, and its traffic waits
  /// while the cut lasts, in order.
  void attach(SimNetwork& net, std::string host);
  /// Drops the connections of clients cut off from the server (the ping timeout of a long
  /// partition); they reconnect once the partition heals.
  void drop_partitioned();
  /// Messages a JetStream stream holds (0 for an unknown stream).
  std::uint64_t stream_messages(const std::string& name) const;
  /// The messages stream `name` stores with sequence >= `from_seq`, by sequence (subject,
  /// headers and data; no reply): how an oracle judges what was stored. Empty if unknown.
  std::vector<std::pair<std::uint64_t, core::BusMessage>> stream_read(const std::string& name,
                                                                      std::uint64_t from_seq) const;
  /// stream_read without copies: `visit(seq, subject, headers, data)` per stored message.
  using StreamVisitor = std::function<void(std::uint64_t seq, const std::string& subject,
                                           const core::Headers& headers, const std::string& data)>;
  void stream_visit(const std::string& name, std::uint64_t from_seq,
                    const StreamVisitor& visit) const;
  /// Drops stream `name`'s messages below `seq` (JetStream's purge up to a sequence): an oracle
  /// that has judged them keeps a long replay's memory bounded.
  void stream_purge_below(const std::string& name, std::uint64_t seq);

  // For SimBus. A connection id is never reused; 0 means refused (server down).
  using ConnId = std::uint64_t;
  ConnId connect(SimBus& client);
  /// A number unique among this server's clients (their inbox names).
  std::uint64_t next_client_number() { return ++clients_; }
  void disconnect(ConnId conn);
  void add_sub(ConnId conn, core::SubscriptionId sid, const std::string& subject,
               const std::string& queue);
  void remove_sub(ConnId conn, core::SubscriptionId sid);
  /// A client publish, arriving one hop later (dropped if that connection died meanwhile).
  void send(ConnId conn, core::BusMessage msg);

 private:
  struct Conn {
    SimBus* client;
    std::string host;
    std::shared_ptr<detail::OrderedLink> up;    // client -> server
    std::shared_ptr<detail::OrderedLink> down;  // server -> client
  };
  struct Sub {
    ConnId conn;
    core::SubscriptionId sid;
    std::string subject;
    std::string queue;
  };
  void receive(core::BusMessage& msg);
  void route(const std::string& subject, const core::BusMessage& msg);
  bool has_interest(const std::string& subject) const;
  void deliver(const Sub& sub, const core::BusMessage& msg);

  core::Clock& clock_;
  core::Rng rng_;
  std::int64_t latency_us_;
  bool running_ = true;
  ConnId next_conn_ = 1;
  std::uint64_t clients_ = 0;
  bool cut_off(const std::string& client_host) const;
  std::int64_t hop_latency_us(const std::string& client_host, bool to_server);
  void lose(ConnId conn, SimBus* client);

  SimNetwork* net_ = nullptr;
  std::string host_;
  std::map<ConnId, Conn> conns_;
  std::map<ConnId, SimBus*> dropped_;  // crashed connections whose client has not heard yet
  std::map<std::pair<ConnId, core::SubscriptionId>, Sub> subs_;  // ordered: deterministic
  std::unique_ptr<SimJetStream> js_;
};

}  // namespace sim
