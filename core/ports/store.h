/// @file core/ports/store.h
/// @brief core::Store: time-series rows in over ILP, a small structured query out.
///
/// Implemented by net::IlpStore (ILP over HTTP `/write` to QuestDB or influxdb 1.x; queries
/// via QuestDB `/exec` or influx `/query`) and sim::SimStore (in memory, upserts). Rows are
/// keyed by (table, timestamp, tag set): writing the same key again replaces the row, so a
/// replayed write is idempotent (QuestDB DEDUP UPSERT KEYS; influx: same series and time).
/// Conventions:
/// - callbacks run on the Clock loop the adapter was built with, exactly once, never inside
///   the call; call the methods on that loop's thread;
/// - timestamps are nanoseconds since the Unix epoch;
/// - errors: kInvalidArgument when the server refused the request (bad line, bad query;
///   the message carries the server's text), kUnavailable when it could not be reached or
///   answered 5xx (in_doubt when the request had been sent and the answer was lost),
///   kTimeout (in_doubt) when no answer came within StoreOptions::timeout_ms.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace core {

enum class StoreDialect { kQuestDb, kInflux };

struct StoreOptions {
  std::string url = "http://127.0.0.1:9000";
  StoreDialect dialect = StoreDialect::kQuestDb;
  /// influx only: the database written to and queried.
  std::string database = "trade2026";
  /// QuestDB only: the designated timestamp column of ILP-created tables.
  std::string time_column = "timestamp";
  std::int64_t timeout_ms = 5000;
};

/// SELECT columns FROM table WHERE tag = value AND ... AND from <= time < to ORDER BY time
/// LIMIT n. Adapters translate it (core/store_query.h).
struct StoreQuery {
  std::string table;
  std::vector<std::pair<std::string, std::string>> tags_equal;
  std::optional<std::int64_t> from_ns;  // inclusive
  std::optional<std::int64_t> to_ns;    // exclusive
  bool newest_first = false;
  std::size_t limit = 0;  // 0: no limit
};

/// The first column is "time" (nanoseconds as decimal text); the others are tags and fields
/// by name. Cells are text: integers and decimals as digits, booleans "true"/"false",
/// missing values "". No matching rows: no columns and no rows.
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;

  std::optional<std::size_t> column_index(std::string_view name) const {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i] == name) return i;
    }
    return std::nullopt;
  }
};

class Store {
 public:
  virtual ~Store() = default;

  /// Sends complete ILP rows (core::IlpBuffer::text()). Ok only once the server
  /// acknowledged them; the adapter copies `lines`, the caller keeps its buffer until then
  /// and retries with the same rows on failure (upserts make that safe).
  virtual void write(std::string_view lines, std::function<void(Status)> done) = 0;
  virtual void query(const StoreQuery& query, std::function<void(Result<QueryResult>)> done) = 0;
};

}  // namespace core
