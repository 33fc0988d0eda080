/// @file core/sharding.h
/// @brief Which shard owns a symbol: `service.workers` single-threaded shards share nothing,
/// each owns a slice of the (exchange, symbol) pairs.
///
/// The assignment is a stable hash (FNV-1a, never std::hash), so it is the same on every
/// run and machine, and several processes given the same list agree on who owns what.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace core {

/// Index in [0, shards) of the shard that owns `exchange`/`symbol`. `shards` must be >= 1.
std::size_t shard_of(std::string_view exchange, std::string_view symbol, std::size_t shards);

/// The pairs each shard owns, in input order within a shard.
std::vector<std::vector<std::pair<std::string, std::string>>> partition_symbols(
    const std::vector<std::pair<std::string, std::string>>& exchange_symbols, std::size_t shards);

}  // namespace core
