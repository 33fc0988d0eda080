/// @file gateway/feed/feed_protocol.h
/// @brief `FeedProtocol`: what differs between exchanges for a MarketFeed: the websocket url and
/// subscribe messages, the codecs for frames and REST bodies, the REST ticker requests, and
/// where the exchange numbers its messages.
///
/// | exchange | websocket | subscribe | REST ticker (weight) | sequence checked |
/// |---|---|---|---|---|
/// | binance | `{ws_url}/stream?streams=s@trade/s@bookTicker/..` (lower-case symbols) | in the url
/// | `/api/v3/ticker/24hr?symbol=S` (2) | trade ids per symbol | | coinbase | `{ws_url}` |
/// `market_trades`, `ticker`, `heartbeats`, one message each |
/// `/api/v3/brokerage/market/products/P/ticker?limit=1` (1) | `sequence_num` per connection | |
/// kraken | `{ws_url}` (v2) | `trade`, `ticker`, one message each, `BTC/USD` spelling |
/// `/0/public/Ticker?pair=S` (1) | trade ids per symbol |
///
/// No I/O, no clock. Not thread-safe: one per feed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.h"
#include "gateway/exchanges/codec.h"

namespace gateway::feed {

/// One REST ticker poll: the target to GET, its weight, and the symbol it asks for.
struct RestRequest {
  std::string target;
  int weight = 1;
  std::string symbol;
};

class FeedProtocol {
 public:
  virtual ~FeedProtocol() = default;

  /// The url to dial, from the configured `ws_url`.
  virtual std::string ws_url(std::string_view base) const = 0;
  /// Text frames to send once the websocket is open.
  virtual std::vector<std::string> subscribe_messages() const = 0;
  virtual DecodeResult decode_frame(std::string_view frame, std::int64_t ts_recv_us,
                                    const TickSink& out) = 0;
  /// One request per symbol.
  virtual std::vector<RestRequest> rest_requests() const = 0;
  virtual DecodeResult decode_rest(const RestRequest& request, std::string_view body,
                                   std::int64_t ts_recv_us, const TickSink& out) = 0;
  /// Websocket and REST codec totals together.
  virtual CodecStats stats() const = 0;

  /// The frame's per-connection message number, where the exchange sends one.
  virtual std::optional<std::uint64_t> frame_sequence(std::string_view /*frame*/) const {
    return std::nullopt;
  }
  /// True when the exchange numbers trades 1, 2, 3.. per symbol on a stream.
  virtual bool trade_ids_sequential() const { return false; }
};

/// The protocol of `exchange` for `symbols` (the exchange's own spelling).
std::unique_ptr<FeedProtocol> make_feed_protocol(core::Exchange exchange,
                                                 std::vector<std::string> symbols);

/// Kraken websocket v2 pair for a native symbol: "XBTUSD" -> "BTC/USD", "XDGUSD" -> "DOGE/USD",
/// "ETH/USD" as is. The quote is the longest known quote currency the symbol ends with.
std::string kraken_v2_pair(std::string_view native);

}  // namespace gateway::feed
