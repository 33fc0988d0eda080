/// @file sim/detail/kv_lua.h
/// @brief The Lua 5.1 side of sim::SimKv: runs a KvScript with a redis.call binding.
///
/// Mirrors Redis's scripting rules: KEYS and ARGV tables; redis.call raises on an error
/// reply, redis.pcall returns {err=...}; replies reach Lua as numbers, strings, false (nil)
/// and tables; the script's value comes back truncating numbers to integers, false to nil,
/// true to 1, {err=...} to an error and {ok=...} to a status string. Chunks are named
/// "@user_script" as in Redis 7, so error texts carry the same "user_script:LINE:" prefix.
/// Status replies reach Lua as plain strings (Redis gives {ok=...}). Single-threaded.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/ports/kv.h"

struct lua_State;

namespace sim::detail {

/// Runs one command against the store; a top-level KvError is an error reply.
using KvExecutor = std::function<core::KvReply(const std::vector<std::string>& argv)>;

class KvLua {
 public:
  explicit KvLua(KvExecutor execute);
  ~KvLua();
  KvLua(const KvLua&) = delete;
  KvLua& operator=(const KvLua&) = delete;

  /// The script's reply; an error raised or returned by the script is kRejected naming it.
  core::Result<core::KvReply> eval(const core::KvScript& script,
                                   const std::vector<std::string>& keys,
                                   const std::vector<std::string>& args);

  /// Called by the redis.call / redis.pcall binding.
  core::KvReply call(const std::vector<std::string>& argv) { return execute_(argv); }

 private:
  lua_State* lua_;
  KvExecutor execute_;
  std::map<std::string, int> compiled_;  // sha1 hex -> registry reference of the chunk
};

}  // namespace sim::detail
