/// @file net/beast_http_server.h
/// @brief net::BeastHttpServer: core::HttpServer on Boost.Beast, on the shard's AsioClock loop.
///
/// REST and WebSocket upgrade share one port (the mock exchange serves both). One request at a
/// time per connection (no pipelining): the next is read after the response is written, so a
/// handler may answer later through its responder. Malformed requests get 400, bodies over
/// `body_bytes_max` get 413, and both close the connection. No threads of its own; every
/// callback runs on the clock's loop. Destroying the server stops it; sessions still running
/// own themselves and end with the loop.
///
/// | Option (core::HttpServerOptions) | Meaning                               | Default |
/// |----------------------------------|---------------------------------------|---------|
/// | body_bytes_max                   | request body limit, larger gets 413   | 8 MiB   |
/// | idle_timeout_us                  | idle keep-alive connections close     | 60 s    |
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/ports/http.h"

namespace net {

class AsioClock;

class BeastHttpServer final : public core::HttpServer {
 public:
  explicit BeastHttpServer(AsioClock& clock, core::HttpServerOptions options = {});
  ~BeastHttpServer() override;
  BeastHttpServer(const BeastHttpServer&) = delete;
  BeastHttpServer& operator=(const BeastHttpServer&) = delete;

  core::Result<std::uint16_t> listen(const std::string& host, std::uint16_t port) override;
  void set_handler(Handler handler) override;
  void set_ws_handler(WsHandler handler) override;
  void stop() override;
  std::uint64_t connections_accepted() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace net
