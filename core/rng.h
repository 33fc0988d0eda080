/// @file core/rng.h
/// @brief Seeded deterministic randomness: one root seed, children forked by name.
///
/// The same class serves both worlds: production seeds the root from the OS in main.cpp,
/// the simulator from `--seed`. `fork("mockex")` derives a child from the root seed and the
/// name only, so adding a consumer never shifts another consumer's stream. Not thread-safe:
/// each shard owns its Rng.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace core {

class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  std::uint64_t seed() const { return seed_; }
  std::uint64_t next_u64();
  /// Uniform in [min, max_plus_one). Requires min < max_plus_one.
  std::int64_t random_int(std::int64_t min, std::int64_t max_plus_one);
  /// Uniform in [0, 1).
  double random_unit();
  /// True with probability p (p outside [0, 1] is clamped).
  bool chance(double p);
  /// A child generator whose seed depends only on this one's seed and `name`.
  Rng fork(std::string_view name) const;

 private:
  std::uint64_t seed_;
  std::array<std::uint64_t, 4> s_{};
};

/// FNV-1a, 64 bit: a stable hash for names (never std::hash, which may differ between builds).
std::uint64_t stable_hash64(std::string_view text);

}  // namespace core
