// SIGNED order and account endpoints of MockExchange (PROTOCOLS.md 1.5). The signature was
// checked by dispatch(); `key` is the caller's API key.
#include <charconv>

#include <fmt/format.h>

#include "sim/mockex/detail/server_impl.h"
#include "sim/mockex/responses.h"
#include "sim/mockex/signing.h"

namespace sim::mockex {
namespace {

constexpr std::string_view kDecimalRange = "^([0-9]{1,20})(\\.[0-9]{1,20})?$";

/// An optional decimal parameter; -1100 when it is not a plain positive decimal.
Reply<std::optional<Decimal>> decimal_param(const RequestParams& p, std::string_view name) {
  const auto text = p.get(name);
  if (!text) return std::optional<Decimal>{};
  auto d = Decimal::parse(*text);
  if (!d || d->is_negative() || text->find_first_not_of("0123456789.") != std::string::npos)
    return BinanceError{
        400, -1100,
        fmt::format("Illegal characters found in parameter '{}'; legal range is '{}'.", name,
                    kDecimalRange)};
  return std::optional<Decimal>(*d);
}

std::optional<std::uint64_t> id_param(const RequestParams& p, std::string_view name) {
  const auto text = p.get(name);
  if (!text) return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return v;
}

/// Reads POST /api/v3/order parameters into `r`; the model checks what each type requires.
std::optional<BinanceError> read_order(const RequestParams& p, NewOrderRequest& r) {
  const auto side = p.get("side");
  if (!side) return mandatory_param("side");
  const auto parsed_side = parse_binance_side(*side);
  if (!parsed_side) return BinanceError{400, -1117, "Invalid side."};
  r.side = *parsed_side;
  const auto type = p.get("type");
  if (!type) return mandatory_param("type");
  const auto parsed_type = core::parse_spot_order_type(*type);
  if (!parsed_type) return BinanceError{400, -1116, "Invalid orderType."};
  r.type = *parsed_type;
  if (const auto tif = p.get("timeInForce")) {
    r.time_in_force = parse_binance_time_in_force(*tif);
    if (!r.time_in_force) return BinanceError{400, -1115, "Invalid timeInForce."};
  }
  if (const auto resp = p.get("newOrderRespType")) {
    r.new_order_resp_type = parse_resp_type(*resp);
    if (!r.new_order_resp_type) return BinanceError{400, -1177, "Invalid newOrderRespType."};
  }
  for (auto [name, slot] :
       {std::pair{"quantity", &r.quantity}, std::pair{"quoteOrderQty", &r.quote_order_qty},
        std::pair{"price", &r.price}}) {
    auto v = decimal_param(p, name);
    if (const auto* e = std::get_if<BinanceError>(&v)) return *e;
    *slot = std::get<std::optional<Decimal>>(v);
  }
  r.new_client_order_id = p.get("newClientOrderId");
  return std::nullopt;
}

BinanceError too_many_orders(std::int64_t limit, std::string_view interval) {
  return {429, -1015,
          fmt::format("Too many new orders; current limit is {} orders per {}.", limit, interval)};
}

}  // namespace

void MockExchange::Impl::drain_model_events() {
  const std::int64_t now = now_ms();
  for (const auto& e : model.drain_events())
    if (e.first_fill) limiter.on_first_fill(e.order.api_key, now);
}

RestAnswer MockExchange::Impl::new_order(const RequestParams& p, const std::string& key) {
  NewOrderRequest r;
  if (auto e = read_symbol(p, r.symbol)) return error_answer(*e);
  if (auto e = read_order(p, r)) return error_answer(*e);
  const std::int64_t now = now_ms();
  const auto [count_10s, count_1d] = limiter.order_counts(key, now);
  if (count_10s >= config.rate_limits.orders_per_10s)
    return error_answer(too_many_orders(config.rate_limits.orders_per_10s, "10 SECOND"));
  if (count_1d >= config.rate_limits.orders_per_day)
    return error_answer(too_many_orders(config.rate_limits.orders_per_day, "1 DAY"));

  auto reply = model.new_order(key, r, now);
  if (const auto* e = std::get_if<BinanceError>(&reply)) return error_answer(*e);
  RestAnswer answer{200, encode_new_order(std::get<NewOrderResult>(reply)), std::nullopt};
  answer.orders = limiter.count_order(key, now);
  orders_total.inc();
  // The headers show the count with this order; its first fill gives the unit back after.
  drain_model_events();
  return answer;
}

RestAnswer MockExchange::Impl::query_order(const RequestParams& p, const std::string& key) {
  std::string symbol;
  if (auto e = read_symbol(p, symbol)) return error_answer(*e);
  const auto order_id = id_param(p, "orderId");
  const auto client_id = p.get("origClientOrderId");
  if (!order_id && !client_id) return error_answer(mandatory_param("orderId"));
  const auto reply = model.query_order(key, symbol, order_id, client_id);
  if (const auto* e = std::get_if<BinanceError>(&reply)) return error_answer(*e);
  return {200, encode_order(std::get<OrderRecord>(reply)), std::nullopt};
}

RestAnswer MockExchange::Impl::cancel_order(const RequestParams& p, const std::string& key) {
  std::string symbol;
  if (auto e = read_symbol(p, symbol)) return error_answer(*e);
  const auto order_id = id_param(p, "orderId");
  const auto client_id = p.get("origClientOrderId");
  if (!order_id && !client_id) return error_answer(mandatory_param("orderId"));
  const auto reply =
      model.cancel_order(key, symbol, order_id, client_id, p.get("newClientOrderId"), now_ms());
  drain_model_events();
  if (const auto* e = std::get_if<BinanceError>(&reply)) return error_answer(*e);
  return {200, encode_cancel(std::get<CancelResult>(reply)), std::nullopt};
}

RestAnswer MockExchange::Impl::open_orders(const RequestParams& p, const std::string& key) {
  std::optional<std::string> symbol;
  if (p.has("symbol")) {
    std::string s;
    if (auto e = read_symbol(p, s)) return error_answer(*e);
    symbol = s;
  }
  const auto reply = model.open_orders(key, symbol);
  if (const auto* e = std::get_if<BinanceError>(&reply)) return error_answer(*e);
  return {200, encode_orders(std::get<std::vector<OrderRecord>>(reply)), std::nullopt};
}

RestAnswer MockExchange::Impl::account(const RequestParams& p, const std::string& key) {
  AccountView view = model.account(key, now_ms());
  if (p.get("omitZeroBalances") == "true")
    std::erase_if(view.balances,
                  [](const Balance& b) { return b.free.is_zero() && b.locked.is_zero(); });
  return {200, encode_account(view), std::nullopt};
}

}  // namespace sim::mockex
