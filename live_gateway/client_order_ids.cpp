#include "live_gateway/client_order_ids.h"

#include <fmt/format.h>

namespace live_gateway {

ClientOrderIds::ClientOrderIds(core::Kv& kv, std::string worker_id, std::int64_t ttl_ms,
                               std::string key_prefix)
    : kv_(kv), worker_id_(std::move(worker_id)), ttl_ms_(ttl_ms), prefix_(std::move(key_prefix)) {}

void ClientOrderIds::claim(std::string_view account, std::string_view client_order_id,
                           std::function<void(core::Result<bool>)> done) {
  kv_.command({"SET", fmt::format("{}:coid:{}:{}", prefix_, account, client_order_id), worker_id_,
               "NX", "PX", std::to_string(ttl_ms_)},
              [done = std::move(done)](core::Result<core::KvReply> r) {
                if (!r) return done(r.status());
                done(!r->is_nil());
              });
}

}  // namespace live_gateway
