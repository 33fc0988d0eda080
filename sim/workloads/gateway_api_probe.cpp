#include "sim/workloads/gateway_api_probe.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/ranges.h>

#include "core/headers.h"
#include "core/json_text.h"
#include "gateway/client_limiter.h"

namespace sim {
namespace {

constexpr const char* kClientHost = "client";
constexpr std::int64_t kRequestTimeoutUs = 5'000'000;
constexpr const char* kExpectKeys = "api_ok, api_429, api_404, api_other, api_limiter, gateway";
constexpr const char* kBurstFields = "requests, path, target, parallel";

// A positive integer, or nothing.
std::optional<std::uint64_t> positive(const std::string& value) {
  if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const std::uint64_t n = std::strtoull(value.c_str(), nullptr, 10);
  return n > 0 ? std::optional(n) : std::nullopt;
}

// The client: one host, so every gateway sees the same peer address, and one key.
class ApiClientHost final : public Process {
 public:
  explicit ApiClientHost(HostEnv& env) : http_(env.make_http_client()) {}
  void get(const std::string& host, std::uint16_t port, const std::string& path,
           std::function<void(core::Result<core::HttpResponse>)> done) {
    http_->request(core::Url{"http", host, port, ""},
                   core::HttpRequest{.method = "GET", .target = path, .headers = {}, .body = {}},
                   kRequestTimeoutUs, std::move(done));
  }

