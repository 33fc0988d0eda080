// fixtures_convert: regenerates every file under fixtures/ from the raw captures in
// ../shared/fixtures (see fixtures/SOURCES.md for what each conversion does and why).
//
//   build/bin/fixtures_convert [SHARED_FIXTURES_DIR [OUT_DIR]]   (defaults ../shared/fixtures,
//   fixtures)
//
// Deterministic: the same inputs and libzstd version give byte-identical outputs. Prints one
// line per output: sha256, size, records (or lines), first and last t. Exit 1 on any error.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <zstd.h>

#include "sim/replay/recording.h"
#include "tools/fixtures_convert/inputs.h"

namespace {

using sim::replay::Record;
using Records = std::vector<Record>;

constexpr int kZstdLevel = 19;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "fixtures_convert: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T must(core::Result<T> r, const std::string& where) {
  if (!r) die(fmt::format("{}: {}", where, r.status().message));
  return std::move(*r);
}

std::string sha256_hex(const std::string& bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

void report(const std::string& path, const std::string& counts) {
  const std::string bytes = must(fixtures::read_all(path), path);
  std::printf("%s  %s  %zu bytes  %s\n", sha256_hex(bytes).c_str(), path.c_str(), bytes.size(),
              counts.c_str());
}

void write_recording(const std::string& path, const Records& records) {
  auto writer = must(sim::replay::RecordingWriter::open(path, kZstdLevel), path);
  for (const Record& r : records) {
    if (auto st = writer.write(r); !st) die(st.message);
  }
  if (auto st = writer.close(); !st) die(st.message);
  report(path, fmt::format("{} records, t {} .. {}", records.size(), records.front().t_us,
                           records.back().t_us));
}

bool keep_all(const Record&) {
  return true;
}

// hftbacktest captures, files concatenated in the order given (they continue each other).
Records hftbacktest(const std::vector<std::string>& files, bool ns, const std::string& symbol,
                    const std::function<bool(const Record&)>& keep = keep_all) {
  const std::string snapshot_req =
      fmt::format("GET https://api.binance.com/api/v3/depth?symbol={}&limit=1000", symbol);
  Records out;
  for (const auto& file : files) {
    const auto lines = must(fixtures::read_lines(file), file);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      Record r = must(fixtures::parse_hftbacktest(lines[i], ns, snapshot_req),
                      fmt::format("{}:{}", file, i + 1));
      if (keep(r)) out.push_back(std::move(r));
    }
  }
  return out;
}

using V3Parser = core::Result<bool> (*)(std::string_view, const std::string&, const std::string&,
                                        Record&);

// cryptofeed captures; several files (ws and http of one session) merge by time, stably.
Records cryptofeed(const std::vector<std::string>& files, const std::string& ws_src,
                   const std::string& rest_src, V3Parser parse,
                   const std::function<bool(const Record&)>& keep) {
  Records out;
  for (const auto& file : files) {
    std::vector<std::string> lines;
    if (file.ends_with(".zst")) {
      auto reader = must(sim::replay::LineReader::open(file), file);
      for (std::string line; must(reader.next(line), file);) lines.push_back(line);
    } else {
      lines = must(fixtures::read_lines(file), file);
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
      Record r;
      if (must(parse(lines[i], ws_src, rest_src, r), fmt::format("{}:{}", file, i + 1)) &&
          keep(r)) {
        out.push_back(std::move(r));
      }
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Record& a, const Record& b) { return a.t_us < b.t_us; });
  return out;
}

// ETHUSDT keeps trades, bookTicker and the snapshot; its depth diffs (1 MB compressed) are
// left out to keep the repository small. BTCUSDT keeps its depth diffs for depth-sync tests.
bool not_depth_diff(const Record& r) {
  return r.msg.find("@depth@100ms\",\"data\":") == std::string::npos;
}

void copy_file(const std::string& from, const std::string& to) {
  const std::string bytes = must(fixtures::read_all(from), from);
  std::ofstream(to, std::ios::binary) << bytes;
  report(to,
         fmt::format("{} lines, copied unchanged", std::count(bytes.begin(), bytes.end(), '\n')));
}

