/// @file core/ports/ws.h
/// @brief WebSocket ports: `WsSession` (one open connection, either side) and `WsClient`
/// (dials ws:// or wss:// and reports through handlers).
///
/// Implemented by net::BeastWsClient (Boost.Beast, OpenSSL for wss) and, later, a sim twin over
/// the simulated network. Conventions for every method:
/// - text frames only (the exchanges speak JSON); pings are answered automatically;
/// - every callback runs on the owning Clock's loop thread, never inside the call that caused it;
/// - a connection reports its end exactly once, through on_close(code, reason): the peer's close
///   code, or core::kWsCloseAbnormal (1006) with the error text when it failed or dropped;
/// - methods are called on the loop thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <utility>

#include "core/http.h"
#include "core/status.h"

namespace core {

/// One open WebSocket connection. The server hands it to its ws handler; shared ownership,
/// the adapter keeps it alive until on_close has run.
class WsSession {
 public:
  virtual ~WsSession() = default;

  /// Queues a text frame; frames leave in call order. kUnavailable once closing or closed.
  virtual Status send_text(std::string text) = 0;
  /// Starts the close handshake after the queued frames; on_close follows. Idempotent.
  virtual void close(int code, std::string reason) = 0;
  virtual void on_message(std::function<void(const std::string& text)> fn) = 0;
  virtual void on_close(std::function<void(int code, const std::string& reason)> fn) = 0;
  /// "ip:port" of the peer, for logs.
  virtual std::string remote() const = 0;
  virtual bool is_open() const = 0;
  /// Bytes of frames accepted by send_text and not yet handed to the network: how far the
  /// peer is behind. A sender that can outpace its peer (a replay at max speed) holds back on
  /// it rather than queueing without bound. 0 where the transport keeps no queue.
  virtual std::size_t queued_bytes() const { return 0; }
};

struct WsHandlers {
  std::function<void()> on_open;
  std::function<void(const std::string& text)> on_text;
  /// After on_open: the end of the connection. Without on_open: the connect failed.
  std::function<void(int code, const std::string& reason)> on_close;
};

/// What every WsSession adapter keeps alike: the two handlers and the peer's address.
class WsSessionBase : public WsSession {
 public:
  void on_message(std::function<void(const std::string& text)> fn) override {
    on_message_ = std::move(fn);
  }
  void on_close(std::function<void(int code, const std::string& reason)> fn) override {
    on_close_ = std::move(fn);
  }
  std::string remote() const override { return remote_; }

 protected:
  std::function<void(const std::string& text)> on_message_;
  std::function<void(int code, const std::string& reason)> on_close_;
  std::string remote_;
};

/// One client connection at a time; connect again after on_close to reconnect.
class WsClient {
 public:
  virtual ~WsClient() = default;

  /// Dials `url` ("ws://host:port/path" or "wss://..."). A bad url or a failed connect or
  /// handshake is reported through on_close(kWsCloseAbnormal, text).
  virtual void connect(const std::string& url, WsHandlers handlers) = 0;
  /// kUnavailable when not open.
  virtual Status send_text(std::string text) = 0;
  /// Starts the close handshake; on_close follows. No-op when not connected.
  virtual void close(int code, std::string reason) = 0;
  virtual bool is_open() const = 0;
};

}  // namespace core
