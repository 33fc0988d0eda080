/// @file core/sign.h
/// @brief Request signing: HMAC-SHA256 in hex and the Binance signed query (PROTOCOLS.md 1.4).
///
/// Pure functions over OpenSSL, safe from any thread. The key reaches OpenSSL and nothing
/// else: no function here logs or returns it, and a signature is as sensitive as the secret
/// it came from for the life of its timestamp, so callers must not log signed queries either.
#pragma once

#include <string>
#include <string_view>

#include "core/secrets/secret.h"

namespace core {

/// Lower-case hex of HMAC-SHA256(key, message): 64 characters.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

/// `query` followed by `&signature=<hmac_sha256_hex(secret, query)>`: Binance's signature
/// over `totalParams` for a request without a body. `query` is the exact bytes sent, without
/// the leading '?', e.g. "recvWindow=5000&timestamp=1499827319559". An empty query yields
/// "signature=<hex>".
std::string binance_signed_query(std::string_view query, const Secret& secret);

}  // namespace core
