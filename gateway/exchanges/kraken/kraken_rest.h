/// @file gateway/exchanges/kraken/kraken_rest.h
/// @brief `KrakenRestCodec`: the body of GET /0/public/Ticker?pair=X (PROTOCOLS.md 4.2) -> one
/// ticker tick per pair in `result`, for REST polling and snapshots.
///
/// | field | Tick |
/// |---|---|
/// | `b[0]`, `b[2]` / `a[0]`, `a[2]` | bid, bid_qty / ask, ask_qty |
/// | `c[0]` | last |
/// | `v[1]` | volume (last 24 h) |
///
/// ts_event_us is the receive time (Kraken sends none). The result key is Kraken's pair name
/// (XXBTZUSD), not ours, so the symbol is the pair asked for: ask for one pair per request.
/// A non-empty `error` list is kBadValue. Not thread-safe; see gateway/exchanges/codec.h.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/types.h"
#include "gateway/exchanges/codec.h"
#include "gateway/exchanges/detail/frame_reader.h"

namespace gateway::kraken {

class KrakenRestCodec {
 public:
  DecodeResult decode_ticker(std::string_view pair, std::string_view body, std::int64_t ts_recv_us,
                             const TickSink& out);

  const CodecStats& stats() const { return stats_; }

 private:
  detail::FrameReader reader_;
  core::Tick tick_;
  CodecStats stats_;
};

}  // namespace gateway::kraken
