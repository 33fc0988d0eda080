#include "core/log.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <mutex>

#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace core::log {
namespace {

// The fields of the line being logged on this thread. Sinks are synchronous, so the formatter
// runs inside Logger::log on the same thread and sees them; lines logged through spdlog
// directly simply have none.
thread_local const Fields* tl_fields = nullptr;

void append_json_string(std::string_view s, spdlog::memory_buf_t& out) {
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out.append(std::string_view("\\\""));
        break;
      case '\\':
        out.append(std::string_view("\\\\"));
        break;
      case '\n':
        out.append(std::string_view("\\n"));
        break;
      case '\r':
        out.append(std::string_view("\\r"));
        break;
      case '\t':
        out.append(std::string_view("\\t"));
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<int>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

bool needs_quotes(std::string_view s) {
  return s.empty() || std::any_of(s.begin(), s.end(), [](char c) {
           return c == '"' || c == '=' || std::isspace(static_cast<unsigned char>(c));
         });
}

void append_timestamp(const spdlog::log_clock::time_point& t, spdlog::memory_buf_t& out) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 us % 1000000);
}

class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(Format format) : format_(format) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string_view level(spdlog::level::to_string_view(msg.level).data(),
                           spdlog::level::to_string_view(msg.level).size());
    std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
    std::string_view text(msg.payload.data(), msg.payload.size());
    if (format_ == Format::kJson) {
      dest.append(std::string_view("{\"ts\":\""));
      append_timestamp(msg.time, dest);
      fmt::format_to(std::back_inserter(dest), "\",\"level\":\"{}\",\"logger\":", level);
      append_json_string(logger, dest);
      dest.append(std::string_view(",\"msg\":"));
      append_json_string(text, dest);
      for (const Field& f : fields()) {
        dest.push_back(',');
        append_json_string(f.key(), dest);
        dest.push_back(':');
        if (f.bare()) {
          dest.append(f.value());
        } else {
          append_json_string(f.value(), dest);
        }
      }
      dest.append(std::string_view("}\n"));
      return;
    }
    append_timestamp(msg.time, dest);
    fmt::format_to(std::back_inserter(dest), " {} {}: {}", level, logger, text);
    for (const Field& f : fields()) {
      fmt::format_to(std::back_inserter(dest), " {}=", f.key());
      if (needs_quotes(f.value())) {
        append_json_string(f.value(), dest);
      } else {
        dest.append(f.value());
      }
    }
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>(format_);
  }

 private:
  static Fields fields() { return tl_fields != nullptr ? *tl_fields : Fields{}; }
  Format format_;
};

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::kTrace:
      return spdlog::level::trace;
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
    case Level::kCritical:
      return spdlog::level::critical;
    case Level::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

/// The one sink and the current level, shared by every Logger.
struct Shared {
  std::mutex mu;
  std::shared_ptr<spdlog::sinks::stderr_sink_mt> sink;
  spdlog::level::level_enum level = spdlog::level::info;

  Shared() : sink(std::make_shared<spdlog::sinks::stderr_sink_mt>()) {
    sink->set_formatter(std::make_unique<LineFormatter>(Format::kPlain));
  }
};

Shared& shared() {
  static Shared instance;
  return instance;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == y;
         });
}

}  // namespace

Result<Format> parse_format(std::string_view text) {
  if (text == "plain") return Format::kPlain;
  if (text == "json") return Format::kJson;
  return make_error(Errc::kInvalidArgument, "log format must be plain or json, got '{}'", text);
}

Result<Level> parse_level(std::string_view text) {
  static constexpr std::pair<std::string_view, Level> kNames[] = {
      {"trace", Level::kTrace},       {"debug", Level::kDebug},  {"info", Level::kInfo},
      {"warn", Level::kWarn},         {"warning", Level::kWarn}, {"error", Level::kError},
      {"critical", Level::kCritical}, {"off", Level::kOff}};
  for (const auto& [name, level] : kNames) {
    if (iequals(text, name)) return level;
  }
  return make_error(Errc::kInvalidArgument,
                    "log level must be one of TRACE DEBUG INFO WARN ERROR CRITICAL OFF, got '{}'",
                    text);
}

Status init(std::string_view format, std::string_view level) {
  Result<Format> f = parse_format(format);
  if (!f) return f.status();
  Result<Level> l = parse_level(level);
  if (!l) return l.status();
  Shared& s = shared();
  std::lock_guard lock(s.mu);
  s.level = to_spdlog(*l);
  s.sink->set_formatter(std::make_unique<LineFormatter>(*f));
  spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& lg) { lg->set_level(s.level); });
  return Status::ok();
}

Logger::Logger(std::string_view name) {
  Shared& s = shared();
  std::lock_guard lock(s.mu);
  impl_ = spdlog::get(std::string(name));
  if (impl_ == nullptr) {
    impl_ = std::make_shared<spdlog::logger>(std::string(name), s.sink);
    impl_->set_level(s.level);
    spdlog::register_logger(impl_);
  }
}

bool Logger::enabled(Level level) const {
  return impl_->should_log(to_spdlog(level));
}

void Logger::log(Level level, std::string_view msg, Fields fields) const {
  if (!enabled(level)) return;
  const Fields* outer = tl_fields;
  tl_fields = &fields;
  impl_->log(to_spdlog(level), msg);
  tl_fields = outer;
}

}  // namespace core::log
