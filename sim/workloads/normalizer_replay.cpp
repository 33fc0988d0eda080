#include "sim/workloads/normalizer_replay.h"

#include "sim/replay/csv.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/codec/bus_json.h"
#include "core/config/normalizer_config.h"
#include "core/jetstream.h"
#include "core/js_publisher.h"
#include "core/metrics.h"
#include "core/streams.h"
#include "normalizer/bar_rows.h"
#include "sim/scenario.h"
#include "sim/workloads/normalizer_host.h"

namespace sim {
namespace {

constexpr const char* kTradesPath =
    "fixtures/binance/derived/BTCUSDT-trades-2024-08-08T2354Z-2024-08-09T0005Z.csv.zst";
constexpr const char* kBarsPath =
    "fixtures/binance/derived/BTCUSDT-1m-bars-COMPUTED-from-trades-2024.csv";
constexpr std::int64_t kRetryUs = 250'000;
constexpr std::int64_t kPollUs = 500'000;

core::BusOptions bus_options() {
  core::BusOptions options;
  options.jetstream = true;
  options.reconnect_wait_us = 250'000;
  return options;
}

// Reads a CSV after its header; `row` turns one line's cells into the caller's value.
core::Status read_csv(const std::string& path, std::size_t min_cells,
                      const std::function<core::Status(const std::vector<std::string>&)>& row) {
  auto rows = replay::read_csv(path);
  if (!rows) return core::make_error(core::Errc::kConfig, "workload: {}", rows.status().message);
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const auto& cells = (*rows)[i];
    core::Status s = cells.size() >= min_cells
                         ? row(cells)
                         : core::make_error(core::Errc::kConfig, "too few columns");
    if (!s) return core::make_error(core::Errc::kConfig, "{}:{}: {}", path, i + 2, s.message);
  }
  return core::Status::ok();
}

core::Result<core::Decimal> decimal(const std::string& text) {
  auto d = core::Decimal::parse(text);
  if (!d) return core::make_error(core::Errc::kConfig, "not a decimal: '{}'", text);
  return d;
}

core::Status load_trades(const std::string& path, std::vector<ReplayTrade>& out) {
  return read_csv(path, 8, [&](const std::vector<std::string>& c) -> core::Status {
    auto price = decimal(c[1]);
    auto qty = decimal(c[2]);
    if (!price || !qty) return price ? qty.status() : price.status();
    core::Tick t;
    t.symbol = "BTCUSDT";
    t.ts_event_us = std::stoll(c[3]) * 1000;
    t.ts_recv_us = std::stoll(c[7]) / 1000;
    t.price = *price;
    t.qty = *qty;
    t.side = c[4] == "true" ? core::Side::kSell : core::Side::kBuy;  // buyer maker: taker sold
    t.trade_id = c[0];
    out.push_back({std::stoll(c[3]), "binance:BTCUSDT:trade:" + c[0], core::codec::to_json(t)});
    return core::Status::ok();
  });
}

core::Status load_bars(const std::string& path, std::map<std::int64_t, ReferenceBar>& out) {
  return read_csv(path, 8, [&](const std::vector<std::string>& c) -> core::Status {
    ReferenceBar b;
    for (auto [text, field] :
         {std::pair{&c[1], &b.open}, std::pair{&c[2], &b.high}, std::pair{&c[3], &b.low},
          std::pair{&c[4], &b.close}, std::pair{&c[5], &b.volume}}) {
      auto d = decimal(*text);
      if (!d) return d.status();
      *field = *d;
    }
    b.trades = std::stoull(c[7]);
    out[std::stoll(c[0]) * 1000] = b;
    return core::Status::ok();
  });
}

// Keeps reference minutes A..B (0-based, inclusive) and the trades inside them.
core::Status select_minutes(const std::string& range, NormalizerReplayParams& p) {
  if (range.empty()) return core::Status::ok();
  std::size_t first = 0;
  std::size_t last = 0;
  if (std::sscanf(range.c_str(), "%zu-%zu", &first, &last) != 2 || first > last ||
      last >= p.reference.size()) {
    return core::make_error(core::Errc::kConfig,
                            "workload.minutes: expected A-B within 0-{}, got \"{}\"",
                            p.reference.size() - 1, range);
  }
  auto begin = std::next(p.reference.begin(), static_cast<std::ptrdiff_t>(first));
  auto end = std::next(p.reference.begin(), static_cast<std::ptrdiff_t>(last + 1));
  const std::int64_t from_ms = begin->first / 1000;
  const std::int64_t to_ms = std::prev(end)->first / 1000 + 60'000;
  p.reference = std::map<std::int64_t, ReferenceBar>(begin, end);
  std::erase_if(p.trades,
                [&](const ReplayTrade& t) { return t.time_ms < from_ms || t.time_ms >= to_ms; });
  return core::Status::ok();
}

class ReplayPublisher final : public Process {
 public:
  ReplayPublisher(HostEnv& env, const NormalizerReplayParams& params,
                  NormalizerReplayOracle& oracle)
      : env_(env),
        params_(params),
        oracle_(oracle),
        bus_(env.make_bus(bus_options())),
        api_(*bus_, env.clock),
        publisher_(*bus_, env.clock, core::OutboxOptions{.capacity = 1'000'000}) {
    create_stream();
  }

