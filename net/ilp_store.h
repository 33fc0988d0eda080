/// @file net/ilp_store.h
/// @brief net::IlpStore: core::Store over HTTP to QuestDB or influxdb 1.x, on the Asio loop.
///
/// Writes POST the ILP text to `/write?precision=n` (QuestDB) or
/// `/write?db=NAME&precision=n` (influx); 204/200 is the acknowledgement, any other status
/// an error carrying the server's text (4xx: kInvalidArgument, 5xx: kUnavailable). Queries
/// are translated by core/store_query.h and sent to `/exec` (QuestDB) or `/query` with
/// epoch=ns (influx); the answer is normalised to QueryResult (time column "time" in ns).
/// StoreOptions::dialect picks the server. One connection per request. Callbacks run on the
/// AsioClock loop; after destruction pending callbacks are dropped.
#pragma once

#include <memory>

#include "core/ports/store.h"
#include "net/asio_clock.h"

namespace net {

class IlpStore final : public core::Store {
 public:
  IlpStore(AsioClock& clock, core::StoreOptions options);
  ~IlpStore() override;
  IlpStore(const IlpStore&) = delete;
  IlpStore& operator=(const IlpStore&) = delete;

  void write(std::string_view lines, std::function<void(core::Status)> done) override;
  void query(const core::StoreQuery& query,
             std::function<void(core::Result<core::QueryResult>)> done) override;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // outlives in-flight requests only through weak_ptr
};

}  // namespace net
