// Shared by the exchange codec tests: a sink that keeps copies of the ticks, and a fixture
// runner that decodes every frame of a recording and counts ticks per kind and symbol.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "core/types.h"
#include "gateway/exchanges/codec.h"
#include "sim/replay/recording.h"

namespace gateway::testing {

struct TickLog {
  std::vector<core::Tick> ticks;
  TickSink sink = [this](const core::Tick& tick) { ticks.push_back(tick); };
};

/// The digits a decimal carries ("" when absent), so tests check exact text, not value.
inline std::string text(const std::optional<core::Decimal>& d) {
  return d ? d->to_string() : std::string();
}

inline DecodeResult ok(std::size_t ticks) {
  return {DecodeOutcome::kOk, MalformedReason::kNone, ticks};
}
inline DecodeResult ignored() {
  return {DecodeOutcome::kIgnored, MalformedReason::kNone, 0};
}
inline DecodeResult malformed(MalformedReason reason, std::size_t ticks = 0) {
  return {DecodeOutcome::kMalformed, reason, ticks};
}

struct FixtureCounts {
  std::map<std::string, std::uint64_t> ticks;  // "<kind> <symbol>" -> ticks
  std::uint64_t frames = 0;
  CodecStats stats;
};

/// Decodes every record of `path` whose src is `src` with `decode(frame, t_us, sink)`.
template <typename Decode>
FixtureCounts decode_fixture(const std::string& path, std::string_view src, Decode decode) {
  FixtureCounts counts;
  auto reader = sim::replay::RecordingReader::open(path);
  REQUIRE(reader.is_ok());
  sim::replay::Record record;
  const TickSink sink = [&counts](const core::Tick& tick) {
    ++counts.ticks[std::string(core::tick_kind_name(tick.kind)) + " " + tick.symbol];
  };
  while (true) {
    auto more = reader->next(record);
    REQUIRE(more.is_ok());
    if (!*more) break;
    if (record.src != src) continue;
    ++counts.frames;
    const DecodeResult result = decode(record.msg, record.t_us, sink);
    if (result.outcome == DecodeOutcome::kMalformed) {
      FAIL_CHECK(path << ":" << reader->line_number() << ": "
                      << malformed_reason_name(result.reason) << ": " << record.msg.substr(0, 300));
    }
    counts.stats.count(result);
  }
  return counts;
}

}  // namespace gateway::testing
