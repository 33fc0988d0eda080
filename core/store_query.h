/// @file core/store_query.h
/// @brief Translates a core::StoreQuery into QuestDB SQL or InfluxQL text. Pure functions.
///
/// Identifiers are double-quoted and literals single-quoted with each dialect's escaping,
/// so tag values never break out of the query. QuestDB compares its designated timestamp in
/// microseconds: nanosecond bounds are rounded up, which keeps [from, to) exact.
#pragma once

#include <string>
#include <string_view>

#include "core/ports/store.h"

namespace core {

/// `SELECT * FROM "t" WHERE "tag" = 'v' AND "timestamp" >= us AND ... ORDER BY ... LIMIT n`
std::string to_questdb_sql(const StoreQuery& query, std::string_view time_column);
/// `SELECT * FROM "t" WHERE "tag" = 'v' AND time >= ns AND ... ORDER BY time ... LIMIT n`
std::string to_influxql(const StoreQuery& query);

}  // namespace core
