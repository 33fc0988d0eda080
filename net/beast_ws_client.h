/// @file net/beast_ws_client.h
/// @brief net::BeastWsClient: core::WsClient on Asio (ws://, and wss:// through OpenSSL with
/// SNI and peer verification), on the shard's AsioClock loop.
///
/// One connection at a time; connect again after on_close. The framing is ours
/// (net/detail/ws_client_session.h: every frame of a socket read in one loop turn), the
/// upgrade's HTTP is Beast's. Pings from the server are answered while reading. With
/// `ping_interval_us` > 0 the client pings an idle server and drops a silent one. No threads
/// of its own. Destroying the client drops the connection without calling on_close.
///
/// | Option (core::WsClientOptions) | Meaning                                     | Default |
/// |--------------------------------|---------------------------------------------|---------|
/// | ping_interval_us               | idle time before a ping; 0 = never ping     | 0       |
/// | message_bytes_max              | larger incoming messages drop the link      | 16 MiB  |
/// | ca_file                        | PEM CAs to trust; "" = system CAs           | ""      |
#pragma once

#include <memory>
#include <string>

#include "core/ports/ws.h"

namespace net {

class AsioClock;

class BeastWsClient final : public core::WsClient {
 public:
  explicit BeastWsClient(AsioClock& clock, core::WsClientOptions options = {});
  ~BeastWsClient() override;
  BeastWsClient(const BeastWsClient&) = delete;
  BeastWsClient& operator=(const BeastWsClient&) = delete;

  void connect(const std::string& url, core::WsHandlers handlers) override;
  core::Status send_text(std::string text) override;
  void close(int code, std::string reason) override;
  bool is_open() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace net
