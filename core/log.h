/// @file core/log.h
/// @brief Structured logging on spdlog: a message plus key=value fields, plain or JSON lines.
///
/// `init(format, level)` once in main (format "plain" or "json", level from service.log_level,
/// which env LOG_LEVEL and --log-level override). Every Logger shares one stderr sink.
///   plain: 2026-11-25T08:23:07.123456Z info gateway: started workers=2 nats="nats://nats:4222"
///   json:  {"ts":"2026-11-25T08:23:07.123456Z","level":"info","logger":"gateway",
///           "msg":"started","workers":2,"nats":"nats://nats:4222"}   (one line)
/// Field values are formatted with fmt, so a core::Secret shows as `Secret(fp=ab12cd34)` and
/// nothing else. Numbers and bools stay unquoted in JSON. Loggers are cheap handles, safe to use
/// from any thread; the timestamp is the wall clock at the sink (logs are not part of the trace).
#pragma once

#include <cmath>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

#include "core/status.h"

namespace spdlog {
class logger;
}

namespace core::log {

enum class Format { kPlain, kJson };
enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kCritical, kOff };

/// "plain" or "json".
Result<Format> parse_format(std::string_view text);
/// TRACE, DEBUG, INFO, WARN or WARNING, ERROR, CRITICAL, OFF, in any case.
Result<Level> parse_level(std::string_view text);
/// Sets format and level for every logger, existing and future. kInvalidArgument on a bad name.
Status init(std::string_view format, std::string_view level);

/// One key=value pair of a log line. Lives only for the call that logs it.
class Field {
 public:
  template <typename T>
  Field(std::string_view key, const T& value) : key_(key) {
    if constexpr (std::is_same_v<T, bool>) {
      value_ = value ? "true" : "false";
      bare_ = true;
    } else if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, char>) {
      value_ = fmt::format("{}", value);
      if constexpr (std::is_floating_point_v<T>) {
        bare_ = std::isfinite(value);
      } else {
        bare_ = true;
      }
    } else {
      value_ = fmt::format("{}", value);
    }
  }

  std::string_view key() const { return key_; }
  const std::string& value() const { return value_; }
  /// A number or bool: written without quotes in JSON.
  bool bare() const { return bare_; }

 private:
  std::string_view key_;
  std::string value_;
  bool bare_ = false;
};

using Fields = std::initializer_list<Field>;

class Logger {
 public:
  /// `name` appears as the logger of every line ("gateway", "gateway.binance").
  explicit Logger(std::string_view name);

  bool enabled(Level level) const;
  void log(Level level, std::string_view msg, Fields fields = {}) const;
  void trace(std::string_view msg, Fields fields = {}) const { log(Level::kTrace, msg, fields); }
  void debug(std::string_view msg, Fields fields = {}) const { log(Level::kDebug, msg, fields); }
  void info(std::string_view msg, Fields fields = {}) const { log(Level::kInfo, msg, fields); }
  void warn(std::string_view msg, Fields fields = {}) const { log(Level::kWarn, msg, fields); }
  void error(std::string_view msg, Fields fields = {}) const { log(Level::kError, msg, fields); }

 private:
  std::shared_ptr<spdlog::logger> impl_;
};

}  // namespace core::log
