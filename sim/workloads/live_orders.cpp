#include "sim/workloads/live_orders.h"

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include "gateway/exchanges/binance/binance_codec.h"
#include "live_gateway/exposure.h"
#include "sim/mockex/server.h"
#include "sim/replay/recording.h"
#include "sim/workloads/live_orders_hosts.h"

namespace sim {
namespace {

using live_orders::ClientHost;
using live_orders::ExchangeHost;
using live_orders::MarketHost;
using live_orders::WorkerHost;

constexpr const char* kRecording =
    "fixtures/binance/BTCUSDT_2024-08-08T2354Z-2024-08-09T0005Z.jsonl.zst";
constexpr std::int64_t kPollUs = 100'000;
constexpr const char* kParams =
    "workers, mode, paper_only, max_order_size_usd, max_position_size_usd, price_band_pct, "
    "symbols_allowed, require_manual_approval, kill_switch, order_timeout, request_timeout, "
    "retry_delay, max_retries, recording, market_duration, market_interval";

bool is_final(core::OrderStatus s) {
  using S = core::OrderStatus;
  return s != S::kAccepted && s != S::kPendingApproval && s != S::kPartiallyFilled;
}

std::string describe(const core::OrderUpdate& u) {
  std::string out(core::order_status_name(u.status));
  if (u.code) out += fmt::format(" {}", core::reject_code_name(*u.code));
  if (!u.reason.empty()) out += fmt::format(" ({})", u.reason);
  return out;
}

std::string stream_of(const std::string& msg) {
  static const std::string kKey = "\"stream\":\"";
  const auto at = msg.find(kKey);
  if (at == std::string::npos) return {};
  const auto begin = at + kKey.size();
  return msg.substr(begin, msg.find('"', begin) - begin);
}

// The slice's bookTicker and trade frames, at most one per stream per `interval_us`: enough
// for prices, few enough events to run in a blink.
core::Status load_market(const std::string& path, std::int64_t duration_us,
                         std::int64_t interval_us, LiveOrdersParams& p) {
  auto reader = replay::RecordingReader::open(path);
  if (!reader)
    return core::make_error(core::Errc::kConfig, "workload.recording: {}", reader.status().message);
  gateway::binance::BinanceCodec codec;
  std::map<std::string, std::int64_t> next_us;  // by stream
  std::optional<std::int64_t> first_us;
  replay::Record r;
  while (true) {
    auto more = reader->next(r);
    if (!more) return core::make_error(core::Errc::kConfig, "workload: {}", more.status().message);
    if (!*more) break;
    if (r.src != "binance.ws") continue;
    const std::string stream = stream_of(r.msg);
    if (stream.find("@bookTicker") == std::string::npos &&
        stream.find("@trade") == std::string::npos)
      continue;
    if (!first_us) first_us = r.t_us;
    const std::int64_t offset = r.t_us - *first_us;
    if (offset >= duration_us) break;
    if (offset < next_us[stream]) continue;
    next_us[stream] = offset + interval_us;
    MarketFrame f{offset, r.msg, {}};
    codec.decode(r.msg, r.t_us, [&](const core::Tick& t) { f.ticks.push_back(t); });
    p.frames.push_back(std::move(f));
  }
  if (p.frames.empty())
    return core::make_error(core::Errc::kConfig, "workload.recording: '{}' has no market frames",
                            path);
  return core::Status::ok();
}

std::string arg_or(const TimelineEntry& e, const char* key, const std::string& fallback) {
  auto it = e.args.find(key);
  return it == e.args.end() ? fallback : it->second;
}

// The recorded exchangeInfo cut to the symbols the workload trades (the whole body is 1.8 MB
// that every exchange and worker start would parse again). Read once per process.
core::Result<std::string> exchange_info() {
  static const core::Result<std::string> body = []() -> core::Result<std::string> {
    auto info =
        mockex::read_exchange_info_recording(std::string(mockex::kDefaultExchangeInfoRecording));
    if (!info) return info.status();
    nlohmann::json j = nlohmann::json::parse(*info, nullptr, false);
    if (j.is_discarded() || !j.contains("symbols"))
      return core::make_error(core::Errc::kConfig, "{}: exchangeInfo unreadable",
                              mockex::kDefaultExchangeInfoRecording);
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& s : j["symbols"]) {
      const std::string name = s.value("symbol", "");
      if (name == "BTCUSDT" || name == "ETHUSDT" || name == "SOLUSDT") kept.push_back(s);
    }
    j["symbols"] = std::move(kept);
    return j.dump();
  }();
  return body;
}

core::Result<std::int64_t> duration_param(const std::string& key, const std::string& value) {
  auto d = parse_duration_us(value);
  if (!d || *d <= 0)
    return core::make_error(core::Errc::kConfig,
                            "workload.{}: expected a positive duration, got \"{}\"", key, value);
  return d;
}

core::Result<bool> bool_param(const std::string& key, const std::string& value) {
  if (value != "true" && value != "false")
    return core::make_error(core::Errc::kConfig, "workload.{}: expected true or false, got \"{}\"",
                            key, value);
  return value == "true";
}

// The safety.* params; false when `key` is none of them.
core::Result<bool> safety_param(const std::string& key, const std::string& value,
                                core::SafetyConfig& s) {
  if (key == "max_order_size_usd" || key == "max_position_size_usd" || key == "price_band_pct") {
    if (!core::Decimal::parse(value))
      return core::make_error(core::Errc::kConfig, "workload.{}: expected a decimal, got \"{}\"",
                              key, value);
    (key == "max_order_size_usd"      ? s.max_order_size_usd
     : key == "max_position_size_usd" ? s.max_position_size_usd
                                      : s.price_band_pct) = value;
  } else if (key == "paper_only" || key == "require_manual_approval" || key == "kill_switch") {
    auto b = bool_param(key, value);
    if (!b) return b.status();
    (key == "paper_only"                ? s.paper_trading_only
     : key == "require_manual_approval" ? s.require_manual_approval
                                        : s.kill_switch) = *b;
  } else if (key == "symbols_allowed") {
    s.symbols_allowed.clear();
    std::stringstream ss(value);
    for (std::string sym; std::getline(ss, sym, ',');) s.symbols_allowed.push_back(sym);
  } else {
    return false;
  }
  return true;
}

}  // namespace

