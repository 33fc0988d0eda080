/// @file net/beast_http_server.h
/// @brief net::BeastHttpServer: core::HttpServer on Boost.Beast, on the shard's AsioClock loop.
///
/// REST and WebSocket upgrade share one port (the mock exchange serves both). One request at a
/// time per connection (no pipelining): the next is read after the response is written, so a
/// handler may answer later through its responder. Malformed requests get 400, bodies over
/// `body_bytes_max` get 413, and both close the connection. No threads of its own; every
/// callback runs on the clock's loop. Destroying the server stops it; sessions still running
/// own themselves and end with the loop. With use_tls() every connection is TLS (TLS 1.2+);
/// a client that does not complete the handshake is disconnected.
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

  /// Serves TLS only (https and wss on the one port) with the PEM certificate chain and
  /// private key in these files; call before listen(). kConfig names the file that cannot be
  /// loaded.
  core::Status use_tls(const std::string& cert_file, const std::string& key_file);
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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace net
