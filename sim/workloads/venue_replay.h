/// @file sim/workloads/venue_replay.h
/// @brief The Coinbase and Kraken side of the `gateway_replay` workload: their recordings read
/// into replay frames, each with the judged ticks it yields on the gateway's bus.
///
/// The reference runs every recorded frame, in order, through a private copy of the mock
/// exchange's venue feed (sim/mockex/venue_feeds.h: Coinbase forwarded, Kraken v1 converted to
/// v2 with per-symbol trade ids) to one session subscribed as the gateway subscribes, and
/// decodes what that session receives with the gateway's own FeedProtocol; frames the session
/// is not sent (Coinbase level2 and candles) are left out. Judged are trades:
/// their msg ids come from the recording (Coinbase `trade_id`) or from the feed's counters
/// (Kraken), which do not depend on who listens. Tickers are fed but not judged: their ids are
/// Coinbase's per-connection `sequence_num` or Kraken's receive time. Pure functions of the
/// files; nothing here touches the world.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "sim/workloads/replay_loop.h"

namespace sim {

/// The frames of a venue's recordings (merged by receive time, the slice [from, from +
/// duration) of it), offsets from the first frame kept, and the judged ticks they index.
struct VenueReplay {
  std::vector<GatewayReplayFrame> frames;
  std::vector<GatewayReplayTick> ticks;
  std::size_t subscriptions = 0;  // (channel, product) pairs one gateway connection subscribes
};

/// A tick as the oracle judges it: its subject and its msg id split into prefix and number
/// ("binance:BTCUSDT:trade:" 123), as gateway::TickPublisher names it.
GatewayReplayTick judged_tick(const core::Tick& t);

/// The recording `src` a venue's websocket frames have: "coinbase.ws", "kraken.ws.v1".
std::string_view venue_record_src(core::Exchange venue);
/// The recordings and symbols a venue replays by default (fixtures/coinbase, fixtures/kraken).
std::vector<std::string> default_venue_recordings(core::Exchange venue);
std::vector<std::string> default_venue_symbols(core::Exchange venue);
/// The websocket path of the venue on the mock exchange: "/coinbase", "/kraken/v2".
std::string_view venue_ws_path(core::Exchange venue);

/// kConfig naming the file or what is missing.
core::Result<VenueReplay> load_venue_replay(core::Exchange venue,
                                            const std::vector<std::string>& recordings,
                                            const std::vector<std::string>& symbols,
                                            std::int64_t from_us,
                                            std::optional<std::int64_t> duration_us);

}  // namespace sim