core::Result<LiveOrdersParams> parse_live_orders_params(
    const std::map<std::string, std::string>& params) {
  LiveOrdersParams p;
  core::LiveGatewayConfig& c = p.config;
  c.exchanges.binance.api_url = fmt::format("http://exchange:{}", live_orders::kExchangePort);
  c.execution.timeout_sec = 5;
  std::string recording = kRecording;
  std::int64_t market_duration_us = 60'000'000;
  std::int64_t market_interval_us = 250'000;
  for (const auto& [key, value] : params) {
    if (key == "kind") continue;
    auto safety = safety_param(key, value, c.safety);
    if (!safety) return safety.status();
    if (*safety) continue;
    if (key == "workers" || key == "max_retries") {
      const int n = std::atoi(value.c_str());
      if (n < (key == "workers" ? 1 : 0) || n > 100)
        return core::make_error(core::Errc::kConfig, "workload.{}: expected 1..100, got \"{}\"",
                                key, value);
      (key == "workers" ? p.workers : c.execution.max_retries) = n;
    } else if (key == "mode") {
      if (value != "paper" && value != "live")
        return core::make_error(core::Errc::kConfig,
                                "workload.mode: expected paper or live, got \"{}\"", value);
      p.live = value == "live";
    } else if (key == "recording") {
      recording = value;
    } else if (key == "order_timeout" || key == "request_timeout" || key == "retry_delay" ||
               key == "market_duration" || key == "market_interval") {
      auto d = duration_param(key, value);
      if (!d) return d.status();
      const double sec = static_cast<double>(*d) / 1e6;
      if (key == "order_timeout") c.exchanges.binance.order_timeout_sec = sec;
      if (key == "request_timeout") c.execution.timeout_sec = sec;
      if (key == "retry_delay") c.execution.retry_delay_sec = sec;
      if (key == "market_duration") market_duration_us = *d;
      if (key == "market_interval") market_interval_us = *d;
    } else {
      return core::make_error(core::Errc::kConfig,
                              "workload.{}: unknown parameter of live_orders (known: {})", key,
                              kParams);
    }
  }
  if (p.live) {  // what live_gateway/main.cpp needs to trade live
    c.service.mode = "live";
    c.exchanges.binance.mode = "live";
    c.safety.paper_trading_only = false;
  }
  auto info = exchange_info();
  if (!info) return core::make_error(core::Errc::kConfig, "workload: {}", info.status().message);
  p.exchange_info_json = std::move(*info);
  auto table = live_gateway::symbol_table_from_exchange_info(p.exchange_info_json);
  if (!table) return core::make_error(core::Errc::kConfig, "workload: {}", table.status().message);
  p.symbols = std::move(*table);
  if (auto policy = live_gateway::SafetyPolicy::make(c.safety, p.symbols); !policy)
    return core::make_error(core::Errc::kConfig, "workload: {}", policy.status().message);
  if (core::Status s = load_market(recording, market_duration_us, market_interval_us, p); !s)
    return s;
  return p;
}

