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
///
/// run_service() is the whole of a main(): start_service(), then the loop with its
/// ServiceShell (/health, /metrics, trace; service_shell.h) and whatever the service's
/// `wire` function builds on it, until SIGINT or SIGTERM.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/cli.h"
#include "core/config/options.h"
#include "core/log.h"
#include "core/secrets/secrets.h"
#include "net/asio_clock.h"
#include "net/service_shell.h"

namespace net {

namespace detail {

/// What start-up needs from a config, whatever its type.
struct ConfigView {
  std::string log_format;
  std::string log_level;
  std::string summary;
  std::string yaml;
  ShellOptions shell;
};

template <typename Config>
ConfigView view_of(const Config& c) {
  return {.log_format = c.service.log_format,
          .log_level = c.service.log_level,
          .summary = config_summary(c),
          .yaml = config_to_yaml(c),
          .shell = {.service = c.service.name,
                    .logger = "",  // run_shell names it after the binary
                    .http_port = c.service.port,
                    .metrics_port = c.monitoring.metrics_port,
                    .trace_path = c.trace.path,
                    .summary = config_summary(c)}};
}

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
  detail::ConfigView view;

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
    view = detail::view_of(s.config);
    s.view = view;
    return core::Status::ok();
  };
  s.exit_code = detail::start_common(spec, argc, argv, envp, loader, s.cli, s.secrets);
  return s;
}

/// Runs `clock` until SIGINT or SIGTERM, then stops it and returns 0 (main's exit code).
int run_until_signal(AsioClock& clock, const core::log::Logger& log);

/// What a service's own components are built from. Everything outlives them.
struct ServiceContext {
  AsioClock& clock;
  ServiceShell& shell;
  const core::Secrets& secrets;
  const core::log::Logger& log;
};

/// Builds a service's components on the loop before it runs; the returned handle owns them
/// and is released after the loop stops (and before the shell, whose metrics they use).
template <typename Config>
using Wiring = std::function<std::shared_ptr<void>(const Config&, ServiceContext&)>;

namespace detail {
/// Runs the shell and `wire` until a signal; returns main's exit code.
int run_shell(std::string_view program, const ShellOptions& options, const core::Secrets& secrets,
              const std::function<std::shared_ptr<void>(ServiceContext&)>& wire);
}  // namespace detail

/// The whole of a service's main(): start-up, the shell, `wire` (may be empty), the loop.
/// Exit codes: 0 after a signal, `--help` or `--check-config`; 1 on a config, secrets or
/// bind error (the message names what failed).
template <typename Config>
int run_service(const core::CliSpec& spec, int argc, char** argv, char** envp,
                core::Result<Config> (*load)(const core::LoadOptions&),
                const std::type_identity_t<Wiring<Config>>& wire = {}) {
  Startup<Config> s = start_service(spec, argc, argv, envp, load);
  if (s.done()) return s.exit_code;
  return detail::run_shell(spec.program, s.view.shell, s.secrets,
                           [&](ServiceContext& ctx) -> std::shared_ptr<void> {
                             return wire ? wire(s.config, ctx) : nullptr;
                           });
}

}  // namespace net
