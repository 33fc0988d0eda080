// DESIGN.md section 7, gateway ingest on one core: parse + normalize + encode >= 1,000,000
// ticks/s and >= 25% of a bare simdjson On-Demand parse of the same frames, same run.
//
// Per exchange, over every received frame of the committed recording(s): `Codec` decodes each
// frame and encodes every tick to its bus JSON (core::codec::encode into one reused string);
// `BareParse` copies each frame into a reused padded buffer and walks the whole document with a
// reused On-Demand parser (every string unescaped, every number's token read), which is less
// than the codec does for the fields it reads and more for the fields it skips; `DecodeOnly`
// is the codec with a sink that only counts, to show the decode/encode split. Counters:
// ticks/s (the codec's ticks over the time taken; the bare walk is charged the same tick count
// so the two rates compare), frames/s. Run from the repository root (fixtures/ paths).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include "core/codec/bus_json.h"
#include "gateway/exchanges/binance/binance_codec.h"
#include "gateway/exchanges/coinbase/coinbase_codec.h"
#include "gateway/exchanges/kraken/kraken_codec.h"
#include "sim/replay/recording.h"

namespace {

namespace od = simdjson::ondemand;

struct Frame {
  std::int64_t t_us = 0;
  std::string msg;
};

struct Corpus {
  std::vector<Frame> frames;
  std::uint64_t ticks = 0;  // what the codec emits over all frames, counted once at load
};

std::vector<Frame> load(std::initializer_list<const char*> paths, std::string_view src) {
  std::vector<Frame> frames;
  for (const char* path : paths) {
    auto reader = sim::replay::RecordingReader::open(path);
    if (!reader) {
      std::fprintf(stderr, "%s (run from the repository root)\n",
                   reader.status().to_string().c_str());
      std::exit(2);
    }
    sim::replay::Record record;
    while (true) {
      auto more = reader->next(record);
      if (!more || !*more) break;
      if (record.src == src) frames.push_back({record.t_us, record.msg});
    }
  }
  return frames;
}

template <typename Codec>
std::uint64_t count_ticks(const std::vector<Frame>& frames) {
  Codec codec;
  std::uint64_t ticks = 0;
  const gateway::TickSink sink = [&ticks](const core::Tick&) { ++ticks; };
  for (const Frame& f : frames) codec.decode(f.msg, f.t_us, sink);
  return ticks;
}

template <typename Codec>
const Corpus& corpus();

template <>
const Corpus& corpus<gateway::binance::BinanceCodec>() {
  static const Corpus c = [] {
    Corpus c{load({"fixtures/binance/BTCUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst",
                   "fixtures/binance/ETHUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst"},
                  "binance.ws")};
    c.ticks = count_ticks<gateway::binance::BinanceCodec>(c.frames);
    return c;
  }();
  return c;
}

template <>
const Corpus& corpus<gateway::coinbase::CoinbaseCodec>() {
  static const Corpus c = [] {
    Corpus c{load({"fixtures/coinbase/advanced_trade_2026-08-09T2105Z_BTC-USD_ETH-USD.jsonl.zst"},
                  "coinbase.ws")};
    c.ticks = count_ticks<gateway::coinbase::CoinbaseCodec>(c.frames);
    return c;
  }();
  return c;
}

template <>
const Corpus& corpus<gateway::kraken::KrakenCodec>() {
  static const Corpus c = [] {
    Corpus c{load({"fixtures/kraken/ws_v1_2021-04-17T1648Z_trade.jsonl.zst",
                   "fixtures/kraken/ws_v1_2021-04-17T1648Z_ticker.jsonl.zst",
                   "fixtures/kraken/ws_v1_2021-04-17T1648Z_book.jsonl.zst"},
                  "kraken.ws.v1")};
    c.ticks = count_ticks<gateway::kraken::KrakenCodec>(c.frames);
    return c;
  }();
  return c;
}

void set_rates(benchmark::State& state, const Corpus& c) {
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["ticks/s"] =
      benchmark::Counter(static_cast<double>(c.ticks) * iterations, benchmark::Counter::kIsRate);
  state.counters["frames/s"] = benchmark::Counter(static_cast<double>(c.frames.size()) * iterations,
                                                  benchmark::Counter::kIsRate);
}

template <typename Codec>
void Codec_DecodeAndEncode(benchmark::State& state) {
  const Corpus& c = corpus<Codec>();
  Codec codec;
  std::string json;
  std::uint64_t bytes = 0;
  const gateway::TickSink sink = [&](const core::Tick& tick) {
    json.clear();
    core::codec::encode(tick, json);
    bytes += json.size();
  };
  for (auto _ : state) {
    for (const Frame& f : c.frames) codec.decode(f.msg, f.t_us, sink);
  }
  benchmark::DoNotOptimize(bytes);
  if (codec.stats().malformed_total() != 0) state.SkipWithError("malformed frames in the fixture");
  set_rates(state, c);
}

// The codec alone (sink does nothing): how the time splits between decoding and encoding.
template <typename Codec>
void Codec_DecodeOnly(benchmark::State& state) {
  const Corpus& c = corpus<Codec>();
  Codec codec;
  std::uint64_t ticks = 0;
  const gateway::TickSink sink = [&ticks](const core::Tick&) { ++ticks; };
  for (auto _ : state) {
    for (const Frame& f : c.frames) codec.decode(f.msg, f.t_us, sink);
  }
  benchmark::DoNotOptimize(ticks);
  set_rates(state, c);
}

void walk(od::value value, std::uint64_t& tokens) {
  od::json_type type;
  if (value.type().get(type)) return;
  ++tokens;
  switch (type) {
    case od::json_type::object:
      for (auto field : value.get_object()) {
        od::value v;
        if (!field.value().get(v)) walk(v, tokens);
      }
      break;
    case od::json_type::array:
      for (auto element : value.get_array()) {
        od::value v;
        if (!element.get(v)) walk(v, tokens);
      }
      break;
    case od::json_type::string: {
      std::string_view s;
      benchmark::DoNotOptimize(value.get_string().get(s));
      benchmark::DoNotOptimize(s);
      break;
    }
    default:
      tokens += value.raw_json_token().size() & 1;
      break;
  }
}

template <typename Codec>
void BareParse(benchmark::State& state) {
  const Corpus& c = corpus<Codec>();
  od::parser parser;
  std::string buffer;
  std::uint64_t tokens = 0;
  for (auto _ : state) {
    for (const Frame& f : c.frames) {
      const std::size_t padded = f.msg.size() + simdjson::SIMDJSON_PADDING;
      if (buffer.size() < padded) buffer.resize(padded);
      std::memcpy(buffer.data(), f.msg.data(), f.msg.size());
      od::document doc;
      od::value root;
      if (parser.iterate(buffer.data(), f.msg.size(), buffer.size()).get(doc)) continue;
      if (!doc.get_value().get(root)) walk(root, tokens);
    }
  }
  set_rates(state, c);
  // Sanity: values visited per frame (a Binance trade frame has 15), so the walk is not empty.
  state.counters["values/frame"] =
      static_cast<double>(tokens) / static_cast<double>(state.iterations() * c.frames.size());
}

using gateway::binance::BinanceCodec;
using gateway::coinbase::CoinbaseCodec;
using gateway::kraken::KrakenCodec;

BENCHMARK(Codec_DecodeAndEncode<BinanceCodec>)->Unit(benchmark::kMillisecond);
BENCHMARK(BareParse<BinanceCodec>)->Unit(benchmark::kMillisecond);
BENCHMARK(Codec_DecodeOnly<BinanceCodec>)->Unit(benchmark::kMillisecond);
BENCHMARK(Codec_DecodeAndEncode<CoinbaseCodec>)->Unit(benchmark::kMillisecond);
BENCHMARK(BareParse<CoinbaseCodec>)->Unit(benchmark::kMillisecond);
BENCHMARK(Codec_DecodeOnly<CoinbaseCodec>)->Unit(benchmark::kMillisecond);
BENCHMARK(Codec_DecodeAndEncode<KrakenCodec>)->Unit(benchmark::kMillisecond);
BENCHMARK(BareParse<KrakenCodec>)->Unit(benchmark::kMillisecond);
BENCHMARK(Codec_DecodeOnly<KrakenCodec>)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  // Stage 1 (structural indexing) runs in the shared library's kernel, chosen at run time
  // (active); the On-Demand navigation is compiled into our objects with the kernel our
  // compile flags allow (this file is built with the codec's flags, T26_CODEC_ARCH_FLAGS).
  std::printf("simdjson %s: stage 1 kernel %s, On-Demand kernel compiled in: %s\n",
              SIMDJSON_STRINGIFY(SIMDJSON_VERSION),
              simdjson::get_active_implementation()->name().c_str(),
              SIMDJSON_STRINGIFY(SIMDJSON_BUILTIN_IMPLEMENTATION));
  std::printf("targets (DESIGN.md 7): codec >= 1,000,000 ticks/s and >= 25%% of BareParse\n");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