void LiveOrdersOracle::on_submit(const std::string& id, std::int64_t now_us,
                                 std::optional<core::Decimal> qty) {
  OrderTrack& t = orders_[id];
  if (t.submitted_us >= 0) return;  // a duplicate: the first one's quantity is the order's
  t.submitted_us = now_us;
  t.qty = qty;
}

void LiveOrdersOracle::on_executor(const std::string& host, const core::Order& order, bool halted) {
  const std::string id = order.client_order_id.value_or("");
  OrderTrack& t = orders_[id];
  if (halted) fail(fmt::format("order {} reached {}'s executor while it was halted", id, host));
  if (!t.executors.empty())
    fail(fmt::format("order {} reached an executor twice ({} after {})", id, host,
                     *t.executors.begin()));
  t.executors.insert(host);
  if (!order.paper_trading) live_ids_.insert(id);
}

void LiveOrdersOracle::on_update(std::int64_t now_us, const core::OrderUpdate& u) {
  OrderTrack& t = orders_[u.client_order_id];
  t.updates.emplace_back(now_us, u);
  if (t.qty && u.filled_qty > *t.qty)
    fail(fmt::format("order {} reports {} filled of {}", u.client_order_id,
                     u.filled_qty.to_string(), t.qty->to_string()));
  bool expected_any = false;
  bool matches = false;
  for (Expected& x : expected_) {
    if (x.order != u.client_order_id) continue;
    expected_any = true;
    if (x.status != u.status || (x.code && x.code != u.code)) continue;
    matches = true;
    if (!x.met_us) {
      x.met_us = now_us;
      x.evidence = fmt::format("{} at {:.6f}s ({:.3f}ms after submit){}", describe(u), now_us / 1e6,
                               (now_us - t.submitted_us) / 1e3,
                               t.executors.empty() ? "" : " by " + *t.executors.begin());
    }
  }
  if (expected_any && !matches && is_final(u.status))
    fail(fmt::format("order {} ended {}, which no expectation of it allows", u.client_order_id,
                     describe(u)));
}

void LiveOrdersOracle::on_fill(const core::Fill& f) {
  if (!fill_ids_.insert(f.fill_id).second)
    fail(fmt::format("fill {} of order {} published twice", f.fill_id, f.client_order_id));
  OrderTrack& t = orders_[f.client_order_id];
  auto sum = t.filled_qty.add(f.qty);
  if (sum) t.filled_qty = *sum;
  if (t.qty && t.filled_qty > *t.qty)
    fail(fmt::format("order {} filled {} of {}: a double fill", f.client_order_id,
                     t.filled_qty.to_string(), t.qty->to_string()));
}

LiveOrdersWorkload::LiveOrdersWorkload(LiveOrdersParams params) : params_(std::move(params)) {
  const auto cap = core::Decimal::parse(params_.config.safety.max_position_size_usd);
  auto micro = live_gateway::Exposure::to_micro_usd(*cap);
  cap_micro_usd_ = micro ? *micro : 0;
}

