#include "gateway/feed/feed_protocol.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "core/json_text.h"
#include "gateway/exchanges/binance/binance_codec.h"
#include "gateway/exchanges/coinbase/coinbase_codec.h"
#include "gateway/exchanges/coinbase/coinbase_rest.h"
#include "gateway/exchanges/kraken/kraken_codec.h"
#include "gateway/exchanges/kraken/kraken_rest.h"

namespace gateway::feed {

namespace {

CodecStats sum(const CodecStats& a, const CodecStats& b) {
  CodecStats out = a;
  out.frames_ok += b.frames_ok;
  out.frames_ignored += b.frames_ignored;
  for (std::size_t i = 0; i < kMalformedReasonCount; ++i)
    out.frames_malformed[i] += b.frames_malformed[i];
  out.ticks += b.ticks;
  return out;
}

/// `[..symbols..]` as a JSON array of strings.
std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    core::json::append_string(out, item);
  }
  return out + "]";
}

class BinanceProtocol final : public FeedProtocol {
 public:
  explicit BinanceProtocol(std::vector<std::string> symbols) : symbols_(std::move(symbols)) {}

  std::string ws_url(std::string_view base) const override {
    std::string url(base);
    url += "/stream?streams=";
    for (std::size_t i = 0; i < symbols_.size(); ++i) {
      std::string lower = symbols_[i];
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      url += (i == 0 ? "" : "/") + lower + "@trade/" + lower + "@bookTicker";
    }
    return url;
  }
  std::vector<std::string> subscribe_messages() const override { return {}; }
  DecodeResult decode_frame(std::string_view frame, std::int64_t ts_recv_us,
                            const TickSink& out) override {
    return codec_.decode(frame, ts_recv_us, out);
  }
  std::vector<RestRequest> rest_requests() const override {
    std::vector<RestRequest> out;
    for (const auto& s : symbols_) out.push_back({"/api/v3/ticker/24hr?symbol=" + s, 2, s});
    return out;
  }
  DecodeResult decode_rest(const RestRequest&, std::string_view body, std::int64_t ts_recv_us,
                           const TickSink& out) override {
    return codec_.decode_rest_ticker_24hr(body, ts_recv_us, out);
  }
  CodecStats stats() const override { return codec_.stats(); }
  bool trade_ids_sequential() const override { return true; }

 private:
  std::vector<std::string> symbols_;
  binance::BinanceCodec codec_;
};

class CoinbaseProtocol final : public FeedProtocol {
 public:
  explicit CoinbaseProtocol(std::vector<std::string> symbols) : symbols_(std::move(symbols)) {}

  std::string ws_url(std::string_view base) const override { return std::string(base); }
  std::vector<std::string> subscribe_messages() const override {
    std::vector<std::string> out;
    for (const char* channel : {"market_trades", "ticker", "heartbeats"}) {
      out.push_back(R"({"type":"subscribe","product_ids":)" + json_list(symbols_) +
                    R"(,"channel":")" + channel + R"("})");
    }
    return out;
  }
  DecodeResult decode_frame(std::string_view frame, std::int64_t ts_recv_us,
                            const TickSink& out) override {
    return codec_.decode(frame, ts_recv_us, out);
  }
  std::vector<RestRequest> rest_requests() const override {
    std::vector<RestRequest> out;
    for (const auto& s : symbols_)
      out.push_back({"/api/v3/brokerage/market/products/" + s + "/ticker?limit=1", 1, s});
    return out;
  }
  DecodeResult decode_rest(const RestRequest& request, std::string_view body,
                           std::int64_t ts_recv_us, const TickSink& out) override {
    return rest_.decode_ticker(request.symbol, body, ts_recv_us, out);
  }
  CodecStats stats() const override { return sum(codec_.stats(), rest_.stats()); }
  std::optional<std::uint64_t> frame_sequence(std::string_view frame) const override {
    // The envelope's counter, found by text: the codec does not hand it over for frames without
    // ticks (heartbeats, subscriptions), and those count too.
    constexpr std::string_view kKey = R"("sequence_num":)";
    const auto at = frame.find(kKey);
    if (at == std::string_view::npos) return std::nullopt;
    const char* begin = frame.data() + at + kKey.size();
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(begin, frame.data() + frame.size(), value);
    if (ec != std::errc() || end == begin) return std::nullopt;
    return value;
  }

