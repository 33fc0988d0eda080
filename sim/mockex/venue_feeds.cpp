#include "sim/mockex/venue_feeds.h"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "core/decimal.h"
#include "core/json_text.h"
#include "sim/mockex/detail/decimal_ops.h"
#include "sim/mockex/request_params.h"

namespace sim::mockex {
namespace {

core::HttpResponse json_response(int status, std::string body) {
  return {status, {{"Content-Type", "application/json"}}, std::move(body)};
}

std::string query_value(const std::string& query, std::string_view name) {
  for (const auto& [k, v] : parse_form(query))
    if (k == name) return v;
  return {};
}

std::string strip_slash(std::string s) {
  std::erase(s, '/');
  return s;
}

/// A recorded decimal string as a JSON number with its digits; "0" when not a decimal.
std::string number(const nlohmann::json& v) {
  if (!v.is_string()) return v.dump();
  return core::Decimal::parse(v.get<std::string>()).is_ok() ? v.get<std::string>() : "0";
}

core::Decimal dec(const nlohmann::json& v) {
  auto d = core::Decimal::parse(v.is_string() ? v.get<std::string>() : v.dump());
  return d ? *d : core::Decimal{};
}

/// Kraken v1 "1618678133.123456" (seconds) -> RFC 3339.
std::string kraken_time(const std::string& seconds) {
  const auto dot = seconds.find('.');
  const std::int64_t whole = std::atoll(seconds.substr(0, dot).c_str());
  std::string frac = dot == std::string::npos ? "" : seconds.substr(dot + 1, 6);
  frac.resize(6, '0');
  return rfc3339_us(whole * 1'000'000 + std::atoll(frac.c_str()));
}

}  // namespace

std::string rfc3339_us(std::int64_t epoch_us) {
  const std::time_t secs = static_cast<std::time_t>(epoch_us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, epoch_us % 1'000'000);
}

std::string kraken_v2_symbol(const std::string& v1_pair) {
  auto rename = [](std::string asset) {
    if (asset == "XBT") return std::string("BTC");
    if (asset == "XDG") return std::string("DOGE");
    return asset;
  };
  const auto slash = v1_pair.find('/');
  if (slash == std::string::npos) return v1_pair;
  return rename(v1_pair.substr(0, slash)) + "/" + rename(v1_pair.substr(slash + 1));
}

// --- VenueSessions ---

VenueSessions::~VenueSessions() {
  for (auto& [id, s] : sessions_) s.ws->close(1001, "mockex stopping");
}

std::uint64_t VenueSessions::add(std::shared_ptr<core::WsSession> ws, OnText on_text) {
  const std::uint64_t id = next_id_++;
  std::weak_ptr<int> alive = alive_;
  ws->on_message([alive, id, on_text](const std::string& text) {
    if (!alive.expired()) on_text(id, text);
  });
  ws->on_close([this, alive, id](int, const std::string&) {
    if (!alive.expired()) sessions_.erase(id);
  });
  sessions_.emplace(id, Session{std::move(ws), {}, 0});
  return id;
}

void VenueSessions::send(std::uint64_t id, std::string text) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  ++sent_;
  (void)it->second.ws->send_text(std::move(text));
}

std::size_t VenueSessions::max_queued_bytes() const {
  std::size_t most = 0;
  for (const auto& [id, s] : sessions_) most = std::max(most, s.ws->queued_bytes());
  return most;
}

void VenueSessions::drop_all() {
  auto sessions = std::move(sessions_);
  sessions_.clear();
  for (auto& [id, s] : sessions) s.ws->close(1001, "mockex: scripted disconnect");
}

std::vector<std::uint64_t> VenueSessions::subscribers(const std::string& channel,
                                                      const std::set<std::string>& products) const {
  std::vector<std::uint64_t> out;
  for (const auto& [id, s] : sessions_) {
    const bool match = std::any_of(s.subs.begin(), s.subs.end(), [&](const auto& sub) {
      return (channel.empty() || sub.first == channel) &&
             (products.empty() || products.contains(sub.second));
    });
    if (match) out.push_back(id);
  }
  return out;
}

std::set<std::pair<std::string, std::string>>& VenueSessions::subs(std::uint64_t id) {
  return sessions_.at(id).subs;
}

void VenueSessions::subscribe(std::uint64_t id, const std::string& channel,
                              const std::string& product) {
  if (sessions_.at(id).subs.emplace(channel, product).second && on_subscribe_) on_subscribe_();
}

std::uint64_t VenueSessions::next_seq(std::uint64_t id) {
  return sessions_.at(id).seq++;
}

// --- CoinbaseFeed ---

void CoinbaseFeed::accept(std::shared_ptr<core::WsSession> ws) {
  sessions_.add(std::move(ws),
                [this](std::uint64_t id, const std::string& t) { on_client(id, t); });
}

