/// @file sim/detail/sim_jetstream.h
/// @brief The JetStream part of sim::SimBusServer: streams (dedup window), durable push
/// consumers (explicit ack, AckWait redelivery, MaxAckPending, MaxDeliver) and the
/// `$JS.API` / `$JS.ACK` subjects, answering in nats-server's JSON (core/jetstream.h codecs).
///
/// State survives server restarts (file storage); deliveries in flight at a crash are lost
/// while the consumer keeps them pending, as on the real server. Loop thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/jetstream.h"
#include "core/ports/clock.h"
#include "sim/detail/dedup_window.h"

namespace sim {

class SimJetStream {
 public:
  /// What the server offers: routing a message to the subscribers of `subject` (with the
  /// message's own subject kept), interest in a subject, and whether it runs.
  struct Host {
    std::function<void(const std::string& subject, core::BusMessage msg)> route;
    std::function<bool(const std::string& subject)> has_interest;
    std::function<bool()> running;
  };

  SimJetStream(core::Clock& clock, Host host);
  ~SimJetStream();

  /// True if the message was for JetStream only (`$JS.API.*`, `$JS.ACK.*`) and is handled.
  bool handle_api(const core::BusMessage& msg);
  /// Stores a published message in every stream capturing its subject; answers `reply`.
  void capture(core::BusMessage msg);
  /// Subscriptions changed or the server started: consumers may deliver again.
  void pump_all();
  /// The server stopped: timers stop; pending deliveries stay pending.
  void on_stop();

  std::uint64_t stream_messages(const std::string& name) const;
  std::vector<std::pair<std::uint64_t, core::BusMessage>> stream_read(const std::string& name,
                                                                      std::uint64_t from_seq) const;
  /// Calls `visit` with each stored message from `from_seq` on, without copying it.
  using StoredVisitor = std::function<void(std::uint64_t seq, const std::string& subject,
                                           const core::Headers& headers, const std::string& data)>;
  void stream_visit(const std::string& name, std::uint64_t from_seq,
                    const StoredVisitor& visit) const;
  /// Drops the stream's messages below `seq`, as the purge API with `{"seq": N}` does.
  void stream_purge_below(const std::string& name, std::uint64_t seq);

 private:
  struct Stored {
    std::string subject;
    core::Headers headers;
    std::string data;
    std::int64_t ts_us = 0;
  };
  struct Stream {
    core::StreamSpec spec;
    // Sequences first_seq..last_seq, in order: appended at the back, purged from the front.
    std::deque<Stored> msgs;
    std::uint64_t first_seq = 1;
    std::uint64_t last_seq = 0;
    const Stored* find(std::uint64_t seq) const {
      return seq >= first_seq && seq <= last_seq ? &msgs[seq - first_seq] : nullptr;
    }
    detail::DedupWindow dedup;  // Nats-Msg-Id -> seq within spec.duplicate_window_us
  };
  struct Pending {
    std::int64_t deadline_us = 0;
    std::uint32_t delivery_count = 0;
  };
  struct Consumer {
    core::ConsumerSpec spec;
    std::string deliver_subject;
    std::uint64_t next_seq = 1;
    std::uint64_t dseq = 0;
    std::map<std::uint64_t, Pending> pending;
    core::TimerId timer = 0;
  };

  std::string api(const std::string& subject, const std::string& body);
  std::string stream_create(const std::string& name, const std::string& body, bool update);
  std::string consumer_create(const std::string& stream, const std::string& durable,
                              const std::string& body);
  void handle_ack(const std::string& subject, const std::string& body);
  void pump(Consumer& c);
  void send(Consumer& c, std::uint64_t seq, Pending& p);
  void arm(Consumer& c);
  std::string stream_info_json(const Stream& s) const;

  core::Clock& clock_;
  Host host_;
  std::map<std::string, Stream> streams_;
  std::map<std::pair<std::string, std::string>, Consumer> consumers_;  // (stream, durable)
};

}  // namespace sim