 private:
  std::vector<std::string> symbols_;
  coinbase::CoinbaseCodec codec_;
  coinbase::CoinbaseRestCodec rest_;
};

class KrakenProtocol final : public FeedProtocol {
 public:
  explicit KrakenProtocol(std::vector<std::string> symbols) : symbols_(std::move(symbols)) {}

  std::string ws_url(std::string_view base) const override { return std::string(base); }
  std::vector<std::string> subscribe_messages() const override {
    std::vector<std::string> pairs;
    for (const auto& s : symbols_) pairs.push_back(kraken_v2_pair(s));
    std::vector<std::string> out;
    int req_id = 1;
    for (const char* channel : {"trade", "ticker"}) {
      out.push_back(R"({"method":"subscribe","params":{"channel":")" + std::string(channel) +
                    R"(","symbol":)" + json_list(pairs) + R"(},"req_id":)" +
                    std::to_string(req_id++) + "}");
    }
    return out;
  }
  DecodeResult decode_frame(std::string_view frame, std::int64_t ts_recv_us,
                            const TickSink& out) override {
    return codec_.decode(frame, ts_recv_us, out);
  }
  std::vector<RestRequest> rest_requests() const override {
    std::vector<RestRequest> out;
    for (const auto& s : symbols_) {
      std::string pair = s;
      std::erase(pair, '/');
      out.push_back({"/0/public/Ticker?pair=" + pair, 1, s});
    }
    return out;
  }
  DecodeResult decode_rest(const RestRequest& request, std::string_view body,
                           std::int64_t ts_recv_us, const TickSink& out) override {
    std::string native;
    if (!kraken::native_symbol(kraken_v2_pair(request.symbol), native)) native = request.symbol;
    return rest_.decode_ticker(native, body, ts_recv_us, out);
  }
  CodecStats stats() const override { return sum(codec_.stats(), rest_.stats()); }
  bool trade_ids_sequential() const override { return true; }

 private:
  std::vector<std::string> symbols_;
  kraken::KrakenCodec codec_;
  kraken::KrakenRestCodec rest_;
};

std::string v2_asset(std::string_view asset) {
  if (asset == "XBT") return "BTC";
  if (asset == "XDG") return "DOGE";
  return std::string(asset);
}

}  // namespace

std::string kraken_v2_pair(std::string_view native) {
  if (const auto slash = native.find('/'); slash != std::string_view::npos)
    return v2_asset(native.substr(0, slash)) + "/" + v2_asset(native.substr(slash + 1));
  static constexpr std::array<std::string_view, 13> kQuotes = {
      "USDT", "USDC", "DAI", "USD", "EUR", "GBP", "CHF", "JPY", "CAD", "AUD", "XBT", "ETH", "DOT"};
  for (const std::string_view quote : kQuotes) {
    if (native.size() > quote.size() && native.ends_with(quote)) {
      const std::string_view base = native.substr(0, native.size() - quote.size());
      return v2_asset(base) + "/" + v2_asset(quote);
    }
  }
  return std::string(native);
}

std::unique_ptr<FeedProtocol> make_feed_protocol(core::Exchange exchange,
                                                 std::vector<std::string> symbols) {
  switch (exchange) {
    case core::Exchange::kBinance:
      return std::make_unique<BinanceProtocol>(std::move(symbols));
    case core::Exchange::kCoinbase:
      return std::make_unique<CoinbaseProtocol>(std::move(symbols));
    case core::Exchange::kKraken:
      return std::make_unique<KrakenProtocol>(std::move(symbols));
  }
  return nullptr;
}

}  // namespace gateway::feed
