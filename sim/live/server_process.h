/// @file sim/live/server_process.h
/// @brief Real servers on loopback for [net] tests and `sim run --live`: free ports, temp dirs,
/// child processes that die with us.
///
/// A ServerProcess starts a program (nats-server, redis-server, influxd, our own binaries)
/// with its output in a log file, can kill -9 and restart it with the same arguments, and
/// kills it in its destructor. The child also gets SIGKILL if the test process dies
/// (PR_SET_PDEATHSIG), so no test or live run leaves a server behind. Wall time is fine here:
/// this is the harness, not service logic. tests/support/server_process.h names these
/// `testsupport::` for the tests. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace sim::live {

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to 0, read back, released).
std::uint16_t free_tcp_port();

/// True once something accepts TCP connections on 127.0.0.1:port, polling until `deadline`.
bool wait_for_tcp(std::uint16_t port, std::chrono::milliseconds deadline);

/// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "t26");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class ServerProcess {
 public:
  /// Starts argv[0] (searched in PATH) with the given arguments; output goes to `log_path`.
  ServerProcess(std::vector<std::string> argv, std::string log_path);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  void start();
  /// SIGKILL and reap: the crash the Bus contract survives.
  void kill9();
  /// SIGTERM, wait up to `grace` for exit, then SIGKILL.
  /// Returns the exit code, or -1 when it ended by a signal (the SIGKILL included) or was not
  /// running.
  int terminate(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));
  bool running() const { return pid_ > 0; }
  /// Reaps the child if it exited by itself (then running() is false); true while it runs.
  bool alive();
  int pid() const { return pid_; }
  /// The last `max_bytes` of the server's output, for failure messages.
  std::string log_tail(std::size_t max_bytes = 4000) const;
  /// Everything the server wrote so far.
  std::string log() const;
  const std::string& log_path() const { return log_path_; }

 private:
  std::vector<std::string> argv_;
  std::string log_path_;
  int pid_ = -1;
};

}  // namespace sim::live