 private:
  void create_stream() {
    api_.ensure_stream(core::ticks_stream("ticks"), [this](core::Status s) {
      if (!s) {
        env_.clock.call_after(kRetryUs, [this] { create_stream(); });
        return;
      }
      env_.world.event(env_.name, "stream_ready");
      start_us_ = env_.clock.now_us();
      publish_due();
    });
  }

  std::int64_t offset_us(std::size_t i) const {
    const double ms = static_cast<double>(params_.trades[i].time_ms - params_.trades[0].time_ms);
    return static_cast<std::int64_t>(ms * 1000 / params_.speed);
  }

  void publish_due() {
    const std::int64_t now = env_.clock.now_us() - start_us_;
    const auto& trades = params_.trades;
    while (next_ < trades.size() && offset_us(next_) <= now) {
      const ReplayTrade& t = trades[next_];
      if (!publisher_.publish("ticks.binance.BTCUSDT", t.json, t.msg_id)) break;
      ++next_;
    }
    oracle_.published = std::max(oracle_.published, next_);
    if (next_ == trades.size()) {
      env_.world.event(env_.name, "replay_done").u64("trades", next_);
      return;
    }
    env_.clock.call_after(std::max<std::int64_t>(offset_us(next_) - now, 1000),
                          [this] { publish_due(); });
  }

  HostEnv& env_;
  const NormalizerReplayParams& params_;
  NormalizerReplayOracle& oracle_;
  std::unique_ptr<core::Bus> bus_;
  core::JsApi api_;
  core::JsPublisher publisher_;
  std::int64_t start_us_ = 0;
  std::size_t next_ = 0;
};

core::NormalizerConfig normalizer_config(const NormalizerReplayParams& p) {
  core::NormalizerConfig c;
  c.nats.ack_wait_sec = static_cast<double>(p.ack_wait_us) / 1e6;
  c.store.flush_interval_sec = static_cast<double>(p.flush_interval_us) / 1e6;
  return c;
}

}  // namespace

core::Result<NormalizerReplayParams> parse_normalizer_replay_params(
    const std::map<std::string, std::string>& params) {
  NormalizerReplayParams p;
  std::string trades = kTradesPath;
  std::string bars = kBarsPath;
  std::string minutes;
  for (const auto& [key, value] : params) {
    if (key == "kind") continue;
    if (key == "minutes") {
      minutes = value;
    } else if (key == "min_skipped") {
      p.min_skipped = std::strtoull(value.c_str(), nullptr, 10);
    } else if (key == "trades" || key == "bars") {
      (key == "trades" ? trades : bars) = value;
    } else if (key == "speed") {
      p.speed = std::atof(value.c_str());
      if (p.speed <= 0)
        return core::make_error(core::Errc::kConfig,
                                "workload.speed: expected a positive number, got \"{}\"", value);
    } else if (key == "ack_wait" || key == "flush_interval" || key == "store_latency") {
      auto d = parse_duration_us(value);
      if (!d || *d < 0)
        return core::make_error(core::Errc::kConfig, "workload.{}: expected a duration, got \"{}\"",
                                key, value);
      (key == "ack_wait"         ? p.ack_wait_us
       : key == "flush_interval" ? p.flush_interval_us
                                 : p.store_latency_us) = *d;
    } else {
      return core::make_error(core::Errc::kConfig,
                              "workload.{}: unknown parameter of normalizer_replay", key);
    }
  }
  if (core::Status s = load_trades(trades, p.trades); !s) return s;
  if (core::Status s = load_bars(bars, p.reference); !s) return s;
  if (core::Status s = select_minutes(minutes, p); !s) return s;
  if (p.trades.empty() || p.reference.empty())
    return core::make_error(core::Errc::kConfig, "workload: '{}' or '{}' holds no rows", trades,
                            bars);
  return p;
}

