#include "sim/live/pipeline_live.h"

#include <fmt/format.h>

#include "net/ilp_store.h"
#include "sim/live/gateway_live.h"
#include "sim/live/normalizer_live.h"
#include "sim/workloads/pipeline_bars.h"

namespace sim::live {
namespace {

constexpr std::int64_t kQueryEveryUs = 500'000;

class PipelineLive final : public LiveWorkload {
 public:
  PipelineLive(PipelineParams params, std::unique_ptr<LiveWorkload> gateway, net::AsioClock& clock)
      : p_(std::move(params)), gateway_(std::move(gateway)), clock_(clock) {
    for (const auto& [symbol, bars] : p_.reference) minutes_ += bars.size();
  }

  // The gateway's run first (it starts NATS and returns as the replay begins); the normalizer
  // reads TICKS from its first message through its durable consumer, so nothing is missed.
  core::Status start(LiveWorld& world) override {
    core::Status s = gateway_->start(world);
    if (s) s = world.start_influxd();
    if (s) s = start_normalizer(world, p_.ack_wait_us, p_.flush_interval_us);
    if (!s) return s;
    core::StoreOptions so;
    so.url = fmt::format("http://127.0.0.1:{}", world.influx_port());
    so.dialect = core::StoreDialect::kInflux;
    so.database = "t26";
    store_ = std::make_unique<net::IlpStore>(clock_, so);
    return core::Status::ok();
  }

  void poll() override {
    gateway_->poll();
    if (querying_ || clock_.now_us() < next_query_us_) return;
    querying_ = true;
    query(p_.reference.begin());
  }

  std::optional<std::string> safety_violation() const override {
    if (auto v = gateway_->safety_violation()) return v;
    return violation_;
  }
  void heal() override { gateway_->heal(); }
  bool converged() const override { return gateway_->converged() && tally_.equal() == minutes_; }

  std::string progress() const override {
    return fmt::format("{}; {} (influxd)", gateway_->progress(), tally_.summary(minutes_));
  }

  core::Result<std::function<void()>> action(const TimelineEntry& entry) override {
    return gateway_->action(entry);
  }

  std::vector<std::string> services() const override {
    auto out = gateway_->services();
    out.push_back("normalizer");
    return out;
  }
  std::vector<std::string> skipped() const override { return gateway_->skipped(); }

  std::vector<Expectation> expectations() const override {
    auto out = gateway_->expectations();
    out.push_back({"no stored minute holds more trades or volume than the reference", true,
                   !violation_,
                   violation_.value_or(fmt::format("{} rounds of ohlcv_1m queries", rounds_))});
    out.push_back(
        {"every reference minute stored exactly (open, high, low, close, volume, "
         "trades)",
         false, tally_.equal() == minutes_, tally_.summary(minutes_)});
    return out;
  }

 private:
  // One symbol after another; influxd may be down, then the round ends and the next retries.
  void query(SymbolBars::const_iterator symbol) {
    if (symbol == p_.reference.end()) {
      querying_ = false;
      ++rounds_;
      next_query_us_ = clock_.now_us() + kQueryEveryUs;
      return;
    }
    core::StoreQuery q;
    q.table = "ohlcv_1m";
    q.tags_equal = {{"symbol", symbol->first}};
    store_->query(q, [this, symbol](core::Result<core::QueryResult> r) {
      if (!r) {
        query(p_.reference.end());
        return;
      }
      auto broken = tally_.record(symbol->first, judge_bars(symbol->second, *r));
      if (broken && !violation_) violation_ = std::move(broken);
      query(std::next(symbol));
    });
  }

  PipelineParams p_;
  std::unique_ptr<LiveWorkload> gateway_;
  net::AsioClock& clock_;
  std::unique_ptr<net::IlpStore> store_;
  std::size_t minutes_ = 0;
  bool querying_ = false;
  std::int64_t next_query_us_ = 0;
  std::uint64_t rounds_ = 0;
  BarsTally tally_;
  std::optional<std::string> violation_;
};

}  // namespace

core::Result<std::unique_ptr<LiveWorkload>> make_pipeline_live(
    const std::map<std::string, std::string>& params, net::AsioClock& clock, double speed) {
  auto p = parse_pipeline_params(params);
  if (!p) return p.status();
  auto gateway = make_gateway_live(gateway_params_of(params), clock, speed);
  if (!gateway) return gateway.status();
  return std::unique_ptr<LiveWorkload>(
      std::make_unique<PipelineLive>(std::move(*p), std::move(*gateway), clock));
}

}  // namespace sim::live
