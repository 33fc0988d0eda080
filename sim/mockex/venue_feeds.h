/// @file sim/mockex/venue_feeds.h
/// @brief Coinbase and Kraken public market data on the mock's port, from their recordings,
/// in their own formats: enough for a market-data gateway, no trading.
///
/// `CoinbaseFeed` (Advanced Trade, PROTOCOLS.md 3.1/3.3): websocket at `/coinbase` with
/// subscribe/unsubscribe per channel (`ticker`, `market_trades`, `heartbeats`, `level2` ->
/// `l2_data`, `candles`), answered by a `subscriptions` message; recorded frames are forwarded
/// to sessions subscribed to their channel and one of their products, with `sequence_num`
/// renumbered per connection (as Coinbase numbers them). REST
/// `GET /api/v3/brokerage/[market/]products/{id}/ticker?limit=N` from the recorded trades and
/// the last recorded best bid/ask.
///
/// `KrakenFeed` (websocket v2, PROTOCOLS.md 4.1/4.2): the fixtures are v1 captures, converted
/// on the fly: a v1 ticker `[id,{a,b,c,v,p,t,l,h,o},"ticker","XBT/CHF"]` becomes
/// `{"channel":"ticker","type":"update","data":[{"symbol":"BTC/CHF","bid":b[0],"bid_qty":b[2],
/// "ask":a[0],"ask_qty":a[2],"last":c[0],"volume":v[1],"vwap":p[1],"low":l[1],"high":h[1],
/// "change":c[0]-o[1],"change_pct":change/o[1]*100 (2 places)}]}`; a v1 trade row
/// `[price,volume,time,side,ordType,misc]` becomes `{"symbol","side":"buy"|"sell","price",
/// "qty","ord_type":"market"|"limit","trade_id":<per-symbol counter from 1>,"timestamp":RFC 3339}`;
/// v1 heartbeats become `{"channel":"heartbeat"}`. Numbers keep the recorded digits (JSON
/// numbers, never through double). XBT is renamed BTC and XDG DOGE. Websocket at `/kraken/v2`
/// (subscribe/unsubscribe with per-symbol acks, ping/pong); REST `GET /0/public/Ticker?pair=`
/// answers the last v1 ticker object, which has the REST shape, under the requested pair
/// (matched without '/', v1 or v2 naming).
///
/// Both run on the server's loop thread; sessions hold weak tokens like StreamHub.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/http.h"
#include "core/ports/clock.h"
#include "core/ports/ws.h"

namespace sim::mockex {

/// Sessions subscribed to (channel, product) pairs, with a per-connection message counter.
class VenueSessions {
 public:
  using OnText = std::function<void(std::uint64_t id, const std::string& text)>;
  ~VenueSessions();
  std::uint64_t add(std::shared_ptr<core::WsSession> ws, OnText on_text);
  void send(std::uint64_t id, std::string text);
  /// Session ids subscribed to `channel` (empty: any) and one of `products` (empty: any), in
  /// connection order.
  std::vector<std::uint64_t> subscribers(const std::string& channel,
                                         const std::set<std::string>& products) const;
  std::set<std::pair<std::string, std::string>>& subs(std::uint64_t id);
  /// Adds (channel, product) to the session's subscriptions; runs the on_subscribe hook.
  void subscribe(std::uint64_t id, const std::string& channel, const std::string& product);
  /// Runs after every new subscription.
  void on_subscribe(std::function<void()> fn) { on_subscribe_ = std::move(fn); }
  std::uint64_t next_seq(std::uint64_t id);
  /// Closes every session (a scripted disconnect).
  void drop_all();
  /// Messages sent to sessions so far, acks and market data alike.
  std::uint64_t sent() const { return sent_; }
  /// The longest send queue of any session (core::WsSession::queued_bytes).
  std::size_t max_queued_bytes() const;

 private:
  struct Session {
    std::shared_ptr<core::WsSession> ws;
    std::set<std::pair<std::string, std::string>> subs;  // (channel, product)
    std::uint64_t seq = 0;
  };
  std::map<std::uint64_t, Session> sessions_;
  std::uint64_t next_id_ = 1;
  std::uint64_t sent_ = 0;
  std::function<void()> on_subscribe_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

class CoinbaseFeed {
 public:
  explicit CoinbaseFeed(core::Clock& clock) : clock_(clock) {}
  /// Runs after every new subscription.
  void on_subscribe(std::function<void()> fn) { sessions_.on_subscribe(std::move(fn)); }
  /// Closes every session; messages sent to sessions so far (VenueSessions).
  void drop_all() { sessions_.drop_all(); }
  std::uint64_t sent() const { return sessions_.sent(); }
  std::size_t max_queued_bytes() const { return sessions_.max_queued_bytes(); }
  void accept(std::shared_ptr<core::WsSession> ws);
  void on_frame(const std::string& msg);
  /// nullopt when `path` is not a Coinbase REST path.
  std::optional<core::HttpResponse> handle_rest(const std::string& path, const std::string& query);

 private:
  void on_client(std::uint64_t id, const std::string& text);
  core::Clock& clock_;
  VenueSessions sessions_;
  std::map<std::string, std::deque<nlohmann::ordered_json>> trades_;  // newest first
  std::map<std::string, std::pair<std::string, std::string>> best_;   // bid, ask
};

class KrakenFeed {
 public:
  explicit KrakenFeed(core::Clock& clock) : clock_(clock) {}
  /// Runs after every new subscription.
  void on_subscribe(std::function<void()> fn) { sessions_.on_subscribe(std::move(fn)); }
  /// Closes every session; messages sent to sessions so far (VenueSessions).
  void drop_all() { sessions_.drop_all(); }
  std::uint64_t sent() const { return sessions_.sent(); }
  std::size_t max_queued_bytes() const { return sessions_.max_queued_bytes(); }
  void accept(std::shared_ptr<core::WsSession> ws);
  void on_v1_frame(const std::string& msg);
  std::optional<core::HttpResponse> handle_rest(const std::string& path, const std::string& query);

 private:
  void on_client(std::uint64_t id, const std::string& text);
  void publish(const std::string& channel, const std::string& symbol, const std::string& text);
  core::Clock& clock_;
  VenueSessions sessions_;
  std::map<std::string, std::string> tickers_;  // pair without '/' -> v1 ticker object text
  std::map<std::string, std::uint64_t> trade_ids_;
};

/// "XBT/CHF" -> "BTC/CHF".
std::string kraken_v2_symbol(const std::string& v1_pair);
/// RFC 3339 UTC with microseconds: "2026-01-01T00:00:00.000000Z".
std::string rfc3339_us(std::int64_t epoch_us);

}  // namespace sim::mockex
