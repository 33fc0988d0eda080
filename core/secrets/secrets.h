/// @file core/secrets/secrets.h
/// @brief Exchange API keys from the environment, then `secrets/<service>.env`.
///
/// Variables (the seed's names): BINANCE_API_KEY, BINANCE_SECRET, COINBASE_API_KEY,
/// COINBASE_SECRET, KRAKEN_API_KEY, KRAKEN_SECRET, and ADMIN_TOKEN (the bearer token of
/// live_gateway's admin HTTP calls: halt, resume, approve). Each is taken from the environment map
/// when set there, else from the secrets file. The file is `--secrets-file` when given (it must
/// exist), else the first of `/secrets/<service>.env` (containers, as the seed mounts it) and
/// `secrets/<service>.env` that exists; none is fine (public market data needs no keys).
/// Placeholders count as absent: empty values and the seed's `your_..._here` / `YOUR_...`.
/// The file is read as a .env file: `NAME=value`, `export NAME=value`, `#` comments, single
/// quotes (literal) and double quotes (\n \t \" \\ escapes). Errors name the file and line,
/// never the value. Other variables in the file are ignored.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/config/options.h"
#include "core/secrets/secret.h"
#include "core/status.h"

namespace core {

struct ExchangeKeys {
  std::optional<Secret> api_key;
  std::optional<Secret> secret;
  bool complete() const { return api_key.has_value() && secret.has_value(); }
};

struct Secrets {
  ExchangeKeys binance;
  ExchangeKeys coinbase;
  ExchangeKeys kraken;
  std::optional<Secret> admin_token;  // ADMIN_TOKEN; absent: the admin calls answer 401
  std::string file;  // the .env file that was read; empty when none

  /// Calls f(name, keys) for binance, coinbase, kraken in that order.
  template <typename F>
  void for_each(F&& f) const {
    f("binance", binance);
    f("coinbase", coinbase);
    f("kraken", kraken);
  }
};

/// `service` names the file: "gateway" -> secrets/gateway.env. kConfig on an unreadable
/// explicit file or a malformed line.
Result<Secrets> load_secrets(std::string_view service, const Env& env,
                             const std::optional<std::string>& secrets_file);

/// Parses .env text; `file` names it in errors. Later lines win over earlier ones.
Result<Env> parse_env_file(std::string_view text, std::string_view file);

/// True for values that stand for "not configured" (see the header comment).
bool is_placeholder(std::string_view value);

/// "binance=key:Secret(fp=..),secret:Secret(fp=..) coinbase=absent kraken=absent
/// file=secrets/gateway.env" (+ " admin_token=Secret(fp=..)" when set): fingerprints only,
/// for the start-up log.
std::string secrets_summary(const Secrets& secrets);

}  // namespace core
