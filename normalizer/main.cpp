// normalizer: ticks from NATS -> 1-minute OHLCV bars in the ILP store.
#include "core/config/normalizer_config.h"
#include "net/asio_clock.h"
#include "net/service_main.h"

int main(int argc, char** argv, char** envp) {
  const core::CliSpec spec{"normalizer", "Ticks from NATS to 1-minute OHLCV bars over ILP.",
                           "config/normalizer.yaml"};
  auto start = net::start_service(spec, argc, argv, envp, &core::load_normalizer_config);
  if (start.done()) return start.exit_code;
  net::AsioClock clock;
  return net::run_until_signal(clock, core::log::Logger(spec.program));
}
