#include "sim/detail/dedup_window.h"

#include <cassert>
#include <functional>

namespace sim::detail {
namespace {

std::uint64_t hash_of(std::string_view id) {
  return std::hash<std::string_view>{}(id);
}

}  // namespace

void DedupWindow::expire(std::int64_t now_us, std::int64_t window_us) {
  while (!ids_.empty() && now_us - ids_.front().ts_us >= window_us) {
    const Id& oldest = ids_.front();
    for (std::size_t i = home(oldest.hash);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i].ordinal == first_ordinal_) {
        erase_slot(i);
        break;
      }
      assert(slots_[i].ordinal != 0);
    }
    ids_.pop_front();
    ++first_ordinal_;
  }
}

std::optional<std::uint64_t> DedupWindow::find(std::string_view id) const {
  if (slots_.empty()) return std::nullopt;
  const std::uint64_t hash = hash_of(id);
  for (std::size_t i = home(hash); slots_[i].ordinal != 0; i = (i + 1) & (slots_.size() - 1)) {
    if (slots_[i].hash != hash) continue;
    const Id& entry = ids_[slots_[i].ordinal - first_ordinal_];
    if (entry.id == id) return entry.seq;
  }
  return std::nullopt;
}

void DedupWindow::insert(std::string id, std::uint64_t seq, std::int64_t now_us) {
  assert(!find(id));
  if ((ids_.size() + 1) * 2 > slots_.size()) grow();
  const std::uint64_t hash = hash_of(id);
  ids_.push_back(Id{now_us, seq, hash, std::move(id)});
  place(hash, first_ordinal_ + ids_.size() - 1);
}

void DedupWindow::place(std::uint64_t hash, std::uint64_t ordinal) {
  std::size_t i = home(hash);
  while (slots_[i].ordinal != 0) i = (i + 1) & (slots_.size() - 1);
  slots_[i] = Slot{hash, ordinal};
}

// Backward-shift deletion: later members of the probe run move up so no lookup stops early.
void DedupWindow::erase_slot(std::size_t i) {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t j = (i + 1) & mask; slots_[j].ordinal != 0; j = (j + 1) & mask) {
    const std::size_t k = home(slots_[j].hash);
    // Slot j may fill the hole at i unless its home lies cyclically in (i, j].
    const bool home_after_hole = i <= j ? (i < k && k <= j) : (i < k || k <= j);
    if (home_after_hole) continue;
    slots_[i] = slots_[j];
    i = j;
  }
  slots_[i] = Slot{};
}

void DedupWindow::grow() {
  slots_.assign(slots_.empty() ? 64 : slots_.size() * 2, Slot{});
  for (std::size_t k = 0; k < ids_.size(); ++k) place(ids_[k].hash, first_ordinal_ + k);
}

}  // namespace sim::detail
