#include "net/service_main.h"

#include <csignal>
#include <cstdio>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

namespace net {
namespace {

core::Env environment_map(char** envp) {
  core::Env env;
  for (char** e = envp; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    std::size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

int fail(const core::CliSpec& spec, const core::Status& status) {
  std::fprintf(stderr, "%s: %s\n", std::string(spec.program).c_str(), status.message.c_str());
  return 1;
}

}  // namespace

namespace detail {

int start_common(const core::CliSpec& spec, int argc, char** argv, char** envp,
                 const ConfigLoader& load, core::CliOptions& cli, core::Secrets& secrets) {
  core::Env env = environment_map(envp);
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  core::Result<core::CliOptions> parsed = core::parse_cli(spec, args, env);
  if (!parsed) {
    fail(spec, parsed.status());
    std::fputs(core::cli_usage(spec).c_str(), stderr);
    return 1;
  }
  cli = std::move(*parsed);
  if (cli.help) {
    std::fputs(core::cli_usage(spec).c_str(), stdout);
    return 0;
  }
  ConfigView view;
  core::Status st = load(core::to_load_options(cli, env), view);
  if (!st) return fail(spec, st);
  core::Result<core::Secrets> loaded = core::load_secrets(spec.program, env, cli.secrets_file);
  if (!loaded) return fail(spec, loaded.status());
  secrets = std::move(*loaded);
  st = core::log::init(view.log_format, view.log_level);
  if (!st) return fail(spec, st);

  core::log::Logger log(spec.program);
  log.info("starting", {{"config", cli.config_path},
                        {"summary", view.summary},
                        {"secrets", core::secrets_summary(secrets)}});
  log.debug("effective config", {{"yaml", view.yaml}});
  if (cli.check_config) {
    log.info("config ok", {{"config", cli.config_path}});
    return 0;
  }
  return -1;
}

}  // namespace detail

int run_until_signal(AsioClock& clock, const core::log::Logger& log) {
  boost::asio::signal_set signals(clock.io_context(), SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    log.info("stopping", {{"signal", signal_number}});
    clock.stop();
  });
  log.info("running");
  clock.run();
  return 0;
}

namespace detail {

int run_shell(std::string_view program, const ShellOptions& options, const core::Secrets& secrets,
              const std::function<std::shared_ptr<void>(ServiceContext&)>& wire) {
  core::log::Logger log(program);
  AsioClock clock;
  ShellOptions named = options;
  named.logger = std::string(program);
  ServiceShell shell(clock, std::move(named), secrets);
  core::Status st = shell.start();
  if (!st) {
    log.error("start failed", {{"error", st.message}});
    return 1;
  }
  ServiceContext ctx{clock, shell, secrets, log};
  std::shared_ptr<void> components = wire(ctx);
  int code = run_until_signal(clock, log);
  components.reset();
  shell.stop();
  return code;
}

}  // namespace detail

}  // namespace net