void CoinbaseFeed::on_client(std::uint64_t id, const std::string& text) {
  const auto msg = nlohmann::json::parse(text, nullptr, false);
  const std::string type = msg.is_object() ? msg.value("type", "") : "";
  if (type != "subscribe" && type != "unsubscribe") {
    sessions_.send(id, R"({"type":"error","message":"Failed to parse message"})");
    return;
  }
  std::string channel = msg.value("channel", "");
  if (channel == "level2") channel = "l2_data";
  auto& subs = sessions_.subs(id);
  for (const auto& p : msg.value("product_ids", nlohmann::json::array())) {
    if (!p.is_string()) continue;
    if (type == "subscribe")
      sessions_.subscribe(id, channel, p.get<std::string>());
    else
      subs.erase({channel, p.get<std::string>()});
  }
  nlohmann::ordered_json current = nlohmann::ordered_json::object();
  for (const auto& [ch, product] : subs)
    current[ch == "l2_data" ? "level2" : ch].push_back(product);
  nlohmann::ordered_json reply = {{"channel", "subscriptions"},
                                  {"client_id", ""},
                                  {"timestamp", rfc3339_us(clock_.wall_us())},
                                  {"sequence_num", sessions_.next_seq(id)},
                                  {"events", {{{"subscriptions", current}}}}};
  sessions_.send(id, reply.dump());
}

void CoinbaseFeed::on_frame(const std::string& text) {
  auto msg = nlohmann::ordered_json::parse(text, nullptr, false);
  if (!msg.is_object() || !msg.contains("channel")) return;
  const std::string channel = msg["channel"];
  if (channel == "subscriptions") return;  // each session gets its own
  std::set<std::string> products;
  for (const auto& e : msg.value("events", nlohmann::ordered_json::array())) {
    if (e.contains("product_id")) products.insert(e["product_id"].get<std::string>());
    for (const auto& t : e.value("tickers", nlohmann::ordered_json::array())) {
      products.insert(t["product_id"].get<std::string>());
      best_[t["product_id"]] = {t.value("best_bid", ""), t.value("best_ask", "")};
    }
    for (const auto& t : e.value("trades", nlohmann::ordered_json::array())) {
      products.insert(t["product_id"].get<std::string>());
      if (e.value("type", "") == "update" || trades_[t["product_id"]].size() < 1000) {
        auto& list = trades_[t["product_id"]];
        if (e.value("type", "") == "update")
          list.push_front(t);
        else
          list.push_back(t);  // a snapshot lists newest first
        if (list.size() > 1000) list.pop_back();
      }
    }
    for (const auto& c : e.value("candles", nlohmann::ordered_json::array()))
      products.insert(c["product_id"].get<std::string>());
  }
  // Heartbeats name no product: every heartbeats subscriber gets them.
  const auto ids =
      sessions_.subscribers(channel, channel == "heartbeats" ? std::set<std::string>{} : products);
  for (const std::uint64_t id : ids) {
    msg["sequence_num"] = sessions_.next_seq(id);
    sessions_.send(id, msg.dump());
  }
}

std::optional<core::HttpResponse> CoinbaseFeed::handle_rest(const std::string& path,
                                                            const std::string& query) {
  constexpr std::string_view kPublic = "/api/v3/brokerage/market/products/";
  constexpr std::string_view kPrivate = "/api/v3/brokerage/products/";
  std::string_view rest = path;
  if (rest.starts_with(kPublic))
    rest.remove_prefix(kPublic.size());
  else if (rest.starts_with(kPrivate))
    rest.remove_prefix(kPrivate.size());
  else
    return std::nullopt;
  if (!rest.ends_with("/ticker")) return std::nullopt;
  const std::string product(rest.substr(0, rest.size() - 7));
  const auto best = best_.find(product);
  if (best == best_.end())
    return json_response(404, R"({"error":"NOT_FOUND","error_details":"ProductID is invalid",)"
                              R"("message":"ProductID is invalid"})");
  const std::size_t limit = std::max(1, std::atoi(query_value(query, "limit").c_str()));
  nlohmann::ordered_json trades = nlohmann::ordered_json::array();
  for (const auto& t : trades_[product]) {
    if (trades.size() >= limit) break;
    trades.push_back({{"trade_id", t["trade_id"]},
                      {"product_id", product},
                      {"price", t["price"]},
                      {"size", t["size"]},
                      {"time", t["time"]},
                      {"side", t["side"]},
                      {"bid", ""},
                      {"ask", ""},
                      {"exchange", "coinbase"}});
  }
  nlohmann::ordered_json out = {
      {"trades", trades}, {"best_bid", best->second.first}, {"best_ask", best->second.second}};
  return json_response(200, out.dump());
}

// --- KrakenFeed ---

void KrakenFeed::accept(std::shared_ptr<core::WsSession> ws) {
  sessions_.add(std::move(ws),
                [this](std::uint64_t id, const std::string& t) { on_client(id, t); });
}

