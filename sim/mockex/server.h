/// @file sim/mockex/server.h
/// @brief `MockExchange`: the Binance Spot mock exchange as a server component, written only
/// against the ports (core::Clock, core::HttpServer), so the same object runs behind
/// net::BeastHttpServer in the `mockex` binary and behind sim::SimHttpServer in SimWorld.
///
/// On one port: REST /api/v3 (ping, time, exchangeInfo, ticker/price, ticker/24hr,
/// ticker/bookTicker, avgPrice, depth, trades, aggTrades, klines, order POST/GET/DELETE,
/// openOrders, account; signing.h for SIGNED ones), Binance rate limits (rate_limits.h) with
/// their headers on every /api response, `/metrics` (Prometheus text: mockex_http_responses_total
/// {code}, mockex_http_requests_total{endpoint}, mockex_orders_total, mockex_ws_frames_total),
/// and market streams over websocket (stream_hub.h); Coinbase and Kraken public market data
/// at /coinbase, /kraken/v2 and their REST ticker paths (venue_feeds.h, not rate limited).
/// Fault injection (faults.h) in-process through faults(), and over HTTP at /admin/faults
/// when MockexConfig::admin is set.
/// Market data comes from recordings
/// replayed on the same clock (`replay`), or from `feed` directly.
///
/// Request weight, 429s and 418 bans are counted per client IP (PROTOCOLS.md 1.2): the
/// connection's peer address (HttpRequest::peer; the host name in SimWorld), mapped through
/// MockexConfig::nat, "unknown" when a request has none. Like Binance, mockex ignores
/// X-Forwarded-For: a client cannot pick its IP. Server time is
/// Clock::wall_us() / 1000. Everything runs on the clock's loop thread; construct, call and
/// destroy it there. It installs its handlers in the constructor; the caller owns the server
/// and calls listen(). The server must outlive the MockExchange or be stopped first.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/metrics.h"
#include "core/ports/clock.h"
#include "core/ports/http.h"
#include "core/status.h"
#include "sim/mockex/exchange_model.h"
#include "sim/mockex/faults.h"
#include "sim/mockex/market_data.h"
#include "sim/mockex/server_config.h"
#include "sim/mockex/stream_hub.h"
#include "sim/replay/recording.h"

namespace sim::mockex {

class MockExchange {
 public:
  /// kConfig: the exchangeInfo body cannot be parsed, or a configured symbol is not in it.
  static core::Result<std::unique_ptr<MockExchange>> create(core::Clock& clock,
                                                            core::HttpServer& server,
                                                            MockexConfig config);
  ~MockExchange();
  MockExchange(const MockExchange&) = delete;
  MockExchange& operator=(const MockExchange&) = delete;

  /// Replays the recording at `path` into the exchange with the config's FeedOptions,
  /// from now on, concurrently with other recordings. `done` runs once when it ends (not
  /// when looping, unless it fails). kIo/kInvalidArgument as RecordingReader / Replayer.
  core::Status replay(const std::string& path, std::function<void(const core::Status&)> done = {});
  /// Replays running now (a looping one counts once, whatever its passes).
  std::size_t active_replays() const;
  /// One recorded frame, as the replay would hand it over ("binance.ws", "binance.rest").
  void feed(const replay::Record& record);

  /// Faults to inject from now on (faults.h); change them in place.
  Faults& faults();
  /// Runs after every new websocket subscription, any venue (a Binance stream in the url or
  /// a SUBSCRIBE, a Coinbase or Kraken channel and product): the mockex binary's
  /// --start-on-subscribe starts its replays from here.
  void on_subscribe(std::function<void()> fn);
  /// Closes every market-stream session now, Binance, Coinbase and Kraken (counted as a
  /// stream_drop fault).
  void drop_streams();
  /// Websocket messages the Coinbase and Kraken feeds have sent to their sessions so far.
  std::uint64_t venue_messages_sent() const;

  ExchangeModel& model();
  const MarketData& market() const;
  StreamHub& streams();
  core::metrics::Registry& metrics();

 private:
  struct Impl;
  explicit MockExchange(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sim::mockex
