/// @file core/http.h
/// @brief HTTP value types shared by the HTTP and WebSocket ports: headers, request, response,
/// URLs, the responder a server handler answers through, and adapter options.
///
/// Plain values with no I/O, so the same types flow through net:: (Beast) and sim:: adapters.
/// Header names keep the case they were sent with; lookups ignore case (RFC 9110).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/headers.h"
#include "core/status.h"

namespace core {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query: "/api/v3/order?symbol=BTCUSDT"
  Headers headers;
  std::string body;
  /// Server side: the connecting client's IP address ("10.0.0.7", "::1"; in SimWorld the
  /// client host's name). Empty in requests a client sends.
  std::string peer = {};
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;
};

/// Where a client connects. `target` is the path and query (may be empty for an origin).
struct Url {
  std::string scheme;  // "http", "https", "ws" or "wss"
  std::string host;
  std::uint16_t port = 0;
  std::string target;

  bool tls() const { return scheme == "https" || scheme == "wss"; }
};

/// Parses "scheme://host[:port][/path?query]"; the port defaults from the scheme.
/// kInvalidArgument names what was wrong (unknown scheme, bad port, missing host).
Result<Url> parse_url(std::string_view text);

/// WebSocket close codes (RFC 6455 section 7.4.1) that adapters report themselves.
inline constexpr int kWsCloseNormal = 1000;
/// Reported on the client when the connection failed or dropped without a close frame.
inline constexpr int kWsCloseAbnormal = 1006;

/// Answers one server request, at once or later (from a timer). Copyable so a handler can
/// capture it; the first respond() or reset() wins and later ones are ignored. When the last
/// copy is dropped unanswered, the server answers 500, so a forgotten responder cannot hang a
/// client. Use it on the loop thread only.
class HttpResponder {
 public:
  /// `send` writes the response; `reset` drops the connection without one (empty: reset()
  /// only marks the request answered, for handlers driven directly in tests).
  explicit HttpResponder(std::function<void(HttpResponse)> send, std::function<void()> reset = {});
  void respond(HttpResponse response) const;
  /// Drops the connection with no response at all (fault injection: the client learns only
  /// that the connection went away after its request was sent).
  void reset() const;
  bool answered() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

struct HttpServerOptions {
  std::size_t body_bytes_max = 8 * 1024 * 1024;  // larger request bodies get 413
  std::int64_t idle_timeout_us = 60'000'000;     // an idle keep-alive connection is closed
};

struct HttpClientOptions {
  std::size_t body_bytes_max = 64 * 1024 * 1024;  // larger responses fail with kProtocol
  std::int64_t idle_keep_us = 30'000'000;         // pooled connections older than this close
  std::string ca_file;  // PEM bundle to trust instead of the system CAs (tests); "" = system
};

struct WsClientOptions {
  /// When > 0, a ping goes out after this long without traffic, and the connection is
  /// dropped (kWsCloseAbnormal) if nothing arrives for twice as long. 0: no pings.
  std::int64_t ping_interval_us = 0;
  std::size_t message_bytes_max = 16 * 1024 * 1024;
  std::string ca_file;  // as HttpClientOptions::ca_file
};

}  // namespace core
