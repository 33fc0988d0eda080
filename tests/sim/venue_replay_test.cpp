// The Coinbase and Kraken references of the gateway_replay workload (sim/workloads/venue_replay.h)
// and the workload's `exchange` parameter. Run from the source dir (fixtures/).
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "sim/workloads/gateway_replay.h"
#include "sim/workloads/venue_replay.h"

namespace {

sim::VenueReplay load(core::Exchange venue) {
  auto r = sim::load_venue_replay(venue, sim::default_venue_recordings(venue),
                                  sim::default_venue_symbols(venue), 0, std::nullopt);
  REQUIRE(r.is_ok());
  return std::move(*r);
}

}  // namespace

TEST_CASE("The Coinbase reference holds every recorded trade, named by its trade_id",
          "[sim][gateway_replay]") {
  const sim::VenueReplay r = load(core::Exchange::kCoinbase);
  CHECK(r.frames.size() == 244);  // market_trades, ticker and heartbeats frames; no level2
  CHECK(r.ticks.size() == 279);
  CHECK(r.subscriptions > 0);
  CHECK(r.frames.front().offset_us == 0);
  for (const auto& t : r.ticks) {
    const bool btc = t.id_prefix == "coinbase:BTC-USD:trade:";
    CHECK((btc || t.id_prefix == "coinbase:ETH-USD:trade:"));
    CHECK(t.subject == (btc ? "ticks.coinbase.BTC-USD" : "ticks.coinbase.ETH-USD"));
  }
}

TEST_CASE("The Kraken reference numbers trades per symbol from 1, as the mock's v2 feed does",
          "[sim][gateway_replay]") {
  const sim::VenueReplay r = load(core::Exchange::kKraken);
  CHECK(r.frames.size() == 79);  // trade, ticker, heartbeat frames the session is sent
  REQUIRE(r.ticks.size() == 10);
  std::map<std::string, std::uint64_t> last;
  for (const auto& t : r.ticks) {
    CHECK(t.number == last[t.id_prefix] + 1);
    last[t.id_prefix] = t.number;
  }
}

TEST_CASE("gateway_replay names the allowed exchanges and refuses loop_to off Binance",
          "[sim][gateway_replay]") {
  auto bad = sim::parse_gateway_replay_params({{"kind", "gateway_replay"}, {"exchange", "ftx"}});
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().code == core::Errc::kConfig);
  CHECK(bad.status().message ==
        "workload.exchange: expected binance, coinbase or kraken, got \"ftx\"");
  auto looped = sim::parse_gateway_replay_params(
      {{"kind", "gateway_replay"}, {"exchange", "kraken"}, {"loop_to", "1h"}});
  REQUIRE_FALSE(looped.is_ok());
  CHECK(looped.status().message == "workload.loop_to: looping needs exchange binance, got kraken");
  auto kraken =
      sim::parse_gateway_replay_params({{"kind", "gateway_replay"}, {"exchange", "kraken"}});
  REQUIRE(kraken.is_ok());
  CHECK(kraken->symbols == std::vector<std::string>{"XMRUSD", "SCEUR"});
  CHECK(kraken->replay.tick_count() == 10);
}
