/// @file tools/fixtures_convert/inputs.h
/// @brief The raw capture formats fixtures_convert reads, parsed into recording Records
/// without touching the frame bytes.
///
/// - hftbacktest: `<local receive time> <frame>` per line, time in ns (2024 collector) or µs
///   (2023 collector).
/// - cryptofeed v1 (`sample_data/*.ws.*`, `*.http.*`, `EXCHANGE.0`): `<ts>: <frame>` received,
///   `<url> <- <ts>: <frame>` sent, `<url> -> <ts>: <body>` REST response, `<url> <-> <ts>`
///   connect; `<ts>` is Unix seconds with up to 7 decimals.
/// - cryptofeed v3 (`*.jsonl.zst`): `{"t":"recv"|"send"|"http"|...,"ts":<s>,"data":"<frame>"}`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "sim/replay/recording.h"

namespace fixtures {

/// The lines of a plain or gzip file (zlib reads both), without the "\n".
core::Result<std::vector<std::string>> read_lines(const std::string& path);
/// The whole of a plain or gzip file.
core::Result<std::string> read_all(const std::string& path);

/// "1618678132.9496498" -> 1618678132949650: µs, rounded half up on the 7th decimal.
core::Result<std::int64_t> seconds_to_us(std::string_view seconds);

/// One hftbacktest line; `ns` says whether its time is in ns (else µs). The frame becomes
/// src "binance.ws"; a REST depth snapshot line (`{"lastUpdateId":...`) becomes "binance.rest"
/// with `snapshot_req` as its request.
core::Result<sim::replay::Record> parse_hftbacktest(std::string_view line, bool ns,
                                                    const std::string& snapshot_req);

/// One cryptofeed v1 line for exchange `ws_src` ("binance.ws"; sent frames get ".sent", REST
/// bodies `rest_src`). Connect and configuration lines yield no Record (false).
core::Result<bool> parse_cryptofeed_v1(std::string_view line, const std::string& ws_src,
                                       const std::string& rest_src, sim::replay::Record& out);

/// One cryptofeed v3 JSON line: "recv" -> `ws_src`, "send" -> `ws_src`.sent, "http" ->
/// `rest_src` (req "GET <url>"); header and connect lines yield false.
core::Result<bool> parse_cryptofeed_v3(std::string_view line, const std::string& ws_src,
                                       const std::string& rest_src, sim::replay::Record& out);

}  // namespace fixtures
