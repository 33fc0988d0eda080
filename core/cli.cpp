#include "core/cli.h"

namespace core {
namespace {

enum class Takes { kNothing, kValue };

struct OptionDef {
  std::string_view name;
  Takes takes;
};

constexpr OptionDef kOptions[] = {
    {"--config", Takes::kValue},         {"--set", Takes::kValue},
    {"--secrets-file", Takes::kValue},   {"--log-level", Takes::kValue},
    {"--check-config", Takes::kNothing}, {"--help", Takes::kNothing},
};

void apply(CliOptions& out, std::string_view name, std::string value) {
  if (name == "--config") out.config_path = std::move(value);
  if (name == "--set") out.sets.push_back(std::move(value));
  if (name == "--secrets-file") out.secrets_file = std::move(value);
  if (name == "--log-level") out.log_level = std::move(value);
  if (name == "--check-config") out.check_config = true;
  if (name == "--help") out.help = true;
}

}  // namespace

Result<CliOptions> parse_cli(const CliSpec& spec, const std::vector<std::string>& args,
                             const Env& env) {
  CliOptions out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "-h") arg = "--help";
    std::size_t eq = arg.find('=');
    std::string_view name = arg.substr(0, eq);
    const OptionDef* def = nullptr;
    for (const OptionDef& d : kOptions) {
      if (d.name == name) def = &d;
    }
    if (def == nullptr) {
      return make_error(Errc::kInvalidArgument, "unknown argument '{}'", arg);
    }
    if (def->takes == Takes::kNothing) {
      if (eq != std::string_view::npos) {
        return make_error(Errc::kInvalidArgument, "{} takes no value", name);
      }
      apply(out, name, "");
      continue;
    }
    std::string value;
    if (eq != std::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return make_error(Errc::kInvalidArgument, "{} needs a value", name);
    }
    if (value.empty() && name != "--set") {
      return make_error(Errc::kInvalidArgument, "{} needs a non-empty value", name);
    }
    apply(out, name, std::move(value));
  }
  if (out.config_path.empty()) {
    auto it = env.find("CONFIG_PATH");
    bool from_env = it != env.end() && !it->second.empty();
    out.config_path = from_env ? it->second : std::string(spec.default_config_path);
  }
  return out;
}

LoadOptions to_load_options(const CliOptions& cli, const Env& env) {
  LoadOptions opts;
  opts.path = cli.config_path;
  opts.sets = cli.sets;
  if (cli.log_level) opts.sets.push_back("service.log_level=" + *cli.log_level);
  opts.env = env;
  return opts;
}

std::string cli_usage(const CliSpec& spec) {
  return fmt::format(
      "usage: {0} [--config PATH] [--set a.b.c=VALUE]... [--secrets-file PATH]\n"
      "       {1} [--log-level LEVEL] [--check-config] [--help]\n"
      "{2}\n\n"
      "  --config PATH        YAML config; default: env CONFIG_PATH, else {3}\n"
      "                       (config/local/{0}.yaml runs against services on 127.0.0.1)\n"
      "  --set a.b.c=VALUE    override a key, VALUE in YAML: --set service.workers=4,\n"
      "                       --set exchanges.binance.symbols=[BTCUSDT,ETHUSDT]; repeatable\n"
      "  --secrets-file PATH  exchange keys (.env); default /secrets/{0}.env or secrets/{0}.env\n"
      "  --log-level LEVEL    TRACE DEBUG INFO WARN ERROR CRITICAL OFF; overrides LOG_LEVEL\n"
      "  --check-config       validate config and secrets, log the effective config, exit\n"
      "  --help               this text\n"
      "Exit codes: 0 ok, 1 usage or config error.\n",
      spec.program, std::string(spec.program.size(), ' '), spec.summary, spec.default_config_path);
}

}  // namespace core
