#include "normalizer/bar_rows.h"

#include <charconv>

namespace normalizer {
namespace {

core::Result<std::string> cell(const core::QueryResult& r, std::size_t row, std::string_view name) {
  const auto at = r.column_index(name);
  if (!at || row >= r.rows.size() || *at >= r.rows[row].size()) {
    return core::make_error(core::Errc::kProtocol, "bar row {}: no column '{}'", row, name);
  }
  return r.rows[row][*at];
}

template <typename Int>
core::Result<Int> integer_cell(const core::QueryResult& r, std::size_t row, std::string_view name) {
  auto text = cell(r, row, name);
  if (!text) return text.status();
  Int v = 0;
  const auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || ptr != text->data() + text->size()) {
    return core::make_error(core::Errc::kProtocol,
                            "bar row {}: column '{}' is not an integer: '{}'", row, name, *text);
  }
  return v;
}

core::Status decimal_cell(const core::QueryResult& r, std::size_t row, std::string_view name,
                          core::Decimal& out) {
  auto text = cell(r, row, name);
  if (!text) return text.status();
  auto d = core::Decimal::parse(*text);
  if (!d) {
    return core::make_error(core::Errc::kProtocol, "bar row {}: column '{}' is not a decimal: '{}'",
                            row, name, *text);
  }
  out = *d;
  return core::Status::ok();
}

}  // namespace

core::Status append_bar_row(core::IlpBuffer& b, std::string_view table, const core::Bar& bar) {
  std::string text;
  auto decimal = [&](std::string_view name, const core::Decimal& d) {
    text.clear();
    d.append_to(text);
    return b.column_decimal(name, text);
  };
  core::Status s = b.table(table);
  if (s) s = b.symbol("exchange", core::exchange_name(bar.exchange));
  if (s) s = b.symbol("symbol", bar.symbol);
  if (s) s = decimal("open", bar.open);
  if (s) s = decimal("high", bar.high);
  if (s) s = decimal("low", bar.low);
  if (s) s = decimal("close", bar.close);
  if (s) s = decimal("volume", bar.volume);
  if (s) s = b.column_int("trades", static_cast<std::int64_t>(bar.trades));
  if (s) s = b.at(bar.ts_minute_us * 1000);
  return s;
}

std::string checkpoint_table(std::string_view table) {
  return std::string(table) + "_checkpoint";
}

core::Status append_checkpoint_row(core::IlpBuffer& b, std::string_view table,
                                   std::string_view consumer, std::uint64_t stream_seq) {
  core::Status s = b.table(checkpoint_table(table));
  if (s) s = b.symbol("consumer", consumer);
  if (s) s = b.column_int("stream_seq", static_cast<std::int64_t>(stream_seq));
  if (s) s = b.at(0);
  return s;
}

core::Result<core::Bar> bar_from_row(const core::QueryResult& r, std::size_t row) {
  core::Bar bar;
  auto time_ns = integer_cell<std::int64_t>(r, row, "time");
  if (!time_ns) return time_ns.status();
  bar.ts_minute_us = *time_ns / 1000;
  auto exchange = cell(r, row, "exchange");
  if (!exchange) return exchange.status();
  auto parsed = core::parse_exchange(*exchange);
  if (!parsed) {
    return core::make_error(core::Errc::kProtocol, "bar row {}: unknown exchange '{}'", row,
                            *exchange);
  }
  bar.exchange = *parsed;
  auto symbol = cell(r, row, "symbol");
  if (!symbol) return symbol.status();
  bar.symbol = *symbol;
  for (auto [name, field] :
       {std::pair{"open", &bar.open}, std::pair{"high", &bar.high}, std::pair{"low", &bar.low},
        std::pair{"close", &bar.close}, std::pair{"volume", &bar.volume}}) {
    if (core::Status s = decimal_cell(r, row, name, *field); !s) return s;
  }
  auto trades = integer_cell<std::uint64_t>(r, row, "trades");
  if (!trades) return trades.status();
  bar.trades = *trades;
  return bar;
}

core::Result<std::uint64_t> checkpoint_from(const core::QueryResult& r) {
  if (r.rows.empty()) return std::uint64_t{0};
  return integer_cell<std::uint64_t>(r, 0, "stream_seq");
}

core::Result<core::StoreOptions> store_options_from_write_url(std::string_view url,
                                                              std::int64_t timeout_ms) {
  constexpr std::string_view kScheme = "http://";
  const std::size_t path = url.find('/', kScheme.size());
  if (url.substr(0, kScheme.size()) != kScheme || path == std::string_view::npos ||
      path == kScheme.size()) {
    return core::make_error(core::Errc::kConfig,
                            "store.write_url '{}': expected http://HOST:PORT/write[?db=NAME]", url);
  }
  const std::string_view target = url.substr(path);
  core::StoreOptions o;
  o.url = std::string(url.substr(0, path));
  o.timeout_ms = timeout_ms;
  constexpr std::string_view kInflux = "/write?db=";
  if (target == "/write") {
    o.dialect = core::StoreDialect::kQuestDb;
  } else if (target.substr(0, kInflux.size()) == kInflux && target.size() > kInflux.size() &&
             target.find('&') == std::string_view::npos) {
    o.dialect = core::StoreDialect::kInflux;
    o.database = std::string(target.substr(kInflux.size()));
  } else {
    return core::make_error(core::Errc::kConfig,
                            "store.write_url '{}': the path must be /write (QuestDB) or "
                            "/write?db=NAME (influxdb)",
                            url);
  }
  return o;
}

}  // namespace normalizer
