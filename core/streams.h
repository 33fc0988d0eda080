/// @file core/streams.h
/// @brief The JetStream stream definitions (TICKS, ORDERS, FILLS), in one place.
///
/// Services call `stream_specs(...)` with their configured subject prefixes and hand each
/// spec to JsApi::ensure_stream at start (created if absent, updated if different). All are
/// file-backed so they survive a server restart.
///
/// Duplicate window: publishers resend unacknowledged messages with the same Nats-Msg-Id
/// after an outage; the server drops a repeat only while the id is inside this window. It
/// must therefore exceed the longest outage a publisher rides out with its outbox. The
/// gateway's outbox holds `performance.buffer_size` ticks (5000 by default), which at the
/// seed's rates is seconds to minutes of data; an outage longer than that overflows the
/// outbox first (publish fails kResourceExhausted). 10 minutes covers that with margin while
/// keeping the server's dedup map small.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/jetstream.h"

namespace core {

inline constexpr std::int64_t kStreamDuplicateWindowUs = 10LL * 60 * 1'000'000;

/// Subject prefixes as configured (defaults are the seed's values).
struct StreamPrefixes {
  std::string ticks = "ticks";    // gateway publish_subject_prefix
  std::string orders = "orders";  // live_gateway publish_subject_prefix
  std::string fills = "fills";    // live_gateway fill_subject_prefix
};

StreamSpec ticks_stream(const std::string& ticks_prefix);
StreamSpec orders_stream(const std::string& orders_prefix);
StreamSpec fills_stream(const std::string& fills_prefix);
/// TICKS, ORDERS, FILLS in that order.
std::vector<StreamSpec> stream_specs(const StreamPrefixes& prefixes);

}  // namespace core
