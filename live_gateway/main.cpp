// live_gateway: orders out. Order intake from NATS -> safety -> paper or live execution.
#include <memory>

#include "core/config/live_gateway_config.h"
#include "live_gateway/key_check.h"
#include "net/beast_http_client.h"
#include "net/service_main.h"

namespace {

/// The live gateway's components so far, in construction order (destroyed in reverse).
struct Components {
  net::BeastHttpClient http;
  live_gateway::KeyCheck key_check;

  Components(const core::LiveGatewayConfig& config, net::ServiceContext& ctx)
      : http(ctx.clock),
        key_check(ctx.clock, http, ctx.shell.metrics(), ctx.shell.trace(), config, ctx.secrets) {
    key_check.start();
  }
};

}  // namespace

int main(int argc, char** argv, char** envp) {
  const core::CliSpec spec{"live_gateway",
                           "Orders out: NATS order intake, safety checks, paper or live execution.",
                           "config/live_gateway.yaml"};
  return net::run_service(spec, argc, argv, envp, &core::load_live_gateway_config,
                          [](const core::LiveGatewayConfig& config, net::ServiceContext& ctx) {
                            return std::make_shared<Components>(config, ctx);
                          });
}