void KrakenFeed::on_client(std::uint64_t id, const std::string& text) {
  const auto msg = nlohmann::json::parse(text, nullptr, false);
  const std::string method = msg.is_object() ? msg.value("method", "") : "";
  const nlohmann::json req_id =
      msg.is_object() ? msg.value("req_id", nlohmann::json()) : nlohmann::json();
  const std::string now = rfc3339_us(clock_.wall_us());
  if (method == "ping") {
    nlohmann::ordered_json pong = {
        {"method", "pong"}, {"req_id", req_id}, {"time_in", now}, {"time_out", now}};
    sessions_.send(id, pong.dump());
    return;
  }
  if (method != "subscribe" && method != "unsubscribe") {
    sessions_.send(id,
                   R"({"error":"Method not found","method":")" + method + R"(","success":false})");
    return;
  }
  const auto params = msg.value("params", nlohmann::json::object());
  const std::string channel = params.value("channel", "");
  for (const auto& s : params.value("symbol", nlohmann::json::array())) {
    if (!s.is_string()) continue;
    const std::string symbol = s;
    if (method == "subscribe")
      sessions_.subscribe(id, channel, symbol);
    else
      sessions_.subs(id).erase({channel, symbol});
    nlohmann::ordered_json ack = {
        {"method", method},
        {"result", {{"channel", channel}, {"snapshot", true}, {"symbol", symbol}}},
        {"success", true},
        {"time_in", now},
        {"time_out", now}};
    if (!req_id.is_null()) ack["req_id"] = req_id;
    sessions_.send(id, ack.dump());
  }
}

void KrakenFeed::publish(const std::string& channel, const std::string& symbol,
                         const std::string& text) {
  for (const std::uint64_t id : sessions_.subscribers(channel, {symbol})) sessions_.send(id, text);
}

void KrakenFeed::on_v1_frame(const std::string& text) {
  const auto msg = nlohmann::json::parse(text, nullptr, false);
  if (msg.is_object() && msg.value("event", "") == "heartbeat") {
    // v2 sends heartbeats to every connection with a subscription.
    for (const auto& id : sessions_.subscribers("", {}))
      sessions_.send(id, R"({"channel":"heartbeat"})");
    return;
  }
  if (!msg.is_array() || msg.size() != 4 || !msg[2].is_string() || !msg[3].is_string()) return;
  const std::string v1_pair = msg[3];
  const std::string symbol = kraken_v2_symbol(v1_pair);
  const auto& p = msg[1];
  if (msg[2] == "ticker") {
    tickers_[strip_slash(v1_pair)] = tickers_[strip_slash(symbol)] = p.dump();
    const core::Decimal last = dec(p["c"][0]);
    const core::Decimal open = dec(p["o"][1]);
    const core::Decimal change = detail::sub(last, open);
    const core::Decimal pct =
        open.is_zero() ? core::Decimal{}
                       : detail::checked(detail::mul(change, core::Decimal::from_int(100))
                                             .div_round(open, 2, core::Rounding::kHalfUp));
    publish("ticker", symbol,
            fmt::format(R"({{"channel":"ticker","type":"update","data":[{{"symbol":"{}","bid":{},)"
                        R"("bid_qty":{},"ask":{},"ask_qty":{},"last":{},"volume":{},"vwap":{},)"
                        R"("low":{},"high":{},"change":{},"change_pct":{}}}]}})",
                        symbol, number(p["b"][0]), number(p["b"][2]), number(p["a"][0]),
                        number(p["a"][2]), number(p["c"][0]), number(p["v"][1]), number(p["p"][1]),
                        number(p["l"][1]), number(p["h"][1]), change.to_string(), pct.to_string()));
  } else if (msg[2] == "trade" && p.is_array()) {
    std::string rows;
    for (const auto& t : p) {
      if (!rows.empty()) rows.push_back(',');
      rows += fmt::format(R"({{"symbol":"{}","side":"{}","price":{},"qty":{},"ord_type":"{}",)"
                          R"("trade_id":{},"timestamp":"{}"}})",
                          symbol, t[3] == "b" ? "buy" : "sell", number(t[0]), number(t[1]),
                          t[4] == "m" ? "market" : "limit", ++trade_ids_[symbol],
                          kraken_time(t[2].get<std::string>()));
    }
    publish("trade", symbol, R"({"channel":"trade","type":"update","data":[)" + rows + "]}");
  }
}

std::optional<core::HttpResponse> KrakenFeed::handle_rest(const std::string& path,
                                                          const std::string& query) {
  if (path != "/0/public/Ticker") return std::nullopt;
  const std::string pair = query_value(query, "pair");
  const auto it = tickers_.find(strip_slash(pair));
  if (it == tickers_.end()) return json_response(200, R"({"error":["EQuery:Unknown asset pair"]})");
  std::string out = R"({"error":[],"result":{)";
  core::json::append_string(out, pair);
  out += ":" + it->second + "}}";
  return json_response(200, out);
}

}  // namespace sim::mockex
