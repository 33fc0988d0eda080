/// @file core/config/options.h
/// @brief What a config loader reads: YAML text or a file, `--set` overrides and the environment.
///
/// The environment arrives as a map that main.cpp collected: core never reads the process
/// environment itself (DESIGN.md section 1). Precedence, lowest first: struct defaults, the
/// YAML, environment variables (`LOG_LEVEL` -> `service.log_level`), then each `--set` in order.
/// Every loader returns a value struct; errors are `Errc::kConfig` and name the full key path
/// and the offending value, and where it came from, e.g.
///   config: unknown key 'exchanges.binance.simbols' (did you mean 'symbols'?) in
///           config/gateway.yaml line 31
///   config: 'service.workers' must be an integer in [1, 64], got "two" in
///           --set service.workers=two
#pragma once

#include <map>
#include <string>
#include <vector>

namespace core {

/// Environment variables as main.cpp saw them (name -> value).
using Env = std::map<std::string, std::string>;

struct LoadOptions {
  /// File to read. When empty, `yaml_text` is the document (tests, scenarios).
  std::string path;
  std::string yaml_text;
  /// `a.b.c=value`; the value is a YAML scalar or flow collection (`[BTCUSDT, ETHUSDT]`).
  std::vector<std::string> sets;
  Env env;
};

}  // namespace core
