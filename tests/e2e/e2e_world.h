/// @file tests/e2e/e2e_world.h
/// @brief E2eWorld: the seed's integration test 1 on loopback with the real binaries:
/// mockex replaying a Binance recording -> gateway -> nats-server -js -> normalizer -> influxd.
///
/// Every server runs on free ports under one TempDir and dies with the world (ServerProcess).
/// mockex holds the replay until the gateway subscribed (--start-on-subscribe), so the gateway
/// sees the recording from its first frame. The expected table is folded from the recording's
/// trades CSV with exact decimals (`fold_trades`), checked against the reference bar CSV for
/// the complete minutes. Tests may use wall time here: this is the harness.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/types.h"
#include "tests/contract/store_contract.h"
#include "tests/support/server_process.h"

namespace e2e {

struct Recording {
  std::string file;    // the recording mockex replays
  std::string trades;  // derived trades CSV of the same session
  std::string bars;    // reference 1m bar CSV (complete minutes only)
  std::string speed;   // mockex --speed: N or max
};

Recording recording_2023(const std::string& speed);
Recording recording_2024(const std::string& speed);

/// Bars by minute start (µs), folded from a trades CSV in exact decimals: open of the lowest
/// trade id, high, low, close of the highest id, volume sum, trade count.
std::map<std::int64_t, core::Bar> fold_trades(const std::string& trades_csv);
/// Empty when every reference bar equals `bars` at its minute, else what differs.
std::string diff_reference(const std::string& bars_csv,
                           const std::map<std::int64_t, core::Bar>& bars);
/// Empty when `got` has exactly the minutes of `want` with equal fields, else the first
/// difference.
std::string diff_bars(const std::map<std::int64_t, core::Bar>& want,
                      const std::map<std::int64_t, core::Bar>& got);

class E2eWorld {
 public:
  explicit E2eWorld(Recording recording);
  ~E2eWorld();

  storecontract::StoreNetWorld db;  // influxd (database t26), db.clock, db.store
  std::unique_ptr<testsupport::ServerProcess> nats;
  std::unique_ptr<testsupport::ServerProcess> normalizer;
  std::unique_ptr<testsupport::ServerProcess> mockex;
  std::unique_ptr<testsupport::ServerProcess> gateway;

  /// Starts nats-server, the normalizer, mockex (held) and the gateway, in that order.
  void start();
  /// The BTCUSDT bars of table ohlcv_1m, by minute; empty on a query error.
  std::map<std::int64_t, core::Bar> stored_bars();
  /// The normalizer's stored checkpoint (stream sequence), 0 when none or unreadable.
  std::uint64_t stored_checkpoint();
  /// Polls until the table equals `want` or `timeout_ms` passes; returns the last difference
  /// (empty when equal).
  std::string wait_for_table(const std::map<std::int64_t, core::Bar>& want,
                             std::int64_t timeout_ms);
  /// Runs `normalizer bars` against the database; its exit code and output.
  int run_bars(std::string& output);
  /// Log tails of every process, for failure messages.
  std::string logs() const;

  const Recording recording;
  std::string write_url;

 private:
  std::unique_ptr<testsupport::ServerProcess> launch(const std::string& name);

  testsupport::TempDir dir_{"t26-e2e"};
  std::map<std::string, std::vector<std::string>> args_;  // argv by process name
  std::uint16_t nats_port_ = 0;
  std::uint16_t mockex_port_ = 0;
};

/// The rows printed by `normalizer bars` (header line, then tab-separated rows) as bars in
/// print order; a row that does not parse is skipped.
std::vector<core::Bar> parse_bars_output(const std::string& output);

/// Starts the world and runs it to the end: `disturb` (if any) runs once the normalizer
/// stored a checkpoint past `disturb_after_seq` (mid-replay); then the table must equal the
/// trades folded (which must equal the reference bars). Catch assertions.
void run_and_check(E2eWorld& w, std::uint64_t disturb_after_seq,
                   const std::function<void()>& disturb);
/// `normalizer bars` prints the newest min(10, n) bars, newest first, equal to the fold.
void check_bars_command(E2eWorld& w);

}  // namespace e2e