void LiveOrdersWorkload::setup(SimWorld& world) {
  world_ = &world;
  world.note_param("market_frames", std::to_string(params_.frames.size()));
  world.add_host("exchange",
                 [this](HostEnv& env) { return std::make_unique<ExchangeHost>(env, params_); });
  world.add_host("market", [this](HostEnv& env) {
    return std::make_unique<MarketHost>(
        env, params_.frames, market_fed_, [this](const MarketFrame& f) {
          auto* ex = world_->process<ExchangeHost>("exchange");
          if (ex != nullptr)
            ex->exchange().feed({world_->clock().wall_us(), "binance.ws", "", f.msg});
        });
  });
  for (int i = 1; i <= params_.workers; ++i) {
    world.add_host(fmt::format("w{}", i), [this](HostEnv& env) {
      return std::make_unique<WorkerHost>(env, params_, oracle_);
    });
  }
  world.add_host("client",
                 [this](HostEnv& env) { return std::make_unique<ClientHost>(env, oracle_); });
  world.clock().call_after(kPollUs, [this] { poll(); });
}

// The invariants that need a look into the world: the Kv exposure and the exchange's orders.
void LiveOrdersWorkload::poll() {
  std::set<std::pair<std::string, std::string>> books;
  for (const auto& [id, t] : oracle_.orders()) {
    if (!t.updates.empty())
      books.emplace(t.updates.front().second.account, t.updates.front().second.symbol);
  }
  live_gateway::Exposure exposure(world_->kv_server(), core::Decimal());
  for (const auto& [account, symbol] : books) {
    world_->kv_server().command(
        {"HGET", exposure.key(account, symbol), "total"},
        [this, key = exposure.key(account, symbol)](core::Result<core::KvReply> r) {
          const std::string* total = r ? r->string() : nullptr;
          if (total != nullptr && std::stoll(*total) > cap_micro_usd_)
            oracle_.fail(fmt::format("exposure {} is {} micro-USD, above max_position_size_usd {}",
                                     key, *total, params_.config.safety.max_position_size_usd));
        });
  }
  if (auto* ex = world_->process<ExchangeHost>("exchange")) {
    const std::size_t held = ex->exchange().model().order_count();
    if (held > oracle_.live_orders())
      oracle_.fail(fmt::format("the exchange holds {} orders; only {} live orders were submitted",
                               held, oracle_.live_orders()));
  }
  world_->clock().call_after(kPollUs, [this] { poll(); });
}

bool LiveOrdersWorkload::converged() const {
  return std::all_of(oracle_.expected().begin(), oracle_.expected().end(),
                     [](const auto& x) { return x.met_us.has_value(); });
}

std::string LiveOrdersWorkload::last_status(const std::string& order) const {
  const auto it = oracle_.orders().find(order);
  if (it == oracle_.orders().end() || it->second.updates.empty()) return "no update";
  return describe(it->second.updates.back().second);
}

std::string LiveOrdersWorkload::progress() const {
  std::string out;
  for (const auto& x : oracle_.expected()) {
    if (x.met_us) continue;
    out += fmt::format("{}order {} still not {} (last: {})", out.empty() ? "" : "; ", x.order,
                       core::order_status_name(x.status), last_status(x.order));
  }
  return out;
}

std::vector<std::string> LiveOrdersWorkload::report() const {
  std::vector<std::string> out;
  for (const auto& x : oracle_.expected()) {
    std::string what = fmt::format("order {} {}", x.order, core::order_status_name(x.status));
    if (x.code) what += fmt::format(" {}", core::reject_code_name(*x.code));
    if (x.within_us) what += fmt::format(" within {:.3f}s", *x.within_us / 1e6);
    out.push_back(
        x.met_us ? fmt::format("PASS {} {}: {}", x.where, what, x.evidence)
                 : fmt::format("FAIL {} {}: last update {}", x.where, what, last_status(x.order)));
  }
  return out;
}

