/// @file tests/live_gateway/live_gateway_procs.h
/// @brief The live_gateway binary end to end on loopback: nats-server -js and redis-server on
/// free ports, optionally mockex, the live_gateway process itself, and a BusProbe (the test's
/// own net::NatsBus connection) that publishes ticks and orders and records what comes back.
///
/// Every process is a testsupport::ServerProcess (killed in its destructor, and with the test
/// process). Waits poll with deadlines on the probe's AsioClock; HTTP calls (admin routes,
/// mockex /metrics and /admin/faults) are blocking cpp-httplib calls. Single-threaded use.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/ports/bus.h"
#include "net/asio_clock.h"
#include "net/nats_bus.h"
#include "tests/support/server_process.h"

namespace lgtest {

/// nats-server -js and redis-server on free loopback ports, both accepting when built.
struct Backends {
  Backends();
  testsupport::TempDir dir{"t26-lg"};
  std::uint16_t nats_port;
  std::uint16_t redis_port;
  testsupport::ServerProcess nats;
  testsupport::ServerProcess redis;
  std::string nats_url() const;
};

/// `mockex --admin` on a free port; with `recording` it replays the 2023 BTCUSDT recording in
/// a loop, so its book has prices (about 28,150) to fill live orders against.
struct Mockex {
  Mockex(const std::string& dir, bool recording);
  std::uint16_t port;
  testsupport::ServerProcess process;
  std::string url() const;
  /// mockex_orders_total from /metrics; nullopt when /metrics does not answer.
  std::optional<long> orders_total() const;
  /// POST /admin/faults; true on 200.
  bool set_faults(const std::string& json) const;
};

/// The live_gateway binary: config/local/live_gateway.yaml, service and metrics ports 0, NATS
/// and Valkey from `backends`, exchanges.binance.api_url = `api_url`, then `args` (--set ...).
/// The environment is the test's minus ADMIN_TOKEN and the Binance keys, plus `env`
/// ("NAME=value").
class LiveGateway {
 public:
  LiveGateway(const Backends& backends, const std::string& api_url,
              const std::vector<std::string>& args, const std::vector<std::string>& env = {});
  /// Polls the log until the service listens and its order path is up (GET /ready 200).
  bool wait_ready(std::chrono::milliseconds timeout);
  std::uint16_t http_port() const { return http_port_; }
  int pid() const { return process_.pid(); }
  std::string log() const { return process_.log_tail(20'000); }
  /// POST `path` with `Authorization: Bearer <token>` unless token is empty; the status, or
  /// -1 without an answer.
  int post(const std::string& path, const std::string& token) const;
  /// GET `path`: the body, or empty without an answer.
  std::string get(const std::string& path) const;

 private:
  std::string log_path_;
  testsupport::ServerProcess process_;
  std::uint16_t http_port_ = 0;
};

/// The test's own NATS connection.
class BusProbe {
 public:
  explicit BusProbe(const std::string& url);
  net::AsioClock& clock() { return clock_; }
  /// Records every message on `subject` (wildcards allowed).
  void watch(const std::string& subject);
  const std::vector<core::BusMessage>& received() const { return received_; }
  /// Bodies received on exactly `subject`.
  std::vector<std::string> bodies(const std::string& subject) const;
  void publish(const std::string& subject, const std::string& body);
  /// A Binance BTCUSDT trade tick (core::codec::encode) on ticks.binance.BTCUSDT.
  void publish_trade(const std::string& price, const std::string& qty);
  /// A Binance BTCUSDT book tick with the given touch.
  void publish_book(const std::string& bid, const std::string& ask, const std::string& qty);
  /// Runs the loop until `done()` or `timeout`; returns done().
  bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds timeout);
  /// Until the gateway sees our ticks: a trade at `price`, then a limit order far outside the
  /// price band on account `probe`, repeated until it is rejected PRICE_BAND (not
  /// NO_MARKET_DATA). Proves both the intake and the tick subscriptions are live.
  bool wait_gateway_sees_ticks(const std::string& price, std::chrono::milliseconds timeout);

 private:
  net::AsioClock clock_;
  net::NatsBus bus_;
  std::vector<core::BusMessage> received_;
  std::int64_t seq_ = 0;
};

}  // namespace lgtest
