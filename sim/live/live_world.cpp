#include "sim/live/live_world.h"

#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

namespace sim::live {
namespace {

using namespace std::chrono_literals;

// Generous: a loaded 2-core machine runs ASan builds of several servers at once.
constexpr auto kServerDeadline = 60s;

std::string influx_config(const std::string& dir, std::uint16_t http_port, std::uint16_t rpc_port) {
  const std::string path = dir + "/influxdb.conf";
  std::ofstream(path) << "reporting-disabled = true\n"
                      << "bind-address = \"127.0.0.1:" << rpc_port << "\"\n"
                      << "[meta]\n  dir = \"" << dir << "/influx/meta\"\n"
                      << "[data]\n  dir = \"" << dir << "/influx/data\"\n  wal-dir = \"" << dir
                      << "/influx/wal\"\n  query-log-enabled = false\n"
                      << "[http]\n  bind-address = \"127.0.0.1:" << http_port
                      << "\"\n  log-enabled = false\n"
                      << "[monitor]\n  store-enabled = false\n"
                      << "[continuous_queries]\n  enabled = false\n";
  return path;
}

}  // namespace

LiveWorld::LiveWorld(std::string bin_dir) : bin_dir_(std::move(bin_dir)) {}

LiveWorld::~LiveWorld() {
  // Services first, then the servers they talk to; all before dir_ goes.
  for (auto it = order_.rbegin(); it != order_.rend(); ++it) processes_.at(*it)->kill9();
}

ServerProcess& LiveWorld::launch(const std::string& name, std::vector<std::string> argv) {
  auto p = std::make_unique<ServerProcess>(std::move(argv), dir_.path() + "/" + name + ".log");
  ServerProcess& ref = *p;
  processes_[name] = std::move(p);
  order_.push_back(name);
  return ref;
}

core::Status LiveWorld::wait_port(const std::string& name, std::uint16_t port,
                                  std::chrono::milliseconds deadline) {
  if (wait_for_tcp(port, deadline)) return core::Status::ok();
  return core::make_error(core::Errc::kUnavailable, "{} not listening on {} within {}s: {}", name,
                          port, deadline.count() / 1000, processes_.at(name)->log_tail(1500));
}

core::Status LiveWorld::wait_log(const std::string& name, const std::string& needle,
                                 std::chrono::milliseconds deadline) {
  ServerProcess& p = *processes_.at(name);
  const bool ok =
      poll_until([&] { return !p.alive() || p.log().find(needle) != std::string::npos; }, deadline);
  if (ok && p.running()) return core::Status::ok();
  return core::make_error(core::Errc::kUnavailable, "{} {} within {}s (log {}): {}", name,
                          p.running() ? "did not log '" + needle + "'" : "exited",
                          deadline.count() / 1000, p.log_path(), p.log_tail(1500));
}

core::Status LiveWorld::start_nats() {
  nats_port_ = free_tcp_port();
  launch("nats", {"nats-server", "-js", "-a", "127.0.0.1", "-p", std::to_string(nats_port_), "-sd",
                  dir_.path() + "/js"});
  return wait_port("nats", nats_port_, kServerDeadline);
}

core::Status LiveWorld::start_redis() {
  redis_port_ = free_tcp_port();
  launch("redis", {"redis-server", "--bind", "127.0.0.1", "--port", std::to_string(redis_port_),
                   "--save", "", "--appendonly", "no"});
  return wait_port("redis", redis_port_, kServerDeadline);
}

core::Status LiveWorld::start_influxd() {
  influx_port_ = free_tcp_port();
  const std::uint16_t rpc_port = free_tcp_port();
  launch("influxd",
         {"influxd", "run", "-config", influx_config(dir_.path(), influx_port_, rpc_port)});
  const bool up = poll_until(
      [&] {
        return !processes_.at("influxd")->alive() ||
               http_call(influx_port_, "GET", "/ping", "", nullptr) == 204;
      },
      kServerDeadline);
  if (!up || !processes_.at("influxd")->running())
    return core::make_error(core::Errc::kUnavailable, "influxd did not answer /ping: {}",
                            processes_.at("influxd")->log_tail(1500));
  const int created =
      http_call(influx_port_, "POST", "/query?q=CREATE%20DATABASE%20t26", "", nullptr);
  if (created != 200)
    return core::make_error(core::Errc::kUnavailable, "influxd: CREATE DATABASE t26 answered {}",
                            created);
  return core::Status::ok();
}

core::Status LiveWorld::start_mockex(const std::vector<std::string>& args) {
  mockex_port_ = free_tcp_port();
  std::vector<std::string> argv = {bin_dir_ + "/mockex", "--port", std::to_string(mockex_port_)};
  argv.insert(argv.end(), args.begin(), args.end());
  launch("mockex", std::move(argv));
  return wait_log("mockex", "mockex ready", kServerDeadline);
}

core::Status LiveWorld::start_service(const std::string& name, const std::string& binary,
                                      const std::string& config,
                                      const std::vector<std::string>& sets) {
  std::vector<std::string> argv = {
      bin_dir_ + "/" + binary,     "--config",       config,     "--set", "service.port=0", "--set",
      "monitoring.metrics_port=0", "--secrets-file", "/dev/null"};
  for (const auto& s : sets) {
    argv.push_back("--set");
    argv.push_back(s);
  }
  launch(name, std::move(argv));
  return wait_log(name, "listening", kServerDeadline);
}

void LiveWorld::stop(const std::string& name) {
  if (has(name)) processes_.at(name)->kill9();
}

void LiveWorld::start(const std::string& name) {
  if (has(name)) processes_.at(name)->start();
}

void LiveWorld::start_all() {
  for (const auto& name : order_) processes_.at(name)->start();
}

std::vector<std::string> LiveWorld::died() {
  std::vector<std::string> out;
  for (const auto& name : order_) {
    ServerProcess& p = *processes_.at(name);
    const bool was_running = p.running();
    if (was_running && !p.alive()) out.push_back(name);
  }
  return out;
}

std::string LiveWorld::nats_url() const {
  return fmt::format("nats://127.0.0.1:{}", nats_port_);
}

std::string LiveWorld::redis_url() const {
  return fmt::format("redis://127.0.0.1:{}", redis_port_);
}

std::string LiveWorld::influx_write_url() const {
  return fmt::format("http://127.0.0.1:{}/write?db=t26", influx_port_);
}

std::string LiveWorld::log(const std::string& name) const {
  return has(name) ? processes_.at(name)->log() : std::string();
}

std::string LiveWorld::log_tails(std::size_t max_bytes_each) const {
  std::string out;
  for (const auto& name : order_)
    out += fmt::format("---- {} ({})\n{}\n", name, processes_.at(name)->log_path(),
                       processes_.at(name)->log_tail(max_bytes_each));
  return out;
}

bool poll_until(const std::function<bool()>& done, std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return done();
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

int http_call(std::uint16_t port, const std::string& method, const std::string& target,
              const std::string& request_body, std::string* body) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  const auto r =
      method == "GET" ? client.Get(target) : client.Post(target, request_body, "application/json");
  if (!r) return 0;
  if (body) *body = r->body;
  return r->status;
}

double prometheus_value(const std::string& text, const std::string& sample) {
  const auto at = text.find("\n" + sample + " ");
  if (at == std::string::npos) return 0;
  return std::stod(text.substr(at + sample.size() + 2));
}

}  // namespace sim::live
