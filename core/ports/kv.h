/// @file core/ports/kv.h
/// @brief core::Kv: a Valkey/Redis key-value store with atomic Lua scripts.
///
/// Implemented by net::HiredisKv (hiredis on the Asio loop) and sim::SimKv (in memory, the
/// same Lua scripts run by liblua5.1). Used for the gateway's shared rate limit and the live
/// gateway's position reservations. Conventions for every method:
/// - every callback runs on the Clock loop the adapter was built with, exactly once, never
///   inside the call that issued the command; call the methods on that loop's thread;
/// - times are milliseconds (`ttl_ms`); keys and values are binary-safe strings;
/// - errors: kUnavailable when the server is down or the connection dropped (in_doubt when
///   the command may already have been sent; the gateway then falls back to a local limiter),
///   kTimeout (in_doubt) when no reply came within `KvOptions::command_timeout_ms`,
///   kRejected when the server answered with an error reply (its text is in the message),
///   kProtocol when a reply has an unexpected type, kConfig for a malformed url.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace core {

struct KvNil {
  bool operator==(const KvNil&) const = default;
};

/// An error element inside an array reply (a top-level error reply becomes a Status).
struct KvError {
  std::string message;
  bool operator==(const KvError&) const = default;
};

/// A Redis reply. Status replies ("OK") arrive as strings.
struct KvReply {
  std::variant<KvNil, std::int64_t, std::string, std::vector<KvReply>, KvError> value;

  bool is_nil() const { return std::holds_alternative<KvNil>(value); }
  const std::int64_t* integer() const { return std::get_if<std::int64_t>(&value); }
  const std::string* string() const { return std::get_if<std::string>(&value); }
  const std::vector<KvReply>* array() const { return std::get_if<std::vector<KvReply>>(&value); }
  bool operator==(const KvReply&) const = default;
};

/// A Lua script with a stable name (used in error messages) and the SHA1 hex of its source
/// (EVALSHA first, EVAL on NOSCRIPT). Scripts must take every key through KEYS and must not
/// read the server's time: pass now_ms in ARGV so both worlds compute the same answer.
class KvScript {
 public:
  KvScript(std::string name, std::string source);
  const std::string& name() const { return name_; }
  const std::string& source() const { return source_; }
  const std::string& sha1_hex() const { return sha1_hex_; }

 private:
  std::string name_;
  std::string source_;
  std::string sha1_hex_;
};

struct KvOptions {
  /// redis://host:port[/db]
  std::string url = "redis://127.0.0.1:6379";
  std::int64_t command_timeout_ms = 2000;
  std::int64_t reconnect_backoff_ms_min = 50;
  std::int64_t reconnect_backoff_ms_max = 2000;
  /// Connections the adapter may open (net::HiredisKv; sim::SimKv has no connections).
  int max_connections = 1;
};

using KvReplyCallback = std::function<void(Result<KvReply>)>;

class Kv {
 public:
  virtual ~Kv() = default;

  /// Any command, argv as Redis takes it ({"HINCRBY", key, field, "3"}).
  virtual void command(std::vector<std::string> argv, KvReplyCallback on_reply) = 0;
  /// Runs `script` atomically. An error raised by the script, or an error reply it returns,
  /// becomes kRejected with a message naming the script.
  virtual void eval(const KvScript& script, std::vector<std::string> keys,
                    std::vector<std::string> args, KvReplyCallback on_reply) = 0;

  // Typed shorthands over `command`, same errors.
  /// nullopt when the key does not exist (or has expired).
  void get(std::string_view key, std::function<void(Result<std::optional<std::string>>)> done);
  /// `ttl_ms` 0 keeps the key until deleted.
  void set(std::string_view key, std::string_view value, std::int64_t ttl_ms,
           std::function<void(Status)> done);
  /// The number of keys removed (0 or 1).
  void del(std::string_view key, std::function<void(Result<std::int64_t>)> done);
  /// The value after adding `delta`; a missing key counts as 0.
  void incrby(std::string_view key, std::int64_t delta,
              std::function<void(Result<std::int64_t>)> done);
  /// True if the key existed and now expires in `ttl_ms`.
  void pexpire(std::string_view key, std::int64_t ttl_ms, std::function<void(Result<bool>)> done);
};

}  // namespace core
