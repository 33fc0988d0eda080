/// @file net/beast_http_client.h
/// @brief net::BeastHttpClient: core::HttpClient on Boost.Beast, on the shard's AsioClock loop.
///
/// http and https (OpenSSL: SNI, peer verification against the system CAs or a given bundle,
/// host name check). Idle keep-alive connections are pooled per origin and watched: one the
/// server closes leaves the pool at once, so a reused connection is rarely stale. Concurrent
/// requests to one origin each get their own connection. No threads of its own. Destroying
/// the client drops in-flight requests without calling their `done`.
///
/// | Option (core::HttpClientOptions) | Meaning                                   | Default |
/// |----------------------------------|-------------------------------------------|---------|
/// | body_bytes_max                   | response body limit (kProtocol above)     | 64 MiB  |
/// | idle_keep_us                     | pooled connections idle longer are closed | 30 s    |
/// | ca_file                          | PEM CAs to trust; "" = system CAs         | ""      |
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "core/ports/http.h"

namespace net {

class AsioClock;

class BeastHttpClient final : public core::HttpClient {
 public:
  explicit BeastHttpClient(AsioClock& clock, core::HttpClientOptions options = {});
  ~BeastHttpClient() override;
  BeastHttpClient(const BeastHttpClient&) = delete;
  BeastHttpClient& operator=(const BeastHttpClient&) = delete;

  void request(const core::Url& origin, core::HttpRequest request, std::int64_t timeout_us,
               std::function<void(core::Result<core::HttpResponse>)> done) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace net
