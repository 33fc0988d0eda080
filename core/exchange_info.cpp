#include "core/exchange_info.h"

#include <nlohmann/json.hpp>

namespace core {
namespace {

using Json = nlohmann::ordered_json;

/// Reads fields of one filter object; the first failure is kept and named.
class FieldReader {
 public:
  FieldReader(const Json& obj, std::string_view type) : obj_(obj), type_(type) {}

  Decimal dec(const char* key) {
    const auto it = obj_.find(key);
    if (it == obj_.end() || !it->is_string()) {
      fail(key, "a decimal string");
      return {};
    }
    auto d = Decimal::parse(it->get_ref<const std::string&>());
    if (!d) fail(key, "a decimal string");
    return d ? *d : Decimal{};
  }
  bool boolean(const char* key, bool fallback) {
    const auto it = obj_.find(key);
    if (it == obj_.end()) return fallback;
    if (!it->is_boolean()) fail(key, "a boolean");
    return it->is_boolean() && it->get<bool>();
  }
  std::int64_t integer(const char* key, std::int64_t fallback) {
    const auto it = obj_.find(key);
    if (it == obj_.end()) return fallback;
    if (!it->is_number_integer()) fail(key, "an integer");
    return it->is_number_integer() ? it->get<std::int64_t>() : fallback;
  }
  const Status& status() const { return status_; }

 private:
  void fail(const char* key, const char* what) {
    if (status_.is_ok()) {
      status_ = make_error(Errc::kProtocol, "filter {}: field '{}' is not {}", type_, key, what);
    }
  }

