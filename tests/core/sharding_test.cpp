#include <catch2/catch.hpp>

#include <set>

#include "core/sharding.h"

TEST_CASE("Every symbol is owned by exactly one shard, the same one every time", "[core][shard]") {
  const std::vector<std::pair<std::string, std::string>> symbols = {
      {"binance", "BTCUSDT"},  {"binance", "ETHUSDT"},  {"binance", "SOLUSDT"},
      {"coinbase", "BTC-USD"}, {"coinbase", "ETH-USD"}, {"kraken", "XBTUSD"},
      {"kraken", "ETHUSD"}};
  for (std::size_t shards : {1u, 2u, 3u, 8u}) {
    const auto parts = core::partition_symbols(symbols, shards);
    REQUIRE(parts.size() == shards);
    std::set<std::pair<std::string, std::string>> seen;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      for (const auto& p : parts[i]) {
        CHECK(seen.insert(p).second);  // no overlap
        CHECK(core::shard_of(p.first, p.second, shards) == i);
      }
    }
    CHECK(seen.size() == symbols.size());  // nothing left out
  }
  // Pinned values: a change of hash would silently move symbols between running processes.
  CHECK(core::shard_of("binance", "BTCUSDT", 2) == 0);
  CHECK(core::shard_of("binance", "SOLUSDT", 2) == 1);
  CHECK(core::shard_of("binance", "SOLUSDT", 3) == 2);
}
