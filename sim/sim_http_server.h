/// @file sim/sim_http_server.h
/// @brief sim::SimHttpServer: core::HttpServer over sim::SimNetwork, the twin of
/// net::BeastHttpServer, speaking real HTTP/1.1 and RFC 6455 on the simulated streams.
///
/// The server lives on one simulated host (`host`); listen() binds a port of that host (port 0
/// picks the first free one from 30000 up, so runs are repeatable). REST and WebSocket upgrade
/// share the port. One request at a time per connection (no pipelining), so a handler may
/// answer later through its responder. Malformed requests get 400, bodies over
/// `body_bytes_max` get 413, and both close the connection. WebSocket sessions ping a silent
/// client after 150 s and drop it after 300 s, as Beast's suggested server timeouts do, or on
/// Binance's schedule after set_ws_ping.
/// Every callback runs on `clock`'s loop; `net` must outlive the server. Destroying the server
/// stops it; a responder kept longer answers into a closed connection, harmlessly.
///
/// | Option (core::HttpServerOptions) | Meaning                               | Default |
/// |----------------------------------|---------------------------------------|---------|
/// | body_bytes_max                   | request body limit, larger gets 413   | 8 MiB   |
/// | idle_timeout_us                  | idle keep-alive connections close     | 60 s    |
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/ports/clock.h"
#include "core/ports/http.h"
#include "sim/sim_network.h"

namespace sim {

class SimHttpServer final : public core::HttpServer {
 public:
  SimHttpServer(core::Clock& clock, SimNetwork& net, std::string host,
                core::HttpServerOptions options = {});
  ~SimHttpServer() override;
  SimHttpServer(const SimHttpServer&) = delete;
  SimHttpServer& operator=(const SimHttpServer&) = delete;

  /// `host` must name this server's simulated host, or be a wildcard or loopback address
  /// ("0.0.0.0", "::", "127.0.0.1", "localhost", ""), which all mean that host.
  core::Result<std::uint16_t> listen(const std::string& host, std::uint16_t port) override;
  /// WebSocket keepalive for sessions upgraded from now on. By default Beast's suggested
  /// server timeouts (a ping after 150 s without traffic, a drop after 300 s); this instead
  /// pings every `interval_us` whatever the traffic and drops (1006) a session once
  /// `pong_timeout_us` pass without a pong, as Binance does (3 and 10 minutes).
  void set_ws_ping(std::int64_t interval_us, std::int64_t pong_timeout_us);
  void set_handler(Handler handler) override;
  void set_ws_handler(WsHandler handler) override;
  void stop() override;
  std::uint64_t connections_accepted() const override;

  /// The first port listen(host, 0) tries.
  static constexpr std::uint16_t kFirstAutoPort = 30000;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sim
