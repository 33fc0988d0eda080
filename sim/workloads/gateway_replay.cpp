#include "sim/workloads/gateway_replay.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include <fmt/ranges.h>

#include "core/config/connections.h"
#include "core/config/gateway_config.h"
#include "core/headers.h"
#include "gateway/exchanges/binance/binance_codec.h"
#include "gateway/gateway_service.h"
#include "gateway/tick_publisher.h"
#include "gateway/ticker_cache.h"
#include "sim/mockex/server.h"
#include "sim/replay/recording.h"
#include "sim/workloads/venue_replay.h"

namespace sim {
namespace {

constexpr const char* kRecording =
    "fixtures/binance/BTCUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst";
constexpr std::uint16_t kExchangePort = 8080;
constexpr std::int64_t kPollUs = 200'000;
constexpr std::int64_t kWaitUs = 10'000;
// The one address the gateway hosts reach the exchange from with `same_ip`.
constexpr const char* kGatewaysIp = "198.51.100.7";
constexpr const char* kParams =
    "recording, symbols, from, duration, loop_to, speed, instances, buffer_size, "
    "max_ticks_per_sec, poll_interval, max_undelivered, websocket, rate_limit_per_min, "
    "exchange_weight_per_min, min_rest_ok, same_ip, stagger, max_exchange_429, exchange";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The combined-stream name of a recorded frame: `{"stream":"btcusdt@trade","data":..}`.
std::string stream_of(const std::string& msg) {
  static const std::string kKey = "\"stream\":\"";
  const auto at = msg.find(kKey);
  if (at == std::string::npos) return {};
  const auto begin = at + kKey.size();
  return msg.substr(begin, msg.find('"', begin) - begin);
}

// The streams the gateway subscribes for `symbols` (gateway/feed/feed_protocol.cpp).
std::vector<std::string> wanted_streams(const std::vector<std::string>& symbols) {
  std::vector<std::string> out;
  for (const auto& s : symbols) {
    out.push_back(lower(s) + "@trade");
    out.push_back(lower(s) + "@bookTicker");
  }
  return out;
}

core::Status load_recording(const std::string& path, std::int64_t from_us,
                            std::optional<std::int64_t> duration_us, std::int64_t loop_to_us,
                            GatewayReplayParams& p) {
  auto reader = replay::RecordingReader::open(path);
  if (!reader)
    return core::make_error(core::Errc::kConfig, "workload.recording: {}", reader.status().message);
  const std::vector<std::string> wanted = wanted_streams(p.symbols);
  const std::set<std::string> wanted_set(wanted.begin(), wanted.end());
  gateway::binance::BinanceCodec codec;
  std::set<std::string> seen_ids;
  std::vector<GatewayReplayFrame> frames;
  std::vector<GatewayReplayTick> ticks;
  replay::Record r;
  std::optional<std::int64_t> first_us;
  while (true) {
    auto more = reader->next(r);
    if (!more) return core::make_error(core::Errc::kConfig, "workload: {}", more.status().message);
    if (!*more) break;
    if (r.src != "binance.ws") continue;
    if (!first_us) first_us = r.t_us;
    const std::int64_t offset = r.t_us - *first_us - from_us;
    if (offset < 0) continue;
    if (duration_us && offset >= *duration_us) break;
    GatewayReplayFrame f{offset, stream_of(r.msg), r.msg, {}};
    if (!wanted_set.count(f.stream)) continue;
    codec.decode(r.msg, r.t_us, [&](const core::Tick& t) {
      if (t.kind != core::TickKind::kTrade && t.kind != core::TickKind::kBook) return;
      GatewayReplayTick tick = judged_tick(t);
      // JetStream keeps the first of equal ids.
      if (!seen_ids.insert(tick.id_prefix + std::to_string(tick.number)).second) return;
      f.ticks.push_back(ticks.size());
      ticks.push_back(std::move(tick));
    });
    frames.push_back(std::move(f));
  }
  if (frames.empty())
    return core::make_error(core::Errc::kConfig, "workload: '{}' has no frames of {} in the slice",
                            path, fmt::join(p.symbols, ","));
  const std::int64_t base = frames.front().offset_us;
  for (auto& f : frames) f.offset_us -= base;
  p.replay = ReplayLoop(std::move(frames), std::move(ticks), loop_to_us);
  return core::Status::ok();
}

core::Status load_venue(std::vector<std::string> recordings, bool symbols_set, std::int64_t from_us,
                        std::optional<std::int64_t> duration_us, GatewayReplayParams& p) {
  if (recordings.empty()) recordings = default_venue_recordings(p.exchange);
  if (!symbols_set) p.symbols = default_venue_symbols(p.exchange);
  p.recording = fmt::format("{}", fmt::join(recordings, ","));
  auto venue = load_venue_replay(p.exchange, recordings, p.symbols, from_us, duration_us);
  if (!venue) return venue.status();
  p.venue_subscriptions = venue->subscriptions;
  p.replay = ReplayLoop(std::move(venue->frames), std::move(venue->ticks), 0);
  return core::Status::ok();
}

std::string gateway_host(const GatewayReplayParams& p, int i) {
  return p.instances == 1 ? std::string("gateway") : fmt::format("gateway-{}", i);
}

core::GatewayConfig gateway_config(const GatewayReplayParams& p) {
  core::GatewayConfig c;
  const bool binance = p.exchange == core::Exchange::kBinance;
  c.exchanges.binance.enabled = binance;
  auto& e = binance                                   ? c.exchanges.binance
            : p.exchange == core::Exchange::kCoinbase ? c.exchanges.coinbase
                                                      : c.exchanges.kraken;
  e.enabled = true;
  e.symbols = p.symbols;
  e.poll_interval_sec = p.poll_interval_sec;
  e.websocket_enabled = p.websocket;
  e.rate_limit_per_min = p.rate_limit_per_min;
  e.rest_url = fmt::format("http://exchange:{}", kExchangePort);
  e.ws_url = fmt::format("ws://exchange:{}{}", kExchangePort,
                         binance ? std::string_view() : venue_ws_path(p.exchange));
  c.performance.buffer_size = p.buffer_size;
  c.performance.max_ticks_per_sec = p.max_ticks_per_sec;
  apply_gateway_api_params(p.api, c);
  return c;
}

// The gateway process as gateway/main.cpp composes it, on simulated ports.
class GatewayHost final : public Process {
 public:
  GatewayHost(HostEnv& env, const core::GatewayConfig& config, std::int64_t start_after_us)
      : clock_(env.clock),
        bus_(env.make_bus(core::bus_options_of(config))),
        kv_(env.make_kv()),
        http_(env.make_http_client()),
        service_(gateway::GatewayPorts{.clock = env.clock,
                                       .bus = *bus_,
                                       .kv = kv_.get(),
                                       .http = *http_,
                                       .make_ws = [&env] { return env.make_ws_client(); },
                                       .metrics = metrics_,
                                       .rng = env.rng.fork("gateway")},
                 config, cache_),
        api_(env, config, cache_) {
    if (start_after_us == 0) {
      service_.start();
      return;
    }
    start_timer_ = env.clock.call_after(start_after_us, [this] { service_.start(); });
  }
  ~GatewayHost() override { clock_.cancel(start_timer_); }
  GatewayHost(const GatewayHost&) = delete;
  GatewayHost& operator=(const GatewayHost&) = delete;

