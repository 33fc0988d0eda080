/// @file live_gateway/binance_rest.h
/// @brief Binance Spot REST for the live executor, as pure functions: the order parameters,
/// what an HTTP outcome means for an order (done, refused, throttled, unknown, never sent),
/// Binance error codes as RejectCodes, and order rows as values (PROTOCOLS.md 1.5, 1.6).
///
/// No I/O, no clock, no logging: LiveExecutor does the sending. Thread-safe (no state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/http.h"
#include "core/types.h"

namespace live_gateway::binance {

/// What one request's outcome says about its effect on the exchange.
enum class Outcome {
  kOk,           // 2xx
  kRejected,     // 4xx with a Binance error: refused, nothing happened
  kRateLimited,  // 429 or 418: refused before the engine; wait retry_after_sec
  kUnknown,      // may or may not have happened: in-doubt transport error, 5xx, -1007
  kUnsent,       // never reached the exchange (connect failed): safe to send again
};

struct Reply {
  Outcome outcome = Outcome::kOk;
  int http_status = 0;    // 0 when no response came back
  std::int64_t code = 0;  // Binance's error code, 0 when none
  std::string msg;        // Binance's msg, or the transport error
  std::string body;       // the response body (2xx)
  std::int64_t retry_after_sec = 0;
  /// The `code` label of live_exchange_requests_total: the HTTP status, or the error name.
  std::string metric_code;
};

Reply classify(const core::Result<core::HttpResponse>& response);

/// -1013 by the filter its msg names (PRICE_FILTER/PERCENT_PRICE -> kPriceFilter, LOT_SIZE ->
/// kLotSize, NOTIONAL -> kMinNotional), -2010 by msg (duplicate -> kDuplicateClientOrderId,
/// else kInsufficientBalance), other -11xx parameter errors -> kInvalidOrder, 429/418 ->
/// kRateLimited, anything else (-1021, -1022, -2014, -2015, ...) -> kExchangeError.
core::RejectCode reject_code(int http_status, std::int64_t code, std::string_view msg);

/// `symbol=..&side=..&type=..[&timeInForce=..]&quantity=..[&price=..]&newClientOrderId=..
/// &newOrderRespType=FULL`, unsigned; a limit order defaults to GTC.
std::string new_order_params(const core::Order& order, const std::string& client_order_id);

/// Percent-encodes everything outside RFC 3986's unreserved characters.
std::string form_escape(std::string_view text);

struct FillRow {
  core::Decimal price;
  core::Decimal qty;
  core::Decimal commission;
  std::string commission_asset;
  std::string trade_id;
};

/// A new-order response (any newOrderRespType with a status) or a GET /api/v3/order row.
struct OrderRow {
  std::string order_id;
  std::string status;  // NEW, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED, REJECTED, ...
  core::Decimal executed_qty;
  core::Decimal cummulative_quote_qty;
  std::vector<FillRow> fills;  // FULL responses only
};

/// kProtocol names the field that is missing or malformed.
core::Result<OrderRow> parse_order_row(const std::string& body);

/// NEW -> accepted, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED and EXPIRED_IN_MATCH ->
/// expired, REJECTED -> rejected; nullopt for anything else (PENDING_NEW: still unknown).
std::optional<core::OrderStatus> order_status(std::string_view binance_status);

/// `serverTime` of GET /api/v3/time; nullopt when absent.
std::optional<std::int64_t> parse_server_time(const std::string& body);

}  // namespace live_gateway::binance
