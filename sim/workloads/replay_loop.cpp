#include "sim/workloads/replay_loop.h"

#include <algorithm>
#include <charconv>

namespace sim {
namespace {

constexpr std::int64_t kSecondUs = 1'000'000;

bool is_trade(std::string_view id_prefix) {
  return id_prefix.find(":trade:") != std::string_view::npos;
}

// The unsigned number after `"key":` in `text`, or nullopt.
std::optional<std::pair<std::size_t, std::size_t>> number_at(const std::string& text,
                                                             const std::string& key) {
  const std::string pattern = "\"" + key + "\":";
  const auto at = text.find(pattern);
  if (at == std::string::npos) return std::nullopt;
  const std::size_t begin = at + pattern.size();
  std::size_t end = begin;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
  if (end == begin) return std::nullopt;
  return std::make_pair(begin, end - begin);
}

}  // namespace

ReplayLoop::ReplayLoop(std::vector<GatewayReplayFrame> frames, std::vector<GatewayReplayTick> ticks,
                       std::int64_t loop_to_us)
    : frames_(std::move(frames)), ticks_(std::move(ticks)) {
  for (std::size_t i = 0; i < ticks_.size(); ++i) {
    const GatewayReplayTick& t = ticks_[i];
    auto it = std::find_if(base_index_.begin(), base_index_.end(),
                           [&](const PrefixIndex& p) { return p.prefix == t.id_prefix; });
    if (it == base_index_.end()) {
      base_index_.push_back({t.id_prefix, is_trade(t.id_prefix), {}});
      it = std::prev(base_index_.end());
    }
    it->by_number.emplace(t.number, i);
  }
  std::uint64_t trade_max = 0, book_max = 0;
  trade_min_ = book_min_ = UINT64_MAX;
  for (const GatewayReplayTick& t : ticks_) {
    const bool trade = is_trade(t.id_prefix);
    (trade ? trade_min_ : book_min_) = std::min(trade ? trade_min_ : book_min_, t.number);
    (trade ? trade_max : book_max) = std::max(trade ? trade_max : book_max, t.number);
  }
  trade_span_ = trade_min_ == UINT64_MAX ? 0 : trade_max - trade_min_ + 1;
  book_span_ = book_min_ == UINT64_MAX ? 0 : book_max - book_min_ + 1;
  const std::int64_t last = frames_.empty() ? 0 : frames_.back().offset_us;
  period_us_ = (last + kSecondUs + kSecondUs - 1) / kSecondUs * kSecondUs;
  frame_count_ = frames_.size();
  if (loop_to_us <= 0 || frames_.empty()) return;
  loops_ = static_cast<std::size_t>((loop_to_us + period_us_ - 1) / period_us_);
  // Frames of the last loop at or past loop_to are cut.
  const std::int64_t in_last = loop_to_us - static_cast<std::int64_t>(loops_ - 1) * period_us_;
  const auto cut =
      std::lower_bound(frames_.begin(), frames_.end(), in_last,
                       [](const GatewayReplayFrame& f, std::int64_t t) { return f.offset_us < t; });
  frame_count_ = (loops_ - 1) * frames_.size() + static_cast<std::size_t>(cut - frames_.begin());
  patches_.resize(frames_.size());
  for (std::size_t i = 0; i < frames_.size(); ++i) {
    const std::string& text = frames_[i].record;
    const bool trade = frames_[i].stream.find("@trade") != std::string::npos;
    for (const char* key : {"t", "E", "T", "u"}) {
      const std::string k(key);
      if ((k == "u") == trade) continue;  // `u` is the book ticker's id, t/E/T the trade's
      auto at = number_at(text, k);
      if (!at) continue;
      Patch p{at->first, at->second, 0, k != "t" && k != "u", trade};
      std::from_chars(text.data() + p.pos, text.data() + p.pos + p.len, p.value);
      patches_[i].push_back(p);
    }
    std::sort(patches_[i].begin(), patches_[i].end(),
              [](const Patch& a, const Patch& b) { return a.pos < b.pos; });
  }
}

std::uint64_t ReplayLoop::id_shift(bool trade, std::size_t loop) const {
  return static_cast<std::uint64_t>(loop) * (trade ? trade_span_ : book_span_);
}

std::int64_t ReplayLoop::offset_us(std::size_t frame) const {
  const auto loop = static_cast<std::int64_t>(frame / frames_.size());
  const std::int64_t t = base(frame).offset_us + loop * period_us_;
  return speed_ == 1 ? t : static_cast<std::int64_t>(static_cast<double>(t) / speed_);
}

void ReplayLoop::record(std::size_t frame, std::string& out) const {
  const std::size_t loop = frame / frames_.size();
  const GatewayReplayFrame& f = base(frame);
  if (loop == 0) {
    out.assign(f.record);
    return;
  }
  const auto period_ms = static_cast<std::uint64_t>(period_us_ / 1000);
  out.clear();
  std::size_t from = 0;
  for (const Patch& p : patches_[frame % frames_.size()]) {
    out.append(f.record, from, p.pos - from);
    const std::uint64_t v = p.value + (p.time ? loop * period_ms : id_shift(p.trade, loop));
    char digits[24];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
    from = p.pos + p.len;
  }
  out.append(f.record, from, std::string::npos);
}

std::string ReplayLoop::msg_id(std::size_t tick) const {
  const GatewayReplayTick& t = ticks_[tick % ticks_.size()];
  const bool trade = is_trade(t.id_prefix);
  return t.id_prefix + std::to_string(t.number + id_shift(trade, tick / ticks_.size()));
}

std::optional<std::size_t> ReplayLoop::find(std::string_view msg_id, std::size_t hint) const {
  const auto colon = msg_id.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::uint64_t number = 0;
  const char* end = msg_id.data() + msg_id.size();
  if (std::from_chars(msg_id.data() + colon + 1, end, number).ptr != end) return std::nullopt;
  const std::string_view prefix = msg_id.substr(0, colon + 1);
  if (hint < tick_count()) {
    const GatewayReplayTick& t = ticks_[hint % ticks_.size()];
    const bool trade = is_trade(t.id_prefix);
    if (t.id_prefix == prefix && t.number + id_shift(trade, hint / ticks_.size()) == number)
      return hint;
  }
  const auto index = std::find_if(base_index_.begin(), base_index_.end(),
                                  [&](const PrefixIndex& p) { return p.prefix == prefix; });
  if (index == base_index_.end()) return std::nullopt;
  const std::uint64_t min = index->trade ? trade_min_ : book_min_;
  const std::uint64_t span = index->trade ? trade_span_ : book_span_;
  const std::uint64_t loop = span == 0 || number < min ? 0 : (number - min) / span;
  if (loop >= loops_) return std::nullopt;
  auto it = index->by_number.find(number - loop * span);
  if (it == index->by_number.end()) return std::nullopt;
  return static_cast<std::size_t>(loop) * ticks_.size() + it->second;
}

}  // namespace sim
