/// @file gateway/exchanges/coinbase/coinbase_codec.h
/// @brief `CoinbaseCodec`: Coinbase Advanced Trade websocket frames -> core::Tick.
///
/// Frames carry the envelope `channel`, `timestamp`, `sequence_num`, `events[]` (PROTOCOLS.md
/// 3.1); one frame may hold many ticks.
///
/// | channel | Tick | ts_event_us | seq | fields |
/// |---|---|---|---|---|
/// | `market_trades` | trade per `events[].trades[]` | the trade's `time` | `sequence_num` |
/// trade_id, price, size -> qty, side BUY/SELL (taker side) | | `ticker`, `ticker_batch` | ticker
/// per `events[].tickers[]` | envelope `timestamp` | `sequence_num` | price -> last, volume_24_h ->
/// volume, best_bid(_quantity), best_ask(_quantity) (absent in ticker_batch) | | `heartbeats`,
/// `subscriptions`, `l2_data`, `candles`, `status`, other channels; `{"type":"error",..}` | ignored
/// | | | |
///
/// Symbols are Coinbase product ids (BTC-USD): `[A-Z0-9]+-[A-Z0-9]+`, else kUnknownSymbol.
/// Not thread-safe; see gateway/exchanges/codec.h for the shared conventions.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/types.h"
#include "gateway/exchanges/codec.h"
#include "gateway/exchanges/detail/frame_reader.h"

namespace gateway::coinbase {

class CoinbaseCodec {
 public:
  /// One websocket frame received at `ts_recv_us`.
  DecodeResult decode(std::string_view frame, std::int64_t ts_recv_us, const TickSink& out);

  const CodecStats& stats() const { return stats_; }

 private:
  DecodeResult finish(DecodeResult result);

  detail::FrameReader reader_;
  core::Tick tick_;
  CodecStats stats_;
};

}  // namespace gateway::coinbase
