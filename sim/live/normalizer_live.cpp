#include "sim/live/normalizer_live.h"

#include <fmt/format.h>

#include "core/bus_options.h"
#include "core/jetstream.h"
#include "core/js_publisher.h"
#include "core/streams.h"
#include "net/ilp_store.h"
#include "net/nats_bus.h"
#include "sim/workloads/normalizer_replay.h"

namespace sim::live {

core::Status start_normalizer(LiveWorld& world, std::int64_t ack_wait_us,
                              std::int64_t flush_interval_us) {
  return world.start_service(
      "normalizer", "normalizer", "config/normalizer.yaml",
      {"nats.url=" + world.nats_url(),
       fmt::format("nats.ack_wait_sec={}", static_cast<double>(ack_wait_us) / 1e6),
       "nats.reconnect_wait_sec=0.2", "store.write_url=" + world.influx_write_url(),
       fmt::format("store.flush_interval_sec={}", static_cast<double>(flush_interval_us) / 1e6)});
}
namespace {

constexpr std::int64_t kSecondUs = 1'000'000;
constexpr std::int64_t kQueryEveryUs = 500'000;

class NormalizerLive final : public LiveWorkload {
 public:
  NormalizerLive(NormalizerReplayParams params, net::AsioClock& clock, double speed)
      : p_(std::move(params)), clock_(clock), speed_(speed) {}

  core::Status start(LiveWorld& world) override {
    world_ = &world;
    core::Status s = world.start_nats();
    if (s) s = world.start_influxd();
    if (s) s = start_normalizer(world, p_.ack_wait_us, p_.flush_interval_us);
    if (!s) return s;
    core::BusOptions o;
    o.url = world.nats_url();
    o.name = "sim-live-publisher";
    bus_ = std::make_unique<net::NatsBus>(clock_, o);
    api_ = std::make_unique<core::JsApi>(*bus_, clock_);
    publisher_ = std::make_unique<core::JsPublisher>(*bus_, clock_,
                                                     core::OutboxOptions{.capacity = 1'000'000});
    core::StoreOptions so;
    so.url = fmt::format("http://127.0.0.1:{}", world.influx_port());
    so.dialect = core::StoreDialect::kInflux;
    so.database = "t26";
    store_ = std::make_unique<net::IlpStore>(clock_, so);
    std::optional<core::Status> made;
    api_->ensure_stream(core::ticks_stream("ticks"), [&](core::Status r) { made = std::move(r); });
    if (!clock_.run_until([&] { return made.has_value(); }, 30 * kSecondUs) || !*made)
      return core::make_error(core::Errc::kUnavailable, "stream TICKS not created: {}",
                              made ? made->message : "no answer in 30 s");
    start_us_ = clock_.now_us();
    publish_due();
    return core::Status::ok();
  }

  void poll() override {
    if (querying_ || clock_.now_us() < next_query_us_) return;
    querying_ = true;
    core::StoreQuery q;
    q.table = "ohlcv_1m";
    q.tags_equal = {{"symbol", "BTCUSDT"}};
    store_->query(q, [this](core::Result<core::QueryResult> r) {
      querying_ = false;
      next_query_us_ = clock_.now_us() + kQueryEveryUs;
      if (!r) return;  // influxd may be down: judge at the next poll
      ++queries_;
      BarsJudgement j = judge_bars(p_.reference, *r);
      if (j.violation && !violation_) violation_ = std::move(j.violation);
      equal_ = j.equal;
      first_difference_ = std::move(j.first_difference);
    });
  }

  std::optional<std::string> safety_violation() const override { return violation_; }

  bool converged() const override {
    return next_ == p_.trades.size() && publisher_->pending() == 0 && equal_ == p_.reference.size();
  }

  std::string progress() const override {
    return fmt::format(
        "{} of {} reference minutes equal (after {} queries of ohlcv_1m); published {} of {} "
        "trades, {} acked by JetStream{}",
        equal_, p_.reference.size(), queries_, next_, p_.trades.size(),
        publisher_ ? publisher_->acked() : 0,
        first_difference_.empty() ? "" : "; first difference: " + first_difference_);
  }

  std::vector<std::string> services() const override { return {"normalizer"}; }

  std::vector<std::string> skipped() const override {
    std::vector<std::string> out;
    if (p_.store_latency_us > 0) out.push_back("store_latency (influxd answers as it does)");
    if (p_.min_skipped > 0)
      out.push_back("min_skipped (the skip counter of a killed normalizer dies with it)");
    return out;
  }

  std::vector<Expectation> expectations() const override {
    return {{"no stored minute holds more trades or volume than the reference", true, !violation_,
             violation_.value_or(fmt::format("{} queries of ohlcv_1m in influxd", queries_))},
            {"every reference minute stored exactly (open, high, low, close, volume, trades)",
             false, converged(), progress()}};
  }

 private:
  std::int64_t offset_us(std::size_t i) const {
    const double ms = static_cast<double>(p_.trades[i].time_ms - p_.trades[0].time_ms);
    return static_cast<std::int64_t>(ms * 1000 / (p_.speed * speed_));
  }

  void publish_due() {
    const std::int64_t now = clock_.now_us() - start_us_;
    while (next_ < p_.trades.size() && offset_us(next_) <= now) {
      const ReplayTrade& t = p_.trades[next_];
      if (!publisher_->publish("ticks.binance.BTCUSDT", t.json, t.msg_id)) break;
      ++next_;
    }
    if (next_ == p_.trades.size()) return;
    clock_.call_after(std::max<std::int64_t>(offset_us(next_) - now, 1000),
                      [this] { publish_due(); });
  }

  NormalizerReplayParams p_;
  net::AsioClock& clock_;
  double speed_;
  LiveWorld* world_ = nullptr;
  std::unique_ptr<net::NatsBus> bus_;
  std::unique_ptr<core::JsApi> api_;
  std::unique_ptr<core::JsPublisher> publisher_;
  std::unique_ptr<net::IlpStore> store_;
  std::int64_t start_us_ = 0;
  std::size_t next_ = 0;
  bool querying_ = false;
  std::int64_t next_query_us_ = 0;
  std::uint64_t queries_ = 0;
  std::size_t equal_ = 0;
  std::string first_difference_;
  std::optional<std::string> violation_;
};

}  // namespace

core::Result<std::unique_ptr<LiveWorkload>> make_normalizer_live(
    const std::map<std::string, std::string>& params, net::AsioClock& clock, double speed) {
  auto p = parse_normalizer_replay_params(params);
  if (!p) return p.status();
  return std::unique_ptr<LiveWorkload>(
      std::make_unique<NormalizerLive>(std::move(*p), clock, speed));
}

}  // namespace sim::live
