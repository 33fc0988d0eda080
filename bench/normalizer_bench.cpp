// Normalizer throughput in process: Tick JSON -> decode -> BarBuilder -> ILP rows, over the
// recorded Binance trades (fixtures/binance/derived), and ILP encoding alone (lines/s).
// DESIGN.md section 7 has no normalizer row; the gateway's ingest target (>= 1,000,000
// ticks/s on one core for parse+normalize+encode) is the one the same work is held to, and
// the seed asks for 1000 ticks/s end to end. Run from the repository root (`make bench`).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "core/codec/bus_json.h"
#include "core/ilp.h"
#include "normalizer/bar_builder.h"
#include "normalizer/bar_rows.h"
#include "sim/replay/csv.h"

namespace {

constexpr double kTargetTicksPerSec = 1'000'000;
constexpr double kSeedTicksPerSec = 1'000;
constexpr std::size_t kFlushEvery = 1000;  // ticks between writes, as store.batch_ticks

const std::vector<std::string>& tick_jsons() {
  static const std::vector<std::string> jsons = [] {
    std::vector<std::string> out;
    auto rows = sim::replay::read_csv(
        "fixtures/binance/derived/BTCUSDT-trades-2024-08-08T2354Z-2024-08-09T0005Z.csv.zst");
    if (!rows) return out;
    for (const auto& c : *rows) {
      core::Tick t;
      t.symbol = "BTCUSDT";
      t.ts_event_us = std::stoll(c[3]) * 1000;
      t.ts_recv_us = std::stoll(c[7]) / 1000;
      t.price = *core::Decimal::parse(c[1]);
      t.qty = *core::Decimal::parse(c[2]);
      t.side = c[4] == "true" ? core::Side::kSell : core::Side::kBuy;
      t.trade_id = c[0];
      out.push_back(core::codec::to_json(t));
    }
    return out;
  }();
  return jsons;
}

void BM_NormalizerTicks(benchmark::State& state) {
  const auto& jsons = tick_jsons();
  if (jsons.empty()) {
    state.SkipWithError("fixtures not found: run from the repository root");
    return;
  }
  normalizer::BarBuilder builder;
  core::IlpBuffer ilp;
  std::size_t i = 0;
  std::uint64_t rows = 0;
  for (auto _ : state) {
    if (i == jsons.size()) {  // a fresh pass: the same trade ids would be duplicates
      builder = normalizer::BarBuilder();
      i = 0;
    }
    auto tick = core::codec::decode_tick(jsons[i]);
    benchmark::DoNotOptimize(builder.add(*tick));
    if (++i % kFlushEvery == 0) {
      ilp.clear();
      for (const auto& u : builder.take_changed()) {
        (void)normalizer::append_bar_row(ilp, "ohlcv_1m", u.bar);
        ++rows;
      }
      benchmark::DoNotOptimize(ilp.text().data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["target_ticks_per_s"] = kTargetTicksPerSec;
  state.counters["seed_ticks_per_s"] = kSeedTicksPerSec;
  state.counters["ilp_rows"] = static_cast<double>(rows);
}
BENCHMARK(BM_NormalizerTicks);

void BM_IlpBarLines(benchmark::State& state) {
  core::Bar bar;
  bar.ts_minute_us = 1'723'161'300'000'000;
  bar.symbol = "BTCUSDT";
  bar.open = *core::Decimal::parse("61828.00000000");
  bar.high = *core::Decimal::parse("61860.80000000");
  bar.low = *core::Decimal::parse("61780.00000000");
  bar.close = *core::Decimal::parse("61782.25000000");
  bar.volume = *core::Decimal::parse("15.07702000");
  bar.trades = 1255;
  core::IlpBuffer ilp;
  for (auto _ : state) {
    if (ilp.row_count() == 1000) ilp.clear();
    (void)normalizer::append_bar_row(ilp, "ohlcv_1m", bar);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_IlpBarLines);

long rss_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::printf(
      "normalizer targets: >= %.0f ticks/s in process (DESIGN section 7, gateway ingest row; "
      "items_per_second of BM_NormalizerTicks), seed %.0f ticks/s; memory RSS %ld kB "
      "(target < 50 MB)\n",
      kTargetTicksPerSec, kSeedTicksPerSec, rss_kb());
  return 0;
}
