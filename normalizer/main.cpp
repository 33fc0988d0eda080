// normalizer: ticks from NATS -> 1-minute OHLCV bars in the ILP store.
//   normalizer [options]        run the service
//   normalizer bars [options]   print the seed's query (the 10 newest BTCUSDT bars) and exit
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config/connections.h"
#include "core/config/normalizer_config.h"
#include "net/ilp_store.h"
#include "net/nats_bus.h"
#include "net/service_main.h"
#include "normalizer/bar_rows.h"
#include "normalizer/normalizer_service.h"

namespace {

core::BusOptions bus_options(const core::NormalizerConfig& c) {
  core::BusOptions o = core::bus_options_of(c);
  // The normalizer must come back whatever the outage: reconnect forever.
  o.max_reconnect_attempts = -1;
  return o;
}

std::int64_t timeout_ms(const core::NormalizerConfig& c) {
  return static_cast<std::int64_t>(c.store.timeout_sec * 1000);
}

core::StoreOptions store_options(const core::NormalizerConfig& c) {
  return *normalizer::store_options_from_write_url(c.store.write_url, timeout_ms(c));
}

/// The normalizer's config loader: the keys, then store.write_url as a store target, so a bad
/// URL is a config error (exit 1, also under --check-config).
core::Result<core::NormalizerConfig> load_config(const core::LoadOptions& opts) {
  auto config = core::load_normalizer_config(opts);
  if (!config) return config;
  auto target = normalizer::store_options_from_write_url(config->store.write_url, 1);
  if (!target) return target.status();
  return config;
}

/// The service's parts in construction order (destroyed in reverse).
struct Components {
  net::NatsBus bus;
  net::IlpStore store;
  normalizer::NormalizerService service;

  Components(const core::NormalizerConfig& config, net::ServiceContext& ctx)
      : bus(ctx.clock, bus_options(config)),
        store(ctx.clock, store_options(config)),
        service(ctx.clock, bus, store, ctx.shell.metrics(), ctx.shell.trace(), config) {
    service.start();
  }
};

// `normalizer bars`: SELECT * FROM ohlcv_1m WHERE symbol = 'BTCUSDT' ORDER BY timestamp DESC
// LIMIT 10, from whichever database store.write_url names.
int print_bars(const core::NormalizerConfig& config) {
  net::AsioClock clock;
  net::IlpStore store(clock, store_options(config));
  core::StoreQuery q;
  q.table = config.store.table;
  q.tags_equal = {{"symbol", "BTCUSDT"}};
  q.newest_first = true;
  q.limit = 10;
  std::optional<core::Result<core::QueryResult>> got;
  store.query(q, [&](core::Result<core::QueryResult> r) { got.emplace(std::move(r)); });
  clock.run_until([&] { return got.has_value(); }, (timeout_ms(config) + 1000) * 1000);
  if (!got || !got->is_ok()) {
    std::fprintf(stderr, "normalizer bars: %s\n",
                 got ? got->status().message.c_str() : "no answer from the store");
    return 1;
  }
  const core::QueryResult& r = **got;
  std::string out;
  for (std::size_t i = 0; i < r.columns.size(); ++i) out += (i ? "\t" : "") + r.columns[i];
  out += "\n";
  for (const auto& row : r.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "\t" : "") + row[i];
    out += "\n";
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv, char** envp) {
  const core::CliSpec spec{"normalizer",
                           "Ticks from NATS to 1-minute OHLCV bars over ILP. `normalizer bars` "
                           "prints the 10 newest BTCUSDT bars.",
                           "config/normalizer.yaml"};
  const bool bars = argc > 1 && std::string(argv[1]) == "bars";
  std::vector<char*> args(argv, argv + argc);
  if (bars) args.erase(args.begin() + 1);
  const int n = static_cast<int>(args.size());
  if (bars) {
    auto s = net::start_service(spec, n, args.data(), envp, &load_config);
    return s.done() ? s.exit_code : print_bars(s.config);
  }
  return net::run_service(spec, n, args.data(), envp, &load_config,
                          [](const core::NormalizerConfig& config, net::ServiceContext& ctx) {
                            return std::make_shared<Components>(config, ctx);
                          });
}