 private:
  core::metrics::Registry metrics_;
  gateway::TickerCache cache_;
  core::Clock& clock_;
  core::TimerId start_timer_ = 0;
  std::unique_ptr<core::Bus> bus_;
  std::unique_ptr<core::Kv> kv_;
  std::unique_ptr<core::HttpClient> http_;
  gateway::GatewayService service_;
  GatewayApiServer api_;
};

// MockExchange on its own host, fed the recording once the gateway listens.
class ExchangeHost final : public Process {
 public:
  ExchangeHost(HostEnv& env, const GatewayReplayParams& params, GatewayReplayOracle& oracle)
      : env_(env), params_(params), oracle_(oracle), server_(env.make_http_server()) {
    mockex::MockexConfig config;
    config.exchange_info_json = params.exchange_info_json;
    if (params.exchange == core::Exchange::kBinance) config.symbols = params.symbols;
    config.rate_limits.weight_per_minute = params.exchange_weight_per_min;
    if (params.same_ip) {
      for (int i = 1; i <= params.instances; ++i)
        config.nat.emplace(gateway_host(params, i), kGatewaysIp);
    }
    auto ex = mockex::MockExchange::create(env.clock, *server_, std::move(config));
    if (!ex) throw std::logic_error("gateway_replay: mockex: " + ex.status().message);
    exchange_ = std::move(*ex);
    exchange_->on_subscribe([this] { ++venue_subscriptions_; });
    if (auto port = server_->listen("0.0.0.0", kExchangePort); !port)
      throw std::logic_error("gateway_replay: listen: " + port.status().message);
    wait_for_subscribers();
  }
  mockex::MockExchange& exchange() { return *exchange_; }