  const Json& obj_;
  std::string_view type_;
  Status status_;
};

LotSizeFilter read_lot(FieldReader& r) {
  return LotSizeFilter{r.dec("minQty"), r.dec("maxQty"), r.dec("stepSize")};
}

NotionalFilter read_legacy_notional(FieldReader& r) {
  NotionalFilter f;
  f.min_notional = r.dec("minNotional");
  f.apply_min_to_market = r.boolean("applyToMarket", true);
  f.avg_price_mins = static_cast<int>(r.integer("avgPriceMins", 5));
  return f;
}

NotionalFilter read_notional(FieldReader& r) {
  NotionalFilter f;
  f.min_notional = r.dec("minNotional");
  f.apply_min_to_market = r.boolean("applyMinToMarket", true);
  f.max_notional = r.dec("maxNotional");
  f.apply_max_to_market = r.boolean("applyMaxToMarket", false);
  f.avg_price_mins = static_cast<int>(r.integer("avgPriceMins", 5));
  return f;
}

PercentPriceBySideFilter read_percent_price(FieldReader& r, bool by_side) {
  PercentPriceBySideFilter f;
  if (by_side) {
    f.bid_multiplier_up = r.dec("bidMultiplierUp");
    f.bid_multiplier_down = r.dec("bidMultiplierDown");
    f.ask_multiplier_up = r.dec("askMultiplierUp");
    f.ask_multiplier_down = r.dec("askMultiplierDown");
  } else {
    f.bid_multiplier_up = f.ask_multiplier_up = r.dec("multiplierUp");
    f.bid_multiplier_down = f.ask_multiplier_down = r.dec("multiplierDown");
  }
  f.avg_price_mins = static_cast<int>(r.integer("avgPriceMins", 5));
  return f;
}

/// Legacy filters fill a slot only when the new one has not (and later will not) fill it.
void read_filter(const std::string& type, SymbolFilters& out, FieldReader& r, bool& legacy_notional,
                 bool& legacy_percent) {
  if (type == "PRICE_FILTER") {
    out.price = PriceFilter{r.dec("minPrice"), r.dec("maxPrice"), r.dec("tickSize")};
  } else if (type == "LOT_SIZE") {
    out.lot_size = read_lot(r);
  } else if (type == "MARKET_LOT_SIZE") {
    out.market_lot_size = read_lot(r);
  } else if (type == "NOTIONAL") {
    out.notional = read_notional(r);
    legacy_notional = false;
  } else if (type == "MIN_NOTIONAL" && (!out.notional || legacy_notional)) {
    out.notional = read_legacy_notional(r);
    legacy_notional = true;
  } else if (type == "PERCENT_PRICE_BY_SIDE") {
    out.percent_price_by_side = read_percent_price(r, true);
    legacy_percent = false;
  } else if (type == "PERCENT_PRICE" && (!out.percent_price_by_side || legacy_percent)) {
    out.percent_price_by_side = read_percent_price(r, false);
    legacy_percent = true;
  } else if (type == "MAX_NUM_ORDERS") {
    out.max_num_orders = r.integer("maxNumOrders", 0);
  }
}

Json modern_filter(const Json& f) {
  const auto type = f.value("filterType", std::string());
  if (type == "MIN_NOTIONAL") {
    return Json{{"filterType", "NOTIONAL"},
                {"minNotional", f.at("minNotional")},
                {"applyMinToMarket", f.value("applyToMarket", true)},
                {"maxNotional", std::string(kLegacyMaxNotional)},
                {"applyMaxToMarket", false},
                {"avgPriceMins", f.value("avgPriceMins", 5)}};
  }
  if (type == "PERCENT_PRICE") {
    return Json{{"filterType", "PERCENT_PRICE_BY_SIDE"},
                {"bidMultiplierUp", f.at("multiplierUp")},
                {"bidMultiplierDown", f.at("multiplierDown")},
                {"askMultiplierUp", f.at("multiplierUp")},
                {"askMultiplierDown", f.at("multiplierDown")},
                {"avgPriceMins", f.value("avgPriceMins", 5)}};
  }
  return f;
}

}  // namespace

Result<SymbolFilters> parse_symbol_filters(const Json& filters) {
  if (!filters.is_array()) return make_error(Errc::kProtocol, "filters is not an array");
  SymbolFilters out;
  bool legacy_notional = false;
  bool legacy_percent = false;
  for (const auto& obj : filters) {
    const auto type_it = obj.find("filterType");
    if (!obj.is_object() || type_it == obj.end() || !type_it->is_string()) {
      return make_error(Errc::kProtocol, "a filter has no filterType string");
    }
    const auto& type = type_it->get_ref<const std::string&>();
    FieldReader reader(obj, type);
    read_filter(type, out, reader, legacy_notional, legacy_percent);
    if (!reader.status()) return reader.status();
  }
  return out;
}

Result<SymbolInfo> parse_symbol_info(const Json& symbol) {
  SymbolInfo info;
  try {
    info.symbol = symbol.at("symbol").get<std::string>();
    info.status = symbol.value("status", std::string("TRADING"));
    info.base_asset = symbol.at("baseAsset").get<std::string>();
    info.quote_asset = symbol.at("quoteAsset").get<std::string>();
    info.base_asset_precision = symbol.value("baseAssetPrecision", 8);
    info.quote_asset_precision = symbol.value("quoteAssetPrecision", 8);
  } catch (const nlohmann::json::exception& e) {
    return make_error(Errc::kProtocol, "exchangeInfo symbol: {}", e.what());
  }
  auto filters = parse_symbol_filters(symbol.value("filters", Json::array()));
  if (!filters) {
    return make_error(Errc::kProtocol, "symbol {}: {}", info.symbol, filters.status().message);
  }
  info.filters = std::move(*filters);
  return info;
}

Result<std::vector<SymbolInfo>> parse_exchange_info(const Json& info) {
  const auto it = info.find("symbols");
  if (it == info.end() || !it->is_array()) {
    return make_error(Errc::kProtocol, "exchangeInfo has no symbols array");
  }
  std::vector<SymbolInfo> out;
  out.reserve(it->size());
  for (const auto& s : *it) {
    auto parsed = parse_symbol_info(s);
    if (!parsed) return parsed.status();
    out.push_back(std::move(*parsed));
  }
  return out;
}

Result<std::vector<SymbolInfo>> parse_exchange_info_text(std::string_view json_text) {
  auto doc = Json::parse(json_text, nullptr, false);
  if (doc.is_discarded()) return make_error(Errc::kProtocol, "exchangeInfo is not valid JSON");
  return parse_exchange_info(doc);
}

namespace {

std::int64_t interval_ms(const std::string& interval) {
  if (interval == "SECOND") return 1000;
  if (interval == "MINUTE") return 60'000;
  if (interval == "HOUR") return 3'600'000;
  if (interval == "DAY") return 86'400'000;
  return 0;
}

}  // namespace

Result<std::vector<ExchangeRateLimit>> parse_rate_limits_text(std::string_view json_text) {
  const auto doc = Json::parse(json_text, nullptr, false);
  if (doc.is_discarded()) return make_error(Errc::kProtocol, "exchangeInfo is not valid JSON");
  const auto it = doc.is_object() ? doc.find("rateLimits") : doc.end();
  if (it == doc.end() || !it->is_array())
    return make_error(Errc::kProtocol, "exchangeInfo has no rateLimits array");
  std::vector<ExchangeRateLimit> out;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const Json& e = (*it)[i];
    const auto field = [&](const char* key) { return e.is_object() ? e.find(key) : e.end(); };
    const auto type = field("rateLimitType"), interval = field("interval");
    const auto num = field("intervalNum"), limit = field("limit");
    const char* bad = type == e.end() || !type->is_string()             ? "rateLimitType"
                      : interval == e.end() || !interval->is_string()   ? "interval"
                      : num == e.end() || !num->is_number_integer()     ? "intervalNum"
                      : limit == e.end() || !limit->is_number_integer() ? "limit"
                                                                        : nullptr;
    const std::int64_t unit = bad ? 0 : interval_ms(interval->get<std::string>());
    if (!bad && unit == 0) bad = "interval";
    if (!bad && num->get<std::int64_t>() < 1) bad = "intervalNum";
    if (!bad && limit->get<std::int64_t>() < 1) bad = "limit";
    if (bad)
      return make_error(Errc::kProtocol, "exchangeInfo rateLimits[{}]: bad or missing {}", i, bad);
    out.push_back(
        {type->get<std::string>(), unit * num->get<std::int64_t>(), limit->get<std::int64_t>()});
  }
  return out;
}

Result<Json> modernize_exchange_info(const Json& info) {
  if (!info.contains("symbols") || !info.at("symbols").is_array()) {
    return make_error(Errc::kProtocol, "exchangeInfo has no symbols array");
  }
  Json out = info;
  for (auto& symbol : out.at("symbols")) {
    auto it = symbol.find("filters");
    if (it == symbol.end() || !it->is_array()) continue;
    try {
      for (auto& f : *it) f = modern_filter(f);
    } catch (const nlohmann::json::exception& e) {
      return make_error(Errc::kProtocol, "symbol {}: legacy filter: {}",
                        symbol.value("symbol", std::string("?")), e.what());
    }
  }
  return out;
}

}  // namespace core
