#include <catch2/catch.hpp>

#include "core/cli.h"

namespace {
const core::CliSpec kSpec{"gateway", "test", "config/gateway.yaml"};
}

TEST_CASE("The config path comes from --config, else CONFIG_PATH, else the default", "[cli]") {
  auto a = core::parse_cli(kSpec, {"--config", "x.yaml"}, {{"CONFIG_PATH", "/app/c.yaml"}});
  REQUIRE(a.is_ok());
  CHECK(a->config_path == "x.yaml");
  auto b = core::parse_cli(kSpec, {}, {{"CONFIG_PATH", "/app/c.yaml"}});
  REQUIRE(b.is_ok());
  CHECK(b->config_path == "/app/c.yaml");
  auto c = core::parse_cli(kSpec, {}, {});
  REQUIRE(c.is_ok());
  CHECK(c->config_path == "config/gateway.yaml");
}

TEST_CASE("The command line collects every option in both spellings", "[cli]") {
  auto r = core::parse_cli(kSpec,
                           {"--set", "a.b=1", "--set=c.d=[x, y]", "--secrets-file=s.env",
                            "--log-level", "debug", "--check-config"},
                           {});
  REQUIRE(r.is_ok());
  CHECK(r->sets == std::vector<std::string>{"a.b=1", "c.d=[x, y]"});
  CHECK(r->secrets_file == "s.env");
  CHECK(r->log_level == "debug");
  CHECK(r->check_config);
  CHECK_FALSE(r->help);
  core::LoadOptions opts = core::to_load_options(*r, {{"X", "1"}});
  CHECK(opts.path == "config/gateway.yaml");
  CHECK(opts.sets == std::vector<std::string>{"a.b=1", "c.d=[x, y]", "service.log_level=debug"});
  CHECK(opts.env.at("X") == "1");
}

TEST_CASE("Bad arguments are refused by name", "[cli]") {
  auto unknown = core::parse_cli(kSpec, {"--confg", "x"}, {});
  REQUIRE_FALSE(unknown.is_ok());
  CHECK(unknown.status().code == core::Errc::kInvalidArgument);
  CHECK(unknown.status().message == "unknown argument '--confg'");
  auto missing = core::parse_cli(kSpec, {"--config"}, {});
  REQUIRE_FALSE(missing.is_ok());
  CHECK(missing.status().message == "--config needs a value");
  auto valued = core::parse_cli(kSpec, {"--help=yes"}, {});
  REQUIRE_FALSE(valued.is_ok());
  CHECK(valued.status().message == "--help takes no value");
  auto positional = core::parse_cli(kSpec, {"extra"}, {});
  REQUIRE_FALSE(positional.is_ok());
  CHECK(positional.status().message == "unknown argument 'extra'");
}

TEST_CASE("The usage text names every option", "[cli]") {
  std::string usage = core::cli_usage(kSpec);
  for (const char* opt :
       {"--config", "--set", "--secrets-file", "--log-level", "--check-config", "--help"}) {
    CHECK(usage.find(opt) != std::string::npos);
  }
}