core::Status LiveOrdersWorkload::expect(const Expectation& e) {
  LiveOrdersOracle::Expected x;
  x.where = e.where;
  static const char* kKeys = "order, status, rejected, code, within";
  for (const auto& [key, value] : e.fields) {
    if (key == "order") {
      x.order = value;
    } else if (key == "status") {
      auto s = core::parse_order_status(value);
      if (!s)
        return core::make_error(core::Errc::kConfig,
                                "{}: expect.status: unknown status \"{}\" (accepted, rejected, "
                                "pending_approval, partially_filled, filled, canceled, expired, "
                                "failed)",
                                e.where, value);
      x.status = *s;
    } else if (key == "rejected" || key == "code") {
      auto c = core::parse_reject_code(value);
      if (!c)
        return core::make_error(core::Errc::kConfig, "{}: expect.{}: unknown reject code \"{}\"",
                                e.where, key, value);
      x.code = *c;
      if (key == "rejected") x.status = core::OrderStatus::kRejected;
    } else if (key == "within") {
      auto d = duration_param("within", value);
      if (!d)
        return core::make_error(core::Errc::kConfig,
                                "{}: expect.within: expected a positive duration, got \"{}\"",
                                e.where, value);
      x.within_us = *d;
    } else {
      return core::make_error(core::Errc::kConfig, "{}: expect: unknown key '{}' (allowed: {})",
                              e.where, key, kKeys);
    }
  }
  const auto planned = planned_.find(x.order);
  if (planned == planned_.end())
    return core::make_error(core::Errc::kConfig,
                            "{}: expect: order '{}' is never submitted by the timeline", e.where,
                            x.order);
  if (x.within_us) {
    const std::size_t index = oracle_.expected().size();
    world_->clock().call_after(planned->second + *x.within_us, [this, index] {
      const auto& ex = oracle_.expected()[index];
      if (!ex.met_us)
        oracle_.fail(fmt::format("order {} not {} within {:.3f}s of its submit ({})", ex.order,
                                 core::order_status_name(ex.status), *ex.within_us / 1e6,
                                 ex.where));
    });
  }
  oracle_.expected().push_back(std::move(x));
  return core::Status::ok();
}

void LiveOrdersWorkload::set_exchange_latency(std::int64_t ms) {
  if (auto* ex = world_->process<ExchangeHost>("exchange")) ex->exchange().faults().latency_ms = ms;
}

void LiveOrdersWorkload::publish(const std::string& subject, const std::string& body) {
  auto* client = world_->process<ClientHost>("client");
  if (client == nullptr) return;
  if (core::Status s = client->bus().publish(subject, body, {}, ""); !s)
    world_->event("client", "publish_failed").str("subject", subject).str("error", s.message);
}

core::Result<std::function<void()>> LiveOrdersWorkload::submit_action(const TimelineEntry& e) {
  static const std::set<std::string> kFields = {"id",  "account", "symbol", "side", "type",
                                                "qty", "price",   "paper",  "tif"};
  for (const auto& [key, value] : e.args) {
    if (!kFields.count(key))
      return core::make_error(core::Errc::kConfig,
                              "{}: submit_order: unknown field '{}' (allowed: id, account, "
                              "symbol, side, type, qty, price, paper, tif)",
                              e.where, key);
  }
  auto arg = [&](const char* key, const std::string& fallback) { return arg_or(e, key, fallback); };
  const std::string id = arg("id", "");
  if (id.empty() || !e.targets.empty())
    return core::make_error(core::Errc::kConfig, "{}: submit_order: needs {{id: ..., ...}}",
                            e.where);
  const std::string price = arg("price", "");
  std::string body = fmt::format(
      R"({{"client_order_id":"{}","symbol":"{}","side":"{}","type":"{}","quantity":{},)"
      R"("paper_trading":{})",
      id, arg("symbol", "BTCUSDT"), arg("side", "buy"),
      arg("type", price.empty() ? "market" : "limit"), arg("qty", "0.001"), arg("paper", "true"));
  if (!price.empty()) body += fmt::format(R"(,"price":{})", price);
  if (e.args.count("tif")) body += fmt::format(R"(,"time_in_force":"{}")", arg("tif", ""));
  body += "}";
  auto qty = core::Decimal::parse(arg("qty", "0.001"));
  std::optional<core::Decimal> quantity;
  if (qty) quantity = *qty;
  planned_.emplace(id, e.at_us);
  const std::string subject = fmt::format("orders.{}.new", arg("account", "acct"));
  return std::function<void()>([this, id, subject, body, quantity] {
    world_->event("client", "submit_order").str("id", id);
    oracle_.on_submit(id, world_->clock().now_us(), quantity);
    publish(subject, body);
  });
}

