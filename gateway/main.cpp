// gateway: market data in. Exchange feeds -> ticks on NATS (DESIGN.md section 4).
#include "core/config/gateway_config.h"
#include "net/service_main.h"

int main(int argc, char** argv, char** envp) {
  const core::CliSpec spec{"gateway", "Market data in: exchange feeds to ticks on NATS.",
                           "config/gateway.yaml"};
  return net::run_service(spec, argc, argv, envp, &core::load_gateway_config);
}
