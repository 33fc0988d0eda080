/// @file gateway/exchanges/coinbase/coinbase_rest.h
/// @brief `CoinbaseRestCodec`: the body of Advanced Trade
/// GET /api/v3/brokerage/market/products/{id}/ticker?limit=N (PROTOCOLS.md 3.3) -> one ticker
/// tick, for REST polling and snapshots.
///
/// | field | Tick |
/// |---|---|
/// | `best_bid`, `best_ask` | bid, ask (empty strings leave them unset) |
/// | `trades[0].price`, `trades[0].time` | last, ts_event_us (receive time when no trades) |
///
/// The symbol is the product id asked for (the body repeats it only inside trades). Not
/// thread-safe; see gateway/exchanges/codec.h for the shared conventions.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/types.h"
#include "gateway/exchanges/codec.h"
#include "gateway/exchanges/detail/frame_reader.h"

namespace gateway::coinbase {

class CoinbaseRestCodec {
 public:
  DecodeResult decode_ticker(std::string_view product_id, std::string_view body,
                             std::int64_t ts_recv_us, const TickSink& out);

  const CodecStats& stats() const { return stats_; }

 private:
  detail::FrameReader reader_;
  core::Tick tick_;
  CodecStats stats_;
};

}  // namespace gateway::coinbase
