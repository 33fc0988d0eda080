/// @file sim/sim_kv.h
/// @brief sim::SimKv: core::Kv in memory, on virtual time, with fault knobs.
///
/// Keys expire on the Clock's time (checked on access), so a TTL test runs in virtual time.
/// `eval` runs the very Lua source net::HiredisKv sends to Redis (liblua5.1, see
/// sim/detail/kv_lua.h), atomically because everything here runs on the one loop thread.
/// Commands: GET SET(EX PX NX XX) DEL EXISTS INCR DECR INCRBY DECRBY EXPIRE PEXPIRE TTL PTTL
/// HGET HSET HDEL HEXISTS HINCRBY HGETALL; error texts as Redis writes them.
/// A command reaches the store `latency_us` after it is issued and its reply is delivered
/// at once; with the server down it fails with kUnavailable. Single-threaded.
#pragma once

#include <cstdint>
#include <memory>

#include "core/ports/clock.h"
#include "core/ports/kv.h"

namespace sim {

class SimKv final : public core::Kv {
 public:
  explicit SimKv(core::Clock& clock, core::KvOptions options = {});
  ~SimKv() override;
  SimKv(const SimKv&) = delete;
  SimKv& operator=(const SimKv&) = delete;

  void command(std::vector<std::string> argv, core::KvReplyCallback on_reply) override;
  void eval(const core::KvScript& script, std::vector<std::string> keys,
            std::vector<std::string> args, core::KvReplyCallback on_reply) override;

  // Knobs.
  /// One-way delay before a command reaches the store (>= 0).
  void set_latency_us(std::int64_t latency_us);
  /// false: the server is down; commands in flight and new ones fail with kUnavailable.
  /// Data survives (as a Redis restart with persistence would keep it).
  void set_available(bool available);
  /// The next `count` commands run but their replies are lost: kTimeout (in doubt) after
  /// the command timeout.
  void lose_replies(int count);
  /// Number of live keys (expired ones are not counted).
  std::size_t size() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared with scheduled callbacks through weak_ptr
};

}  // namespace sim
