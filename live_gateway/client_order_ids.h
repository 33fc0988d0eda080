/// @file live_gateway/client_order_ids.h
/// @brief ClientOrderIds: claims a client_order_id once across all workers (Kv `SET NX`), so a
/// duplicate is refused whichever worker sees it, and after a restart.
///
/// Key `{prefix}:coid:{account}:{client_order_id}`, value the claiming worker's id, kept for
/// `ttl_ms` (a week by default: longer than any order lives). Callbacks run on the Kv's loop;
/// borrows the Kv.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/ports/kv.h"
#include "core/status.h"

namespace live_gateway {

class ClientOrderIds {
 public:
  static constexpr std::int64_t kDefaultTtlMs = 7LL * 24 * 3600 * 1000;

  ClientOrderIds(core::Kv& kv, std::string worker_id, std::int64_t ttl_ms = kDefaultTtlMs,
                 std::string key_prefix = "t26:live");

  /// true: this call claimed the id; false: it was claimed before. Kv errors unchanged.
  void claim(std::string_view account, std::string_view client_order_id,
             std::function<void(core::Result<bool>)> done);

 private:
  core::Kv& kv_;
  std::string worker_id_;
  std::int64_t ttl_ms_;
  std::string prefix_;
};

}  // namespace live_gateway
