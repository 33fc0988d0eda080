// mockex: the Binance Spot mock exchange (sim::mockex::MockExchange) behind a real HTTP and
// websocket server, fed by recordings. Usage in kUsage; prints one line with its URLs when
// ready; a bad flag or an unreadable file is a one-line error and exit 1.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/log.h"
#include "net/asio_clock.h"
#include "net/beast_http_server.h"
#include "net/service_main.h"
#include "sim/mockex/server.h"
#include "sim/replay/recording.h"

namespace {

constexpr std::string_view kUsage = R"(usage: mockex [options]
  --listen HOST:PORT        address to serve on (default 127.0.0.1:8088; port 0 = any free)
  --port N                  same as --listen 127.0.0.1:N
  --recording FILE...       recordings to replay (repeatable; also --replay FILE)
  --speed N|max             replay pace: N times the recorded pace, or as fast as the slowest
                            websocket subscriber reads
  --loop                    start each recording again after its last frame (later passes
                            replay the records the first one read, kept in memory up to
                            256 MB of text per recording)
  --start-on-subscribe      hold the replay until the first websocket subscription arrives
                            (any venue), then start it 200 ms later, so the other subscribe
                            messages a client sends together land first and no frame is
                            replayed before anyone listens
  --symbols A,B             tradable symbols (default BTCUSDT,ETHUSDT)
  --config FILE             YAML: api_keys, starting_balances, rates, rate_limits, replay
  --exchange-info FILE      recording holding the exchangeInfo body
                            (default fixtures/binance/exchangeInfo_2021-10-12.jsonl.zst)
  --api-key K --api-secret S  replace the key pairs with this one
  --admin                   serve GET/POST /admin/faults (fault injection, see faults.h)
  --tls CERT KEY            serve https and wss only, with this PEM certificate chain and key
  --ws-ping SEC             websocket ping every SEC seconds (default 180, as Binance)
  --ws-pong-timeout SEC     drop a websocket without a pong for SEC seconds (default 600)
)";

struct Args {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8088;
  std::vector<std::string> recordings;
  std::string config_path;
  std::string exchange_info = std::string(sim::mockex::kDefaultExchangeInfoRecording);
  std::string symbols, speed, api_key, api_secret;
  std::string tls_cert, tls_key;           // both empty: plain http and ws
  std::int64_t ws_ping_sec = 180;          // Binance: a ping every 3 minutes,
  std::int64_t ws_pong_timeout_sec = 600;  // a drop after 10 minutes without a pong
  bool loop = false;
  bool admin = false;
  bool start_on_subscribe = false;
};

// Time for the rest of a client's subscribe messages (sent back to back) to arrive.
constexpr std::int64_t kSubscribeSettleUs = 200'000;

bool parse_port(const std::string& text, std::uint16_t& port) {
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < 0 || v > 65535) return false;
  port = static_cast<std::uint16_t>(v);
  return true;
}

/// Empty on success, else the one-line error.
std::string parse_args(int argc, char** argv, Args& a) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    auto value = [&]() -> const std::string* { return i + 1 < args.size() ? &args[++i] : nullptr; };
    const std::string* v = nullptr;
    if (flag == "--loop") {
      a.loop = true;
    } else if (flag == "--admin") {
      a.admin = true;
    } else if (flag == "--start-on-subscribe") {
      a.start_on_subscribe = true;
    } else if (flag == "--help" || flag == "-h") {
      return "help";
    } else if (flag == "--recording" || flag == "--replay") {
      if ((v = value()) == nullptr) return flag + " needs a file";
      a.recordings.push_back(*v);
      while (flag == "--recording" && i + 1 < args.size() && !args[i + 1].starts_with("--"))
        a.recordings.push_back(args[++i]);
    } else if (flag == "--tls") {
      if (i + 2 >= args.size()) return "--tls needs a certificate file and a key file";
      a.tls_cert = args[++i];
      a.tls_key = args[++i];
    } else if ((v = value()) == nullptr) {
      return "unknown flag or missing value: " + flag;
    } else if (flag == "--port") {
      if (!parse_port(*v, a.port)) return "--port: not a port: " + *v;
    } else if (flag == "--listen") {
      const auto colon = v->rfind(':');
      if (colon == std::string::npos || !parse_port(v->substr(colon + 1), a.port))
        return "--listen: expected HOST:PORT, got " + *v;
      a.host = v->substr(0, colon);
    } else if (flag == "--ws-ping" || flag == "--ws-pong-timeout") {
      char* end = nullptr;
      const long long sec = std::strtoll(v->c_str(), &end, 10);
      if (v->empty() || *end != '\0' || sec <= 0) return flag + ": expected seconds > 0, got " + *v;
      (flag == "--ws-ping" ? a.ws_ping_sec : a.ws_pong_timeout_sec) = sec;
    } else if (flag == "--speed") {
      a.speed = *v;
    } else if (flag == "--symbols") {
      a.symbols = *v;
    } else if (flag == "--config") {
      a.config_path = *v;
    } else if (flag == "--exchange-info") {
      a.exchange_info = *v;
    } else if (flag == "--api-key") {
      a.api_key = *v;
    } else if (flag == "--api-secret") {
      a.api_secret = *v;
    } else {
      return "unknown flag: " + flag;
    }
  }
  if (a.api_key.empty() != a.api_secret.empty()) return "--api-key and --api-secret go together";
  return {};
}