void NormalizerReplayWorkload::setup(SimWorld& world) {
  world_ = &world;
  world.store_server().set_write_latency_us(params_.store_latency_us);
  world.add_host("normalizer", [this](HostEnv& env) {
    return std::make_unique<NormalizerHost>(env, normalizer_config(params_),
                                            [this](std::uint64_t skipped) {
                                              oracle_.redelivered_skipped += skipped;
                                              oracle_.skipped_live = 0;
                                            });
  });
  world.add_host("publisher", [this](HostEnv& env) {
    return std::make_unique<ReplayPublisher>(env, params_, oracle_);
  });
  world.clock().call_after(kPollUs, [this] { poll(); });
}

void NormalizerReplayWorkload::poll() {
  core::StoreQuery q;
  q.table = "ohlcv_1m";
  q.tags_equal = {{"symbol", "BTCUSDT"}};
  if (auto* host = world_->process<NormalizerHost>("normalizer")) {
    oracle_.skipped_live = host->skipped();
  } else {
    oracle_.skipped_live = 0;
  }
  world_->store_server().query(q, [this](core::Result<core::QueryResult> r) {
    if (r) judge(*r);  // the store may be down: judge at the next poll
    world_->clock().call_after(kPollUs, [this] { poll(); });
  });
}

BarsJudgement judge_bars(const std::map<std::int64_t, ReferenceBar>& reference,
                         const core::QueryResult& rows) {
  BarsJudgement out;
  for (std::size_t i = 0; i < rows.rows.size(); ++i) {
    auto bar = normalizer::bar_from_row(rows, i);
    if (!bar) {
      out.violation = "unreadable bar: " + bar.status().message;
      return out;
    }
    auto ref = reference.find(bar->ts_minute_us);
    if (ref == reference.end()) continue;
    const ReferenceBar& want = ref->second;
    if (bar->trades > want.trades || bar->volume > want.volume) {
      out.violation = fmt::format(
          "counted twice: minute {} stored trades={} volume={}, reference trades={} volume={}",
          bar->ts_minute_us, bar->trades, bar->volume, want.trades, want.volume);
      return out;
    }
    const bool same = bar->open == want.open && bar->high == want.high && bar->low == want.low &&
                      bar->close == want.close && bar->volume == want.volume &&
                      bar->trades == want.trades;
    if (same) {
      ++out.equal;
    } else if (out.first_difference.empty()) {
      out.first_difference = fmt::format(
          "minute {}: stored o={} h={} l={} c={} v={} n={}, want o={} h={} "
          "l={} c={} v={} n={}",
          bar->ts_minute_us, bar->open, bar->high, bar->low, bar->close, bar->volume, bar->trades,
          want.open, want.high, want.low, want.close, want.volume, want.trades);
    }
  }
  return out;
}

void NormalizerReplayWorkload::judge(const core::QueryResult& rows) {
  BarsJudgement j = judge_bars(params_.reference, rows);
  if (j.violation) {
    oracle_.violation = std::move(j.violation);
    return;
  }
  oracle_.minutes_equal = j.equal;
  oracle_.first_difference = std::move(j.first_difference);
}

bool NormalizerReplayWorkload::converged() const {
  return oracle_.minutes_equal == params_.reference.size() &&
         oracle_.redelivered_skipped + oracle_.skipped_live >= params_.min_skipped;
}

std::string NormalizerReplayWorkload::progress() const {
  return fmt::format(
      "{} of {} reference minutes equal; published {} of {} trades; redeliveries skipped {}{}",
      oracle_.minutes_equal, params_.reference.size(), oracle_.published, params_.trades.size(),
      oracle_.redelivered_skipped + oracle_.skipped_live,
      oracle_.first_difference.empty() ? "" : "; first difference: " + oracle_.first_difference);
}

}  // namespace sim
