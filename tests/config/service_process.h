/// @file tests/config/service_process.h
/// @brief ServiceProcess: one of our service binaries run as a user would, for the binaries
/// and secret canary tests.
///
/// The child gets exactly the given environment; its stdout and stderr share one pipe that
/// the test reads with deadlines. The destructor kills and reaps it, so no test leaves a
/// process behind. Tests may use wall time here: this is the harness, not service logic.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace testsupport {

class ServiceProcess {
 public:
  ServiceProcess(const std::string& binary, std::vector<std::string> args,
                 const std::vector<std::string>& env);
  ~ServiceProcess();
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  /// Reads output until `done(output())` holds, the pipe closes or `timeout` passes.
  /// Returns done(output()).
  bool read_until(const std::function<bool(const std::string&)>& done,
                  std::chrono::milliseconds timeout);
  /// Reads output until `needle` shows up, the pipe closes or `timeout` passes.
  bool read_until(const std::string& needle, std::chrono::milliseconds timeout);
  /// Reads everything until exit and returns the exit code (-1 on timeout or signal).
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  void signal(int sig);
  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  bool exited_ = false;
  std::string output_;
};

}  // namespace testsupport
