// MockExchange's Binance market-data feed: recorded combined-stream frames go to websocket
// subscribers verbatim, into MarketData (trades, klines, best bid/ask) and into the model's
// book; streams the recording lacks (aggTrade, kline_1m, ticker, miniTicker) are derived
// from its trades, paced by the trades' event time like Binance's 1 s / 2 s updates.
//
// The recorded book: bookTicker levels until the symbol's first depth snapshot
// (`binance.rest` GET /api/v3/depth), then the snapshot plus the depth diffs with
// u > lastUpdateId, so GET /api/v3/depth and the diff stream share one U/u sequence.
#include <algorithm>
#include <cctype>
#include <charconv>

#include <simdjson.h>

#include "sim/mockex/detail/server_impl.h"
#include "sim/mockex/market_responses.h"

namespace sim::mockex {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::optional<Decimal> dec(const FlatJson& j, std::string_view key) {
  const auto text = j.get(key);
  if (!text) return std::nullopt;
  auto d = Decimal::parse(*text);
  return d ? std::optional<Decimal>(*d) : std::nullopt;
}

/// The stream name of a frame that starts `{"stream":"<name>",` (how every recorder writes
/// it), found without parsing the frame; empty otherwise.
std::string_view stream_of(std::string_view msg) {
  constexpr std::string_view kStream = R"({"stream":")";
  if (!msg.starts_with(kStream)) return {};
  const auto end = msg.find('"', kStream.size());
  if (end == std::string_view::npos) return {};
  const auto name = msg.substr(kStream.size(), end - kStream.size());
  return name.find('\\') == std::string_view::npos ? name : std::string_view{};
}

template <typename T>
std::optional<T> num(const FlatJson& j, std::string_view key) {
  const auto text = j.get(key);
  T value{};
  if (!text || std::from_chars(text->data(), text->data() + text->size(), value).ptr !=
                   text->data() + text->size())
    return std::nullopt;
  return value;
}

/// The `data` text of `{"stream":"..","data":<payload>}` exactly as recorded.
std::string_view payload_of(std::string_view msg) {
  constexpr std::string_view kData = R"(,"data":)";
  const auto at = msg.find(kData);
  if (at == std::string_view::npos || msg.empty() || msg.back() != '}') return {};
  return msg.substr(at + kData.size(), msg.size() - at - kData.size() - 1);
}

}  // namespace

FlatJson::FlatJson(std::string_view t) : text(t) {
  // Plain loops: string_view::find_first_of calls memchr once per character of the text.
  if (text.size() < 2 || text.front() != '{' || text.back() != '}' ||
      std::any_of(text.begin() + 1, text.end(),
                  [](char c) { return c == '{' || c == '[' || c == '\\'; }))
    return;
  // `"key":value` pairs split by commas; a value is "text" or runs to the next , or }.
  for (std::size_t at = 1; at + 1 < text.size(); ++at) {
    if (text[at] != '"' || size == kMaxMembers) return;
    const std::size_t key_end = text.find('"', at + 1);
    if (key_end == std::string_view::npos || text[key_end + 1] != ':') return;
    const std::string_view key = text.substr(at + 1, key_end - at - 1);
    std::size_t value_at = key_end + 2;
    std::size_t value_end = 0;
    std::string_view value;
    if (value_at < text.size() && text[value_at] == '"') {
      value_end = text.find('"', value_at + 1);
      if (value_end == std::string_view::npos) return;
      value = text.substr(value_at + 1, value_end - value_at - 1);
      ++value_end;
    } else {
      value_end = value_at;
      while (text[value_end] != ',' && text[value_end] != '}') ++value_end;
      value = text.substr(value_at, value_end - value_at);
    }
    members[size++] = {key, value};
    at = value_end;
    if (text[at] != ',' && at + 1 != text.size()) return;
  }
  flat = true;
}

std::optional<std::string_view> FlatJson::get(std::string_view key) const {
  for (std::size_t i = 0; i < size; ++i)
    if (members[i].first == key) return members[i].second;
  return std::nullopt;
}

