#include "live_gateway/control.h"

#include <iterator>

#include <nlohmann/json.hpp>

#include "core/json_text.h"

namespace live_gateway {
namespace {

constexpr std::string_view kOpNames[] = {"halt", "resume", "approve", "approved"};

std::string field(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string control_subject(std::string_view publish_prefix) {
  return std::string(publish_prefix) + ".control";
}

std::string encode_control(const ControlMessage& m) {
  std::string out;
  core::json::ObjectWriter(out)
      .str("op", kOpNames[static_cast<std::size_t>(m.op)])
      .str("reason", m.reason)
      .str("by", m.by)
      .str("client_order_id", m.client_order_id)
      .close();
  return out;
}

core::Result<ControlMessage> decode_control(std::string_view json) {
  const auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) {
    return core::make_error(core::Errc::kInvalidArgument, "control message: not a JSON object");
  }
  ControlMessage m;
  const std::string op = field(j, "op");
  std::size_t i = 0;
  while (i < std::size(kOpNames) && kOpNames[i] != op) ++i;
  if (i == std::size(kOpNames)) {
    return core::make_error(core::Errc::kInvalidArgument,
                            "control message.op: expected halt|resume|approve|approved, got \"{}\"",
                            op);
  }
  m.op = static_cast<ControlOp>(i);
  m.reason = field(j, "reason");
  m.by = field(j, "by");
  m.client_order_id = field(j, "client_order_id");
  if ((m.op == ControlOp::kApprove || m.op == ControlOp::kApproved) && m.client_order_id.empty()) {
    return core::make_error(core::Errc::kInvalidArgument,
                            "control message.client_order_id: required for {}", op);
  }
  return m;
}

}  // namespace live_gateway
