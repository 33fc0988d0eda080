/// @file sim/live/live_world.h
/// @brief sim::live::LiveWorld: the real processes of a `sim run --live` on loopback:
/// nats-server -js, redis-server, influxd, the mockex binary and our service binaries, each
/// on free ports with its log in one temp dir, stopped (SIGKILL) and started again with the
/// same arguments, ports and store dirs as the timeline asks.
///
/// Every `start_*` waits for its process to be ready with a deadline and returns kUnavailable
/// with the process's log tail when it is not. The destructor kills every process (and the
/// children die with the runner anyway: PR_SET_PDEATHSIG). Processes are named: "nats",
/// "redis", "influxd", "mockex", and services by the scenario's host name ("gateway",
/// "gateway-2", "normalizer"). Blocking calls; one thread (the runner's). Wall time is fine
/// here: this is the harness, not service logic.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "sim/live/server_process.h"

namespace sim::live {

class LiveWorld {
 public:
  /// `bin_dir` holds the gateway, normalizer and mockex binaries.
  explicit LiveWorld(std::string bin_dir);
  ~LiveWorld();
  LiveWorld(const LiveWorld&) = delete;
  LiveWorld& operator=(const LiveWorld&) = delete;

  core::Status start_nats();
  core::Status start_redis();
  /// influxd with database t26 created.
  core::Status start_influxd();
  /// The mockex binary with `args` after --port; ready once it prints "mockex ready".
  core::Status start_mockex(const std::vector<std::string>& args);
  /// bin_dir/`binary` --config `config` with free ports, no secrets, `sets` as --set values;
  /// ready once it logs `listening`. Named `name`.
  core::Status start_service(const std::string& name, const std::string& binary,
                             const std::string& config, const std::vector<std::string>& sets);

  bool has(const std::string& name) const { return processes_.count(name) > 0; }
  /// SIGKILL (a crash); no-op when not running.
  void stop(const std::string& name);
  /// Starts a stopped process again with its arguments (it finds its own way back up).
  void start(const std::string& name);
  /// Starts every stopped process: the liveness phase.
  void start_all();
  /// Names of processes that exited although nobody stopped them.
  std::vector<std::string> died();

  std::string nats_url() const;
  std::string redis_url() const;
  /// The ILP write URL of influxd's database t26.
  std::string influx_write_url() const;
  std::uint16_t influx_port() const { return influx_port_; }
  std::uint16_t mockex_port() const { return mockex_port_; }
  const std::string& dir() const { return dir_.path(); }
  std::string log(const std::string& name) const;
  /// Log tails of every process, for failure lines.
  std::string log_tails(std::size_t max_bytes_each = 1200) const;

 private:
  ServerProcess& launch(const std::string& name, std::vector<std::string> argv);
  core::Status wait_log(const std::string& name, const std::string& needle,
                        std::chrono::milliseconds deadline);
  core::Status wait_port(const std::string& name, std::uint16_t port,
                         std::chrono::milliseconds deadline);

  std::string bin_dir_;
  TempDir dir_{"t26-live"};
  std::map<std::string, std::unique_ptr<ServerProcess>> processes_;
  std::vector<std::string> order_;  // start order; killed in reverse
  std::uint16_t nats_port_ = 0, redis_port_ = 0, influx_port_ = 0, mockex_port_ = 0;
};

/// Polls `done` every 20 ms until it holds or `deadline` passes; returns done().
bool poll_until(const std::function<bool()>& done, std::chrono::milliseconds deadline);
/// Blocking HTTP on 127.0.0.1 (5 s timeout): the status (0: no answer), the body in `body`.
int http_call(std::uint16_t port, const std::string& method, const std::string& target,
              const std::string& request_body, std::string* body);
/// The value of the Prometheus sample `sample` (name with labels) in `text`, 0 when absent.
double prometheus_value(const std::string& text, const std::string& sample);

}  // namespace sim::live
