/// @file sim/mockex/detail/server_impl.h
/// @brief MockExchange's state and its handlers, shared by server.cpp (routing, limits,
/// metrics, replay), rest_market.cpp, rest_trade.cpp and binance_feed.cpp. Private to
/// sim/mockex; see server.h for the contract.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/mockex/rate_limits.h"
#include "sim/mockex/request_params.h"
#include "sim/mockex/server.h"
#include "sim/mockex/venue_feeds.h"
#include "sim/replay/replayer.h"

namespace sim::mockex {

/// A handler's answer before the rate-limit headers are added.
struct RestAnswer {
  int status = 200;
  std::string body;
  std::optional<OrderCountDecision> orders;  // set on an accepted new order
};

RestAnswer error_answer(const BinanceError& error);

/// Per-symbol state of the Binance feed (what the recording has shown so far).
struct FeedSymbol {
  bool depth_synced = false;        // a depth snapshot arrived: depth diffs own the recorded book
  std::int64_t ticker_sent_ms = 0;  // event time of the last derived 24hr ticker
  std::int64_t kline_sent_ms = 0;   // ... and kline update
  std::optional<std::int64_t> kline_open_ms;  // the kline the last trade went into
  // Derived stream names, made once rather than per trade: "btcusdt@aggTrade", ...
  std::string agg_trade_stream, kline_stream, ticker_stream, mini_ticker_stream;
};

/// A flat JSON object's members as written (a string without its quotes): the hot Binance
/// trade and bookTicker payloads, read without building a tree. `flat` is false for text with
/// nesting, escapes or whitespace, or more than kMaxMembers members, which that shortcut does
/// not handle. The members are split once, so each `get` compares a few short keys instead of
/// searching the text.
struct FlatJson {
  static constexpr std::size_t kMaxMembers = 24;
  explicit FlatJson(std::string_view text);
  std::optional<std::string_view> get(std::string_view key) const;
  std::string_view text;
  bool flat = false;
  std::size_t size = 0;
  std::array<std::pair<std::string_view, std::string_view>, kMaxMembers> members;
};

struct MockExchange::Impl {
  using Handler = RestAnswer (Impl::*)(const RequestParams& params, const std::string& api_key);
  struct Route {
    Handler handler;
    bool is_signed = false;
  };

  Impl(core::Clock& clock, core::HttpServer& server, MockexConfig config,
       nlohmann::ordered_json exchange_info, ExchangeConfig exchange);

  std::int64_t now_ms() const { return clock.wall_us() / 1000; }
  /// The IP a request's weight counts under (server.h).
  const std::string& client_ip(const core::HttpRequest& request) const;
  void handle(const core::HttpRequest& request, const core::HttpResponder& responder);
  core::HttpResponse dispatch(const core::HttpRequest& request, const Route& route,
                              const std::string& endpoint);
  void count_response(int status);
  void count_fault(const char* kind, std::uint64_t n = 1);
  /// A forced 429 or 5xx when one is due (faults.h), counted.
  std::optional<core::HttpResponse> forced_failure();
  /// GET/POST /admin/faults.
  core::HttpResponse admin_faults(const core::HttpRequest& request);
  /// Answers after the fault latency, or resets the connection when `drop`.
  void deliver(core::HttpResponse response, const core::HttpResponder& responder, bool drop,
               std::int64_t delay_ms);
  core::Status start_replay(const std::string& path, std::function<void(const core::Status&)> done);

  /// -1121 for a symbol not traded here, -1102 when `symbol` is absent.
  std::optional<BinanceError> read_symbol(const RequestParams& p, std::string& symbol) const;
  /// `symbol`, `symbols=[..]` or every configured symbol, in that precedence.
  Reply<std::vector<std::string>> read_symbols(const RequestParams& p) const;

  // rest_market.cpp
  RestAnswer ping(const RequestParams& p, const std::string& key);
  RestAnswer time(const RequestParams& p, const std::string& key);
  RestAnswer exchange_info_answer(const RequestParams& p, const std::string& key);
  RestAnswer depth(const RequestParams& p, const std::string& key);
  RestAnswer trades(const RequestParams& p, const std::string& key);
  RestAnswer agg_trades(const RequestParams& p, const std::string& key);
  RestAnswer klines(const RequestParams& p, const std::string& key);
  RestAnswer avg_price(const RequestParams& p, const std::string& key);
  RestAnswer ticker_price(const RequestParams& p, const std::string& key);
  RestAnswer book_ticker(const RequestParams& p, const std::string& key);
  RestAnswer ticker_24hr(const RequestParams& p, const std::string& key);

  // rest_trade.cpp
  RestAnswer new_order(const RequestParams& p, const std::string& key);
  RestAnswer query_order(const RequestParams& p, const std::string& key);
  RestAnswer cancel_order(const RequestParams& p, const std::string& key);
  RestAnswer open_orders(const RequestParams& p, const std::string& key);
  RestAnswer account(const RequestParams& p, const std::string& key);
  /// Order events since the last call: first fills give order-count units back.
  void drain_model_events();

  // binance_feed.cpp
  void on_record(const replay::Record& record);
  void on_binance_frame(std::string_view stream, std::string_view payload);
  void on_trade_frame(const std::string& symbol, std::string_view kind, const FlatJson& data);
  void on_book_ticker_frame(const std::string& symbol, const FlatJson& data);
  void on_depth_frame(std::string_view payload);
  void on_depth_snapshot(const std::string& symbol, const nlohmann::json& body);
  void publish_derived(const std::string& symbol, const TradeTick& trade, std::int64_t event_ms);

  core::Clock& clock;
  core::HttpServer& server;
  MockexConfig config;
  nlohmann::ordered_json exchange_info;  // filtered to the symbols, modernized
  ExchangeModel model;
  MarketData market;
  StreamHub hub;
  CoinbaseFeed coinbase{clock};
  KrakenFeed kraken{clock};
  RateLimiter limiter;
  core::metrics::Registry registry;
  core::metrics::Counter& orders_total;
  core::metrics::Counter& ws_frames_total;
  Faults faults;
  std::uint64_t stream_stall_counted = 0;  // withheld frames already in the fault counter
  std::map<std::string, Route> routes;     // "GET /api/v3/depth" -> handler
  std::map<std::string, FeedSymbol> feed_symbols;
  std::set<std::string, std::less<>> recorded_streams;  // names seen in recordings
  std::vector<std::unique_ptr<replay::Replayer>> replayers;
  /// Looping replays: each recording's records, read and parsed on the first pass only.
  std::map<std::string, std::shared_ptr<replay::KeptRecords>> kept_recordings;
};

}  // namespace sim::mockex
