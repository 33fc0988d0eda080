#include "sim/mockex/faults.h"

#include <algorithm>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace sim::mockex {
namespace {

/// Reads `j[name]` into `out` when present; false when present with the wrong type or range.
template <typename T>
bool read_field(const nlohmann::json& j, const char* name, T& out) {
  const auto it = j.find(name);
  if (it == j.end()) return true;
  if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) return false;
  } else {
    if (!it->is_number_integer()) return false;
    if constexpr (std::is_unsigned_v<T>) {
      if (it->get<std::int64_t>() < 0) return false;
    }
  }
  out = it->get<T>();
  return true;
}

}  // namespace

core::Status apply_faults_json(const std::string& body, Faults& faults, bool& drop_streams) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object())
    return core::make_error(core::Errc::kInvalidArgument, "faults: body is not a JSON object");
  static const char* const kKnown[] = {"latency_ms",      "error_next",
                                       "error_status",    "throttle_next",
                                       "retry_after_sec", "drop_order_response_next",
                                       "streams_stalled", "drop_streams",
                                       "stream_gap_next", "stream_latency_ms"};
  for (const auto& [name, value] : j.items()) {
    if (std::find(std::begin(kKnown), std::end(kKnown), name) == std::end(kKnown))
      return core::make_error(core::Errc::kInvalidArgument, "faults: unknown field {}", name);
  }
  Faults next = faults;
  bool drop = false;
  const std::pair<const char*, bool> checks[] = {
      {"latency_ms", read_field(j, "latency_ms", next.latency_ms) && next.latency_ms >= 0},
      {"error_next", read_field(j, "error_next", next.error_next)},
      {"error_status", read_field(j, "error_status", next.error_status) &&
                           next.error_status >= 500 && next.error_status <= 599},
      {"throttle_next", read_field(j, "throttle_next", next.throttle_next)},
      {"retry_after_sec",
       read_field(j, "retry_after_sec", next.retry_after_sec) && next.retry_after_sec >= 0},
      {"drop_order_response_next",
       read_field(j, "drop_order_response_next", next.drop_order_response_next)},
      {"streams_stalled", read_field(j, "streams_stalled", next.streams_stalled)},
      {"drop_streams", read_field(j, "drop_streams", drop)},
      {"stream_gap_next", read_field(j, "stream_gap_next", next.stream_gap_next)},
      {"stream_latency_ms",
       read_field(j, "stream_latency_ms", next.stream_latency_ms) && next.stream_latency_ms >= 0},
  };
  for (const auto& [name, ok] : checks) {
    if (!ok)
      return core::make_error(core::Errc::kInvalidArgument, "faults: {} has a bad type or value",
                              name);
  }
  faults = next;
  drop_streams = drop;
  return {};
}

std::string faults_json(const Faults& f) {
  nlohmann::ordered_json j;
  j["latency_ms"] = f.latency_ms;
  j["error_next"] = f.error_next;
  j["error_status"] = f.error_status;
  j["throttle_next"] = f.throttle_next;
  j["retry_after_sec"] = f.retry_after_sec;
  j["drop_order_response_next"] = f.drop_order_response_next;
  j["streams_stalled"] = f.streams_stalled;
  j["stream_gap_next"] = f.stream_gap_next;
  j["stream_latency_ms"] = f.stream_latency_ms;
  return j.dump();
}

}  // namespace sim::mockex
