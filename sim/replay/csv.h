/// @file sim/replay/csv.h
/// @brief The derived fixtures' CSV files (plain or zstd-compressed): rows after the header.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace sim::replay {

using CsvRow = std::vector<std::string>;

/// Every row after the header, split at commas (the fixtures quote nothing). kIo names the
/// file when it cannot be read.
core::Result<std::vector<CsvRow>> read_csv(const std::string& path);

}  // namespace sim::replay