core::Result<std::function<void()>> LiveOrdersWorkload::control_action(const TimelineEntry& e) {
  auto arg = [&](const char* key, const std::string& fallback) { return arg_or(e, key, fallback); };
  const bool halt = e.action == "halt";
  const std::string worker = arg("worker", "");
  const std::string reason = arg("reason", "scenario halt");
  for (const auto& [key, value] : e.args) {
    if (key != "worker" && key != "reason")
      return core::make_error(core::Errc::kConfig, "{}: {}: unknown field '{}' (allowed: worker{})",
                              e.where, e.action, key, halt ? ", reason" : "");
  }
  const int n = worker.size() > 1 && worker[0] == 'w' ? std::atoi(worker.c_str() + 1) : 0;
  if (!worker.empty() && (n < 1 || n > params_.workers || worker != fmt::format("w{}", n)))
    return core::make_error(core::Errc::kConfig, "{}: {}.worker: no worker '{}' (w1..w{})", e.where,
                            e.action, worker, params_.workers);
  return std::function<void()>([this, halt, worker, reason] {
    for (int i = 1; i <= params_.workers; ++i) {
      const std::string name = worker.empty() ? fmt::format("w{}", i) : worker;
      auto* w = world_->process<WorkerHost>(name);
      if (w == nullptr) continue;
      world_->event(name, halt ? "halt" : "resume");
      halt ? w->service().halt(reason, "sim") : w->service().resume("sim");
      return;
    }
    world_->event("client", "no_worker_running").str("action", halt ? "halt" : "resume");
  });
}

core::Result<std::function<void()>> LiveOrdersWorkload::action(const TimelineEntry& e) {
  auto arg = [&](const char* key, const std::string& fallback) { return arg_or(e, key, fallback); };
  if (e.action == "submit_order") return submit_action(e);
  if (e.action == "halt" || e.action == "resume") return control_action(e);
  if (e.action == "approve" || e.action == "cancel_order") {
    const std::string id = arg("id", "");
    if (id.empty())
      return core::make_error(core::Errc::kConfig, "{}: {}: needs {{id: ...}}", e.where, e.action);
    const std::string subject = fmt::format("orders.{}.{}", arg("account", "acct"),
                                            e.action == "approve" ? "approve" : "cancel");
    const std::string body = fmt::format(R"({{"client_order_id":"{}"}})", id);
    return std::function<void()>([this, subject, body] { publish(subject, body); });
  }
  if (e.action == "drop_order_response") {
    const int count = std::atoi(arg("count", "1").c_str());
    if (count <= 0)
      return core::make_error(core::Errc::kConfig,
                              "{}: drop_order_response.count: expected a positive integer",
                              e.where);
    return std::function<void()>([this, count] {
      world_->event("exchange", "drop_order_response").i64("count", count);
      if (auto* ex = world_->process<ExchangeHost>("exchange"))
        ex->exchange().faults().drop_order_response_next += static_cast<std::uint32_t>(count);
    });
  }
  if (e.action == "exchange_latency") {
    auto add = duration_param("exchange_latency.add", arg("add", "500ms"));
    auto lasting = duration_param("exchange_latency.for", arg("for", "2s"));
    if (!add || !lasting)
      return core::make_error(core::Errc::kConfig, "{}: {}", e.where,
                              (add ? lasting : add).status().message);
    return std::function<void()>([this, ms = *add / 1000, d = *lasting] {
      world_->event("exchange", "exchange_latency").i64("add_ms", ms).i64("for_us", d);
      set_exchange_latency(ms);
      world_->clock().call_after(d, [this] { set_exchange_latency(0); });
    });
  }
  return core::make_error(core::Errc::kConfig,
                          "{}: timeline: live_orders has no action '{}' (its actions: "
                          "submit_order, cancel_order, approve, halt, resume, "
                          "drop_order_response, exchange_latency; the world's: crash, restart, "
                          "partition, ...)",
                          e.where, e.action);
}

}  // namespace sim
