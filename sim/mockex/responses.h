/// @file sim/mockex/responses.h
/// @brief Binance Spot REST JSON for the model's answers, byte for byte: field order as
/// Binance sends it, amounts as strings with 8 decimals ("0.00100000"), ids and times as
/// integers, `cummulativeQuoteQty` misspelt as Binance spells it.
///
/// Pure functions returning a fresh string; no I/O. PROTOCOLS.md 1.5 lists the shapes.
#pragma once

#include <string>
#include <vector>

#include "sim/mockex/types.h"

namespace sim::mockex {

/// `value` with exactly 8 decimals; more digits are rounded half up (they do not occur for
/// symbols whose tick and step have at most 8 places between them).
std::string amount_text(const Decimal& value);

/// `{"code":-2010,"msg":"..."}`.
std::string encode_error(const BinanceError& error);
/// POST /api/v3/order in the request's newOrderRespType (ACK, RESULT or FULL).
std::string encode_new_order(const NewOrderResult& result);
/// GET /api/v3/order; also one element of GET /api/v3/openOrders.
std::string encode_order(const OrderRecord& order);
/// GET /api/v3/openOrders: `[order,...]`.
std::string encode_orders(const std::vector<OrderRecord>& orders);
/// DELETE /api/v3/order.
std::string encode_cancel(const CancelResult& result);
/// GET /api/v3/account.
std::string encode_account(const AccountView& account);

}  // namespace sim::mockex
