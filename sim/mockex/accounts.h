/// @file sim/mockex/accounts.h
/// @brief `Ledger`: the mock exchange's balances per API key (free and locked per asset), the
/// fees it collected, and the recorded market's side of user trades.
///
/// Every movement is a transfer between two places the ledger knows (an account's free or
/// locked balance, the fee pot, the market), so `totals()` never changes: that is the
/// conservation invariant the property test checks. The market is the counterparty of trades
/// against recorded liquidity; its balances may go negative. An account is opened with the
/// starting balances on first use. Not thread-safe; owned by ExchangeModel.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/mockex/types.h"

namespace sim::mockex {

class Ledger {
 public:
  explicit Ledger(std::map<std::string, Decimal> starting_balances)
      : starting_(std::move(starting_balances)) {}

  /// Opens the account with the starting balances if it does not exist yet.
  void open(const std::string& key, std::int64_t now_ms);
  Decimal free(const std::string& key, const std::string& asset) const;
  Decimal locked(const std::string& key, const std::string& asset) const;

  /// free -> locked; false (nothing moved) when free is short.
  bool lock(const std::string& key, const std::string& asset, const Decimal& amount);
  /// locked -> free.
  void unlock(const std::string& key, const std::string& asset, const Decimal& amount);
  /// locked -> `to`'s free (to empty: the market).
  void pay_locked(const std::string& key, const std::string& asset, const Decimal& amount,
                  const std::string& to);
  /// The market's side of a trade against recorded liquidity: market -> `to`'s free.
  void pay_from_market(const std::string& to, const std::string& asset, const Decimal& amount);
  /// Charges a fee from `key`'s free balance into the fee pot.
  void pay_fee(const std::string& key, const std::string& asset, const Decimal& amount);
  void touch(const std::string& key, std::int64_t now_ms);

  std::vector<Balance> balances(const std::string& key) const;  // by asset name
  std::int64_t update_time_ms(const std::string& key) const;
  std::uint64_t uid(const std::string& key) const;
  const std::map<std::string, Decimal>& fees() const { return fees_; }
  const std::map<std::string, Decimal>& market() const { return market_; }
  /// Per asset: every account's free + locked, plus fees, plus the market.
  std::map<std::string, Decimal> totals() const;

 private:
  struct Account {
    std::map<std::string, Balance> assets;
    std::int64_t update_time_ms = 0;
    std::uint64_t uid = 0;
  };
  Balance& slot(const std::string& key, const std::string& asset);
  const Balance* find(const std::string& key, const std::string& asset) const;

  std::map<std::string, Decimal> starting_;
  std::map<std::string, Account> accounts_;
  std::map<std::string, Decimal> fees_;
  std::map<std::string, Decimal> market_;
};

}  // namespace sim::mockex
