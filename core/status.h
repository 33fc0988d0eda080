/// @file core/status.h
/// @brief Errors as values: `Status` (code, message, in_doubt) and `Result<T>`.
///
/// Every call that crosses a port returns one of these. Adapters turn library errors and
/// exceptions into a Status at their boundary, copying the library's text at once. `in_doubt`
/// means the request may have reached the other side although the call failed (a timed-out
/// order submit, an ILP write whose response was lost): retry only with a dedup key.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace core {

/// Append-only: the numbers are part of logs and traces.
enum class Errc : int {
  kOk = 0,
  kInvalidArgument = 1,  // the caller's input is malformed (names the field)
  kNotFound = 2,
  kAlreadyExists = 3,
  kUnavailable = 4,        // peer down or disconnected; retrying later may work
  kTimeout = 5,            // no answer within the deadline (often in_doubt)
  kResourceExhausted = 6,  // buffer full, rate limited
  kRejected = 7,           // a policy or the peer refused the request (not retryable)
  kProtocol = 8,           // the peer sent something we cannot understand
  kConfig = 9,             // configuration invalid (names the key path)
  kIo = 10,                // local I/O failed (files, sockets)
  kCancelled = 11,
  kInternal = 12,  // a bug on our side
};

const char* errc_name(Errc code);

struct [[nodiscard]] Status {
  Errc code = Errc::kOk;
  std::string message;
  bool in_doubt = false;

  static Status ok() { return {}; }
  bool is_ok() const { return code == Errc::kOk; }
  explicit operator bool() const { return is_ok(); }
  /// "kTimeout: no PubAck within 2000 ms (in doubt)"
  std::string to_string() const;
};

template <typename... Args>
Status make_error(Errc code, fmt::format_string<Args...> f, Args&&... args) {
  return Status{code, fmt::format(f, std::forward<Args>(args)...), false};
}

template <typename... Args>
Status make_in_doubt(Errc code, fmt::format_string<Args...> f, Args&&... args) {
  return Status{code, fmt::format(f, std::forward<Args>(args)...), true};
}

/// A value or the Status that explains its absence. Construct from T or from a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).is_ok() && "Result built from an ok Status has no value");
  }

  bool is_ok() const { return v_.index() == 0; }
  explicit operator bool() const { return is_ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  /// The error; Status::ok() when there is a value.
  Status status() const { return is_ok() ? Status::ok() : std::get<1>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace core

template <>
struct fmt::formatter<core::Status> : fmt::formatter<std::string> {
  auto format(const core::Status& s, fmt::format_context& ctx) const {
    return fmt::formatter<std::string>::format(s.to_string(), ctx);
  }
};
