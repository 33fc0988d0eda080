#include "sim/live/gateway_live.h"

#include <fstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/bus_options.h"
#include "core/headers.h"
#include "core/jetstream.h"
#include "core/js_consumer.h"
#include "core/streams.h"
#include "net/nats_bus.h"
#include "sim/replay/recording.h"
#include "sim/workloads/gateway_replay.h"

namespace sim::live {
namespace {

constexpr std::int64_t kSecondUs = 1'000'000;
// Recording times of the written slice start here (any epoch time does: mockex replays offsets).
constexpr std::int64_t kSliceEpochUs = 1'700'000'000'000'000;

std::string join_quoted(const std::vector<std::string>& symbols) {
  std::string out;
  for (const auto& s : symbols) out += (out.empty() ? "\"" : ",\"") + s + "\"";
  return out;
}

class GatewayLive final : public LiveWorkload {
 public:
  GatewayLive(GatewayReplayParams params, net::AsioClock& clock, double speed)
      : p_(std::move(params)), clock_(clock), speed_(speed) {
    for (std::size_t i = 0; i < p_.replay.tick_count(); ++i) last_index_[p_.replay.subject(i)] = i;
  }

  core::Status start(LiveWorld& world) override {
    world_ = &world;
    core::Status s = world.start_nats();
    if (s) s = world.start_redis();
    if (s) s = write_slice();
    if (s) s = world.start_mockex(mockex_args());
    for (int i = 1; s && i <= p_.instances; ++i)
      s = world.start_service(host(i), "gateway", "config/local/gateway.yaml", gateway_sets());
    if (!s || !p_.websocket) return s;
    // t = 0 when mockex starts the replay: once the first gateway subscribed.
    const bool started =
        poll_until([&] { return world.log("mockex").find("replay starts") != std::string::npos; },
                   std::chrono::seconds(60));
    if (!started)
      return core::make_error(core::Errc::kUnavailable,
                              "mockex did not start its replay (no gateway subscribed) in 60 s");
    return core::Status::ok();
  }

  void poll() override {
    std::string text;
    if (http_call(world_->mockex_port(), "GET", "/metrics", "", &text) == 200) {
      ++own_ok_;  // mockex counts its /metrics and /admin answers as 200s too
      const auto code = [&](const char* c) {
        return static_cast<std::uint64_t>(
            prometheus_value(text, fmt::format("mockex_http_responses_total{{code=\"{}\"}}", c)));
      };
      ok_ = code("200") - std::min(code("200"), own_ok_);
      banned_ = code("418");
      throttled_ = code("429");
      forced_ = static_cast<std::uint64_t>(
          prometheus_value(text, "mockex_faults_injected_total{kind=\"429\"}"));
      frames_sent_ = static_cast<std::uint64_t>(prometheus_value(text, "mockex_ws_frames_total"));
    }
    if (!finished_) finished_ = world_->log("mockex").find("replay finished") != std::string::npos;
    if (!exchange_violation_ && (banned_ > 0 || throttled_ > forced_ + p_.max_exchange_429)) {
      exchange_violation_ = fmt::format(
          "the exchange answered 418 x{} and 429 x{} ({} of them forced by a fault, {} allowed)",
          banned_, throttled_, forced_, p_.max_exchange_429);
    }
  }

  std::optional<std::string> safety_violation() const override {
    if (violation_) return violation_;
    if (exchange_violation_) return exchange_violation_;
    if (lost_ > p_.max_undelivered)
      return fmt::format("{} ticks lost, first {} (allowed max_undelivered={})", lost_, first_lost_,
                         p_.max_undelivered);
    return std::nullopt;
  }

  void heal() override {
    if (http_call(world_->mockex_port(), "POST", "/admin/faults",
                  R"({"latency_ms":0,"streams_stalled":false})", nullptr) == 200)
      ++own_ok_;
    read_stream();
  }

  bool converged() const override {
    return finished_ && complete() && ok_ >= p_.min_rest_ok && !safety_violation();
  }

  std::string progress() const override {
    return fmt::format(
        "replay {}; stored {} of {} ticks of the slice ({} lost); read {} messages of TICKS; "
        "the exchange answered 200 x{} (want {})",
        finished_ ? "finished" : "not finished", stored_, p_.replay.tick_count(), lost_, read_, ok_,
        p_.min_rest_ok);
  }

