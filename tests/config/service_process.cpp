#include "tests/config/service_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace testsupport {

ServiceProcess::ServiceProcess(const std::string& binary, std::vector<std::string> args,
                               const std::vector<std::string>& env) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  args.insert(args.begin(), binary);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    for (const auto& e : env) envp.push_back(strdup(e.c_str()));
    argv.push_back(nullptr);
    envp.push_back(nullptr);
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  out_fd_ = fds[0];
}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
}

bool ServiceProcess::read_until(const std::function<bool(const std::string&)>& done,
                                std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done(output_)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n <= 0) return done(output_);
    output_.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

bool ServiceProcess::read_until(const std::string& needle, std::chrono::milliseconds timeout) {
  return read_until([&](const std::string& out) { return out.find(needle) != std::string::npos; },
                    timeout);
}

int ServiceProcess::wait(std::chrono::milliseconds timeout) {
  read_until([](const std::string&) { return false; }, timeout);  // until EOF or timeout
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) return -1;
    pollfd none{-1, 0, 0};
    poll(&none, 0, 10);
  }
  exited_ = true;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void ServiceProcess::signal(int sig) {
  kill(pid_, sig);
}

}  // namespace testsupport
