/// @file net/service_main.h
/// @brief The start-up and shutdown every service binary shares, so each main.cpp stays small.
///
/// start_service() turns argv and envp (as main received them) into a validated config,
/// the secrets and initialised logging: it parses the command line (core/cli.h), loads the
/// config (--config, else env CONFIG_PATH, else the default), loads the secrets, calls
/// core::log::init and logs one info line with the config summary and secret fingerprints,
/// and the full effective config at debug. On `--help`, `--check-config` or an error it
/// returns the exit code main should return (errors go to stderr, exit 1). Called once, on
/// the main thread, before any other thread exists.
#pragma once

#include <functional>
#include <string>

#include "core/cli.h"
#include "core/config/options.h"
#include "core/log.h"
#include "core/secrets/secrets.h"
#include "net/asio_clock.h"

namespace net {

namespace detail {

/// What start-up needs from a config, whatever its type.
struct ConfigView {
  std::string log_format;
  std::string log_level;
  std::string summary;
  std::string yaml;
};

using ConfigLoader = std::function<core::Status(const core::LoadOptions&, ConfigView&)>;

/// Returns -1 to go on running, else the exit code.
int start_common(const core::CliSpec& spec, int argc, char** argv, char** envp,
                 const ConfigLoader& load, core::CliOptions& cli, core::Secrets& secrets);

}  // namespace detail

template <typename Config>
struct Startup {
  int exit_code = -1;  // >= 0: main returns this now
  core::CliOptions cli;
  Config config;
  core::Secrets secrets;

  bool done() const { return exit_code >= 0; }
};

/// `load` is the service's loader, e.g. core::load_gateway_config.
template <typename Config>
Startup<Config> start_service(const core::CliSpec& spec, int argc, char** argv, char** envp,
                              core::Result<Config> (*load)(const core::LoadOptions&)) {
  Startup<Config> s;
  auto loader = [&](const core::LoadOptions& opts, detail::ConfigView& view) -> core::Status {
    core::Result<Config> loaded = load(opts);
    if (!loaded) return loaded.status();
    s.config = std::move(*loaded);
    view = {s.config.service.log_format, s.config.service.log_level, config_summary(s.config),
            config_to_yaml(s.config)};
    return core::Status::ok();
  };
  s.exit_code = detail::start_common(spec, argc, argv, envp, loader, s.cli, s.secrets);
  return s;
}

/// Runs `clock` until SIGINT or SIGTERM, then stops it and returns 0 (main's exit code).
int run_until_signal(AsioClock& clock, const core::log::Logger& log);

}  // namespace net
