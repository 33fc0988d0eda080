#include "sim/workload.h"

#include "sim/workloads/bus_stream.h"
#include "sim/workloads/gateway_replay.h"
#include "sim/workloads/live_orders.h"
#include "sim/workloads/normalizer_replay.h"
#include "sim/workloads/pipeline_bars.h"

namespace sim {

core::Result<std::unique_ptr<Workload>> make_workload(
    const std::map<std::string, std::string>& params) {
  const std::string kind = params.count("kind") ? params.at("kind") : "";
  if (kind == "bus_stream") {
    auto p = parse_bus_stream_params(params);
    if (!p) return p.status();
    return std::unique_ptr<Workload>(std::make_unique<BusStreamWorkload>(*p));
  }
  if (kind == "normalizer_replay") {
    auto p = parse_normalizer_replay_params(params);
    if (!p) return p.status();
    return std::unique_ptr<Workload>(std::make_unique<NormalizerReplayWorkload>(std::move(*p)));
  }
  if (kind == "gateway_replay") {
    auto p = parse_gateway_replay_params(params);
    if (!p) return p.status();
    return std::unique_ptr<Workload>(std::make_unique<GatewayReplayWorkload>(std::move(*p)));
  }
  if (kind == "pipeline") {
    auto p = parse_pipeline_params(params);
    if (!p) return p.status();
    return std::unique_ptr<Workload>(std::make_unique<PipelineWorkload>(std::move(*p)));
  }
  if (kind == "live_orders") {
    auto p = parse_live_orders_params(params);
    if (!p) return p.status();
    return std::unique_ptr<Workload>(std::make_unique<LiveOrdersWorkload>(std::move(*p)));
  }
  return core::make_error(core::Errc::kConfig,
                          "workload.kind: unknown workload \"{}\" (known: bus_stream, "
                          "gateway_replay, live_orders, normalizer_replay, pipeline)",
                          kind);
}

}  // namespace sim
