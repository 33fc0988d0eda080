/// @file core/codec/json_reader.h
/// @brief Internal to core/codec: reads one flat JSON object field by field with simdjson
/// On-Demand, turning every failure into kInvalidArgument naming `<message>.<field>`.
///
/// Not a public API (it exposes simdjson); include it only from core/codec/*.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "core/decimal.h"
#include "core/status.h"

namespace core::codec::detail {

enum class Sign { kAny, kNonNegative, kPositive };

/// One field's value. Getters fill `out` or return an error quoting the raw JSON token.
class FieldReader {
 public:
  FieldReader(std::string_view message, std::string_view key, simdjson::ondemand::value& value);

  bool is_null();
  Status str(std::string& out);
  Status opt_str(std::optional<std::string>& out);
  /// An id sent as a string or a non-negative integer, kept as its text.
  Status opt_id(std::optional<std::string>& out);
  /// A decimal given as a JSON number or a string; exact digits.
  Status dec(Decimal& out, Sign sign);
  Status opt_dec(std::optional<Decimal>& out, Sign sign);
  Status i64(std::int64_t& out);
  Status opt_u64(std::optional<std::uint64_t>& out);
  Status u64(std::uint64_t& out);
  Status boolean(bool& out);
  /// A string that `parse` maps to an enum value; `expected` lists the names ("buy|sell").
  template <typename E>
  Status enumeration(E& out, std::optional<E> (*parse)(std::string_view),
                     std::string_view expected) {
    std::string_view text;
    std::optional<E> v;
    if (value_.get_string().get(text) || !(v = parse(text))) {
      return fail(fmt::format("one of {}", expected));
    }
    out = *v;
    return Status::ok();
  }
  template <typename E>
  Status opt_enumeration(std::optional<E>& out, std::optional<E> (*parse)(std::string_view),
                         std::string_view expected) {
    if (is_null()) return out.reset(), Status::ok();
    E v{};
    Status s = enumeration(v, parse, expected);
    if (s) out = v;
    return s;
  }
  /// "order.quantity: expected <expected>, got <raw token>".
  Status fail(std::string_view expected) const;

 private:
  std::string_view message_;
  std::string_view key_;
  simdjson::ondemand::value& value_;
  std::string_view raw_;  // the token as sent, trimmed, for messages
};

using FieldHandler = std::function<Status(std::string_view key, FieldReader& reader)>;

/// Parses `json` as one object and calls `on_field` for each field in order (unknown keys are
/// the handler's to ignore). Errors: not JSON, not an object, trailing content, or the first
/// error `on_field` returns.
Status for_each_field(std::string_view json, std::string_view message,
                      const FieldHandler& on_field);

/// Tracks which of a message's required keys were seen.
class Required {
 public:
  /// `keys` must outlive this object (a static array); at most 32.
  Required(std::string_view message, std::span<const std::string_view> keys);
  void mark(std::string_view key);
  /// kInvalidArgument "<message>.<key>: missing" for the first key not seen.
  Status check() const;

 private:
  std::string_view message_;
  std::span<const std::string_view> keys_;
  std::uint32_t seen_ = 0;
};

/// `text` is 1..max_len characters, each alphanumeric or in `extra`; otherwise
/// "<message>.<key>: expected 1..<max_len> characters of [A-Za-z0-9<extra>], got "<text>"".
Status check_token(std::string_view message, std::string_view key, std::string_view text,
                   std::size_t max_len, std::string_view extra);

}  // namespace core::codec::detail
