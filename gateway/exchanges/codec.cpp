#include "gateway/exchanges/codec.h"

namespace gateway {

std::string_view malformed_reason_name(MalformedReason reason) {
  switch (reason) {
    case MalformedReason::kNone:
      return "none";
    case MalformedReason::kBadJson:
      return "bad_json";
    case MalformedReason::kMissingField:
      return "missing_field";
    case MalformedReason::kBadNumber:
      return "bad_number";
    case MalformedReason::kUnknownSymbol:
      return "unknown_symbol";
    case MalformedReason::kBadValue:
      return "bad_value";
  }
  return "none";
}

std::uint64_t CodecStats::malformed_total() const {
  std::uint64_t total = 0;
  for (std::uint64_t n : frames_malformed) total += n;
  return total;
}

void CodecStats::count(const DecodeResult& result) {
  ticks += result.ticks;
  switch (result.outcome) {
    case DecodeOutcome::kOk:
      ++frames_ok;
      break;
    case DecodeOutcome::kIgnored:
      ++frames_ignored;
      break;
    case DecodeOutcome::kMalformed:
      ++frames_malformed[static_cast<std::size_t>(result.reason)];
      break;
  }
}

}  // namespace gateway
