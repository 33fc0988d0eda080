#include "live_gateway/order_intake.h"

#include <fmt/format.h>

#include "core/codec/bus_json.h"

namespace live_gateway {
namespace {

/// Splits "a.b.c" into exactly three tokens; false otherwise.
bool split3(std::string_view s, std::string_view out[3]) {
  for (int i = 0; i < 2; ++i) {
    std::size_t dot = s.find('.');
    if (dot == std::string_view::npos) return false;
    out[i] = s.substr(0, dot);
    s.remove_prefix(dot + 1);
  }
  if (s.find('.') != std::string_view::npos) return false;
  out[2] = s;
  return true;
}

}  // namespace

std::optional<OrderSubject> parse_order_subject(std::string_view prefix, std::string_view subject) {
  if (subject.size() <= prefix.size() + 1 || subject.substr(0, prefix.size()) != prefix ||
      subject[prefix.size()] != '.') {
    return std::nullopt;
  }
  std::string_view rest = subject.substr(prefix.size() + 1);
  std::size_t dot = rest.find('.');
  if (dot == 0 || dot == std::string_view::npos) return std::nullopt;
  std::string_view action = rest.substr(dot + 1);
  OrderSubject out{std::string(rest.substr(0, dot)), OrderAction::kNew};
  if (action == "new") return out;
  if (action == "cancel") return out.action = OrderAction::kCancel, out;
  if (action == "approve") return out.action = OrderAction::kApprove, out;
  return std::nullopt;
}

std::string intake_prefix(std::string_view subscribe_subject) {
  std::string_view tokens[3];
  if (!split3(subscribe_subject, tokens) || tokens[1] != "*" || tokens[0].empty()) return {};
  return std::string(tokens[0]);
}

OrderIntake::OrderIntake(std::string default_symbol, std::string worker_id)
    : default_symbol_(std::move(default_symbol)), worker_id_(std::move(worker_id)) {}

std::variant<core::Order, Rejection> OrderIntake::decode_new(std::string_view account,
                                                             std::string_view body) {
  core::Result<core::Order> order = core::codec::decode_order(body, account, default_symbol_);
  if (!order) return Rejection{core::RejectCode::kInvalidOrder, order.status().message};
  if (!order->client_order_id) {
    order->client_order_id = fmt::format("{}-{}", worker_id_, ++generated_);
  }
  return std::move(*order);
}

std::variant<std::string, Rejection> OrderIntake::decode_order_ref(std::string_view account,
                                                                   std::string_view body) const {
  core::Result<core::CancelRequest> ref = core::codec::decode_cancel(body, account);
  if (!ref) return Rejection{core::RejectCode::kInvalidOrder, ref.status().message};
  return std::move(ref->client_order_id);
}

}  // namespace live_gateway
