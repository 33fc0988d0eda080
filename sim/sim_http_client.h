/// @file sim/sim_http_client.h
/// @brief sim::SimHttpClient: core::HttpClient over sim::SimNetwork, the twin of
/// net::BeastHttpClient, speaking real HTTP/1.1 on the simulated streams.
///
/// The client lives on one simulated host (`host`) and dials the Url's host as a simulated host
/// name ("mockex") and port. http and https are both plain text here: TLS is not simulated, so
/// one config serves both worlds. Idle keep-alive connections are pooled per origin; one the
/// server closes leaves the pool when its close arrives. Concurrent requests to one origin
/// each get their own connection. Every callback runs on `clock`'s loop; `net` must outlive
/// the client. Destroying the client drops in-flight requests without calling their `done`.
///
/// | Option (core::HttpClientOptions) | Meaning                                   | Default |
/// |----------------------------------|-------------------------------------------|---------|
/// | body_bytes_max                   | response body limit (kProtocol above)     | 64 MiB  |
/// | idle_keep_us                     | pooled connections idle longer are closed | 30 s    |
/// | ca_file                          | ignored: no TLS in the simulation         | ""      |
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/ports/clock.h"
#include "core/ports/http.h"
#include "sim/sim_network.h"

namespace sim {

class SimHttpClient final : public core::HttpClient {
 public:
  SimHttpClient(core::Clock& clock, SimNetwork& net, std::string host,
                core::HttpClientOptions options = {});
  ~SimHttpClient() override;
  SimHttpClient(const SimHttpClient&) = delete;
  SimHttpClient& operator=(const SimHttpClient&) = delete;

  void request(const core::Url& origin, core::HttpRequest request, std::int64_t timeout_us,
               std::function<void(core::Result<core::HttpResponse>)> done) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sim
