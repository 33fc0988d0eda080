#include "live_gateway/binance_rest.h"

#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace live_gateway::binance {
namespace {

constexpr std::int64_t kBackendTimeout = -1007;
constexpr std::size_t kMsgBytesMax = 200;

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

/// `{"code":..,"msg":..}` into `reply`; anything else leaves code 0 and the body's start as msg.
void read_error(const std::string& body, Reply& reply) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("code") && j["code"].is_number_integer()) {
    reply.code = j["code"].get<std::int64_t>();
    if (j.contains("msg") && j["msg"].is_string()) reply.msg = j["msg"].get<std::string>();
  } else {
    reply.msg = body;
  }
  reply.msg = reply.msg.substr(0, kMsgBytesMax);
}

core::Result<core::Decimal> decimal_field(const nlohmann::json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_string())
    return core::make_error(core::Errc::kProtocol, "order row: {} is missing or not a string",
                            name);
  auto d = core::Decimal::parse(j[name].get<std::string>());
  if (!d) return core::make_error(core::Errc::kProtocol, "order row: {} is not a decimal", name);
  return *d;
}

std::string id_text(const nlohmann::json& v) {
  return v.is_number_integer() ? std::to_string(v.get<std::int64_t>())
                               : (v.is_string() ? v.get<std::string>() : std::string());
}

}  // namespace

Reply classify(const core::Result<core::HttpResponse>& response) {
  Reply reply;
  if (!response) {
    const core::Status& s = response.status();
    reply.outcome = s.in_doubt ? Outcome::kUnknown : Outcome::kUnsent;
    reply.msg = s.message;
    reply.metric_code = s.in_doubt ? std::string("in_doubt") : core::errc_name(s.code);
    return reply;
  }
  reply.http_status = response->status;
  reply.metric_code = std::to_string(response->status);
  if (response->status >= 200 && response->status < 300) {
    reply.body = response->body;
    return reply;
  }
  read_error(response->body, reply);
  if (response->status == 429 || response->status == 418) {
    reply.outcome = Outcome::kRateLimited;
    const auto after = core::find_header(response->headers, "Retry-After");
    reply.retry_after_sec = after ? std::max<std::int64_t>(0, std::atoll(after->c_str())) : 0;
  } else if (response->status >= 500 || reply.code == kBackendTimeout) {
    reply.outcome = Outcome::kUnknown;
  } else {
    reply.outcome = Outcome::kRejected;
  }
  return reply;
}

core::RejectCode reject_code(int http_status, std::int64_t code, std::string_view msg) {
  if (http_status == 429 || http_status == 418) return core::RejectCode::kRateLimited;
  if (code == -1013) {
    if (contains(msg, "PRICE_FILTER") || contains(msg, "PERCENT_PRICE"))
      return core::RejectCode::kPriceFilter;
    if (contains(msg, "LOT_SIZE")) return core::RejectCode::kLotSize;
    if (contains(msg, "NOTIONAL")) return core::RejectCode::kMinNotional;
    return core::RejectCode::kInvalidOrder;
  }
  if (code == -2010)
    return contains(msg, "Duplicate") ? core::RejectCode::kDuplicateClientOrderId
                                      : core::RejectCode::kInsufficientBalance;
  if (code <= -1100 && code > -1200) return core::RejectCode::kInvalidOrder;
  return core::RejectCode::kExchangeError;
}

std::string form_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~';
    if (plain)
      out.push_back(c);
    else
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
  }
  return out;
}

std::string new_order_params(const core::Order& order, const std::string& client_order_id) {
  const bool limit = order.type == core::OrderType::kLimit;
  std::string out =
      fmt::format("symbol={}&side={}&type={}", form_escape(order.symbol),
                  order.side == core::Side::kBuy ? "BUY" : "SELL", limit ? "LIMIT" : "MARKET");
  if (limit) {
    out += fmt::format(
        "&timeInForce={}",
        core::time_in_force_name(order.time_in_force.value_or(core::TimeInForce::kGtc)));
  }
  out += "&quantity=" + order.quantity.to_string();
  if (limit && order.price) out += "&price=" + order.price->to_string();
  out += "&newClientOrderId=" + form_escape(client_order_id) + "&newOrderRespType=FULL";
  return out;
}

core::Result<OrderRow> parse_order_row(const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return core::make_error(core::Errc::kProtocol, "order row: not an object");
  OrderRow row;
  if (!j.contains("orderId") || (row.order_id = id_text(j["orderId"])).empty())
    return core::make_error(core::Errc::kProtocol, "order row: orderId is missing");
  if (!j.contains("status") || !j["status"].is_string())
    return core::make_error(core::Errc::kProtocol, "order row: status is missing");
  row.status = j["status"].get<std::string>();
  auto executed = decimal_field(j, "executedQty");
  if (!executed) return executed.status();
  auto quote = decimal_field(j, "cummulativeQuoteQty");
  if (!quote) return quote.status();
  row.executed_qty = *executed;
  row.cummulative_quote_qty = *quote;
  if (!j.contains("fills")) return row;
  for (const auto& f : j["fills"]) {
    FillRow fill;
    for (auto [name, slot] : {std::pair{"price", &fill.price}, std::pair{"qty", &fill.qty},
                              std::pair{"commission", &fill.commission}}) {
      auto d = decimal_field(f, name);
      if (!d) return d.status();
      *slot = *d;
    }
    fill.commission_asset = f.value("commissionAsset", "");
    fill.trade_id = f.contains("tradeId") ? id_text(f["tradeId"]) : std::string();
    row.fills.push_back(std::move(fill));
  }
  return row;
}

std::optional<core::OrderStatus> order_status(std::string_view s) {
  if (s == "NEW") return core::OrderStatus::kAccepted;
  if (s == "PARTIALLY_FILLED") return core::OrderStatus::kPartiallyFilled;
  if (s == "FILLED") return core::OrderStatus::kFilled;
  if (s == "CANCELED") return core::OrderStatus::kCanceled;
  if (s == "EXPIRED" || s == "EXPIRED_IN_MATCH") return core::OrderStatus::kExpired;
  if (s == "REJECTED") return core::OrderStatus::kRejected;
  return std::nullopt;
}

std::optional<std::int64_t> parse_server_time(const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("serverTime") || !j["serverTime"].is_number_integer())
    return std::nullopt;
  return j["serverTime"].get<std::int64_t>();
}

}  // namespace live_gateway::binance
