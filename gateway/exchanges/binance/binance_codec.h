/// @file gateway/exchanges/binance/binance_codec.h
/// @brief `BinanceCodec`: Binance Spot websocket frames and REST ticker bodies -> core::Tick.
///
/// Websocket (combined `{"stream":..,"data":{..}}` or raw payloads), per PROTOCOLS.md 2.2:
///
/// | payload | Tick | ts_event_us | seq | notes |
/// |---|---|---|---|---|
/// | `trade` | trade | `T` (trade time) | - | trade_id `t`; side from `m` (m=true: buyer is maker,
/// taker sold) | | `aggTrade` | trade | `T` | - | trade_id `a` (the aggregate id) | | bookTicker
/// (no `e`, has `u`) | book | receive time (Binance sends none) | `u` | bid `b`/`B`, ask `a`/`A` |
/// | `24hrTicker` | ticker | `E` | - | bid/ask `b B a A`, last `c`, volume `v` (base) |
/// | acks `{"result":..,"id":..}`, errors, other events (depthUpdate, kline, ...) | ignored | | | |
///
/// REST (for polling): GET /api/v3/ticker/bookTicker -> book ticks (ts_event = receive time);
/// GET /api/v3/ticker/24hr -> ticker ticks (ts_event = `closeTime`; MINI bodies have no bid/ask).
/// Both accept one object or an array of them. Symbols are Binance's own (BTCUSDT): any symbol
/// of [A-Z0-9]+ passes, anything else is kUnknownSymbol. Prices keep the digits Binance sent.
/// Not thread-safe; see gateway/exchanges/codec.h for the shared conventions.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/types.h"
#include "gateway/exchanges/codec.h"
#include "gateway/exchanges/detail/frame_reader.h"

namespace gateway::binance {

class BinanceCodec {
 public:
  /// One websocket frame received at `ts_recv_us`.
  DecodeResult decode(std::string_view frame, std::int64_t ts_recv_us, const TickSink& out);
  /// A 200 body of GET /api/v3/ticker/bookTicker.
  DecodeResult decode_rest_book_ticker(std::string_view body, std::int64_t ts_recv_us,
                                       const TickSink& out);
  /// A 200 body of GET /api/v3/ticker/24hr (FULL or MINI).
  DecodeResult decode_rest_ticker_24hr(std::string_view body, std::int64_t ts_recv_us,
                                       const TickSink& out);

  const CodecStats& stats() const { return stats_; }

 private:
  enum class Rest { kBookTicker, kTicker24hr };
  DecodeResult decode_rest(Rest kind, std::string_view body, std::int64_t ts_recv_us,
                           const TickSink& out);
  DecodeResult finish(DecodeResult result);

  detail::FrameReader reader_;
  core::Tick tick_;
  CodecStats stats_;
};

}  // namespace gateway::binance
