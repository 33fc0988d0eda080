/// @file sim/workloads/gateway_api_probe.h
/// @brief The gateway's own HTTP API in the `gateway_replay` workload (seed Test 4): every
/// gateway host serves the REAL gateway::HttpApi (TickerCache, client limiter on SimKv as
/// gateway/main.cpp wires it), and a `client` host sends bursts of requests to it when the
/// timeline says so; GatewayApiProbe records every answer and judges the `expect:` entries.
///
/// Timeline: `api_burst: {requests: 1500, path: /ticker/BTCUSDT, target: all, parallel: 10}`
/// sends `requests` GETs from the one client host (so one client key at every gateway),
/// round-robin over the gateway hosts (`target: all`, the default) or to one (`target:
/// gateway-1`), `parallel` at a time; when every answer is in, it asks each targeted
/// gateway's /health (`rate_limiter`: valkey, local_fallback or local).
///
/// Expectations: `{api_ok: 100, api_429: 1400}` are exact counts of the answers of every
/// burst (or of one gateway's with `gateway: gateway-1`): 200 (`api_ok`), 429 (`api_429`),
/// 404 (`api_404`, 0 unless given: the ticker cache was still empty) and anything else or no
/// answer (`api_other`, 0 unless given). `{api_limiter: local_fallback}`: the last /health of
/// every gateway a burst targeted says that mode. Judged once every burst is answered (a
/// mismatch is a safety violation); every 429 must carry Retry-After, checked as it arrives.
///
/// | param | meaning | default |
/// |---|---|---|
/// | api_max_requests | rate_limiting.max_requests_per_window | 1000 |
/// | api_window | rate_limiting.window_sec (whole seconds) | 60s |
/// | api_valkey | rate_limiting.use_valkey_cache (false: each gateway limits alone) | true |
///
/// Single-threaded, on the world's clock. The probe outlives the world; answers of a crashed
/// client never arrive (its bursts then never finish: a liveness failure naming them).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config/gateway_config.h"
#include "core/metrics.h"
#include "core/ports/http.h"
#include "core/ports/kv.h"
#include "core/status.h"
#include "gateway/http_api.h"
#include "gateway/ticker_cache.h"
#include "sim/scenario.h"
#include "sim/sim_world.h"

namespace sim {

struct GatewayApiParams {
  int max_requests = 1000;
  int window_sec = 60;
  bool valkey = true;
};

/// Takes `key` if it is one of the api_* params (true), else false; kConfig on a bad value.
core::Result<bool> gateway_api_param(const std::string& key, const std::string& value,
                                     GatewayApiParams& params);
/// The params' names, for "known: ..." lists.
inline constexpr const char* kGatewayApiParams = "api_max_requests, api_window, api_valkey";
/// Sets config.rate_limiting from `params`.
void apply_gateway_api_params(const GatewayApiParams& params, core::GatewayConfig& config);

/// Part of a gateway host: HttpApi (plus /health) on config.service.port of that host.
class GatewayApiServer {
 public:
  GatewayApiServer(HostEnv& env, const core::GatewayConfig& config,
                   const gateway::TickerCache& cache);
  ~GatewayApiServer();
  GatewayApiServer(const GatewayApiServer&) = delete;
  GatewayApiServer& operator=(const GatewayApiServer&) = delete;

 private:
  core::metrics::Registry metrics_;
  std::unique_ptr<core::Kv> kv_;  // null without use_valkey_cache
  gateway::HttpApi api_;
  std::unique_ptr<core::HttpServer> server_;
};

/// Answers of the API as the client saw them.
struct ApiCounts {
  std::uint64_t ok = 0;
  std::uint64_t throttled = 0;
  std::uint64_t not_found = 0;
  std::uint64_t other = 0;  // other codes and requests without an answer
  void add(const ApiCounts& o);
};

class GatewayApiProbe {
 public:
  /// `gateways`: the gateway host names; `port`: where their API listens.
  GatewayApiProbe(std::vector<std::string> gateways, std::uint16_t port);
  /// Adds the `client` host.
  void setup(SimWorld& world);
  /// An `api_burst` entry as an action; kConfig naming the field that is wrong.
  core::Result<std::function<void()>> burst_action(const TimelineEntry& entry);
  /// Takes an expectation with api_* keys; kConfig when a key or value is wrong.
  core::Status expect(const Expectation& expectation);
  std::optional<std::string> violation() const;
  /// Every burst answered, /health probes included.
  bool done() const { return answered_ == planned_; }
  std::string progress() const;
  std::vector<std::string> report() const;

 private:
  struct Burst {
    std::uint64_t requests = 0;
    std::string path;
    std::vector<std::string> targets;
    int parallel = 1;
    std::uint64_t sent = 0;
    std::uint64_t answered = 0;
  };
  struct Expected {
    std::string where;
    std::string gateway;                          // "" = every gateway
    std::map<std::string, std::uint64_t> counts;  // api_ok, api_429, api_404, api_other
    std::string limiter;
  };
  void send_next(std::size_t burst);
  void on_answer(std::size_t burst, const std::string& gateway,
                 const core::Result<core::HttpResponse>& answer);
  void probe_health(std::size_t burst);
  ApiCounts counts_of(const std::string& gateway) const;
  std::optional<std::string> mismatch(const Expected& x) const;

  std::vector<std::string> gateways_;
  std::uint16_t port_;
  SimWorld* world_ = nullptr;
  std::vector<Burst> bursts_;
  std::vector<Expected> expected_;
  std::map<std::string, ApiCounts> counts_;     // by gateway
  std::map<std::string, std::string> limiter_;  // by gateway: the last /health mode
  std::uint64_t planned_ = 0;                   // requests and /health probes
  std::uint64_t answered_ = 0;
  std::optional<std::string> violation_;  // a 429 without Retry-After
};

}  // namespace sim
