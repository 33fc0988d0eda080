/// @file sim/workloads/bus_stream.h
/// @brief The `bus_stream` workload: a publisher and a durable consumer through the Bus.
///
/// Host `publisher` sends `messages` numbered messages, one every `interval`, through a
/// JsPublisher (outbox, Nats-Msg-Id = the number) into stream SIMSTREAM. Host `consumer`
/// reads them with a durable JsConsumer and persists the last number it processed in Kv
/// (key `consumer:last`) before acking, so a crash loses only its in-memory count. Safety:
/// the consumer never sees a gap (a number after the last processed one other than the
/// next). Liveness: Kv says all messages were processed and the stream holds each once.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "sim/workload.h"

namespace sim {

struct BusStreamParams {
  std::uint64_t messages = 2000;
  std::int64_t interval_us = 5000;
  std::int64_t ack_wait_us = 2'000'000;
};

core::Result<BusStreamParams> parse_bus_stream_params(
    const std::map<std::string, std::string>& params);

/// What the oracle saw; kept outside the hosts.
struct BusStreamOracle {
  std::uint64_t processed = 0;       // messages the consumer processed first-time, all incarnations
  std::uint64_t duplicates = 0;      // redeliveries it recognised from its persisted state
  std::uint64_t persisted_last = 0;  // what Kv says, 1-based (0: nothing yet)
  std::uint64_t stream_messages = 0;
  std::optional<std::string> violation;
};

class BusStreamWorkload final : public Workload {
 public:
  explicit BusStreamWorkload(BusStreamParams params) : params_(params) {}
  void setup(SimWorld& world) override;
  std::optional<std::string> safety_violation() const override { return oracle_.violation; }
  bool converged() const override;
  std::string progress() const override;
  const BusStreamOracle& oracle() const { return oracle_; }

 private:
  BusStreamParams params_;
  BusStreamOracle oracle_;
  SimWorld* world_ = nullptr;
};

}  // namespace sim
