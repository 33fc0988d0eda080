/// @file live_gateway/admin_http.h
/// @brief The live gateway's own HTTP routes on service.port (installed with
/// net::ServiceShell::set_api_handler): readiness, open orders, positions, and the admin calls.
///
/// | route | auth | answer |
/// |---|---|---|
/// | GET /ready | - | 200 or 503 `{"ready":..,"halted":..,"open_orders":n}` |
/// | GET /orders | - | `{"orders":[..]}` (1) |
/// | GET /positions | - | `{"positions":[{account,symbol,net_qty,bought_usd,sold_usd}]}` |
/// | POST /halt, /resume | bearer | 200 `{"halted":true|false}` (kill switch) |
/// | POST /orders/{id}/approve | bearer | 200 `{"approved":id}`, 404 (2) |
///
/// (1) Each: client_order_id, account, symbol, side, type, quantity, price (limit only), status,
/// filled_qty, notional_usd, paper. (2) `{"code":"UNKNOWN_ORDER","reason":..}` when this worker
/// holds no such pending order.
///
/// The POST calls need `Authorization: Bearer <ADMIN_TOKEN>` (core::Secrets::admin_token);
/// anything else, or no token configured, answers 401 with `WWW-Authenticate: Bearer`. The
/// token is compared in constant time and never logged. Other paths 404, other methods 405.
/// The handler runs on the loop thread and borrows the service.
#pragma once

#include <optional>

#include "core/ports/http.h"
#include "core/secrets/secret.h"
#include "live_gateway/order_service.h"

namespace live_gateway {

core::HttpServer::Handler make_admin_handler(OrderService& service,
                                             std::optional<core::Secret> admin_token);

}  // namespace live_gateway
