/// @file core/cli.h
/// @brief The command line every service binary shares.
///
///   --config PATH        YAML config (else env CONFIG_PATH, else the binary's default)
///   --set a.b.c=VALUE    override one key; repeatable, applied in order, VALUE is YAML
///   --secrets-file PATH  .env file with the exchange keys (else /secrets/<service>.env or
///                        secrets/<service>.env when present)
///   --log-level LEVEL    overrides service.log_level and env LOG_LEVEL
///   --check-config       load and validate everything, log the result, exit 0
///   --help               usage on stdout, exit 0
/// `--opt=value` works as well as `--opt value`. Parsing is pure: the environment comes in
/// as a map.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/options.h"
#include "core/status.h"

namespace core {

struct CliSpec {
  std::string_view program;              // "gateway"
  std::string_view summary;              // one line for --help
  std::string_view default_config_path;  // "config/gateway.yaml"
};

struct CliOptions {
  std::string config_path;
  std::vector<std::string> sets;
  std::optional<std::string> secrets_file;
  std::optional<std::string> log_level;
  bool check_config = false;
  bool help = false;
};

/// `args` excludes the program name. kInvalidArgument naming the offending argument.
Result<CliOptions> parse_cli(const CliSpec& spec, const std::vector<std::string>& args,
                             const Env& env);

/// The config loader's input: the file, every --set (then --log-level as the last one), env.
LoadOptions to_load_options(const CliOptions& cli, const Env& env);

std::string cli_usage(const CliSpec& spec);

}  // namespace core
