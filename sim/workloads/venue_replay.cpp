#include "sim/workloads/venue_replay.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <set>

#include <fmt/ranges.h>

#include "gateway/feed/feed_protocol.h"
#include "gateway/tick_publisher.h"
#include "sim/mockex/venue_feeds.h"
#include "sim/replay/recording.h"
#include "sim/sim_clock.h"

namespace sim {
namespace {

// The one listener of the reference feed: it keeps what the feed sends.
class CaptureSession final : public core::WsSession {
 public:
  core::Status send_text(std::string text) override {
    received.push_back(std::move(text));
    return core::Status::ok();
  }
  void close(int, std::string) override {}
  void on_message(std::function<void(const std::string&)> fn) override { on_message_ = fn; }
  void on_close(std::function<void(int, const std::string&)>) override {}
  std::string remote() const override { return "reference"; }
  bool is_open() const override { return true; }

  void client_sends(const std::string& text) const { on_message_(text); }
  std::vector<std::string> received;

 private:
  std::function<void(const std::string&)> on_message_;
};

// The venue feed of the mock exchange, alone: what it sends a subscribed session per frame.
class ReferenceFeed {
 public:
  ReferenceFeed(core::Exchange venue, const gateway::feed::FeedProtocol& protocol)
      : venue_(venue), coinbase_(clock_), kraken_(clock_) {
    auto count = [this] { ++subscriptions; };
    coinbase_.on_subscribe(count);
    kraken_.on_subscribe(count);
    if (venue_ == core::Exchange::kCoinbase)
      coinbase_.accept(session_);
    else
      kraken_.accept(session_);
    for (const auto& m : protocol.subscribe_messages()) session_->client_sends(m);
  }
  std::vector<std::string> feed(const std::string& msg) {
    session_->received.clear();
    if (venue_ == core::Exchange::kCoinbase)
      coinbase_.on_frame(msg);
    else
      kraken_.on_v1_frame(msg);
    return std::move(session_->received);
  }
  std::size_t subscriptions = 0;

 private:
  core::Exchange venue_;
  SimClock clock_;
  std::shared_ptr<CaptureSession> session_ = std::make_shared<CaptureSession>();
  mockex::CoinbaseFeed coinbase_;
  mockex::KrakenFeed kraken_;
};

core::Result<std::vector<replay::Record>> read_merged(const std::vector<std::string>& paths,
                                                      std::string_view src) {
  std::vector<replay::Record> out;
  for (const auto& path : paths) {
    auto reader = replay::RecordingReader::open(path);
    if (!reader)
      return core::make_error(core::Errc::kConfig, "workload.recording: {}",
                              reader.status().message);
    replay::Record r;
    while (true) {
      auto more = reader->next(r);
      if (!more)
        return core::make_error(core::Errc::kConfig, "workload: {}", more.status().message);
      if (!*more) break;
      if (r.src == src) out.push_back(r);
    }
  }
  // Stable: frames of one file keep their order at equal times.
  std::stable_sort(out.begin(), out.end(), [](const replay::Record& a, const replay::Record& b) {
    return a.t_us < b.t_us;
  });
  return out;
}

// False for a Coinbase frame of a channel no subscribe message names (`"channel":"l2_data"`);
// true for any other frame (Kraken's v1 arrays name no channel this way).
bool subscribed_channel(const std::string& msg, const std::vector<std::string>& subscribes) {
  static const std::string kKey = "\"channel\":\"";
  const auto at = msg.find(kKey);
  if (at == std::string::npos) return true;
  const auto end = msg.find('"', at + kKey.size());
  const std::string channel = msg.substr(at, end == std::string::npos ? end : end + 1 - at);
  return std::any_of(subscribes.begin(), subscribes.end(),
                     [&](const std::string& m) { return m.find(channel) != std::string::npos; });
}

}  // namespace

GatewayReplayTick judged_tick(const core::Tick& t) {
  const std::string id = gateway::TickPublisher::msg_id(t);
  const auto colon = id.rfind(':');
  return {gateway::TickPublisher::subject("ticks", t), id.substr(0, colon + 1),
          std::strtoull(id.c_str() + colon + 1, nullptr, 10)};
}

std::string_view venue_record_src(core::Exchange venue) {
  return venue == core::Exchange::kCoinbase ? "coinbase.ws"
         : venue == core::Exchange::kKraken ? "kraken.ws.v1"
                                            : "binance.ws";
}

std::vector<std::string> default_venue_recordings(core::Exchange venue) {
  if (venue == core::Exchange::kCoinbase)
    return {"fixtures/coinbase/advanced_trade_2026-08-09T2105Z_BTC-USD_ETH-USD.jsonl.zst"};
  return {"fixtures/kraken/ws_v1_2021-04-17T1648Z_trade.jsonl.zst",
          "fixtures/kraken/ws_v1_2021-04-17T1648Z_ticker.jsonl.zst"};
}

std::vector<std::string> default_venue_symbols(core::Exchange venue) {
  if (venue == core::Exchange::kCoinbase) return {"BTC-USD", "ETH-USD"};
  return {"XMRUSD", "SCEUR"};
}

std::string_view venue_ws_path(core::Exchange venue) {
  return venue == core::Exchange::kCoinbase ? "/coinbase" : "/kraken/v2";
}

core::Result<VenueReplay> load_venue_replay(core::Exchange venue,
                                            const std::vector<std::string>& recordings,
                                            const std::vector<std::string>& symbols,
                                            std::int64_t from_us,
                                            std::optional<std::int64_t> duration_us) {
  auto records = read_merged(recordings, venue_record_src(venue));
  if (!records) return records.status();
  auto protocol = gateway::feed::make_feed_protocol(venue, symbols);
  const std::vector<std::string> subscribes = protocol->subscribe_messages();
  ReferenceFeed feed(venue, *protocol);
  VenueReplay out;
  out.subscriptions = feed.subscriptions;
  std::set<std::string> seen_ids;
  for (const auto& r : *records) {
    const std::int64_t offset = r.t_us - records->front().t_us - from_us;
    if (offset < 0) continue;
    if (duration_us && offset >= *duration_us) break;
    if (!subscribed_channel(r.msg, subscribes)) continue;  // before parsing: level2 is big
    const std::vector<std::string> sent = feed.feed(r.msg);
    // A frame the gateway's subscriptions do not receive (Coinbase level2, candles) changes
    // nothing it can see, not even the REST answers: left out, the replay stays short.
    if (sent.empty()) continue;
    GatewayReplayFrame f{offset, std::string(venue_record_src(venue)), r.msg, {}};
    for (const auto& text : sent) {
      (void)protocol->decode_frame(text, r.t_us, [&](const core::Tick& t) {
        if (t.kind != core::TickKind::kTrade) return;
        GatewayReplayTick tick = judged_tick(t);
        // JetStream keeps the first of equal ids.
        if (!seen_ids.insert(tick.id_prefix + std::to_string(tick.number)).second) return;
        f.ticks.push_back(out.ticks.size());
        out.ticks.push_back(std::move(tick));
      });
    }
    out.frames.push_back(std::move(f));
  }
  if (out.ticks.empty())
    return core::make_error(
        core::Errc::kConfig, "workload: {} has no trades of {} in the slice for {}",
        fmt::join(recordings, ","), fmt::join(symbols, ","), core::exchange_name(venue));
  const std::int64_t base = out.frames.front().offset_us;
  for (auto& f : out.frames) f.offset_us -= base;
  return out;
}

}  // namespace sim
