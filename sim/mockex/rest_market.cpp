// Public market-data endpoints of MockExchange (PROTOCOLS.md 1.2).
#include <charconv>

#include "sim/mockex/detail/server_impl.h"
#include "sim/mockex/market_responses.h"
#include "sim/mockex/signing.h"

namespace sim::mockex {
namespace {

constexpr std::int64_t k24hMs = 24LL * 3600 * 1000;
constexpr std::int64_t k5MinMs = 5LL * 60 * 1000;

/// `name` as an integer in [1, max], `fallback` when absent; -1100-style -1102 when malformed.
Reply<std::int64_t> int_param(const RequestParams& p, std::string_view name, std::int64_t fallback,
                              std::int64_t max) {
  const auto text = p.get(name);
  if (!text) return fallback;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < 1)
    return mandatory_param(name);
  return std::min(v, max);
}

std::optional<std::int64_t> opt_time(const RequestParams& p, std::string_view name) {
  const auto text = p.get(name);
  if (!text) return std::nullopt;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc()) return std::nullopt;
  return v > 100'000'000'000'000 ? v / 1000 : v;  // µs accepted too
}

/// One object for a single `symbol=`, else an array over the symbols.
template <typename Fn>
RestAnswer per_symbol(const RequestParams& p, const Reply<std::vector<std::string>>& symbols,
                      Fn encode) {
  if (const auto* e = std::get_if<BinanceError>(&symbols)) return error_answer(*e);
  const auto& list = std::get<std::vector<std::string>>(symbols);
  if (p.has("symbol")) return {200, encode(list.front()), std::nullopt};
  std::string out = "[";
  for (const auto& s : list) {
    if (out.size() > 1) out.push_back(',');
    out += encode(s);
  }
  out.push_back(']');
  return {200, out, std::nullopt};
}

}  // namespace

RestAnswer MockExchange::Impl::ping(const RequestParams&, const std::string&) {
  return {200, "{}", std::nullopt};
}

RestAnswer MockExchange::Impl::time(const RequestParams&, const std::string&) {
  return {200, R"({"serverTime":)" + std::to_string(now_ms()) + "}", std::nullopt};
}

RestAnswer MockExchange::Impl::exchange_info_answer(const RequestParams& p, const std::string&) {
  const auto symbols = read_symbols(p);
  if (const auto* e = std::get_if<BinanceError>(&symbols)) return error_answer(*e);
  nlohmann::ordered_json out = exchange_info;
  out["serverTime"] = now_ms();
  if (p.has("symbol") || p.has("symbols")) {
    nlohmann::ordered_json picked = nlohmann::ordered_json::array();
    for (const auto& want : std::get<std::vector<std::string>>(symbols))
      for (const auto& s : exchange_info["symbols"])
        if (s["symbol"] == want) picked.push_back(s);
    out["symbols"] = std::move(picked);
  }
  return {200, out.dump(), std::nullopt};
}

RestAnswer MockExchange::Impl::depth(const RequestParams& p, const std::string&) {
  std::string symbol;
  if (auto e = read_symbol(p, symbol)) return error_answer(*e);
  const auto limit = int_param(p, "limit", 100, 5000);
  if (const auto* e = std::get_if<BinanceError>(&limit)) return error_answer(*e);
  const auto n = static_cast<std::size_t>(std::get<std::int64_t>(limit));
  const OrderBook* book = model.book(symbol);
  const SymbolMarket* m = market.get(symbol);
  return {
      200,
      encode_depth(m ? m->update_id : 0, book->depth(Side::kBuy, n), book->depth(Side::kSell, n)),
      std::nullopt};
}

RestAnswer MockExchange::Impl::trades(const RequestParams& p, const std::string&) {
  std::string symbol;
  if (auto e = read_symbol(p, symbol)) return error_answer(*e);
  const auto limit = int_param(p, "limit", 500, 1000);
  if (const auto* e = std::get_if<BinanceError>(&limit)) return error_answer(*e);
  return {200, encode_trades(market.get(symbol), std::get<std::int64_t>(limit)), std::nullopt};
}

RestAnswer MockExchange::Impl::agg_trades(const RequestParams& p, const std::string&) {
  std::string symbol;
  if (auto e = read_symbol(p, symbol)) return error_answer(*e);
  const auto limit = int_param(p, "limit", 500, 1000);
  if (const auto* e = std::get_if<BinanceError>(&limit)) return error_answer(*e);
  return {200, encode_agg_trades(market.get(symbol), std::get<std::int64_t>(limit)), std::nullopt};
}

RestAnswer MockExchange::Impl::klines(const RequestParams& p, const std::string&) {
  std::string symbol;
  if (auto e = read_symbol(p, symbol)) return error_answer(*e);
  const auto interval = p.get("interval");
  if (!interval) return error_answer(mandatory_param("interval"));
  const auto interval_ms = kline_interval_ms(*interval);
  if (!interval_ms) return error_answer({400, -1120, "Invalid interval."});
  const auto limit = int_param(p, "limit", 500, 1000);
  if (const auto* e = std::get_if<BinanceError>(&limit)) return error_answer(*e);
  return {200,
          encode_klines(market.get(symbol), *interval_ms, opt_time(p, "startTime"),
                        opt_time(p, "endTime"), std::get<std::int64_t>(limit)),
          std::nullopt};
}

RestAnswer MockExchange::Impl::avg_price(const RequestParams& p, const std::string&) {
  std::string symbol;
  if (auto e = read_symbol(p, symbol)) return error_answer(*e);
  return {200, encode_avg_price(market.stats(symbol, k5MinMs)), std::nullopt};
}

RestAnswer MockExchange::Impl::ticker_price(const RequestParams& p, const std::string&) {
  return per_symbol(p, read_symbols(p),
                    [&](const std::string& s) { return encode_ticker_price(s, market.get(s)); });
}

RestAnswer MockExchange::Impl::book_ticker(const RequestParams& p, const std::string&) {
  return per_symbol(p, read_symbols(p),
                    [&](const std::string& s) { return encode_book_ticker(s, market.get(s)); });
}

RestAnswer MockExchange::Impl::ticker_24hr(const RequestParams& p, const std::string&) {
  const bool mini = p.get("type") == "MINI";
  return per_symbol(p, read_symbols(p), [&](const std::string& s) {
    return encode_ticker_24hr(s, market.get(s), market.stats(s, k24hMs), mini);
  });
}

}  // namespace sim::mockex
