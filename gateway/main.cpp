// gateway: market data in. Exchange feeds -> ticks on NATS (DESIGN.md section 4).
#include "core/config/gateway_config.h"
#include "net/asio_clock.h"
#include "net/service_main.h"

int main(int argc, char** argv, char** envp) {
  const core::CliSpec spec{"gateway", "Market data in: exchange feeds to ticks on NATS.",
                           "config/gateway.yaml"};
  auto start = net::start_service(spec, argc, argv, envp, &core::load_gateway_config);
  if (start.done()) return start.exit_code;
  net::AsioClock clock;
  return net::run_until_signal(clock, core::log::Logger(spec.program));
}
