/// @file sim/detail/dedup_window.h
/// @brief sim::detail::DedupWindow: JetStream's duplicate window (Nats-Msg-Id -> stream
/// sequence for the ids seen in the last `window_us`), for sim::SimJetStream.
///
/// Ids expire oldest first, as on the server. The index is an open-addressing table of
/// (hash, ordinal) pairs over a FIFO of the ids, so a lookup of a new id touches one cache
/// line instead of a node chain and a string: the stream's hottest path in a long replay.
/// Never iterated, so its layout cannot reach a trace. Loop thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sim::detail {

class DedupWindow {
 public:
  /// Forgets the ids entered `window_us` or longer before `now_us`.
  void expire(std::int64_t now_us, std::int64_t window_us);
  /// The sequence `id` was stored under, if it was entered and not expired.
  std::optional<std::uint64_t> find(std::string_view id) const;
  /// Enters `id` (not present) with its stream sequence at `now_us` (not before the last).
  void insert(std::string id, std::uint64_t seq, std::int64_t now_us);
  std::size_t size() const { return ids_.size(); }

 private:
  struct Id {
    std::int64_t ts_us;
    std::uint64_t seq;
    std::uint64_t hash;
    std::string id;
  };
  struct Slot {
    std::uint64_t hash = 0;
    std::uint64_t ordinal = 0;  // 1 + the id's position since the first ever entered; 0: empty
  };

  std::size_t home(std::uint64_t hash) const { return hash & (slots_.size() - 1); }
  void place(std::uint64_t hash, std::uint64_t ordinal);
  void erase_slot(std::size_t i);
  void grow();

  std::deque<Id> ids_;               // oldest first; ids_[k] has ordinal first_ordinal_ + k
  std::uint64_t first_ordinal_ = 1;  // of ids_.front()
  std::vector<Slot> slots_;          // power-of-two size, at most half full; linear probing
};

}  // namespace sim::detail