void compress_file(const std::string& from, const std::string& to) {
  const std::string bytes = must(fixtures::read_all(from), from);
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, kZstdLevel);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(bytes.size()), '\0');
  const std::size_t n = ZSTD_compress2(cctx, out.data(), out.size(), bytes.data(), bytes.size());
  ZSTD_freeCCtx(cctx);
  if (ZSTD_isError(n)) die(fmt::format("{}: zstd: {}", to, ZSTD_getErrorName(n)));
  out.resize(n);
  std::ofstream(to, std::ios::binary) << out;
  report(to, fmt::format("{} lines, content sha256 {}",
                         std::count(bytes.begin(), bytes.end(), '\n'), sha256_hex(bytes)));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string in = argc > 1 ? argv[1] : "../shared/fixtures";
  const std::string out = argc > 2 ? argv[2] : "fixtures";
  for (const char* dir : {"binance/derived", "coinbase", "kraken"}) {
    std::filesystem::create_directories(out + "/" + dir);
  }
  const std::string bn = in + "/binance/";
  const std::string window = "2024-08-08T2354Z-2024-08-09T0005Z";

  write_recording(out + "/binance/BTCUSDT_" + window + ".jsonl.zst",
                  hftbacktest({bn + "hftbacktest_spot_btcusdt_20240808.gz",
                               bn + "hftbacktest_spot_btcusdt_20240809.gz"},
                              true, "BTCUSDT"));
  write_recording(out + "/binance/ETHUSDT_" + window + ".jsonl.zst",
                  hftbacktest({bn + "hftbacktest_spot_ethusdt_20240808.gz",
                               bn + "hftbacktest_spot_ethusdt_20240809.gz"},
                              true, "ETHUSDT", not_depth_diff));
  write_recording(out + "/binance/BTCUSDT_2023-04-05T0000Z-0007Z.jsonl.zst",
                  hftbacktest({bn + "hftbacktest_spot_btcusdt_20230405.dat.gz"}, false, "BTCUSDT"));
  write_recording(
      out + "/binance/cryptofeed_2021-10-12T0028Z_ws_and_depth_snapshots.jsonl.zst",
      cryptofeed({bn + "cryptofeed_BINANCE.ws.1.0", bn + "cryptofeed_BINANCE.http.0.0"},
                 "binance.ws", "binance.rest", fixtures::parse_cryptofeed_v1, keep_all));

  // The capture kept only the body; time and URL are those of cryptofeed's BINANCE.0 line 1.
  std::string body = must(fixtures::read_all(bn + "exchangeInfo_spot_2021-10-12.json.gz"), bn);
  if (body.ends_with('\n')) body.pop_back();  // the line break that ended the captured line
  write_recording(out + "/binance/exchangeInfo_2021-10-12.jsonl.zst",
                  {Record{1633998511132921, "binance.rest",
                          "GET https://api.binance.com/api/v3/exchangeInfo", std::move(body)}});

  for (const std::string name : {"BTCUSDT-1m-bars-COMPUTED-from-trades-2024.csv",
                                 "ETHUSDT-1m-bars-COMPUTED-from-trades-2024.csv",
                                 "BTCUSDT-1m-bars-COMPUTED-from-trades-2023.csv"}) {
    copy_file(bn + "derived/" + name, out + "/binance/derived/" + name);
  }
  for (const std::string& name :
       {"BTCUSDT-trades-" + window + ".csv", "ETHUSDT-trades-" + window + ".csv",
        std::string("BTCUSDT-trades-2023-04-05T0000Z-0006Z.csv")}) {
    compress_file(bn + "derived/" + name, out + "/binance/derived/" + name + ".zst");
  }

  write_recording(out + "/coinbase/advanced_trade_2026-08-09T2105Z_BTC-USD_ETH-USD.jsonl.zst",
                  cryptofeed({in + "/coinbase/cryptofeed_v3_COINBASE.jsonl.zst"}, "coinbase.ws",
                             "coinbase.rest", fixtures::parse_cryptofeed_v3, keep_all));

  const std::string kr = in + "/kraken/";
  const std::vector<std::pair<std::string, std::string>> kraken_ws = {
      {"trade", "cryptofeed_KRAKEN.ws.48.0"},
      {"ticker", "cryptofeed_KRAKEN.ws.49.0"},
      {"book", "cryptofeed_KRAKEN.ws.50.0.gz"}};
  for (const auto& [channel, file] : kraken_ws) {
    write_recording(out + "/kraken/ws_v1_2021-04-17T1648Z_" + channel + ".jsonl.zst",
                    cryptofeed({kr + file}, "kraken.ws.v1", "kraken.rest",
                               fixtures::parse_cryptofeed_v1, keep_all));
  }
  write_recording(out + "/kraken/rest_AssetPairs_2021-04-17.jsonl.zst",
                  cryptofeed({kr + "cryptofeed_KRAKEN.0.gz"}, "kraken.ws.v1", "kraken.rest",
                             fixtures::parse_cryptofeed_v1, keep_all));
  return 0;
}
