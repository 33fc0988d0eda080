/// @file sim/sim_ws_client.h
/// @brief sim::SimWsClient: core::WsClient over sim::SimNetwork, the twin of
/// net::BeastWsClient: the real upgrade handshake and RFC 6455 frames on a simulated stream.
///
/// The client lives on one simulated host (`host`) and dials the url's host as a simulated
/// host name and port; ws and wss are both plain text (TLS is not simulated). One connection
/// at a time; connect again after on_close. Server pings are answered; with
/// `ping_interval_us` > 0 the client pings a silent server and drops it after twice that.
/// Every callback runs on `clock`'s loop; `net` must outlive the client. Destroying the
/// client drops the connection without calling on_close.
///
/// | Option (core::WsClientOptions) | Meaning                                     | Default |
/// |--------------------------------|---------------------------------------------|---------|
/// | ping_interval_us               | idle time before a ping; 0 = never ping     | 0       |
/// | message_bytes_max              | larger incoming messages drop the link      | 16 MiB  |
/// | ca_file                        | ignored: no TLS in the simulation           | ""      |
#pragma once

#include <memory>
#include <string>

#include "core/ports/clock.h"
#include "core/ports/ws.h"
#include "sim/sim_network.h"

namespace sim {

class SimWsClient final : public core::WsClient {
 public:
  SimWsClient(core::Clock& clock, SimNetwork& net, std::string host,
              core::WsClientOptions options = {});
  ~SimWsClient() override;
  SimWsClient(const SimWsClient&) = delete;
  SimWsClient& operator=(const SimWsClient&) = delete;

  void connect(const std::string& url, core::WsHandlers handlers) override;
  core::Status send_text(std::string text) override;
  void close(int code, std::string reason) override;
  bool is_open() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sim
