// live_gateway: orders out. Order intake from NATS -> safety -> paper or live execution.
#include "core/config/live_gateway_config.h"
#include "net/asio_clock.h"
#include "net/service_main.h"

int main(int argc, char** argv, char** envp) {
  const core::CliSpec spec{"live_gateway",
                           "Orders out: NATS order intake, safety checks, paper or live execution.",
                           "config/live_gateway.yaml"};
  auto start = net::start_service(spec, argc, argv, envp, &core::load_live_gateway_config);
  if (start.done()) return start.exit_code;
  net::AsioClock clock;
  return net::run_until_signal(clock, core::log::Logger(spec.program));
}