void MockExchange::Impl::on_record(const replay::Record& record) {
  if (record.src == "coinbase.ws") return coinbase.on_frame(record.msg);
  if (record.src == "kraken.ws.v1") return kraken.on_v1_frame(record.msg);
  if (record.src == "binance.rest") {
    const auto at = record.req.find("/api/v3/depth?");
    if (at == std::string::npos) return;
    const std::string query = record.req.substr(record.req.find('?', at) + 1);
    for (const auto& [k, v] : parse_form(query))
      if (k == "symbol" && model.symbol_info(v) != nullptr)
        on_depth_snapshot(v, nlohmann::json::parse(record.msg, nullptr, false));
    return;
  }
  const std::string_view stream = stream_of(record.msg);
  const std::string_view payload = payload_of(record.msg);
  if (!stream.empty() && !payload.empty()) return on_binance_frame(stream, payload);
  const auto msg = nlohmann::json::parse(record.msg, nullptr, false);
  if (msg.is_discarded() || !msg.is_object()) return;
  if (msg.contains("stream") && msg["stream"].is_string() && msg.contains("data")) {
    on_binance_frame(msg["stream"].get<std::string>(), msg["data"].dump());
  }
}

void MockExchange::Impl::on_binance_frame(std::string_view stream, std::string_view payload) {
  if (!recorded_streams.contains(stream)) recorded_streams.emplace(stream);
  hub.publish(stream, payload);
  const auto at = stream.find('@');
  if (at == std::string_view::npos) return;
  const std::string_view kind = stream.substr(at + 1);
  if (kind.starts_with("depth@"))
    hub.publish(std::string(stream.substr(0, at)) + "@depth", payload);
  else if (kind == "depth")
    hub.publish(std::string(stream) + "@100ms", payload);

  const bool known = kind == "trade" || kind == "aggTrade" || kind == "bookTicker" ||
                     kind == "depth" || kind.starts_with("depth@");
  if (!known) return;
  if (kind == "trade" || kind == "aggTrade" || kind == "bookTicker") {
    const FlatJson flat(payload);
    const auto symbol = flat.get("s");
    if (!flat.flat || !symbol || model.symbol_info(std::string(*symbol)) == nullptr) return;
    if (kind == "bookTicker") return on_book_ticker_frame(std::string(*symbol), flat);
    return on_trade_frame(std::string(*symbol), kind, flat);
  }
  on_depth_frame(payload);
}

void MockExchange::Impl::on_trade_frame(const std::string& symbol, std::string_view kind,
                                        const FlatJson& data) {
  const auto price = dec(data, "p");
  const auto qty = dec(data, "q");
  const auto id = num<std::uint64_t>(data, kind == "trade" ? "t" : "a");
  const auto time_ms = num<std::int64_t>(data, "T");
  if (!price || !qty || !id || !time_ms) return;
  TradeTick t{*id, *price, *qty, *time_ms, data.get("m") == "true"};
  market.on_trade(symbol, t);
  model.apply_trade(symbol, *price, *qty, t.buyer_maker ? Side::kSell : Side::kBuy, now_ms());
  drain_model_events();
  publish_derived(symbol, t, num<std::int64_t>(data, "E").value_or(t.time_ms));
}

void MockExchange::Impl::publish_derived(const std::string& symbol, const TradeTick& t,
                                         std::int64_t event_ms) {
  FeedSymbol& fs = feed_symbols[symbol];
  if (fs.agg_trade_stream.empty()) {
    const std::string prefix = lower(symbol) + "@";
    fs.agg_trade_stream = prefix + "aggTrade";
    fs.kline_stream = prefix + "kline_1m";
    fs.ticker_stream = prefix + "ticker";
    fs.mini_ticker_stream = prefix + "miniTicker";
  }
  if (!recorded_streams.contains(fs.agg_trade_stream) && hub.has_subscribers(fs.agg_trade_stream))
    hub.publish(fs.agg_trade_stream, ws_agg_trade(symbol, t, event_ms));

  const SymbolMarket* m = market.get(symbol);
  const Kline& kline = m->klines.rbegin()->second;
  const std::string& kline_stream = fs.kline_stream;
  const bool new_kline = fs.kline_open_ms != kline.open_ms;
  if (!recorded_streams.contains(kline_stream) && hub.has_subscribers(kline_stream)) {
    if (new_kline && fs.kline_open_ms) {
      const auto prev = m->klines.find(*fs.kline_open_ms);
      if (prev != m->klines.end())
        hub.publish(kline_stream, ws_kline(symbol, prev->second, true, event_ms));
    }
    if (new_kline || event_ms - fs.kline_sent_ms >= 2000) {
      hub.publish(kline_stream, ws_kline(symbol, kline, false, event_ms));
      fs.kline_sent_ms = event_ms;
    }
  }
  fs.kline_open_ms = kline.open_ms;

  if (event_ms - fs.ticker_sent_ms < 1000) return;
  const bool full = hub.has_subscribers(fs.ticker_stream);
  const bool mini = hub.has_subscribers(fs.mini_ticker_stream);
  if (!full && !mini) return;
  const auto stats = market.stats(symbol, 24LL * 3600 * 1000);
  if (full) hub.publish(fs.ticker_stream, ws_ticker(symbol, m, *stats, false, event_ms));
  if (mini) hub.publish(fs.mini_ticker_stream, ws_ticker(symbol, m, *stats, true, event_ms));
  fs.ticker_sent_ms = event_ms;
}