  core::Result<std::function<void()>> action(const TimelineEntry& e) override {
    auto arg = [&](const char* key, const char* fallback) {
      auto it = e.args.find(key);
      return it == e.args.end() ? std::string(fallback) : it->second;
    };
    auto duration = [&](const char* key, const char* fallback) -> core::Result<std::int64_t> {
      auto d = parse_duration_us(arg(key, fallback));
      if (!d || *d < 0)
        return core::make_error(core::Errc::kConfig, "timeline: {}.{}: expected a duration",
                                e.action, key);
      return d;
    };
    if (e.action == "ws_drop") return faults(R"({"drop_streams":true})");
    if (e.action == "rest_throttle") {
      auto retry = duration("retry_after", "1s");
      if (!retry) return retry.status();
      const unsigned long count = std::stoul(arg("count", "10"));
      return faults(fmt::format(R"({{"throttle_next":{},"retry_after_sec":{}}})", count,
                                std::max<std::int64_t>(1, *retry / kSecondUs)));
    }
    if (e.action == "rest_errors") {
      const unsigned long count = std::strtoul(arg("count", "1").c_str(), nullptr, 10);
      const int code = std::atoi(arg("code", "503").c_str());
      if (count == 0 || code < 500 || code > 599)
        return core::make_error(core::Errc::kConfig,
                                "timeline: rest_errors: expected {{count: N > 0, code: 500..599}}");
      return faults(fmt::format(R"({{"error_next":{},"error_status":{}}})", count, code));
    }
    if (e.action == "exchange_latency") {
      auto add = duration("add", "500ms");
      auto lasting = duration("for", "2s");
      if (!add || !lasting) return add ? lasting.status() : add.status();
      auto on = faults(fmt::format(R"({{"latency_ms":{}}})", *add / 1000));
      auto off = faults(R"({"latency_ms":0})");
      const auto wall_us = static_cast<std::int64_t>(static_cast<double>(*lasting) / speed_);
      return std::function<void()>([this, on = *on, off = *off, wall_us] {
        on();
        clock_.call_after(wall_us, off);
      });
    }
    return LiveWorkload::action(e);
  }

  std::vector<std::string> services() const override {
    std::vector<std::string> out;
    for (int i = 1; i <= p_.instances; ++i) out.push_back(host(i));
    return out;
  }

  std::vector<std::string> skipped() const override {
    std::vector<std::string> out;
    if (p_.stagger_us > 0) out.push_back("stagger (the instances start one after another)");
    if (!p_.same_ip) out.push_back("same_ip: false (every instance reaches mockex from 127.0.0.1)");
    return out;
  }

  std::vector<Expectation> expectations() const override {
    std::vector<Expectation> out;
    out.push_back({"ticks on TICKS per subject in recording order, none twice", true, !violation_,
                   violation_.value_or(
                       fmt::format("{} trade and book ticks of {} read from {} messages of TICKS",
                                   stored_, p_.replay.tick_count(), read_))});
    out.push_back({"no tick lost beyond max_undelivered", true, lost_ <= p_.max_undelivered,
                   fmt::format("{} lost{}{} (allowed {}); mockex sent {} websocket frames of "
                               "the slice's {} to {} gateway(s)",
                               lost_, lost_ ? ", first " : "", first_lost_, p_.max_undelivered,
                               frames_sent_, p_.replay.frame_count(), p_.instances)});
    out.push_back({"the exchange never answered 418 nor an unforced 429", true,
                   !exchange_violation_,
                   fmt::format("mockex /metrics: 418 x{}, 429 x{} ({} forced, {} allowed)", banned_,
                               throttled_, forced_, p_.max_exchange_429)});
    out.push_back({"the replay finished and every subject's last tick is stored", false,
                   finished_ && complete(), progress()});
    if (p_.min_rest_ok > 0)
      out.push_back({"the exchange answered 200 at least min_rest_ok times", false,
                     ok_ >= p_.min_rest_ok, fmt::format("200 x{} (want {})", ok_, p_.min_rest_ok)});
    return out;
  }

 private:
  static std::string host_of(int instances, int i) {
    return instances == 1 ? std::string("gateway") : fmt::format("gateway-{}", i);
  }
  std::string host(int i) const { return host_of(p_.instances, i); }

  // The slice as a recording, frames at their offsets (already divided by the workload speed).
  core::Status write_slice() {
    slice_path_ = world_->dir() + "/slice.jsonl";
    auto writer = replay::RecordingWriter::open(slice_path_);
    if (!writer) return writer.status();
    replay::Record record{0, "binance.ws", "", ""};
    for (std::size_t i = 0; i < p_.replay.frame_count(); ++i) {
      record.t_us = kSliceEpochUs + p_.replay.offset_us(i);
      p_.replay.record(i, record.msg);
      if (core::Status s = writer->write(record); !s) return s;
    }
    return writer->close();
  }

  std::vector<std::string> mockex_args() const {
    const std::string config = world_->dir() + "/mockex.yaml";
    std::ofstream(config) << "rate_limits:\n  weight_per_minute: " << p_.exchange_weight_per_min
                          << "\n";
    std::vector<std::string> args = {"--admin",
                                     "--recording",
                                     slice_path_,
                                     "--speed",
                                     fmt::format("{}", speed_),
                                     "--symbols",
                                     fmt::format("{}", fmt::join(p_.symbols, ",")),
                                     "--config",
                                     config};
    if (p_.websocket) args.push_back("--start-on-subscribe");
    return args;
  }

