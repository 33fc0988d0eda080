/// @file sim/mockex/server_config.h
/// @brief `MockexConfig`: everything the mock exchange server is built from (symbols, the
/// recorded exchangeInfo, API keys, balances, fees, rate limits, replay options), its YAML
/// loader, and the reader that takes the exchangeInfo body out of a recording.
///
/// A plain value, validated by `load_mockex_config` and copied into the server. Only the
/// loaders do file I/O; the server itself reads no file. Secrets live in core::Secret so that
/// formatting a config never prints one.
///
/// YAML keys (all optional; defaults in brackets):
///
/// | key | meaning |
/// |---|---|
/// | symbols: [BTCUSDT, ...] | tradable symbols [BTCUSDT, ETHUSDT] |
/// | api_keys: [{key: K, secret: S}] | accepted key pairs [mockex-test-key / mockex-test-secret] |
/// | starting_balances: {USDT: "10000"} | what a new key owns [ExchangeConfig's default] |
/// | maker_rate, taker_rate: "0.001" | commission rates |
/// | rate_limits: {weight_per_minute, orders_per_10s, orders_per_day, tolerated_429_per_minute,
/// ban_ms_min, ban_ms_max} | RateLimitConfig | | replay: {speed: 1 or max, loop: false} | the
/// market-data feed |
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/decimal.h"
#include "core/secrets/secret.h"
#include "core/status.h"
#include "sim/mockex/rate_limits.h"

namespace sim::mockex {

inline constexpr std::string_view kDefaultApiKey = "mockex-test-key";
inline constexpr std::string_view kDefaultApiSecret = "mockex-test-secret";
/// The recorded exchangeInfo shipped in fixtures/ (2021 filter names; modernized when served).
inline constexpr std::string_view kDefaultExchangeInfoRecording =
    "fixtures/binance/exchangeInfo_2021-10-12.jsonl.zst";

struct ApiKeyPair {
  std::string key;
  core::Secret secret;
};

struct FeedOptions {
  double speed = 1.0;      // recorded pace multiplier (> 0)
  bool max_speed = false;  // as fast as the slowest websocket subscriber reads
  bool loop = false;       // start the recording again after its last frame
};

struct MockexConfig {
  std::vector<std::string> symbols = {"BTCUSDT", "ETHUSDT"};
  /// The body of a real GET /api/v3/exchangeInfo (any year); see read_exchange_info_recording.
  std::string exchange_info_json;
  std::vector<ApiKeyPair> api_keys = {
      {std::string(kDefaultApiKey), core::Secret(std::string(kDefaultApiSecret))}};
  /// Empty: ExchangeConfig's default.
  std::map<std::string, core::Decimal> starting_balances;
  core::Decimal maker_rate = core::Decimal::from_mantissa(1, 3).value();
  core::Decimal taker_rate = core::Decimal::from_mantissa(1, 3).value();
  RateLimitConfig rate_limits;
  /// Client address (HttpRequest::peer) -> the IP the exchange counts its weight under, for
  /// hosts behind one NAT that share one budget; an address not listed is its own IP.
  std::map<std::string, std::string> nat;
  FeedOptions feed;
  /// Serve GET/POST /admin/faults (faults.h). Off unless asked for: it lets anyone who can
  /// reach the port break the exchange.
  bool admin = false;
};

/// Applies the YAML file at `path` over `config`. kConfig names the key and the file;
/// kIo when the file cannot be read.
core::Status load_mockex_config(const std::string& path, MockexConfig& config);

/// The `msg` of the first `binance.rest` record whose `req` ends in "/api/v3/exchangeInfo".
/// kIo / kProtocol from the reader; kNotFound when the recording has no such record.
core::Result<std::string> read_exchange_info_recording(const std::string& path);

}  // namespace sim::mockex
