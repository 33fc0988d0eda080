#include "sim/mockex/accounts.h"

#include "sim/mockex/detail/decimal_ops.h"

namespace sim::mockex {

using detail::add;
using detail::sub;

void Ledger::open(const std::string& key, std::int64_t now_ms) {
  if (accounts_.count(key) != 0) return;
  Account& account = accounts_[key];
  account.uid = accounts_.size();
  account.update_time_ms = now_ms;
  for (const auto& [asset, amount] : starting_) {
    account.assets[asset] = Balance{asset, amount, Decimal{}};
  }
}

Decimal Ledger::free(const std::string& key, const std::string& asset) const {
  const Balance* b = find(key, asset);
  return b ? b->free : Decimal{};
}

Decimal Ledger::locked(const std::string& key, const std::string& asset) const {
  const Balance* b = find(key, asset);
  return b ? b->locked : Decimal{};
}

bool Ledger::lock(const std::string& key, const std::string& asset, const Decimal& amount) {
  Balance& b = slot(key, asset);
  if (b.free < amount) return false;
  b.free = sub(b.free, amount);
  b.locked = add(b.locked, amount);
  return true;
}

void Ledger::unlock(const std::string& key, const std::string& asset, const Decimal& amount) {
  Balance& b = slot(key, asset);
  b.locked = sub(b.locked, amount);
  b.free = add(b.free, amount);
}

void Ledger::pay_locked(const std::string& key, const std::string& asset, const Decimal& amount,
                        const std::string& to) {
  Balance& from = slot(key, asset);
  from.locked = sub(from.locked, amount);
  if (to.empty()) {
    market_[asset] = add(market_[asset], amount);
    return;
  }
  Balance& dest = slot(to, asset);
  dest.free = add(dest.free, amount);
}

void Ledger::pay_from_market(const std::string& to, const std::string& asset,
                             const Decimal& amount) {
  market_[asset] = sub(market_[asset], amount);
  Balance& dest = slot(to, asset);
  dest.free = add(dest.free, amount);
}

void Ledger::pay_fee(const std::string& key, const std::string& asset, const Decimal& amount) {
  Balance& b = slot(key, asset);
  b.free = sub(b.free, amount);
  fees_[asset] = add(fees_[asset], amount);
}

void Ledger::touch(const std::string& key, std::int64_t now_ms) {
  accounts_[key].update_time_ms = now_ms;
}

std::vector<Balance> Ledger::balances(const std::string& key) const {
  std::vector<Balance> out;
  const auto it = accounts_.find(key);
  if (it == accounts_.end()) return out;
  for (const auto& [asset, balance] : it->second.assets) out.push_back(balance);
  return out;
}

std::int64_t Ledger::update_time_ms(const std::string& key) const {
  const auto it = accounts_.find(key);
  return it == accounts_.end() ? 0 : it->second.update_time_ms;
}

std::uint64_t Ledger::uid(const std::string& key) const {
  const auto it = accounts_.find(key);
  return it == accounts_.end() ? 0 : it->second.uid;
}

std::map<std::string, Decimal> Ledger::totals() const {
  std::map<std::string, Decimal> out;
  for (const auto& [key, account] : accounts_) {
    for (const auto& [asset, b] : account.assets) {
      out[asset] = add(out[asset], add(b.free, b.locked));
    }
  }
  for (const auto* pot : {&fees_, &market_}) {
    for (const auto& [asset, amount] : *pot) out[asset] = add(out[asset], amount);
  }
  return out;
}

Balance& Ledger::slot(const std::string& key, const std::string& asset) {
  Balance& b = accounts_[key].assets[asset];
  b.asset = asset;
  return b;
}

const Balance* Ledger::find(const std::string& key, const std::string& asset) const {
  const auto it = accounts_.find(key);
  if (it == accounts_.end()) return nullptr;
  const auto a = it->second.assets.find(asset);
  return a == it->second.assets.end() ? nullptr : &a->second;
}

}  // namespace sim::mockex
