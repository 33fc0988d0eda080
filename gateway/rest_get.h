/// @file gateway/rest_get.h
/// @brief `RestGet`: how a market feed asks for a REST GET, without knowing about retries or the
/// rate budget behind it (gateway/rest_fetcher.h provides one with both).
///
/// `target` is the path and query ("/api/v3/ticker/24hr?symbol=BTCUSDT") against the
/// exchange's rest_url; `weight` is what the exchange charges for it. `done` runs once, on the
/// caller's loop thread, never inside the call.
#pragma once

#include <functional>
#include <string>

#include "core/http.h"
#include "core/status.h"

namespace gateway {

using RestGet = std::function<void(std::string target, int weight,
                                   std::function<void(core::Result<core::HttpResponse>)>)>;

}  // namespace gateway
