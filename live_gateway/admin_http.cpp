#include "live_gateway/admin_http.h"

#include <string>
#include <string_view>

#include "core/json_text.h"
#include "core/log.h"

namespace live_gateway {
namespace {

using core::json::ObjectWriter;

core::HttpResponse json_response(int status, std::string body) {
  core::HttpResponse r;
  r.status = status;
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = std::move(body);
  return r;
}

core::HttpResponse error_response(int status, std::string_view code, std::string_view reason) {
  std::string body;
  ObjectWriter(body).str("code", code).str("reason", reason).close();
  return json_response(status, std::move(body));
}

/// Constant-time in the token's content (the length is not secret: it is fixed per deployment).
bool same_token(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

bool authorized(const core::HttpRequest& req, const std::optional<core::Secret>& token) {
  if (!token) return false;
  std::optional<std::string> auth = core::find_header(req.headers, "Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (!auth || auth->compare(0, kBearer.size(), kBearer) != 0) return false;
  return same_token(std::string_view(*auth).substr(kBearer.size()), token->expose());
}

std::string orders_json(const OrderService& service) {
  std::string out = "{\"orders\":[";
  bool first = true;
  for (const OpenOrder& o : service.open_orders()) {
    if (!first) out += ',';
    first = false;
    ObjectWriter w(out);
    w.str("client_order_id", o.order.client_order_id.value_or(""))
        .str("account", o.order.account)
        .str("symbol", o.order.symbol)
        .str("side", core::side_name(o.order.side))
        .str("type", core::order_type_name(o.order.type))
        .dec("quantity", o.order.quantity);
    if (o.order.price) w.dec("price", *o.order.price);
    w.str("status", core::order_status_name(o.status))
        .dec("filled_qty", o.filled_qty)
        .dec("notional_usd", o.notional_usd)
        .boolean("paper", o.order.paper_trading)
        .close();
  }
  return out + "]}";
}

std::string positions_json(const OrderService& service) {
  std::string out = "{\"positions\":[";
  bool first = true;
  for (const Position& p : service.positions()) {
    if (!first) out += ',';
    first = false;
    ObjectWriter(out)
        .str("account", p.account)
        .str("symbol", p.symbol)
        .dec("net_qty", p.net_qty)
        .dec("bought_usd", p.bought_usd)
        .dec("sold_usd", p.sold_usd)
        .close();
  }
  return out + "]}";
}

std::string ready_json(const OrderService& service) {
  std::string out;
  ObjectWriter(out)
      .boolean("ready", service.ready())
      .boolean("halted", service.halted())
      .u64("open_orders", service.open_orders().size())
      .close();
  return out;
}

/// "/orders/{id}/approve" -> id; empty otherwise.
std::string_view approve_target(std::string_view path) {
  constexpr std::string_view kHead = "/orders/";
  constexpr std::string_view kTail = "/approve";
  if (path.size() <= kHead.size() + kTail.size() || path.substr(0, kHead.size()) != kHead ||
      path.substr(path.size() - kTail.size()) != kTail) {
    return {};
  }
  std::string_view id = path.substr(kHead.size(), path.size() - kHead.size() - kTail.size());
  return id.find('/') == std::string_view::npos ? id : std::string_view();
}

void admin_post(OrderService& service, std::string_view path, core::HttpResponder responder) {
  std::string body;
  if (path == "/halt" || path == "/resume") {
    path == "/halt" ? service.halt("POST /halt") : service.resume();
    ObjectWriter(body).boolean("halted", service.halted()).close();
    return responder.respond(json_response(200, std::move(body)));
  }
  std::string_view id = approve_target(path);
  if (id.empty()) return responder.respond(error_response(404, "NOT_FOUND", "no such route"));
  service.approve(id, [responder, id = std::string(id)](std::optional<Rejection> r) {
    if (r)
      return responder.respond(error_response(404, core::reject_code_name(r->code), r->reason));
    std::string out;
    ObjectWriter(out).str("approved", id).close();
    responder.respond(json_response(200, std::move(out)));
  });
}

bool is_admin_path(std::string_view path) {
  return path == "/halt" || path == "/resume" || !approve_target(path).empty();
}

}  // namespace

core::HttpServer::Handler make_admin_handler(OrderService& service,
                                             std::optional<core::Secret> admin_token) {
  return [&service, token = std::move(admin_token)](const core::HttpRequest& req,
                                                    core::HttpResponder responder) {
    std::string_view path = req.target;
    path = path.substr(0, path.find('?'));
    if (req.method == "GET") {
      if (path == "/ready") {
        return responder.respond(json_response(service.ready() ? 200 : 503, ready_json(service)));
      }
      if (path == "/orders") return responder.respond(json_response(200, orders_json(service)));
      if (path == "/positions") {
        return responder.respond(json_response(200, positions_json(service)));
      }
    }
    if (is_admin_path(path) || path == "/ready" || path == "/orders" || path == "/positions") {
      if (req.method != "POST" || !is_admin_path(path)) {
        return responder.respond(error_response(405, "METHOD_NOT_ALLOWED", "method not allowed"));
      }
      if (!authorized(req, token)) {
        core::HttpResponse r = error_response(401, "UNAUTHORIZED", "a bearer token is required");
        r.headers.push_back({"WWW-Authenticate", "Bearer"});
        return responder.respond(std::move(r));
      }
      return admin_post(service, path, std::move(responder));
    }
    responder.respond(error_response(404, "NOT_FOUND", "no such route"));
  };
}

}  // namespace live_gateway
