/// @file gateway/exchanges/codec.h
/// @brief What every exchange codec (gateway/exchanges/<name>/) shares: the outcome of decoding
/// one frame, the reasons a frame is malformed, the counters, and the sink ticks go to.
///
/// A codec turns the bytes of one websocket frame or REST body into zero or more `core::Tick`s.
/// It does no I/O, reads no clock (the caller passes the receive time) and, once its buffers
/// have grown, allocates nothing per message: it parses with one reused simdjson On-Demand
/// parser and hands every tick to the sink as a reference to one Tick it owns and refills.
/// A sink that keeps a tick copies it. (One exception to "no allocation": a trade id longer
/// than std::string's inline capacity, 15 chars, is reallocated after a non-trade tick, because
/// Tick::trade_id is then empty.)
///
/// Symbols are exchange-native, the spelling the gateway config lists: Binance BTCUSDT,
/// Coinbase BTC-USD, Kraken XBTUSD (kraken::native_symbol maps "BTC/USD" and "XBT/USD").
/// ts_event_us is the exchange's trade or event time (the receive time when a kind has none),
/// seq the exchange's update id or sequence where it sends one, side the taker side.
///
/// Ticks of a frame leave as its items are decoded: a Coinbase frame whose third trade is
/// malformed has already emitted the first two, and its outcome is still kMalformed (counted,
/// the rest of the frame skipped). Codecs are not thread-safe: one per connection or poller.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "core/types.h"

namespace gateway {

/// Called once per decoded tick, synchronously, on the decoding thread. The reference is valid
/// only during the call.
using TickSink = std::function<void(const core::Tick&)>;

enum class DecodeOutcome : std::uint8_t {
  kOk,         // a market-data frame; `ticks` may still be 0 (an empty trades list)
  kIgnored,    // valid and expected but no market data: acks, heartbeats, other channels
  kMalformed,  // counted by `reason` and skipped
};

/// Why a frame was refused. Append-only: the names are metric labels.
enum class MalformedReason : std::uint8_t {
  kNone = 0,
  kBadJson = 1,        // not JSON, truncated, or the wrong JSON type where a shape is fixed
  kMissingField = 2,   // a field the kind needs is absent or null
  kBadNumber = 3,      // a price, quantity, time or id that does not parse
  kUnknownSymbol = 4,  // a symbol we cannot spell natively
  kBadValue = 5,       // an enum-like field with an unexpected value (side "x")
};
inline constexpr std::size_t kMalformedReasonCount = 6;

/// "bad_json", "missing_field", "bad_number", "unknown_symbol", "bad_value" ("none" for kNone).
std::string_view malformed_reason_name(MalformedReason reason);

struct DecodeResult {
  DecodeOutcome outcome = DecodeOutcome::kOk;
  MalformedReason reason = MalformedReason::kNone;
  std::size_t ticks = 0;  // ticks handed to the sink for this frame

  bool operator==(const DecodeResult&) const = default;
};

/// Totals since the codec was built; the feed exports them as metrics.
struct CodecStats {
  std::uint64_t frames_ok = 0;
  std::uint64_t frames_ignored = 0;
  std::array<std::uint64_t, kMalformedReasonCount> frames_malformed{};  // by MalformedReason
  std::uint64_t ticks = 0;

  std::uint64_t malformed_total() const;
  void count(const DecodeResult& result);
};

}  // namespace gateway