void MockExchange::Impl::on_book_ticker_frame(const std::string& symbol, const FlatJson& data) {
  const auto bid = dec(data, "b");
  const auto bid_qty = dec(data, "B");
  const auto ask = dec(data, "a");
  const auto ask_qty = dec(data, "A");
  if (!bid || !bid_qty || !ask || !ask_qty) return;
  market.on_book_ticker(symbol, *bid, *bid_qty, *ask, *ask_qty);
  FeedSymbol& fs = feed_symbols[symbol];
  if (fs.depth_synced) return;
  if (const auto u = num<std::uint64_t>(data, "u")) market.set_update_id(symbol, *u);
  model.apply_book_ticker(symbol, *bid, *bid_qty, *ask, *ask_qty, now_ms());
  drain_model_events();
}

void MockExchange::Impl::on_depth_snapshot(const std::string& symbol, const nlohmann::json& body) {
  if (!body.is_object() || !body.contains("lastUpdateId")) return;
  const std::int64_t now = now_ms();
  // Whatever recorded liquidity the book holds (bookTicker levels, an older snapshot) goes.
  for (const Side side : {Side::kBuy, Side::kSell})
    for (const auto& [price, qty] : model.book(symbol)->depth(side, SIZE_MAX))
      model.apply_depth_level(symbol, side, price, Decimal{}, now);
  for (const auto& [key, side] : {std::pair{"bids", Side::kBuy}, std::pair{"asks", Side::kSell}}) {
    for (const auto& level : body.value(key, nlohmann::json::array())) {
      const auto price = Decimal::parse(level[0].get<std::string>());
      const auto qty = Decimal::parse(level[1].get<std::string>());
      if (price && qty) model.apply_depth_level(symbol, side, *price, *qty, now);
    }
  }
  market.set_update_id(symbol, body["lastUpdateId"].get<std::uint64_t>());
  feed_symbols[symbol].depth_synced = true;
  drain_model_events();
}

void MockExchange::Impl::on_depth_frame(std::string_view payload) {
  // simdjson, not nlohmann: depth diffs are most of a recording's bytes, and a DOM of
  // allocated nodes per frame was a quarter of mockex's CPU at max replay speed.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object data;
  std::string_view symbol;
  std::uint64_t u = 0;
  if (parser.parse(payload.data(), payload.size()).get(data) != simdjson::SUCCESS ||
      data["s"].get(symbol) != simdjson::SUCCESS || data["u"].get(u) != simdjson::SUCCESS)
    return;
  const std::string name(symbol);
  if (model.symbol_info(name) == nullptr || !feed_symbols[name].depth_synced) return;
  if (u <= market.get(name)->update_id) return;  // already in the snapshot
  const std::int64_t now = now_ms();
  for (const auto& [key, side] : {std::pair{"b", Side::kBuy}, std::pair{"a", Side::kSell}}) {
    simdjson::dom::array levels;
    if (data[key].get(levels) != simdjson::SUCCESS) continue;
    for (const simdjson::dom::element level : levels) {
      std::string_view price_text, qty_text;
      if (level.at(0).get(price_text) != simdjson::SUCCESS ||
          level.at(1).get(qty_text) != simdjson::SUCCESS)
        continue;
      const auto price = Decimal::parse(price_text);
      const auto qty = Decimal::parse(qty_text);
      if (price && qty) model.apply_depth_level(name, side, *price, *qty, now);
    }
  }
  market.set_update_id(name, u);
  drain_model_events();
}

}  // namespace sim::mockex
