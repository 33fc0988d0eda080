/// @file core/kv_scripts.h
/// @brief The Lua scripts our services run on core::Kv, one place, named.
///
/// Every script is deterministic (the caller passes the time), touches only KEYS[1], and
/// uses integers only, so net::HiredisKv and sim::SimKv give byte-identical answers.
///
/// kRateLimitScript: a sliding window counter (current window plus the previous one weighted
/// by how much of it still overlaps). KEYS[1] = limiter key; ARGV = now_ms, window_ms, limit,
/// cost. Returns {allowed (1|0), remaining, retry_after_ms}; nothing is counted when refused.
/// While the hash's field "s" (a stop-until ms, set by kRateLimitStopScript) is after now_ms,
/// every call is refused with {0, 0, s - now_ms}.
///
/// kRateLimitStopScript: stops every kRateLimitScript call on KEYS[1] until `until_ms`, keeping
/// the later deadline when one is set already (the gateway's shared 429/418 stop). ARGV =
/// now_ms, until_ms. Returns the stop-until in force; the key lives at least until then.
///
/// kReserveScript: reserves `amount` for `id` against `cap` on the hash KEYS[1] (field
/// "total" plus one field per id). ARGV = id, amount, cap. Returns {reserved (1|0), total}.
/// Reserving an id twice is a no-op that answers 1, so a redelivered order reserves once.
///
/// kSettleScript: ends what `id` reserved in one step: `kept` (at most the reserved amount;
/// 0 releases it all) stays as a position in field "id:pos:<id>", the rest is released, so the
/// total never rises. ARGV = id, kept. Returns {settled (1|0), total}; an id with no
/// reservation (settled already) changes nothing.
#pragma once

#include "core/ports/kv.h"

namespace core {

extern const KvScript kRateLimitScript;
extern const KvScript kRateLimitStopScript;
extern const KvScript kReserveScript;
extern const KvScript kSettleScript;

}  // namespace core
