/// @file core/secrets/secret.h
/// @brief core::Secret: a credential that cannot be printed, only used.
///
/// Formatting a Secret (fmt, spdlog, core::log fields) gives `Secret(fp=ab12cd34)`: the first
/// 8 hex digits of the value's SHA-256, enough to tell two keys apart in a log and useless to
/// an attacker. There is no operator<< and no implicit conversion; `expose()` hands the value
/// to the one place that needs it (request signing). The value is wiped on destruction.
/// Immutable after construction, so safe to share between threads.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace core {

class Secret {
 public:
  explicit Secret(std::string value);
  Secret(const Secret&) = default;
  Secret& operator=(const Secret&) = default;
  Secret(Secret&&) noexcept = default;
  Secret& operator=(Secret&&) noexcept = default;
  ~Secret();

  /// The value itself: pass it to a signer, never to a log or an error message.
  const std::string& expose() const { return value_; }
  /// 8 lowercase hex digits of SHA-256(value).
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  std::string value_;
  std::string fingerprint_;
};

/// Deliberately absent: streaming a Secret does not compile.
std::ostream& operator<<(std::ostream& out, const Secret& secret) = delete;

}  // namespace core

template <>
struct fmt::formatter<core::Secret> : fmt::formatter<std::string_view> {
  auto format(const core::Secret& s, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "Secret(fp={})", s.fingerprint());
  }
};
