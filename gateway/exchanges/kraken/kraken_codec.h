/// @file gateway/exchanges/kraken/kraken_codec.h
/// @brief `KrakenCodec`: Kraken websocket frames, v2 and v1, -> core::Tick.
///
/// v2 (`wss://ws.kraken.com/v2`, PROTOCOLS.md 4.1) sends objects; prices and quantities are JSON
/// numbers whose exact text is kept. v1 (`wss://ws.kraken.com`, what the committed recordings
/// hold) sends `[channelID, payload, channelName, pair]` arrays with decimal strings.
///
/// | frame | Tick | ts_event_us | fields |
/// |---|---|---|---|
/// | v2 `ticker` `data[]` | ticker | row `timestamp` if sent, else receive time | bid, bid_qty,
/// ask, ask_qty, last, volume | | v2 `trade` `data[]` | trade | row `timestamp` | price, qty, side
/// (taker), trade_id | | v1 `ticker` | ticker | receive time (v1 sends none) | b[0] b[2] a[0] a[2]
/// -> bid/ask(+qty), c[0] -> last, v[1] (24 h) -> volume | | v1 `trade` (one tick per row) | trade
/// | row time (epoch s) | price, volume -> qty, side b/s (taker); no trade id | | v2
/// heartbeat/status/book/method replies, v1 events (heartbeat, systemStatus, subscriptionStatus),
/// v1 book/spread/ohlc | ignored | | |
///
/// No Kraken frame carries a sequence number for these channels, so `seq` stays empty.
/// Symbols are our native Kraken spelling, the REST altname the config lists (XBTUSD): see
/// native_symbol. Not thread-safe; see gateway/exchanges/codec.h for the shared conventions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/types.h"
#include "gateway/exchanges/codec.h"
#include "gateway/exchanges/detail/frame_reader.h"

namespace gateway::kraken {

/// Websocket pair -> native symbol: "BTC/USD" (v2) and "XBT/USD" (v1) -> "XBTUSD",
/// "ETH/USD" -> "ETHUSD", "DOGE/USD" -> "XDGUSD": the slash goes, and the two assets whose
/// altnames differ from their v2 names are renamed (BTC -> XBT, DOGE -> XDG). false (out
/// unspecified) unless `pair` is `[A-Z0-9]+/[A-Z0-9]+`.
bool native_symbol(std::string_view pair, std::string& out);

class KrakenCodec {
 public:
  /// One websocket frame (v1 or v2) received at `ts_recv_us`.
  DecodeResult decode(std::string_view frame, std::int64_t ts_recv_us, const TickSink& out);

  const CodecStats& stats() const { return stats_; }

 private:
  DecodeResult decode_v1(detail::od::document& doc, std::int64_t ts_recv_us, const TickSink& out);
  DecodeResult decode_v2(detail::od::object& object, std::int64_t ts_recv_us, const TickSink& out);
  DecodeResult finish(DecodeResult result);

  detail::FrameReader reader_;
  core::Tick tick_;
  std::string strings_[2];  // v1: the last two strings of the array (channel name, pair)
  CodecStats stats_;
};

}  // namespace gateway::kraken
