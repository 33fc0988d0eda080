/// @file core/codec/bus_json.h
/// @brief JSON codecs for the bus messages of DESIGN.md section 3 (Tick, Order, CancelRequest,
/// OrderUpdate, Fill, Bar).
///
/// Encoders append to a caller-owned std::string (clear and reuse it on the hot path: no
/// allocation once it has grown). Fields appear in a fixed order, absent optionals are omitted,
/// decimals are JSON numbers with exactly the digits the value carries.
///
/// Decoders accept a decimal as a JSON number or a string ("0.001" or 0.001), keep its exact
/// digits, treat `null` like an absent optional, and ignore unknown keys. Every failure is
/// kInvalidArgument with the message naming the field and the offending text, e.g.
/// `order.quantity: expected a positive decimal, got "abc"`. Decoding uses a per-thread
/// simdjson parser, so the functions are safe from any thread without locking.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "core/types.h"

namespace core::codec {

void encode(const Tick& tick, std::string& out);
void encode(const Order& order, std::string& out);
void encode(const CancelRequest& cancel, std::string& out);
void encode(const OrderUpdate& update, std::string& out);
void encode(const Fill& fill, std::string& out);
void encode(const Bar& bar, std::string& out);

/// Convenience for cold paths: a fresh string.
template <typename Message>
std::string to_json(const Message& message) {
  std::string out;
  encode(message, out);
  return out;
}

/// Requires v == 1, exchange, symbol, kind, ts_event, ts_recv.
Result<Tick> decode_tick(std::string_view json);

/// `subject_account` is the `{account}` token of `orders.{account}.new` (empty when unknown).
/// The message's account may be omitted (the subject's is used) but must not contain another.
/// `type` defaults to limit with a price, market without; a limit order needs a price and a
/// market order must not have one. quantity and price must be positive. paper_trading
/// defaults to true. Symbols, accounts and client_order_ids are checked for their characters
/// (client_order_id: 1..36 of [A-Za-z0-9._:/-], as Binance allows). A message without a
/// symbol gets `default_symbol` (the exchange's default_symbol); when that is empty too, the
/// symbol is required.
Result<Order> decode_order(std::string_view json, std::string_view subject_account = {},
                           std::string_view default_symbol = {});
Result<CancelRequest> decode_cancel(std::string_view json, std::string_view subject_account = {});
Result<OrderUpdate> decode_order_update(std::string_view json);
Result<Fill> decode_fill(std::string_view json);
Result<Bar> decode_bar(std::string_view json);

}  // namespace core::codec
