/// @file net/detail/store_answer.h
/// @brief Turns a QuestDB `/exec` or influx `/query` JSON answer into core::QueryResult.
///
/// Both put the time column first, named "time", in nanoseconds (QuestDB answers ISO 8601
/// text in its designated timestamp column; influx answers epoch=ns integers). Cells become
/// text: numbers as JSON prints them, booleans "true"/"false", null "". Throws
/// nlohmann::json::exception on an answer of the wrong shape (the caller reports kProtocol).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/ports/store.h"

namespace net::detail {

core::Result<core::QueryResult> parse_influx_answer(const nlohmann::json& answer);
core::Result<core::QueryResult> parse_questdb_answer(const nlohmann::json& answer,
                                                     const std::string& time_column);

}  // namespace net::detail
