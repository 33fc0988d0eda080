#include "core/rng.h"

#include <cassert>

namespace core {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

}  // namespace

std::uint64_t stable_hash64(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

Rng::Rng(std::uint64_t seed) : seed_(seed) {
  std::uint64_t x = seed;
  for (auto& word : s_) word = splitmix64(x);
}

// xoshiro256**: small state, fast, and good enough for simulation choices.
std::uint64_t Rng::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::int64_t Rng::random_int(std::int64_t min, std::int64_t max_plus_one) {
  assert(min < max_plus_one);
  const std::uint64_t span = static_cast<std::uint64_t>(max_plus_one - min);
  // Rejection sampling keeps the distribution exactly uniform.
  const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % span);
  std::uint64_t r = next_u64();
  while (r >= limit) r = next_u64();
  return min + static_cast<std::int64_t>(r % span);
}

double Rng::random_unit() {
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

bool Rng::chance(double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return random_unit() < p;
}

Rng Rng::fork(std::string_view name) const {
  std::uint64_t x = seed_ ^ stable_hash64(name);
  return Rng(splitmix64(x));
}

}  // namespace core
