/// @file sim/sim_store.h
/// @brief sim::SimStore: core::Store in memory, with QuestDB's upsert semantics and knobs.
///
/// Parses the ILP text (sim/detail/ilp_parse.h) into tables of rows keyed by (timestamp,
/// tag set); a row written again with the same key replaces the old one whole (QuestDB
/// DEDUP UPSERT KEYS). A batch with a bad line is refused whole, with influx's wording.
/// A row without a timestamp takes the Clock's wall time. Queries answer with "time", then
/// the table's tags and fields in name order (as influx does). Writes and queries complete
/// `latency_us` later on the Clock. Single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/ports/clock.h"
#include "core/ports/store.h"

namespace sim {

class SimStore final : public core::Store {
 public:
  explicit SimStore(core::Clock& clock, core::StoreOptions options = {});
  ~SimStore() override;
  SimStore(const SimStore&) = delete;
  SimStore& operator=(const SimStore&) = delete;

  void write(std::string_view lines, std::function<void(core::Status)> done) override;
  void query(const core::StoreQuery& query,
             std::function<void(core::Result<core::QueryResult>)> done) override;

  // Knobs.
  /// The next `count` writes are refused with HTTP `http_status` (5xx: kUnavailable).
  void fail_writes(int count, int http_status = 503);
  void set_write_latency_us(std::int64_t latency_us);
  void set_query_latency_us(std::int64_t latency_us);
  /// false: the server is down; requests fail with kUnavailable (not in doubt).
  void set_available(bool available);
  std::size_t row_count(std::string_view table) const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared with scheduled callbacks through weak_ptr
};

}  // namespace sim
