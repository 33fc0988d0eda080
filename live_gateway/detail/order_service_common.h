/// @file live_gateway/detail/order_service_common.h
/// @brief Private to OrderService's two sources (order_service.cpp: the order path,
/// order_service_shared.cpp: kill switch, approvals and restart): its logger, its order key,
/// and `guarded`, which drops a callback that runs after the service is gone.
#pragma once

#include <fmt/format.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/log.h"
#include "live_gateway/order_service.h"

namespace live_gateway {
namespace detail {

inline const core::log::Logger& logger() {
  static const core::log::Logger log("live_gateway.orders");
  return log;
}

/// The key of OrderService::open_: "{account}/{client_order_id}".
inline std::string order_key(std::string_view account, std::string_view client_order_id) {
  return fmt::format("{}/{}", account, client_order_id);
}

}  // namespace detail

template <typename F>
auto OrderService::guarded(F f) {
  return [alive = std::weak_ptr<int>(alive_), f = std::move(f)](auto&&... args) mutable {
    if (alive.lock()) f(std::forward<decltype(args)>(args)...);
  };
}

}  // namespace live_gateway
