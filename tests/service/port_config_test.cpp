// Port 0 (bind any free port) is a valid value for every listener a service opens.
#include <catch2/catch.hpp>

#include "core/config/gateway_config.h"
#include "core/config/live_gateway_config.h"
#include "core/config/normalizer_config.h"

namespace {

core::LoadOptions with_sets(std::vector<std::string> sets) {
  core::LoadOptions opts;
  opts.yaml_text = "{}";
  opts.sets = std::move(sets);
  return opts;
}

}  // namespace

TEST_CASE("Every service accepts port 0 for service.port and monitoring.metrics_port", "[config]") {
  auto opts = with_sets({"service.port=0", "monitoring.metrics_port=0"});
  auto gateway = core::load_gateway_config(opts);
  REQUIRE(gateway);
  CHECK(gateway->service.port == 0);
  CHECK(gateway->monitoring.metrics_port == 0);
  auto live = core::load_live_gateway_config(opts);
  REQUIRE(live);
  CHECK(live->service.port == 0);
  CHECK(live->monitoring.metrics_port == 0);
  auto normalizer = core::load_normalizer_config(opts);
  REQUIRE(normalizer);
  CHECK(normalizer->service.port == 0);
  CHECK(normalizer->monitoring.metrics_port == 0);
}

TEST_CASE("A negative service.port is refused with the key path and the value", "[config]") {
  auto loaded = core::load_gateway_config(with_sets({"service.port=-1"}));
  REQUIRE_FALSE(loaded);
  CHECK(loaded.status().code == core::Errc::kConfig);
  CHECK(loaded.status().message ==
        "config: 'service.port' must be an integer in [0, 65535], got \"-1\" in --set "
        "service.port=-1");
}
