// normalizer: ticks from NATS -> 1-minute OHLCV bars in the ILP store.
#include "core/config/normalizer_config.h"
#include "net/service_main.h"

int main(int argc, char** argv, char** envp) {
  const core::CliSpec spec{"normalizer", "Ticks from NATS to 1-minute OHLCV bars over ILP.",
                           "config/normalizer.yaml"};
  return net::run_service(spec, argc, argv, envp, &core::load_normalizer_config);
}
