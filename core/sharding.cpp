#include "core/sharding.h"

#include <cassert>

#include "core/rng.h"

namespace core {

std::size_t shard_of(std::string_view exchange, std::string_view symbol, std::size_t shards) {
  assert(shards >= 1);
  std::string key;
  key.reserve(exchange.size() + 1 + symbol.size());
  key.append(exchange).append(":").append(symbol);
  return static_cast<std::size_t>(stable_hash64(key) % shards);
}

std::vector<std::vector<std::pair<std::string, std::string>>> partition_symbols(
    const std::vector<std::pair<std::string, std::string>>& exchange_symbols, std::size_t shards) {
  std::vector<std::vector<std::pair<std::string, std::string>>> out(shards);
  for (const auto& pair : exchange_symbols) {
    out[shard_of(pair.first, pair.second, shards)].push_back(pair);
  }
  return out;
}

}  // namespace core
