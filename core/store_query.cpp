#include "core/store_query.h"

#include <fmt/format.h>

namespace core {
namespace {

struct Quoting {
  std::string (*identifier)(std::string_view);
  std::string (*literal)(std::string_view);
};

std::string wrap_doubling(std::string_view text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    if (c == quote) out.push_back(quote);
    out.push_back(c);
  }
  out.push_back(quote);
  return out;
}

std::string wrap_backslashed(std::string_view text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    if (c == quote || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back(quote);
  return out;
}

std::string sql_identifier(std::string_view t) {
  return wrap_doubling(t, '"');
}
std::string sql_literal(std::string_view t) {
  return wrap_doubling(t, '\'');
}
std::string influx_identifier(std::string_view t) {
  return wrap_backslashed(t, '"');
}
std::string influx_literal(std::string_view t) {
  return wrap_backslashed(t, '\'');
}

std::int64_t ceil_div_1000(std::int64_t ns) {
  return ns >= 0 ? (ns + 999) / 1000 : ns / 1000;
}

/// The shared shape; `time` is the time column as written in the query and `bound` turns a
/// nanosecond bound into the dialect's unit.
std::string build(const StoreQuery& q, const Quoting& quoting, const std::string& time,
                  std::int64_t (*bound)(std::int64_t)) {
  std::string out = "SELECT * FROM " + quoting.identifier(q.table);
  const char* joiner = " WHERE ";
  for (const auto& [tag, value] : q.tags_equal) {
    out += fmt::format("{}{} = {}", joiner, quoting.identifier(tag), quoting.literal(value));
    joiner = " AND ";
  }
  if (q.from_ns) {
    out += fmt::format("{}{} >= {}", joiner, time, bound(*q.from_ns));
    joiner = " AND ";
  }
  if (q.to_ns) out += fmt::format("{}{} < {}", joiner, time, bound(*q.to_ns));
  out += fmt::format(" ORDER BY {} {}", time, q.newest_first ? "DESC" : "ASC");
  if (q.limit > 0) out += fmt::format(" LIMIT {}", q.limit);
  return out;
}

}  // namespace

std::string to_questdb_sql(const StoreQuery& query, std::string_view time_column) {
  return build(query, {sql_identifier, sql_literal}, sql_identifier(time_column), ceil_div_1000);
}

std::string to_influxql(const StoreQuery& query) {
  return build(query, {influx_identifier, influx_literal}, "time",
               [](std::int64_t ns) { return ns; });
}

}  // namespace core
