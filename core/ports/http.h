/// @file core/ports/http.h
/// @brief HTTP ports: `HttpServer` (REST plus WebSocket upgrade on one port) and `HttpClient`
/// (requests with a deadline over pooled keep-alive connections).
///
/// Implemented by net::BeastHttpServer / net::BeastHttpClient (Boost.Beast on the shard's
/// Asio loop, OpenSSL for https) and, later, sim twins over the simulated network.
/// Conventions for every method:
/// - times are microseconds; every callback runs on the owning Clock's loop thread, never inside
///   the call that caused it; methods are called on the loop thread;
/// - client errors: kInvalidArgument (bad origin), kUnavailable (resolve, connect or TLS failed:
///   nothing was sent), kTimeout (deadline passed), kProtocol (the peer sent something that is
///   not HTTP, or too big). `in_doubt` is set when the request may have reached the server
///   (its bytes were being written) and no full response came back: retry only with a dedup key;
/// - any HTTP status is a response, not an error: 429 and 418 come back as values;
/// - a server fills HttpRequest::peer with the connecting client's address (sim: host name).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/http.h"
#include "core/ports/ws.h"
#include "core/status.h"

namespace core {

class HttpServer {
 public:
  using Handler = std::function<void(const HttpRequest& request, HttpResponder responder)>;
  using WsHandler =
      std::function<void(const HttpRequest& upgrade, std::shared_ptr<WsSession> session)>;

  virtual ~HttpServer() = default;

  /// Binds and starts accepting. Port 0 picks a free port. Returns the bound port;
  /// kUnavailable (port taken, bad host) names host and port.
  virtual Result<std::uint16_t> listen(const std::string& host, std::uint16_t port) = 0;
  /// Every non-upgrade request goes here. Without a handler the server answers 404.
  /// Malformed requests get 400 and bodies over the limit 413 without reaching it.
  virtual void set_handler(Handler handler) = 0;
  /// Upgrade requests on the same port. The session is open when the handler runs; set its
  /// callbacks there. Without a ws handler an upgrade request goes to the HTTP handler.
  virtual void set_ws_handler(WsHandler handler) = 0;
  /// Stops accepting and drops every connection (ws sessions report on_close). Idempotent.
  virtual void stop() = 0;
  /// Connections accepted since listen(): lets tests and metrics see keep-alive reuse.
  virtual std::uint64_t connections_accepted() const = 0;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;

  /// Sends `request` to `origin` (scheme, host, port; its target is ignored) and calls `done`
  /// once, with the response or the error, within about `timeout_us`. Host and
  /// Content-Length are filled in when absent. Idle keep-alive connections to the same
  /// origin are reused; a response with "Connection: close" retires its connection.
  virtual void request(const Url& origin, HttpRequest request, std::int64_t timeout_us,
                       std::function<void(Result<HttpResponse>)> done) = 0;
};

}  // namespace core