 private:
  // Binance: every wanted stream has a subscriber; Coinbase, Kraken: the gateway made as many
  // subscriptions as one connection makes.
  bool subscribed() const {
    if (!params_.websocket) return true;
    if (params_.exchange != core::Exchange::kBinance)
      return venue_subscriptions_ >= params_.venue_subscriptions;
    const auto& wanted = wanted_streams(params_.symbols);
    return std::all_of(wanted.begin(), wanted.end(), [&](const std::string& s) {
      return exchange_->streams().has_subscribers(s);
    });
  }

  void wait_for_subscribers() {
    if (!subscribed()) {
      env_.clock.call_after(kWaitUs, [this] { wait_for_subscribers(); });
      return;
    }
    const std::size_t fed = oracle_.fed;
    start_us_ = env_.clock.now_us() - (fed ? params_.replay.offset_us(fed - 1) : 0);
    env_.world.event(env_.name, "replay_start").u64("frame", fed);
    feed_due();
  }

  void feed_due() {
    const std::int64_t now = env_.clock.now_us() - start_us_;
    const ReplayLoop& replay = params_.replay;
    for (; oracle_.fed < replay.frame_count() && replay.offset_us(oracle_.fed) <= now;
         ++oracle_.fed) {
      feed_frame(oracle_.fed);
    }
    if (oracle_.fed == replay.frame_count()) {
      env_.world.event(env_.name, "replay_done").u64("frames", replay.frame_count());
      return;
    }
    env_.clock.call_after(replay.offset_us(oracle_.fed) - now, [this] { feed_due(); });
  }

  // A Binance frame is delivered if its stream has a subscriber as it is fed; a Coinbase or
  // Kraken frame if the venue feed sent it on (only frames with judged ticks count then).
  void feed_frame(std::size_t frame) {
    const ReplayLoop& replay = params_.replay;
    const bool binance = params_.exchange == core::Exchange::kBinance;
    const bool listened = binance && exchange_->streams().has_subscribers(replay.stream(frame));
    const std::uint64_t sent = exchange_->venue_messages_sent();
    fed_.t_us = env_.clock.wall_us();
    fed_.src = venue_record_src(params_.exchange);
    replay.record(frame, fed_.msg);
    exchange_->feed(fed_);
    const bool delivered = binance ? listened : exchange_->venue_messages_sent() > sent;
    bool judged = false;
    replay.for_each_tick(frame, [&](std::size_t i) {
      judged = true;
      if (!delivered) return;
      oracle_.delivered[i] = true;
      ++oracle_.expected;
    });
    if (!delivered && (binance || judged)) ++oracle_.undelivered;
  }

