/// @file normalizer/bar_rows.h
/// @brief How bars and the consumer checkpoint look in the store: ILP rows out, query rows
/// back, and the store target named by `store.write_url`. Pure functions, no I/O.
///
/// A bar is one row of `table` (default ohlcv_1m): tags exchange and symbol (QuestDB
/// SYMBOLs), fields open, high, low, close, volume as exact decimal text, trades as an
/// integer, timestamp the minute's start in ns:
/// `ohlcv_1m,exchange=binance,symbol=BTCUSDT open=1.5,...,trades=12i 1723161300000000000`.
/// The checkpoint is one row of `<table>_checkpoint` per durable consumer, at timestamp 0
/// (so every write replaces it): `ohlcv_1m_checkpoint,consumer=normalizer stream_seq=42i 0`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ilp.h"
#include "core/ports/store.h"
#include "core/status.h"
#include "core/types.h"

namespace normalizer {

core::Status append_bar_row(core::IlpBuffer& buffer, std::string_view table, const core::Bar& bar);
std::string checkpoint_table(std::string_view table);
core::Status append_checkpoint_row(core::IlpBuffer& buffer, std::string_view table,
                                   std::string_view consumer, std::uint64_t stream_seq);

/// The bar in row `row` of a query answer over the bars table. kProtocol naming the column
/// that is missing or not a number (influx answers decimals as JSON numbers: "61828" for
/// 61828.00000000, equal as a Decimal).
core::Result<core::Bar> bar_from_row(const core::QueryResult& result, std::size_t row);
/// The checkpoint in an answer over the checkpoint table; 0 when there is none.
core::Result<std::uint64_t> checkpoint_from(const core::QueryResult& result);

/// Store options from `store.write_url`: `http://host:port/write` is QuestDB;
/// `http://host:port/write?db=NAME` is influxdb 1.x, database NAME. kConfig otherwise.
core::Result<core::StoreOptions> store_options_from_write_url(std::string_view write_url,
                                                              std::int64_t timeout_ms);

}  // namespace normalizer
