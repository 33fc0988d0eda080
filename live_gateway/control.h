/// @file live_gateway/control.h
/// @brief The messages every worker of the queue group exchanges on the control subject
/// `{p}.control` (`{p}` = nats.publish_subject_prefix): the shared kill switch and approvals
/// forwarded from the worker whose HTTP API received them. Pure codec, no I/O.
///
/// The subject's last token is `control`, so it never matches an intake subject
/// `{p}.*.{new|cancel|approve}`; with two tokens it is no status subject
/// `{p}.{account}.{status}` either. Every worker subscribes to it outside the queue group.
///
/// | op | fields | meaning |
/// |---|---|---|
/// | halt | reason, by | stop taking orders and cancel the open ones |
/// | resume | by | take orders again |
/// | approve | client_order_id | the worker holding this pending order submits it and answers on
/// the message's reply subject with `approved` | | approved | client_order_id, by | that answer |
///
/// Body: `{"op":"halt","reason":"..","by":"..","client_order_id":".."}`, unused fields empty.
/// The kill switch record in the Kv (`{kv_prefix}:halt`) is a halt message too.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace live_gateway {

enum class ControlOp : std::uint8_t { kHalt, kResume, kApprove, kApproved };

struct ControlMessage {
  ControlOp op = ControlOp::kHalt;
  std::string reason;
  std::string by;
  std::string client_order_id;

  bool operator==(const ControlMessage&) const = default;
};

/// `{publish_prefix}.control`.
std::string control_subject(std::string_view publish_prefix);
std::string encode_control(const ControlMessage& message);
/// kInvalidArgument naming what was wrong: not a JSON object, a missing or unknown `op`, or
/// `approve`/`approved` without a client_order_id.
core::Result<ControlMessage> decode_control(std::string_view json);

}  // namespace live_gateway