  std::vector<std::string> gateway_sets() const {
    const std::string mockex = fmt::format("127.0.0.1:{}", world_->mockex_port());
    return {"nats.url=" + world_->nats_url(),
            "nats.reconnect_wait_sec=0.2",
            "nats.max_reconnect_attempts=-1",
            "valkey.url=" + world_->redis_url(),
            "exchanges.binance.enabled=true",
            "exchanges.coinbase.enabled=false",
            "exchanges.kraken.enabled=false",
            "exchanges.binance.rest_url=http://" + mockex,
            "exchanges.binance.ws_url=ws://" + mockex,
            fmt::format("exchanges.binance.websocket_enabled={}", p_.websocket),
            fmt::format("exchanges.binance.poll_interval_sec={}", p_.poll_interval_sec),
            fmt::format("exchanges.binance.rate_limit_per_min={}", p_.rate_limit_per_min),
            fmt::format("exchanges.binance.symbols=[{}]", join_quoted(p_.symbols)),
            fmt::format("performance.buffer_size={}", p_.buffer_size),
            fmt::format("performance.max_ticks_per_sec={}", p_.max_ticks_per_sec)};
  }

  core::Result<std::function<void()>> faults(std::string json) {
    return std::function<void()>([this, json = std::move(json)] {
      const int status = http_call(world_->mockex_port(), "POST", "/admin/faults", json, nullptr);
      if (status == 200) ++own_ok_;
      if (status != 200 && !violation_)
        violation_ = fmt::format("mockex POST /admin/faults {} answered {}", json, status);
    });
  }

  // Every subject's last tick is stored (the stored ones are in order, so nothing before it is
  // still to come).
  bool complete() const {
    if (!p_.websocket) return true;
    for (const auto& [subject, last] : last_index_) {
      auto it = next_index_.find(subject);
      if (it == next_index_.end() || it->second <= last) return false;
    }
    return true;
  }

  // The faults are over: NATS stays up from now on, so one durable consumer reads TICKS from
  // its first message, in stream order.
  void read_stream() {
    core::BusOptions o;
    o.url = world_->nats_url();
    o.name = "sim-live-oracle";
    bus_ = std::make_unique<net::NatsBus>(clock_, o);
    api_ = std::make_unique<core::JsApi>(*bus_, clock_);
    api_->ensure_stream(core::ticks_stream("ticks"), [this](core::Status s) {
      if (!s && !violation_) violation_ = "TICKS: " + s.message;
      if (!s) return;
      core::ConsumerSpec spec;
      spec.stream = "TICKS";
      spec.durable = "sim-live-oracle";
      spec.ack_wait_us = 30 * kSecondUs;
      spec.max_ack_pending = 20000;
      spec.reconnect_hold_us = -1;  // NATS stays up from now on: nothing to wait for
      consumer_ = std::make_unique<core::JsConsumer>(*bus_, clock_, spec);
      consumer_->start([this](const core::JsMessage& m) { on_message(m); },
                       [this](core::Status started) {
                         if (!started && !violation_) violation_ = "consumer: " + started.message;
                       });
    });
  }

  void on_message(const core::JsMessage& m) {
    ++read_;
    (void)consumer_->ack(m);
    if (violation_) return;
    const std::string_view id = core::header_value(m.msg.headers, "Nats-Msg-Id");
    const bool counted = judge_stored_tick(
        p_.replay, next_index_, m.msg.subject, id,
        [this](std::size_t k, std::string_view) -> std::optional<std::string> {
          if (lost_++ == 0) first_lost_ = p_.replay.msg_id(k);
          return std::nullopt;
        },
        violation_);
    if (counted) ++stored_;
  }

  GatewayReplayParams p_;
  net::AsioClock& clock_;
  double speed_;
  LiveWorld* world_ = nullptr;
  std::string slice_path_;
  std::map<std::string, std::size_t> last_index_;  // per subject: its last tick in the slice
  std::map<std::string, std::size_t> next_index_;  // per subject: the next tick allowed
  std::unique_ptr<net::NatsBus> bus_;
  std::unique_ptr<core::JsApi> api_;
  std::unique_ptr<core::JsConsumer> consumer_;
  std::optional<std::string> violation_;
  std::optional<std::string> exchange_violation_;
  std::uint64_t read_ = 0, stored_ = 0, lost_ = 0;
  std::string first_lost_;
  std::uint64_t ok_ = 0, banned_ = 0, throttled_ = 0, forced_ = 0, frames_sent_ = 0;
  std::uint64_t own_ok_ = 0;  // 200s mockex answered the runner itself
  bool finished_ = false;
};

}  // namespace

core::Result<std::unique_ptr<LiveWorkload>> make_gateway_live(
    const std::map<std::string, std::string>& params, net::AsioClock& clock, double speed) {
  if (params.count("loop_to"))
    return core::make_error(core::Errc::kConfig,
                            "workload.loop_to: the looped replay runs in sim only, not --live");
  auto p = parse_gateway_replay_params(params);
  if (!p) return p.status();
  return std::unique_ptr<LiveWorkload>(std::make_unique<GatewayLive>(std::move(*p), clock, speed));
}

}  // namespace sim::live