  HostEnv& env_;
  const GatewayReplayParams& params_;
  GatewayReplayOracle& oracle_;
  std::size_t venue_subscriptions_ = 0;
  std::unique_ptr<core::HttpServer> server_;
  std::unique_ptr<mockex::MockExchange> exchange_;
  std::int64_t start_us_ = 0;
  replay::Record fed_;  // the frame being fed, its buffers reused
};

core::Result<std::int64_t> duration_param(const std::string& key, const std::string& value) {
  auto d = parse_duration_us(value);
  if (!d || *d < 0)
    return core::make_error(core::Errc::kConfig, "workload.{}: expected a duration, got \"{}\"",
                            key, value);
  return d;
}

core::Result<int> positive_int(const std::string& key, const std::string& value) {
  const int n = std::atoi(value.c_str());
  if (n <= 0)
    return core::make_error(core::Errc::kConfig,
                            "workload.{}: expected a positive integer, got \"{}\"", key, value);
  return n;
}

// The params that are numbers; false when `key` is none of them.
core::Result<bool> number_param(const std::string& key, const std::string& value,
                                GatewayReplayParams& p) {
  core::Result<int> n = 0;
  if (key == "instances" || key == "buffer_size" || key == "max_ticks_per_sec" ||
      key == "rate_limit_per_min" || key == "exchange_weight_per_min") {
    n = positive_int(key, value);
    if (!n) return n.status();
  }
  if (key == "instances") {
    p.instances = *n;
  } else if (key == "buffer_size") {
    p.buffer_size = *n;
  } else if (key == "max_ticks_per_sec") {
    p.max_ticks_per_sec = *n;
  } else if (key == "rate_limit_per_min") {
    p.rate_limit_per_min = *n;
  } else if (key == "exchange_weight_per_min") {
    p.exchange_weight_per_min = *n;
  } else if (key == "min_rest_ok") {
    p.min_rest_ok = std::strtoull(value.c_str(), nullptr, 10);
  } else if (key == "max_exchange_429") {
    p.max_exchange_429 = std::strtoull(value.c_str(), nullptr, 10);
  } else if (key == "websocket" || key == "same_ip") {
    if (value != "true" && value != "false")
      return core::make_error(core::Errc::kConfig,
                              "workload.{}: expected true or false, got \"{}\"", key, value);
    (key == "websocket" ? p.websocket : p.same_ip) = value == "true";
  } else if (key == "max_undelivered") {
    p.max_undelivered = std::strtoull(value.c_str(), nullptr, 10);
  } else if (key == "speed") {
    p.speed = std::atof(value.c_str());
    if (p.speed <= 0)
      return core::make_error(core::Errc::kConfig,
                              "workload.speed: expected a positive number, got \"{}\"", value);
  } else {
    return false;
  }
  return true;
}

}  // namespace

core::Result<GatewayReplayParams> parse_gateway_replay_params(
    const std::map<std::string, std::string>& params) {
  GatewayReplayParams p;
  p.recording = kRecording;
  p.symbols = {"BTCUSDT"};
  std::int64_t from_us = 0;
  std::optional<std::int64_t> duration_us;
  std::int64_t loop_to_us = 0;
  std::vector<std::string> recordings;
  bool symbols_set = false;
  auto list = [](const std::string& value) {
    std::vector<std::string> out;
    std::stringstream ss(value);
    for (std::string s; std::getline(ss, s, ',');) out.push_back(s);
    return out;
  };
  for (const auto& [key, value] : params) {
    if (key == "kind") continue;
    auto number = number_param(key, value, p);
    if (!number) return number.status();
    if (*number) continue;
    auto api = gateway_api_param(key, value, p.api);
    if (!api) return api.status();
    if (*api) continue;
    if (key == "exchange") {
      const auto e = core::parse_exchange(value);
      if (!e)
        return core::make_error(
            core::Errc::kConfig,
            "workload.exchange: expected binance, coinbase or kraken, got \"{}\"", value);
      p.exchange = *e;
    } else if (key == "recording") {
      recordings = list(value);
    } else if (key == "symbols") {
      p.symbols = list(value);
      symbols_set = true;
    } else if (key == "from" || key == "duration" || key == "poll_interval" || key == "stagger" ||
               key == "loop_to") {
      auto d = duration_param(key, value);
      if (!d) return d.status();
      if (key == "stagger") p.stagger_us = *d;
      if (key == "from") from_us = *d;
      if (key == "duration") duration_us = *d;
      if (key == "loop_to") loop_to_us = *d;
      if (key == "poll_interval") p.poll_interval_sec = static_cast<double>(*d) / 1e6;
    } else {
      return core::make_error(core::Errc::kConfig,
                              "workload.{}: unknown parameter of gateway_replay (known: {}, {})",
                              key, kParams, kGatewayApiParams);
    }
  }
  auto info =
      mockex::read_exchange_info_recording(std::string(mockex::kDefaultExchangeInfoRecording));
  if (!info) return core::make_error(core::Errc::kConfig, "workload: {}", info.status().message);
  p.exchange_info_json = std::move(*info);
  if (p.exchange == core::Exchange::kBinance) {
    if (!recordings.empty()) p.recording = recordings.front();
    if (core::Status s = load_recording(p.recording, from_us, duration_us, loop_to_us, p); !s)
      return s;
  } else if (loop_to_us > 0) {
    return core::make_error(core::Errc::kConfig,
                            "workload.loop_to: looping needs exchange binance, got {}",
                            core::exchange_name(p.exchange));
  } else if (core::Status s = load_venue(recordings, symbols_set, from_us, duration_us, p); !s) {
    return s;
  }
  p.replay.scale(p.speed);
  return p;
}

bool judge_stored_tick(const ReplayLoop& replay, std::map<std::string, std::size_t>& next_index,
                       const std::string& subject, std::string_view id, const SkippedTick& skipped,
                       std::optional<std::string>& violation) {
  if (id.find(":trade:") == std::string_view::npos && id.find(":book:") == std::string_view::npos)
    return false;
  const auto expected = next_index.find(subject);
  const std::optional<std::size_t> found =
      replay.find(id, expected == next_index.end() ? 0 : expected->second);
  if (!found) {
    violation = fmt::format("stored tick {} on {} is not in the recording", id, subject);
    return false;
  }
  const std::size_t i = *found;
  if (replay.subject(i) != subject) {
    violation = fmt::format("tick {} stored on {}, want {}", id, subject, replay.subject(i));
    return false;
  }
  std::size_t& next = next_index[subject];
  if (i < next) {
    violation = fmt::format("tick {} on {} stored twice or out of order", id, subject);
    return false;
  }
  for (std::size_t k = next; k < i; ++k) {
    if (replay.subject(k) != subject) continue;
    if (auto lost = skipped(k, id)) {
      violation = std::move(lost);
      return false;
    }
  }
  next = i + 1;
  return true;
}

std::vector<std::string> gateway_hosts(const GatewayReplayParams& p) {
  std::vector<std::string> out;
  for (int i = 1; i <= p.instances; ++i) out.push_back(gateway_host(p, i));
  return out;
}

GatewayReplayWorkload::GatewayReplayWorkload(GatewayReplayParams params)
    : params_(std::move(params)),
      api_(gateway_hosts(params_),
           static_cast<std::uint16_t>(gateway_config(params_).service.port)) {
  oracle_.delivered.assign(params_.replay.tick_count(), false);
}

void GatewayReplayWorkload::setup(SimWorld& world) {
  world_ = &world;
  world.note_param("frames", std::to_string(params_.replay.frame_count()));
  world.note_param("ticks", std::to_string(params_.replay.tick_count()));
  world.add_host("exchange", [this](HostEnv& env) {
    return std::make_unique<ExchangeHost>(env, params_, oracle_);
  });
  const core::GatewayConfig config = gateway_config(params_);
  for (int i = 1; i <= params_.instances; ++i) {
    const std::int64_t start_after_us = (i - 1) * params_.stagger_us;
    world.add_host(gateway_host(params_, i), [config, start_after_us](HostEnv& env) {
      return std::make_unique<GatewayHost>(env, config, start_after_us);
    });
  }
  api_.setup(world);
  world.clock().call_after(kPollUs, [this] { poll(); });
}

std::optional<std::string> GatewayReplayWorkload::safety_violation() const {
  return oracle_.violation ? oracle_.violation : api_.violation();
}

void GatewayReplayWorkload::poll() {
  const std::uint64_t from = oracle_.next_seq;
  world_->bus_server().stream_visit("TICKS", from,
                                    [this](std::uint64_t seq, const std::string& subject,
                                           const core::Headers& headers, const std::string&) {
                                      oracle_.next_seq = seq + 1;
                                      if (!oracle_.violation)
                                        judge(subject, core::header_value(headers, "Nats-Msg-Id"));
                                    });
  if (oracle_.next_seq != from) {
    if (params_.purge_read) world_->bus_server().stream_purge_below("TICKS", oracle_.next_seq);
    world_->event("oracle", "stream_read")
        .u64("next_seq", oracle_.next_seq)
        .u64("stored", oracle_.stored)
        .u64("expected", oracle_.expected)
        .u64("undelivered", oracle_.undelivered);
  }
  check_exchange();
  world_->clock().call_after(kPollUs, [this] { poll(); });
}

void GatewayReplayWorkload::judge(const std::string& subject, std::string_view msg_id) {
  const bool counted = judge_stored_tick(
      params_.replay, oracle_.next_index, subject, msg_id,
      [this](std::size_t k, std::string_view next_id) -> std::optional<std::string> {
        if (!oracle_.delivered[k]) return std::nullopt;
        return fmt::format("tick {} on {} lost (the next stored is {})", params_.replay.msg_id(k),
                           params_.replay.subject(k), next_id);
      },
      oracle_.violation);
  if (counted) ++oracle_.stored;
}

void GatewayReplayWorkload::check_exchange() {
  auto* host = world_->process<ExchangeHost>("exchange");
  if (host == nullptr || oracle_.violation) return;
  auto& m = host->exchange().metrics();
  auto count = [&](const char* name, const char* help, const char* label, const char* value) {
    return m.counter(name, help, {{label, value}}).value();
  };
  const char* kResponses = "mockex_http_responses_total";
  const char* kResponsesHelp = "HTTP responses sent, by status";
  oracle_.rest_ok = count(kResponses, kResponsesHelp, "code", "200");
  const std::uint64_t banned = count(kResponses, kResponsesHelp, "code", "418");
  const std::uint64_t throttled = count(kResponses, kResponsesHelp, "code", "429");
  const std::uint64_t forced =
      count("mockex_faults_injected_total", "Faults injected on purpose (faults.h), by kind",
            "kind", "429");
  if (banned > 0 || throttled > forced + params_.max_exchange_429) {
    oracle_.violation = fmt::format(
        "the exchange answered 418 x{} and 429 x{} ({} of them forced by a fault, {} allowed)",
        banned, throttled, forced, params_.max_exchange_429);
  } else if (oracle_.undelivered > params_.max_undelivered) {
    oracle_.violation = fmt::format("{} frames fed while no gateway subscribed (allowed {})",
                                    oracle_.undelivered, params_.max_undelivered);
  }
}

bool GatewayReplayWorkload::converged() const {
  return oracle_.fed == params_.replay.frame_count() && oracle_.stored == oracle_.expected &&
         oracle_.rest_ok >= params_.min_rest_ok && api_.done();
}

std::string GatewayReplayWorkload::progress() const {
  return fmt::format(
             "fed {} of {} frames ({} while nobody subscribed); stored {} of {} delivered "
             "ticks ({} in the recording slice); the exchange answered 200 x{} (want {})",
             oracle_.fed, params_.replay.frame_count(), oracle_.undelivered, oracle_.stored,
             oracle_.expected, params_.replay.tick_count(), oracle_.rest_ok, params_.min_rest_ok) +
         (api_.done() ? "" : "; " + api_.progress());
}

core::Result<std::function<void()>> GatewayReplayWorkload::action(const TimelineEntry& e) {
  auto faults = [this]() -> mockex::Faults* {
    auto* host = world_->process<ExchangeHost>("exchange");
    return host ? &host->exchange().faults() : nullptr;
  };
  auto arg = [&](const char* key, const char* fallback) {
    auto it = e.args.find(key);
    return it == e.args.end() ? std::string(fallback) : it->second;
  };
  if (e.action == "ws_drop") {
    return std::function<void()>([this] {
      world_->event("exchange", "ws_drop");
      if (auto* host = world_->process<ExchangeHost>("exchange")) host->exchange().drop_streams();
    });
  }
  if (e.action == "rest_throttle") {
    auto retry = duration_param("rest_throttle.retry_after", arg("retry_after", "1s"));
    if (!retry) return retry.status();
    const auto count = static_cast<std::uint32_t>(std::stoul(arg("count", "10")));
    return std::function<void()>([this, faults, count, secs = *retry / 1'000'000] {
      world_->event("exchange", "rest_throttle").u64("count", count);
      if (auto* f = faults()) {
        f->throttle_next += count;
        f->retry_after_sec = secs;
      }
    });
  }
  if (e.action == "api_burst") return api_.burst_action(e);
  if (e.action == "rest_errors") {
    const auto count = std::strtoul(arg("count", "1").c_str(), nullptr, 10);
    const int code = std::atoi(arg("code", "503").c_str());
    if (count == 0 || code < 500 || code > 599)
      return core::make_error(core::Errc::kConfig,
                              "{}: rest_errors: expected {{count: N > 0, code: 500..599}}, got "
                              "count \"{}\", code \"{}\"",
                              e.where, arg("count", "1"), arg("code", "503"));
    return std::function<void()>([this, faults, count, code] {
      world_->event("exchange", "rest_errors").u64("count", count).i64("code", code);
      if (auto* f = faults()) {
        f->error_next += static_cast<std::uint32_t>(count);
        f->error_status = code;
      }
    });
  }
  if (e.action == "exchange_latency") {
    auto add = duration_param("exchange_latency.add", arg("add", "500ms"));
    auto lasting = duration_param("exchange_latency.for", arg("for", "2s"));
    if (!add || !lasting) return add ? lasting.status() : add.status();
    return std::function<void()>([this, faults, ms = *add / 1000, d = *lasting] {
      world_->event("exchange", "exchange_latency").i64("add_ms", ms).i64("for_us", d);
      if (auto* f = faults()) f->latency_ms = ms;
      world_->clock().call_after(d, [faults] {
        if (auto* f = faults()) f->latency_ms = 0;
      });
    });
  }
  return core::make_error(
      core::Errc::kConfig,
      "{}: timeline: gateway_replay has no action '{}' (its actions: ws_drop, "
      "rest_throttle, rest_errors, exchange_latency, api_burst; the world's: {})",
      e.where, e.action, kWorldActionNames);
}

}  // namespace sim
