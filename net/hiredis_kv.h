/// @file net/hiredis_kv.h
/// @brief net::HiredisKv: core::Kv over hiredis's async API on the AsioClock loop.
///
/// hiredis's event hooks are mapped onto a stream_descriptor on AsioClock::io_context(), so
/// there is no extra thread: replies are converted on the loop and handed to callbacks
/// through Clock::post, never from inside hiredis. The connection is made at construction
/// and remade with exponential backoff (KvOptions::reconnect_backoff_ms_*) whenever the
/// server goes away; while it is down commands fail at once with kUnavailable, and commands
/// in flight when it drops fail with kUnavailable (in doubt). `eval` sends EVALSHA and falls
/// back to EVAL when the server answers NOSCRIPT. Call everything on the loop's thread.
///
/// A pool of up to KvOptions::max_connections (`valkey.max_connections`) connections, all on
/// this loop: one is opened at construction; each command goes to the connected one with the
/// fewest commands in flight, and when every one has some in flight another is opened (up to
/// the cap), taking commands once it is up. Redis runs commands one at a time, so the pool
/// buys no throughput over one pipelined connection; it keeps a slow or blocking command
/// (a long script, BLPOP) from holding up every command behind it. Each connection reconnects
/// on its own; commands fail with kUnavailable only while none is up or coming up. Commands
/// on different connections may run in any order; order-sensitive callers wait for a reply.
/// max_connections < 1 makes every command fail with kConfig.
#pragma once

#include <cstddef>
#include <memory>

#include "core/ports/kv.h"
#include "net/asio_clock.h"

namespace net {

class HiredisKv final : public core::Kv {
 public:
  HiredisKv(AsioClock& clock, core::KvOptions options);
  /// Drops pending callbacks (they are not called) and closes the connection.
  ~HiredisKv() override;
  HiredisKv(const HiredisKv&) = delete;
  HiredisKv& operator=(const HiredisKv&) = delete;

  void command(std::vector<std::string> argv, core::KvReplyCallback on_reply) override;
  void eval(const core::KvScript& script, std::vector<std::string> keys,
            std::vector<std::string> args, core::KvReplyCallback on_reply) override;

  /// True while at least one connection to the server is established.
  bool connected() const;
  /// Connections established now (<= max_connections).
  std::size_t connections() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared with Asio handlers through weak_ptr
};

}  // namespace net
