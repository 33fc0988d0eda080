#include "core/codec/json_reader.h"

#include <cassert>

namespace core::codec::detail {
namespace {

namespace od = simdjson::ondemand;

std::string_view trimmed(std::string_view raw) {
  while (!raw.empty() &&
         (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t')) {
    raw.remove_suffix(1);
  }
  return raw;
}

/// At most 64 characters of hostile input in a message.
std::string truncated(std::string_view text) {
  constexpr std::size_t kShown = 64;
  if (text.size() <= kShown) return std::string(text);
  return fmt::format("{}...", text.substr(0, kShown));
}

/// A raw JSON token for a message; containers by their kind, not their text.
std::string shown(std::string_view raw) {
  if (raw.empty()) return "nothing";
  if (raw.front() == '{') return "an object";
  if (raw.front() == '[') return "an array";
  return truncated(raw);
}

const char* sign_text(Sign sign) {
  switch (sign) {
    case Sign::kAny:
      return "a decimal";
    case Sign::kNonNegative:
      return "a non-negative decimal";
    case Sign::kPositive:
      return "a positive decimal";
  }
  return "a decimal";
}

bool sign_ok(const Decimal& d, Sign sign) {
  return sign == Sign::kAny || (sign == Sign::kNonNegative && !d.is_negative()) ||
         (sign == Sign::kPositive && d.is_positive());
}

}  // namespace

FieldReader::FieldReader(std::string_view message, std::string_view key, od::value& value)
    : message_(message), key_(key), value_(value) {
  raw_ = trimmed(value_.raw_json_token());
}

bool FieldReader::is_null() {
  od::json_type type{};
  return !value_.type().get(type) && type == od::json_type::null;
}

Status FieldReader::fail(std::string_view expected) const {
  return make_error(Errc::kInvalidArgument, "{}.{}: expected {}, got {}", message_, key_, expected,
                    shown(raw_));
}

Status FieldReader::str(std::string& out) {
  std::string_view text;
  if (value_.get_string().get(text)) return fail("a string");
  out.assign(text);
  return Status::ok();
}

Status FieldReader::opt_str(std::optional<std::string>& out) {
  if (is_null()) return out.reset(), Status::ok();
  return str(out.emplace());
}

Status FieldReader::opt_id(std::optional<std::string>& out) {
  od::json_type type{};
  if (is_null()) return out.reset(), Status::ok();
  if (value_.type().get(type) || type != od::json_type::number) return opt_str(out);
  std::uint64_t id = 0;
  if (value_.get_uint64().get(id)) return fail("a string or a non-negative integer");
  out = raw_;
  return Status::ok();
}

Status FieldReader::dec(Decimal& out, Sign sign) {
  od::json_type type{};
  std::string_view text;
  if (value_.type().get(type)) return fail(sign_text(sign));
  if (type == od::json_type::number) {
    text = raw_;
  } else if (type != od::json_type::string || value_.get_string().get(text)) {
    return fail(sign_text(sign));
  }
  Result<Decimal> d = Decimal::parse(text);
  if (!d || !sign_ok(*d, sign)) return fail(sign_text(sign));
  out = *d;
  return Status::ok();
}

Status FieldReader::opt_dec(std::optional<Decimal>& out, Sign sign) {
  if (is_null()) return out.reset(), Status::ok();
  return dec(out.emplace(), sign);
}

Status FieldReader::i64(std::int64_t& out) {
  return value_.get_int64().get(out) ? fail("an integer") : Status::ok();
}

Status FieldReader::u64(std::uint64_t& out) {
  return value_.get_uint64().get(out) ? fail("a non-negative integer") : Status::ok();
}

Status FieldReader::opt_u64(std::optional<std::uint64_t>& out) {
  if (is_null()) return out.reset(), Status::ok();
  return u64(out.emplace());
}

Status FieldReader::boolean(bool& out) {
  return value_.get_bool().get(out) ? fail("true or false") : Status::ok();
}

Status for_each_field(std::string_view json, std::string_view message,
                      const FieldHandler& on_field) {
  // One parser and scratch buffer per thread: no allocation once they have grown.
  thread_local od::parser parser;
  thread_local std::string scratch;
  scratch.assign(json);
  scratch.append(simdjson::SIMDJSON_PADDING, '\0');
  auto malformed = [&](simdjson::error_code e) {
    return make_error(Errc::kInvalidArgument, "{}: malformed JSON ({})", message,
                      simdjson::error_message(e));
  };
  od::document doc;
  if (auto e = parser.iterate(scratch.data(), json.size(), scratch.size()).get(doc)) {
    return malformed(e);
  }
  od::object object;
  if (auto e = doc.get_object().get(object)) {
    if (e != simdjson::INCORRECT_TYPE) return malformed(e);
    return make_error(Errc::kInvalidArgument, "{}: expected a JSON object", message);
  }
  for (auto field : object) {
    std::string_view key;
    od::value value;
    if (auto e = field.unescaped_key().get(key)) return malformed(e);
    if (auto e = field.value().get(value)) return malformed(e);
    FieldReader reader(message, key, value);
    if (Status s = on_field(key, reader); !s) return s;
  }
  const char* trailing = nullptr;
  if (!doc.current_location().get(trailing)) {
    return make_error(Errc::kInvalidArgument, "{}: unexpected content after the object", message);
  }
  return Status::ok();
}

Required::Required(std::string_view message, std::span<const std::string_view> keys)
    : message_(message), keys_(keys) {
  assert(keys.size() <= 32);
}

void Required::mark(std::string_view key) {
  std::uint32_t bit = 1;
  for (const std::string_view k : keys_) {
    if (k == key) seen_ |= bit;
    bit <<= 1;
  }
}

Status Required::check() const {
  std::uint32_t bit = 1;
  for (const std::string_view k : keys_) {
    if (!(seen_ & bit)) return make_error(Errc::kInvalidArgument, "{}.{}: missing", message_, k);
    bit <<= 1;
  }
  return Status::ok();
}

Status check_token(std::string_view message, std::string_view key, std::string_view text,
                   std::size_t max_len, std::string_view extra) {
  bool ok = !text.empty() && text.size() <= max_len;
  for (std::size_t i = 0; ok && i < text.size(); ++i) {
    const char c = text[i];
    ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         extra.find(c) != std::string_view::npos;
  }
  if (ok) return Status::ok();
  return make_error(Errc::kInvalidArgument,
                    "{}.{}: expected 1..{} characters of [A-Za-z0-9{}], got \"{}\"", message, key,
                    max_len, extra, truncated(text));
}

}  // namespace core::codec::detail