 private:
  std::unique_ptr<core::HttpClient> http_;
};

std::string describe(const ApiCounts& c) {
  return fmt::format("200 x{}, 429 x{}, 404 x{}, other x{}", c.ok, c.throttled, c.not_found,
                     c.other);
}

}  // namespace

core::Result<bool> gateway_api_param(const std::string& key, const std::string& value,
                                     GatewayApiParams& p) {
  if (key == "api_max_requests") {
    const auto n = positive(value);
    if (!n || *n > 1'000'000'000)
      return core::make_error(core::Errc::kConfig,
                              "workload.api_max_requests: expected a positive integer, got \"{}\"",
                              value);
    p.max_requests = static_cast<int>(*n);
  } else if (key == "api_window") {
    auto d = parse_duration_us(value);
    if (!d || *d < 1'000'000 || *d % 1'000'000 != 0)
      return core::make_error(core::Errc::kConfig,
                              "workload.api_window: expected whole seconds (e.g. 60s), got \"{}\"",
                              value);
    p.window_sec = static_cast<int>(*d / 1'000'000);
  } else if (key == "api_valkey") {
    if (value != "true" && value != "false")
      return core::make_error(core::Errc::kConfig,
                              "workload.api_valkey: expected true or false, got \"{}\"", value);
    p.valkey = value == "true";
  } else {
    return false;
  }
  return true;
}

void apply_gateway_api_params(const GatewayApiParams& p, core::GatewayConfig& config) {
  config.rate_limiting.max_requests_per_window = p.max_requests;
  config.rate_limiting.window_sec = p.window_sec;
  config.rate_limiting.use_valkey_cache = p.valkey;
}

GatewayApiServer::GatewayApiServer(HostEnv& env, const core::GatewayConfig& config,
                                   const gateway::TickerCache& cache)
    : kv_(config.rate_limiting.use_valkey_cache ? env.make_kv() : nullptr),
      api_(env.clock, cache, kv_.get(), metrics_, gateway::limiter_options(config)),
      server_(env.make_http_server()) {
  // /health is the service shell's route in the binary; here the API's fields are all of it.
  server_->set_handler([this](const core::HttpRequest& request, core::HttpResponder responder) {
    if (request.target != "/health") {
      api_.handle(request, std::move(responder));
      return;
    }
    std::string body;
    core::json::ObjectWriter out(body);
    out.str("status", "ok");
    api_.health_fields(out);
    out.close();
    responder.respond(core::HttpResponse{200, {{"Content-Type", "application/json"}}, body});
  });
  const auto port = static_cast<std::uint16_t>(config.service.port);
  if (auto bound = server_->listen("0.0.0.0", port); !bound)
    throw std::logic_error("gateway_replay: API listen: " + bound.status().message);
}

GatewayApiServer::~GatewayApiServer() {
  server_->stop();
}

void ApiCounts::add(const ApiCounts& o) {
  ok += o.ok;
  throttled += o.throttled;
  not_found += o.not_found;
  other += o.other;
}

GatewayApiProbe::GatewayApiProbe(std::vector<std::string> gateways, std::uint16_t port)
    : gateways_(std::move(gateways)), port_(port) {}

void GatewayApiProbe::setup(SimWorld& world) {
  world_ = &world;
  world.add_host(kClientHost, [](HostEnv& env) { return std::make_unique<ApiClientHost>(env); });
}

core::Result<std::function<void()>> GatewayApiProbe::burst_action(const TimelineEntry& e) {
  Burst b;
  b.path = "/ticker/BTCUSDT";
  std::string target = "all";
  for (const auto& [key, value] : e.args) {
    if (key == "requests" || key == "parallel") {
      const auto n = positive(value);
      if (!n || *n > 1'000'000)
        return core::make_error(core::Errc::kConfig,
                                "{}: api_burst.{}: expected a positive integer, got \"{}\"",
                                e.where, key, value);
      if (key == "requests") b.requests = *n;
      if (key == "parallel") b.parallel = static_cast<int>(*n);
    } else if (key == "path") {
      if (value.empty() || value[0] != '/')
        return core::make_error(core::Errc::kConfig,
                                "{}: api_burst.path: expected a path starting with '/', got \"{}\"",
                                e.where, value);
      b.path = value;
    } else if (key == "target") {
      target = value;
    } else {
      return core::make_error(core::Errc::kConfig,
                              "{}: api_burst: unknown field '{}' (allowed: {})", e.where, key,
                              kBurstFields);
    }
  }
  if (b.requests == 0 || !e.targets.empty())
    return core::make_error(core::Errc::kConfig,
                            "{}: api_burst: needs {{requests: N, ...}} (fields: {})", e.where,
                            kBurstFields);
  if (target == "all") {
    b.targets = gateways_;
  } else if (std::find(gateways_.begin(), gateways_.end(), target) != gateways_.end()) {
    b.targets = {target};
  } else {
    return core::make_error(core::Errc::kConfig, "{}: api_burst.target: no gateway '{}' (all, {})",
                            e.where, target, fmt::join(gateways_, ", "));
  }
  planned_ += b.requests + b.targets.size();
  bursts_.push_back(std::move(b));
  const std::size_t index = bursts_.size() - 1;
  return std::function<void()>([this, index] {
    const Burst& burst = bursts_[index];
    world_->event(kClientHost, "api_burst")
        .u64("requests", burst.requests)
        .str("path", burst.path)
        .u64("gateways", burst.targets.size());
    for (int i = 0; i < burst.parallel; ++i) send_next(index);
  });
}

void GatewayApiProbe::send_next(std::size_t index) {
  Burst& b = bursts_[index];
  auto* client = world_->process<ApiClientHost>(kClientHost);
  if (client == nullptr || b.sent == b.requests) return;
  const std::string gateway = b.targets[b.sent % b.targets.size()];
  ++b.sent;
  client->get(gateway, port_, b.path,
              [this, index, gateway](core::Result<core::HttpResponse> answer) {
                on_answer(index, gateway, answer);
                send_next(index);
              });
}

void GatewayApiProbe::on_answer(std::size_t index, const std::string& gateway,
                                const core::Result<core::HttpResponse>& answer) {
  ApiCounts& c = counts_[gateway];
  const int code = answer ? answer->status : 0;
  if (code == 200) {
    ++c.ok;
  } else if (code == 429) {
    ++c.throttled;
    if (!core::find_header(answer->headers, "Retry-After") && !violation_)
      violation_ = fmt::format("{} answered 429 without Retry-After: {}", gateway, answer->body);
  } else if (code == 404) {
    ++c.not_found;
  } else {
    ++c.other;
  }
  ++answered_;
  Burst& b = bursts_[index];
  if (++b.answered == b.requests) probe_health(index);
}

void GatewayApiProbe::probe_health(std::size_t index) {
  const Burst& b = bursts_[index];
  ApiCounts total;
  for (const auto& g : b.targets) total.add(counts_of(g));
  world_->event(kClientHost, "api_burst_done").str("so_far", describe(total));
  auto* client = world_->process<ApiClientHost>(kClientHost);
  for (const std::string& gateway : b.targets) {
    if (client == nullptr) return;
    client->get(gateway, port_, "/health", [this, gateway](core::Result<core::HttpResponse> r) {
      static const std::string kKey = "\"rate_limiter\":\"";
      std::string mode = "no answer";
      if (r && r->body.find(kKey) != std::string::npos) {
        const auto begin = r->body.find(kKey) + kKey.size();
        mode = r->body.substr(begin, r->body.find('"', begin) - begin);
      }
      limiter_[gateway] = mode;
      world_->event(kClientHost, "api_health").str("gateway", gateway).str("rate_limiter", mode);
      ++answered_;
    });
  }
}

ApiCounts GatewayApiProbe::counts_of(const std::string& gateway) const {
  ApiCounts out;
  for (const auto& [g, c] : counts_)
    if (gateway.empty() || g == gateway) out.add(c);
  return out;
}

core::Status GatewayApiProbe::expect(const Expectation& e) {
  Expected x;
  x.where = e.where;
  for (const auto& [key, value] : e.fields) {
    if (key == "api_ok" || key == "api_429" || key == "api_404" || key == "api_other") {
      if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos)
        return core::make_error(core::Errc::kConfig,
                                "{}: expect.{}: expected a count (0 or more), got \"{}\"", e.where,
                                key, value);
      x.counts[key] = std::strtoull(value.c_str(), nullptr, 10);
    } else if (key == "api_limiter") {
      if (value != "valkey" && value != "local_fallback" && value != "local")
        return core::make_error(
            core::Errc::kConfig,
            "{}: expect.api_limiter: expected valkey, local_fallback or local, got \"{}\"", e.where,
            value);
      x.limiter = value;
    } else if (key == "gateway") {
      if (std::find(gateways_.begin(), gateways_.end(), value) == gateways_.end())
        return core::make_error(core::Errc::kConfig, "{}: expect.gateway: no gateway '{}' ({})",
                                e.where, value, fmt::join(gateways_, ", "));
      x.gateway = value;
    } else {
      return core::make_error(core::Errc::kConfig, "{}: expect: unknown key '{}' (allowed: {})",
                              e.where, key, kExpectKeys);
    }
  }
  if (x.counts.empty() && x.limiter.empty())
    return core::make_error(core::Errc::kConfig,
                            "{}: expect: needs api_ok, api_429, api_404, api_other or api_limiter",
                            e.where);
  if (bursts_.empty())
    return core::make_error(core::Errc::kConfig,
                            "{}: expect: api_* expectations need an api_burst in the timeline",
                            e.where);
  if (!x.counts.empty()) {
    x.counts.emplace("api_404", 0);  // an empty ticker cache is a failure unless expected
    x.counts.emplace("api_other", 0);
  }
  expected_.push_back(std::move(x));
  return core::Status::ok();
}

std::optional<std::string> GatewayApiProbe::mismatch(const Expected& x) const {
  const ApiCounts c = counts_of(x.gateway);
  const std::map<std::string, std::uint64_t> got = {
      {"api_ok", c.ok}, {"api_429", c.throttled}, {"api_404", c.not_found}, {"api_other", c.other}};
  std::string wrong;
  for (const auto& [key, want] : x.counts) {
    if (got.at(key) != want)
      wrong += fmt::format("{}{} {}, want {}", wrong.empty() ? "" : "; ", key, got.at(key), want);
  }
  for (const auto& [gateway, mode] : limiter_) {
    if (!x.limiter.empty() && (x.gateway.empty() || gateway == x.gateway) && mode != x.limiter)
      wrong += fmt::format("{}{} /health rate_limiter {}, want {}", wrong.empty() ? "" : "; ",
                           gateway, mode, x.limiter);
  }
  if (wrong.empty()) return std::nullopt;
  return wrong;
}

std::optional<std::string> GatewayApiProbe::violation() const {
  if (violation_ || !done()) return violation_;
  for (const Expected& x : expected_) {
    if (auto wrong = mismatch(x)) return fmt::format("{}: expect: {}", x.where, *wrong);
  }
  return std::nullopt;
}

std::string GatewayApiProbe::progress() const {
  if (done()) return {};
  return fmt::format("the API answered {} of {} burst requests and /health probes so far ({})",
                     answered_, planned_, describe(counts_of("")));
}

std::vector<std::string> GatewayApiProbe::report() const {
  std::vector<std::string> out;
  for (const Expected& x : expected_) {
    std::string what;
    for (const auto& [key, want] : x.counts) what += fmt::format(" {}={}", key, want);
    if (!x.limiter.empty()) what += " api_limiter=" + x.limiter;
    const std::string scope =
        x.gateway.empty() ? fmt::format("{}", fmt::join(gateways_, "+")) : x.gateway;
    std::string evidence = fmt::format("{} answered {}", scope, describe(counts_of(x.gateway)));
    for (const auto& [gateway, mode] : limiter_)
      if (x.gateway.empty() || gateway == x.gateway)
        evidence += fmt::format("; {} /health rate_limiter {}", gateway, mode);
    if (violation_) evidence += "; " + *violation_;
    const auto wrong = mismatch(x);
    const bool pass = done() && !wrong && !violation_;
    out.push_back(fmt::format("{} {}{}: {}{}", pass ? "PASS" : "FAIL", x.where, what, evidence,
                              done() ? "" : " (bursts unfinished)"));
  }
  return out;
}

}  // namespace sim
