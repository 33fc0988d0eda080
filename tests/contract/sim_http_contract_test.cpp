// The HTTP/WebSocket contract run against the sim twins: sim::SimHttpServer on host "server",
// sim::SimHttpClient and sim::SimWsClient on host "client", over one seeded SimNetwork in
// virtual time. Then the faults only the simulation can make on demand: every send split in
// fragments, a server host crash mid-request, a partition that outlasts the reset timeout.
#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <string>

#include "sim/sim_clock.h"
#include "sim/sim_http_client.h"
#include "sim/sim_http_server.h"
#include "sim/sim_network.h"
#include "sim/sim_ws_client.h"

namespace {

class SimHttpWorld {
 public:
  static constexpr std::uint64_t kSeed = 26;

  core::Clock& clock() { return clock_; }
  sim::SimNetwork& net() { return net_; }
  std::string host() const { return "server"; }
  std::uint16_t refused_port() const { return 9; }  // nobody listens on "server":9

  std::unique_ptr<core::HttpServer> make_server(core::HttpServerOptions options) {
    return std::make_unique<sim::SimHttpServer>(clock_, net_, "server", options);
  }
  std::unique_ptr<core::HttpClient> make_client() {
    return std::make_unique<sim::SimHttpClient>(clock_, net_, "client");
  }
  std::unique_ptr<core::WsClient> make_ws_client() {
    return std::make_unique<sim::SimWsClient>(clock_, net_, "client");
  }

  /// Everything the server sends back until it closes (or resets) the stream.
  void send_raw(std::uint16_t port, std::string bytes, std::function<void(std::string)> done) {
    auto got = std::make_shared<std::string>();
    net_.connect("client", host(), port,
                 [this, got, bytes = std::move(bytes),
                  done = std::move(done)](core::Result<sim::ConnId> conn) mutable {
                   if (!conn) return done("connect: " + conn.status().message);
                   net_.set_handlers(*conn, {[got](std::string_view b) { got->append(b); },
                                             [got, done](const core::Status&) { done(*got); }});
                   CHECK(net_.send(*conn, std::move(bytes)).is_ok());
                 });
  }

 private:
  sim::SimClock clock_;
  sim::SimNetwork net_{clock_, core::Rng(kSeed)};
};

}  // namespace

#define T26_HTTP_WORLDS SimHttpWorld
#define T26_HTTP_TAGS "[contract][sim]"
#include "tests/contract/http_contract.h"
