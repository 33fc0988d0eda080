/// @file core/ilp.h
/// @brief core::IlpBuffer: builds InfluxDB line protocol (ILP) rows, no I/O.
///
/// The buffer half of c-questdb-client's buffer/sender split: fill it here, hand `text()` to
/// core::Store::write, keep it until the write is acknowledged. A row is
/// `table(...)`, any `symbol(...)`s, at least one `column_*(...)`, then `at(ts_ns)`. Names
/// are checked against QuestDB's rules (the stricter of our two targets); escaping follows
/// c-questdb-client: names and symbol values escape space, comma, equals, backslash, CR and
/// LF with a backslash; string values are quoted and escape quote, backslash, CR and LF.
/// A call that returns an error (a bad name, a call out of order) discards the row in
/// progress, so the buffer only ever holds complete rows. Not thread-safe; a value type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace core {

class IlpBuffer {
 public:
  Status table(std::string_view name);
  /// A tag (indexed, QuestDB SYMBOL). Only between table() and the first column.
  Status symbol(std::string_view name, std::string_view value);
  Status column_str(std::string_view name, std::string_view value);
  Status column_int(std::string_view name, std::int64_t value);
  /// A number already formatted as decimal text ("-12.50"): no binary floating point here.
  /// Accepts an optional '-', digits, and an optional '.' followed by digits.
  Status column_decimal(std::string_view name, std::string_view decimal_text);
  Status column_bool(std::string_view name, bool value);
  /// Ends the row with its designated timestamp in nanoseconds since the Unix epoch (>= 0).
  Status at(std::int64_t ts_ns);

  const std::string& text() const { return buf_; }
  std::size_t row_count() const { return rows_; }
  bool empty() const { return buf_.empty(); }
  void clear();

 private:
  enum class State { kIdle, kTable, kColumns };
  Status fail(Status status);
  Status begin_column(std::string_view name);

  std::string buf_;
  std::size_t row_start_ = 0;
  std::size_t rows_ = 0;
  State state_ = State::kIdle;
};

/// QuestDB's rules: non-empty, at most 127 bytes, none of ?,'"\/:)(+*%~, no control
/// characters, no leading or trailing '.', no "..". The error quotes the name.
Status validate_table_name(std::string_view name);
/// The table rules plus no '.' and no '-'.
Status validate_column_name(std::string_view name);

}  // namespace core
