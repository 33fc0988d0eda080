#include "core/ilp.h"

#include <string>

namespace core {
namespace {

constexpr std::size_t kNameBytesMax = 127;

Status validate_name(std::string_view name, std::string_view what, std::string_view forbidden) {
  if (name.empty()) return make_error(Errc::kInvalidArgument, "ilp: {} name is empty", what);
  if (name.size() > kNameBytesMax) {
    return make_error(Errc::kInvalidArgument, "ilp: {} name '{}' is longer than {} bytes", what,
                      name, kNameBytesMax);
  }
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return make_error(Errc::kInvalidArgument, "ilp: {} name '{}' has a control character", what,
                        name);
    }
    if (forbidden.find(c) != std::string_view::npos) {
      return make_error(Errc::kInvalidArgument, "ilp: {} name '{}' can't contain a '{}' character",
                        what, name, c);
    }
  }
  return Status::ok();
}

/// Appends `text`, putting a backslash before every character in `special`.
void append_escaped(std::string& out, std::string_view text, std::string_view special) {
  for (char c : text) {
    if (special.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
}

constexpr std::string_view kNameSpecial = " ,=\\\r\n";
constexpr std::string_view kStringSpecial = "\"\\\r\n";

bool is_decimal_text(std::string_view text) {
  std::size_t i = text.size() > 0 && text[0] == '-' ? 1 : 0;
  const std::size_t int_start = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == int_start) return false;
  if (i == text.size()) return true;
  if (text[i] != '.') return false;
  const std::size_t frac_start = ++i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  return i > frac_start && i == text.size();
}

}  // namespace

Status validate_table_name(std::string_view name) {
  Status s = validate_name(name, "table", "?,'\"\\/:)(+*%~");
  if (!s) return s;
  if (name.front() == '.' || name.back() == '.' || name.find("..") != std::string_view::npos) {
    return make_error(Errc::kInvalidArgument,
                      "ilp: table name '{}' can't start or end with '.' or contain '..'", name);
  }
  return Status::ok();
}

Status validate_column_name(std::string_view name) {
  return validate_name(name, "column", "?,'\"\\/:)(+*%~.-");
}

Status IlpBuffer::fail(Status status) {
  buf_.resize(row_start_);
  state_ = State::kIdle;
  return status;
}

Status IlpBuffer::table(std::string_view name) {
  if (state_ != State::kIdle) {
    return fail(
        make_error(Errc::kInvalidArgument, "ilp: table '{}' before the previous row's at()", name));
  }
  if (Status s = validate_table_name(name); !s) return fail(std::move(s));
  row_start_ = buf_.size();
  append_escaped(buf_, name, kNameSpecial);
  state_ = State::kTable;
  return Status::ok();
}

Status IlpBuffer::symbol(std::string_view name, std::string_view value) {
  if (state_ != State::kTable) {
    return fail(make_error(Errc::kInvalidArgument, "ilp: symbol '{}' {}", name,
                           state_ == State::kIdle ? "before table()" : "after a column"));
  }
  if (Status s = validate_column_name(name); !s) return fail(std::move(s));
  buf_.push_back(',');
  append_escaped(buf_, name, kNameSpecial);
  buf_.push_back('=');
  append_escaped(buf_, value, kNameSpecial);
  return Status::ok();
}

Status IlpBuffer::begin_column(std::string_view name) {
  if (state_ == State::kIdle) {
    return fail(make_error(Errc::kInvalidArgument, "ilp: column '{}' before table()", name));
  }
  if (Status s = validate_column_name(name); !s) return fail(std::move(s));
  buf_.push_back(state_ == State::kTable ? ' ' : ',');
  append_escaped(buf_, name, kNameSpecial);
  buf_.push_back('=');
  state_ = State::kColumns;
  return Status::ok();
}

Status IlpBuffer::column_str(std::string_view name, std::string_view value) {
  if (Status s = begin_column(name); !s) return s;
  buf_.push_back('"');
  append_escaped(buf_, value, kStringSpecial);
  buf_.push_back('"');
  return Status::ok();
}

Status IlpBuffer::column_int(std::string_view name, std::int64_t value) {
  if (Status s = begin_column(name); !s) return s;
  buf_ += std::to_string(value);
  buf_.push_back('i');
  return Status::ok();
}

Status IlpBuffer::column_decimal(std::string_view name, std::string_view decimal_text) {
  if (!is_decimal_text(decimal_text)) {
    return fail(make_error(Errc::kInvalidArgument, "ilp: column '{}' value '{}' is not a decimal",
                           name, decimal_text));
  }
  if (Status s = begin_column(name); !s) return s;
  buf_ += decimal_text;
  return Status::ok();
}

Status IlpBuffer::column_bool(std::string_view name, bool value) {
  if (Status s = begin_column(name); !s) return s;
  buf_.push_back(value ? 't' : 'f');
  return Status::ok();
}

Status IlpBuffer::at(std::int64_t ts_ns) {
  if (state_ != State::kColumns) {
    return fail(make_error(Errc::kInvalidArgument, "ilp: at() {}",
                           state_ == State::kIdle ? "before table()" : "without a column"));
  }
  if (ts_ns < 0) {
    return fail(make_error(Errc::kInvalidArgument, "ilp: timestamp {} ns is negative", ts_ns));
  }
  buf_.push_back(' ');
  buf_ += std::to_string(ts_ns);
  buf_.push_back('\n');
  row_start_ = buf_.size();
  ++rows_;
  state_ = State::kIdle;
  return Status::ok();
}

void IlpBuffer::clear() {
  buf_.clear();
  row_start_ = 0;
  rows_ = 0;
  state_ = State::kIdle;
}

}  // namespace core