/// Builds the config from the flags (flags override the YAML file). Empty on success.
std::string make_config(const Args& a, sim::mockex::MockexConfig& c) {
  if (!a.config_path.empty())
    if (auto s = sim::mockex::load_mockex_config(a.config_path, c); !s) return s.message;
  if (!a.symbols.empty()) {
    c.symbols.clear();
    for (std::size_t from = 0; from <= a.symbols.size();) {
      const auto comma = std::min(a.symbols.find(',', from), a.symbols.size());
      if (comma > from) c.symbols.push_back(a.symbols.substr(from, comma - from));
      from = comma + 1;
    }
  }
  if (a.speed == "max") {
    c.feed.max_speed = true;
  } else if (!a.speed.empty()) {
    char* end = nullptr;
    c.feed.speed = std::strtod(a.speed.c_str(), &end);
    if (*end != '\0' || c.feed.speed <= 0) return "--speed: expected a number > 0 or max";
  }
  if (a.loop) c.feed.loop = true;
  c.admin = a.admin;
  if (!a.api_key.empty()) c.api_keys = {{a.api_key, core::Secret(a.api_secret)}};
  auto info = sim::mockex::read_exchange_info_recording(a.exchange_info);
  if (!info) return info.status().message;
  c.exchange_info_json = std::move(*info);
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  sim::mockex::MockexConfig config;
  if (auto err = parse_args(argc, argv, args); !err.empty()) {
    if (err == "help") {
      fmt::print("{}", kUsage);
      return 0;
    }
    fmt::print(stderr, "mockex: {}\n", err);
    return 1;
  }
  if (auto err = make_config(args, config); !err.empty()) {
    fmt::print(stderr, "mockex: {}\n", err);
    return 1;
  }
  core::log::Logger log("mockex");
  net::AsioClock clock;
  net::BeastHttpServer server(clock);
  server.set_ws_ping(args.ws_ping_sec * 1'000'000, args.ws_pong_timeout_sec * 1'000'000);
  auto exchange = sim::mockex::MockExchange::create(clock, server, std::move(config));
  if (!exchange) {
    fmt::print(stderr, "mockex: {}\n", exchange.status().message);
    return 1;
  }
  bool replaying = false;
  auto start_replays = [&]() -> core::Status {
    for (const auto& path : args.recordings) {
      auto status = (*exchange)->replay(path, [&log, path](const core::Status& s) {
        if (!s)
          log.error("replay failed", {{"recording", path}, {"error", s.message}});
        else
          log.info("replay finished", {{"recording", path}});
      });
      if (!status) return status;
    }
    return core::Status::ok();
  };
  if (!args.start_on_subscribe) {
    if (const auto status = start_replays(); !status) {
      fmt::print(stderr, "mockex: {}\n", status.message);
      return 1;
    }
  } else {
    for (const auto& path : args.recordings) {  // a bad path is an error now, not later
      if (auto reader = sim::replay::RecordingReader::open(path); !reader) {
        fmt::print(stderr, "mockex: {}\n", reader.status().message);
        return 1;
      }
    }
    (*exchange)->on_subscribe([&] {
      if (replaying) return;
      replaying = true;
      log.info("first subscription, replay starts",
               {{"in_ms", std::to_string(kSubscribeSettleUs / 1000)}});
      clock.call_after(kSubscribeSettleUs, [&] {
        if (const auto status = start_replays(); !status)
          log.error("replay failed", {{"error", status.message}});
      });
    });
  }
  if (!args.tls_cert.empty()) {
    if (const auto status = server.use_tls(args.tls_cert, args.tls_key); !status) {
      fmt::print(stderr, "mockex: --tls: {}\n", status.message);
      return 1;
    }
  }
  const auto port = server.listen(args.host, args.port);
  if (!port) {
    fmt::print(stderr, "mockex: {}\n", port.status().message);
    return 1;
  }
  const char* s = args.tls_cert.empty() ? "" : "s";
  fmt::print(
      "mockex ready: http{2}://{0}:{1}/api/v3 ws{2}://{0}:{1}/ws ws{2}://{0}:{1}/stream "
      "http{2}://{0}:{1}/metrics\n",
      args.host, *port, s);
  std::fflush(stdout);
  const int code = net::run_until_signal(clock, log);
  server.stop();
  return code;
}
