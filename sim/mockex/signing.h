/// @file sim/mockex/signing.h
/// @brief Binance SIGNED endpoint checks (PROTOCOLS.md 1.4): X-MBX-APIKEY, HMAC-SHA256 over
/// the query string and the form body exactly as sent, and the timestamp/recvWindow window.
///
/// Pure function over the request and the configured keys; never logs or returns a secret.
/// Checks in order: key header present (-2014, 401), key known (-2015, 401), timestamp
/// (-1102), recvWindow <= 60000 (-1131 "recvWindow must be less than 60000"), signature
/// present (-1102), signature valid
/// (-1022, 400), then the time window (-1021, 400):
/// `timestamp < server_ms + 1000 && server_ms - timestamp <= recvWindow`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/http.h"
#include "sim/mockex/request_params.h"
#include "sim/mockex/server_config.h"
#include "sim/mockex/types.h"

namespace sim::mockex {

/// The caller's API key when the request is correctly signed, else Binance's error.
Reply<std::string> verify_signed(const core::HttpRequest& request, const RequestParams& params,
                                 const std::vector<ApiKeyPair>& keys, std::int64_t server_ms);

/// -1102 for `param`: "Mandatory parameter '<param>' was not sent, was empty/null, or malformed."
BinanceError mandatory_param(std::string_view param);

}  // namespace sim::mockex
