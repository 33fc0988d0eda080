#include "sim/workloads/pipeline_bars.h"

#include <algorithm>
#include <tuple>

#include <nlohmann/json.hpp>

#include "core/config/normalizer_config.h"
#include "core/decimal.h"
#include "sim/scenario.h"
#include "sim/workloads/normalizer_host.h"

namespace sim {
namespace {

constexpr std::int64_t kPollUs = 500'000;
constexpr std::int64_t kMinuteMs = 60'000;

struct RefTrade {
  std::int64_t time_ms = 0;
  std::uint64_t id = 0;
  core::Decimal price, qty;
};

// One trade frame's fields; kConfig naming the frame (its index) and the field.
core::Result<std::pair<std::string, RefTrade>> parse_trade(const nlohmann::json& data,
                                                           std::size_t frame) {
  auto bad = [frame](const char* field) {
    return core::make_error(core::Errc::kConfig,
                            "recording: trade frame {}: field \"{}\" missing or malformed", frame,
                            field);
  };
  if (!data.is_object()) return bad("data");
  auto text = [&](const char* key) -> std::optional<std::string> {
    auto it = data.find(key);
    if (it == data.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  auto number = [&](const char* key) -> std::optional<std::int64_t> {
    auto it = data.find(key);
    if (it == data.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
  };
  const auto symbol = text("s");
  const auto id = number("t");
  const auto time_ms = number("T");
  if (!symbol) return bad("s");
  if (!id || *id < 0) return bad("t");
  if (!time_ms) return bad("T");
  RefTrade t{*time_ms, static_cast<std::uint64_t>(*id), {}, {}};
  for (auto [key, field] : {std::pair{"p", &t.price}, std::pair{"q", &t.qty}}) {
    const auto s = text(key);
    auto d = s ? core::Decimal::parse(*s) : core::Result<core::Decimal>(bad(key));
    if (!d) return bad(key);
    *field = *d;
  }
  return std::pair{*symbol, t};
}

core::Result<ReferenceBar> aggregate(std::vector<RefTrade> trades) {
  std::sort(trades.begin(), trades.end(), [](const RefTrade& a, const RefTrade& b) {
    return std::tie(a.time_ms, a.id) < std::tie(b.time_ms, b.id);
  });
  ReferenceBar bar{trades.front().price, trades.front().price,       trades.front().price,
                   trades.back().price,  core::Decimal::from_int(0), trades.size()};
  for (const RefTrade& t : trades) {
    bar.high = std::max(bar.high, t.price);
    bar.low = std::min(bar.low, t.price);
    auto sum = bar.volume.add(t.qty);
    if (!sum) return core::make_error(core::Errc::kConfig, "recording: volume overflows");
    bar.volume = *sum;
  }
  return bar;
}

bool own_param(const std::string& key) {
  return key == "flush_interval" || key == "ack_wait";
}

}  // namespace

core::Result<SymbolBars> reference_bars(const std::vector<std::string>& records) {
  // symbol -> trade id -> trade: the first of each id wins.
  std::map<std::string, std::map<std::uint64_t, RefTrade>> trades;
  for (std::size_t i = 0; i < records.size(); ++i) {
    // Most frames are book updates: only those that may be trades are parsed (time under ASan).
    if (records[i].find("@trade\"") == std::string::npos) continue;
    const auto frame = nlohmann::json::parse(records[i], nullptr, false);
    if (frame.is_discarded() || !frame.is_object())
      return core::make_error(core::Errc::kConfig, "recording: frame {} is not a JSON object", i);
    const auto stream = frame.find("stream");
    if (stream == frame.end() || !stream->is_string()) continue;
    if (!stream->get<std::string>().ends_with("@trade")) continue;
    auto trade = parse_trade(frame.contains("data") ? frame["data"] : nlohmann::json(), i);
    if (!trade) return trade.status();
    trades[trade->first].emplace(trade->second.id, trade->second);
  }
  SymbolBars out;
  for (const auto& [symbol, by_id] : trades) {
    std::map<std::int64_t, std::vector<RefTrade>> minutes;  // by minute start, ms
    for (const auto& [id, t] : by_id) {
      // Floor division: a time before the epoch still lands in its own minute.
      const std::int64_t q = t.time_ms / kMinuteMs;
      const std::int64_t start = (t.time_ms % kMinuteMs < 0 ? q - 1 : q) * kMinuteMs;
      minutes[start].push_back(t);
    }
    for (auto& [start_ms, in_minute] : minutes) {
      auto bar = aggregate(std::move(in_minute));
      if (!bar) return bar.status();
      out[symbol][start_ms * 1000] = *bar;
    }
  }
  return out;
}

std::map<std::string, std::string> gateway_params_of(
    const std::map<std::string, std::string>& params) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : params)
    if (!own_param(key)) out.emplace(key, value);
  return out;
}

core::Result<PipelineParams> parse_pipeline_params(
    const std::map<std::string, std::string>& params) {
  PipelineParams p;
  for (const auto& [key, value] : params) {
    if (!own_param(key)) continue;
    auto d = parse_duration_us(value);
    if (!d || *d <= 0)
      return core::make_error(core::Errc::kConfig,
                              "workload.{}: expected a positive duration, got \"{}\"", key, value);
    (key == "flush_interval" ? p.flush_interval_us : p.ack_wait_us) = *d;
  }
  auto gateway = parse_gateway_replay_params(gateway_params_of(params));
  if (!gateway) return gateway.status();
  p.gateway = std::move(*gateway);
  if (p.gateway.exchange != core::Exchange::kBinance)
    return core::make_error(core::Errc::kConfig,
                            "workload.exchange: pipeline needs binance, got {}",
                            core::exchange_name(p.gateway.exchange));
  if (p.gateway.max_undelivered != 0)
    return core::make_error(core::Errc::kConfig,
                            "workload.max_undelivered: pipeline needs 0 (its reference holds "
                            "every trade of the slice), got {}",
                            p.gateway.max_undelivered);
  p.gateway.purge_read = false;
  std::vector<std::string> records;
  records.reserve(p.gateway.replay.frame_count());
  for (std::size_t i = 0; i < p.gateway.replay.frame_count(); ++i)
    p.gateway.replay.record(i, records.emplace_back());
  auto reference = reference_bars(records);
  if (!reference) return reference.status();
  if (reference->empty())
    return core::make_error(core::Errc::kConfig, "workload: the slice of '{}' holds no trades",
                            p.gateway.recording);
  p.reference = std::move(*reference);
  return p;
}

PipelineWorkload::PipelineWorkload(PipelineParams params)
    : gateway_(std::move(params.gateway)),
      reference_(std::move(params.reference)),
      flush_interval_us_(params.flush_interval_us),
      ack_wait_us_(params.ack_wait_us) {
  for (const auto& [symbol, bars] : reference_) reference_minutes_ += bars.size();
}

void PipelineWorkload::setup(SimWorld& world) {
  world_ = &world;
  gateway_.setup(world);
  world.note_param("reference_minutes", std::to_string(reference_minutes_));
  core::NormalizerConfig config;
  config.nats.ack_wait_sec = static_cast<double>(ack_wait_us_) / 1e6;
  config.store.flush_interval_sec = static_cast<double>(flush_interval_us_) / 1e6;
  world.add_host("normalizer",
                 [config](HostEnv& env) { return std::make_unique<NormalizerHost>(env, config); });
  world.clock().call_after(kPollUs, [this] { poll(reference_.begin()); });
}

// Queries the symbols one after another, then waits kPollUs; a store that is down is asked
// again at the next round.
void PipelineWorkload::poll(SymbolBars::const_iterator symbol) {
  if (symbol == reference_.end()) {
    world_->clock().call_after(kPollUs, [this] { poll(reference_.begin()); });
    return;
  }
  core::StoreQuery q;
  q.table = "ohlcv_1m";
  q.tags_equal = {{"symbol", symbol->first}};
  world_->store_server().query(q, [this, symbol](core::Result<core::QueryResult> r) {
    if (r && !violation_) violation_ = tally_.record(symbol->first, judge_bars(symbol->second, *r));
    poll(std::next(symbol));
  });
}

std::optional<std::string> PipelineWorkload::safety_violation() const {
  if (auto v = gateway_.safety_violation()) return v;
  return violation_;
}

bool PipelineWorkload::converged() const {
  return gateway_.converged() && tally_.equal() == reference_minutes_;
}

std::string PipelineWorkload::progress() const {
  return fmt::format("{}; {}", gateway_.progress(), tally_.summary(reference_minutes_));
}

std::optional<std::string> BarsTally::record(const std::string& symbol, BarsJudgement j) {
  equal_[symbol] = j.equal;
  difference_[symbol] = std::move(j.first_difference);
  if (j.violation) return symbol + ": " + *j.violation;
  return std::nullopt;
}

std::size_t BarsTally::equal() const {
  std::size_t n = 0;
  for (const auto& [symbol, k] : equal_) n += k;
  return n;
}

std::string BarsTally::summary(std::size_t minutes) const {
  std::string out = fmt::format("{} of {} reference minutes stored equal", equal(), minutes);
  for (const auto& [symbol, difference] : difference_) {
    if (difference.empty()) continue;
    out += fmt::format("; first difference: {} {}", symbol, difference);
    break;
  }
  return out;
}

}  // namespace sim
