// Issue 5's closing note: the REST requests/s and websocket messages/s mockex sustains here.
//
// Not Google Benchmark: a rate across processes. It starts the Release mockex itself.
// 1. REST: mockex replays the Binance recordings at the recorded pace (so tickers have
//    prices), with a weight limit high enough never to answer 429; `--connections` threads
//    each hold one keep-alive HTTP/1.1 connection and send GET /api/v3/ticker/price?symbol=
//    BTCUSDT back to back (one request in flight per connection), for a window after a
//    warm-up. Counted: 200 responses; anything else fails the run.
// 2. websocket: a second mockex replays at max speed in a loop; `--ws-clients` clients each
//    subscribe on /stream to every stream the recording has (trade, bookTicker, depth), and the
//    frames they receive over the window are counted (all clients together).
// Beside each rate: mockex's CPU over the window (% of one core, from /proc), so on a loaded
// machine the rate per mockex CPU-second says what mockex itself costs.
// Run from anywhere: paths come from the build (T26_SOURCE_DIR).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/core.h>

#include "bench/proc_stats.h"
#include "net/asio_clock.h"
#include "net/beast_ws_client.h"
#include "tests/support/server_process.h"

namespace {

using testsupport::ServerProcess;

constexpr const char* kRecordings[] = {
    T26_SOURCE_DIR "/fixtures/binance/BTCUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst",
    T26_SOURCE_DIR "/fixtures/binance/ETHUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst"};
constexpr const char* kExchangeInfo =
    T26_SOURCE_DIR "/fixtures/binance/exchangeInfo_2021-10-12.jsonl.zst";
constexpr const char* kStreams =
    "/stream?streams=btcusdt@trade/btcusdt@bookTicker/btcusdt@depth@100ms/"
    "ethusdt@trade/ethusdt@bookTicker/ethusdt@depth@100ms";

struct Options {
  std::int64_t warmup_us = 2'000'000;
  std::int64_t window_us = 10'000'000;
  int connections = 4;
  int ws_clients = 1;
};

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// mockex on a free port with a weight limit no bench reaches.
struct Mockex {
  std::uint16_t port = 0;
  std::unique_ptr<ServerProcess> process;
};

Mockex start_mockex(const std::string& dir, const std::string& speed, const std::string& tag) {
  const std::string config = dir + "/mockex-" + tag + ".yaml";
  std::ofstream(config) << "rate_limits:\n  weight_per_minute: 1000000000000\n";
  Mockex m;
  m.port = testsupport::free_tcp_port();
  std::vector<std::string> args{T26_MOCKEX_BIN, "--port",     std::to_string(m.port),
                                "--config",     config,       "--exchange-info",
                                kExchangeInfo,  "--speed",    speed,
                                "--loop",       "--recording"};
  for (const char* r : kRecordings) args.emplace_back(r);
  m.process = std::make_unique<ServerProcess>(args, dir + "/mockex-" + tag + ".log");
  if (!testsupport::wait_for_tcp(m.port, std::chrono::seconds(20)))
    throw std::runtime_error("mockex not listening: " + m.process->log_tail());
  return m;
}

/// One blocking keep-alive HTTP/1.1 connection; request() sends one GET and reads the
/// response whole (Content-Length framed, as mockex answers).
class HttpConnection {
 public:
  explicit HttpConnection(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error(fmt::format("connect 127.0.0.1:{} failed", port));
  }
  ~HttpConnection() { ::close(fd_); }
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  /// The response's status code; 0 when the connection failed.
  int request(std::string_view req) {
    if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size()))
      return 0;
    std::size_t header_end;
    while ((header_end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return 0;
    const int status = std::atoi(buf_.c_str() + 9);  // "HTTP/1.1 200"
    std::size_t length = 0;
    const auto at = buf_.find("Content-Length: ");
    if (at != std::string::npos && at < header_end)
      length = std::stoul(buf_.substr(at + 16, header_end - at - 16));
    const std::size_t total = header_end + 4 + length;
    while (buf_.size() < total)
      if (!fill()) return 0;
    buf_.erase(0, total);
    return status;
  }

 private:
  bool fill() {
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_;
  std::string buf_;
};

struct Rate {
  double per_sec = 0;
  double mockex_cpu = 0;
};

Rate measure_rest(const Options& o, const std::string& dir) {
  auto mx = start_mockex(dir, "1", "rest");
  const std::string req =
      "GET /api/v3/ticker/price?symbol=BTCUSDT HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  std::atomic<bool> stop{false};
  std::atomic<bool> counting{false};
  std::atomic<std::uint64_t> ok{0};
  std::atomic<int> bad_status{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < o.connections; ++i) {
    threads.emplace_back([&] {
      HttpConnection c(mx.port);
      while (!stop) {
        const int status = c.request(req);
        if (status != 200) {
          bad_status = status == 0 ? -1 : status;
          return;
        }
        if (counting) ++ok;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::microseconds(o.warmup_us));
  const auto cpu0 = bench::sample_proc(mx.process->pid());
  const auto t0 = now_us();
  counting = true;
  std::this_thread::sleep_for(std::chrono::microseconds(o.window_us));
  counting = false;
  const auto elapsed_us = now_us() - t0;
  const auto cpu1 = bench::sample_proc(mx.process->pid());
  stop = true;
  for (auto& t : threads) t.join();
  if (bad_status != 0)
    throw std::runtime_error(fmt::format("a REST request got status {} (-1: connection lost); {}",
                                         bad_status.load(), mx.process->log_tail()));
  mx.process->terminate();
  return {static_cast<double>(ok) * 1e6 / static_cast<double>(elapsed_us),
          bench::cpu_percent(cpu0, cpu1, elapsed_us)};
}

Rate measure_ws(const Options& o, const std::string& dir) {
  auto mx = start_mockex(dir, "max", "ws");
  net::AsioClock clock;
  std::uint64_t frames = 0;
  int open = 0;
  std::optional<std::string> failed;
  std::vector<std::unique_ptr<net::BeastWsClient>> clients;
  for (int i = 0; i < o.ws_clients; ++i) {
    auto& c = clients.emplace_back(std::make_unique<net::BeastWsClient>(clock));
    c->connect(fmt::format("ws://127.0.0.1:{}{}", mx.port, kStreams),
               core::WsHandlers{[&] { ++open; }, [&](const std::string&) { ++frames; },
                                [&](int code, const std::string& reason) {
                                  failed = fmt::format("websocket closed {} {}", code, reason);
                                }});
  }
  if (!clock.run_until([&] { return open == o.ws_clients || failed; }, 20'000'000) || failed)
    throw std::runtime_error(failed.value_or("websocket clients did not open"));
  clock.run_for(o.warmup_us);
  const auto cpu0 = bench::sample_proc(mx.process->pid());
  const auto frames0 = frames;
  const auto t0 = clock.now_us();
  clock.run_for(o.window_us);
  const auto elapsed_us = clock.now_us() - t0;
  const auto cpu1 = bench::sample_proc(mx.process->pid());
  if (failed) throw std::runtime_error(*failed);
  const auto counted = frames - frames0;
  mx.process->terminate();
  for (auto& c : clients) c->close(1000, "done");
  clock.run_for(200'000);
  return {static_cast<double>(counted) * 1e6 / static_cast<double>(elapsed_us),
          bench::cpu_percent(cpu0, cpu1, elapsed_us)};
}

std::optional<Options> parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const long value = std::stol(argv[i + 1]);
    if (value <= 0) return std::nullopt;
    if (flag == "--window-sec") {
      o.window_us = value * 1'000'000;
    } else if (flag == "--connections") {
      o.connections = static_cast<int>(value);
    } else if (flag == "--ws-clients") {
      o.ws_clients = static_cast<int>(value);
    } else {
      return std::nullopt;
    }
  }
  if (argc % 2 == 0) return std::nullopt;
  return o;
}

void print_rate(const char* what, const Rate& r) {
  fmt::print("{:<44} {:>12.0f}/s  mockex CPU {:>5.1f}%  ({:.0f} per mockex CPU-second)\n", what,
             r.per_sec, r.mockex_cpu, r.per_sec * 100.0 / std::max(r.mockex_cpu, 0.1));
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Options> options;
  try {
    options = parse_args(argc, argv);
  } catch (const std::exception&) {
  }
  if (!options) {
    fmt::print(stderr,
               "usage: mockex_bench [--window-sec N] [--connections N] [--ws-clients N] "
               "(N > 0)\n");
    return 2;
  }
  try {
    testsupport::TempDir dir("t26-mockex-bench");
    fmt::print("mockex_bench: Release mockex on loopback, logs in {}\n", dir.path());
    const auto rest = measure_rest(*options, dir.path());
    print_rate(
        fmt::format("REST GET ticker/price, {} keep-alive conns", options->connections).c_str(),
        rest);
    const auto ws = measure_ws(*options, dir.path());
    print_rate(fmt::format("websocket frames received, {} client(s)", options->ws_clients).c_str(),
               ws);
  } catch (const std::exception& e) {
    fmt::print(stderr, "mockex_bench: {}\n", e.what());
    return 1;
  }
  return 0;
}
