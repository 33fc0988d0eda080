#include "live_gateway/order_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/codec/bus_json.h"
#include "core/log.h"
#include "live_gateway/control.h"
#include "live_gateway/detail/order_service_common.h"

namespace live_gateway {
namespace {

using detail::logger;
using detail::order_key;

using core::Decimal;
using core::OrderStatus;
using core::RejectCode;

const std::vector<double> kLatencyBoundsUs = {50,   100,   250,   500,    1000,   2500,
                                              5000, 10000, 25000, 100000, 1000000};

bool is_final(OrderStatus s) {
  return s == OrderStatus::kFilled || s == OrderStatus::kCanceled || s == OrderStatus::kExpired ||
         s == OrderStatus::kRejected || s == OrderStatus::kFailed;
}

/// The price a tick says the symbol trades at: the trade, the ticker's last, or the book's mid.
std::optional<Decimal> tick_price(const core::Tick& t) {
  if (t.price) return t.price;
  if (t.last) return t.last;
  if (!t.bid || !t.ask) return std::nullopt;
  core::Result<Decimal> sum = t.bid->add(*t.ask);
  if (!sum) return std::nullopt;
  core::Result<Decimal> mid =
      sum->div_round(Decimal::from_int(2), sum->scale() + 1, core::Rounding::kHalfEven);
  return mid ? std::optional<Decimal>(*mid) : std::nullopt;
}

Decimal plus(const Decimal& a, core::Result<Decimal> b) {
  if (!b) return a;
  core::Result<Decimal> s = a.add(*b);
  return s ? *s : a;
}

}  // namespace

struct OrderService::Pending {
  core::Order order;
  Decimal notional_usd;
  std::int64_t t0_us = 0;
};

OrderServiceOptions OrderServiceOptions::from_config(const core::LiveGatewayConfig& config,
                                                     std::string worker_id) {
  OrderServiceOptions o;
  o.subscribe_subject = config.nats.subscribe_subject;
  o.publish_subject_prefix = config.nats.publish_subject_prefix;
  o.fill_subject_prefix = config.nats.fill_subject_prefix;
  o.queue_group = config.nats.queue_group;
  o.ticks_subject = config.paper.ticks_subject;
  o.default_symbol.clear();
  config.exchanges.for_each([&](const char*, const core::LiveExchangeConfig& e) {
    if (e.enabled && o.default_symbol.empty()) o.default_symbol = e.default_symbol;
  });
  o.worker_id = std::move(worker_id);
  o.instance = config.service.instance_id;
  return o;
}

OrderService::OrderService(core::Clock& clock, core::Bus& bus, core::Kv& kv,
                           core::metrics::Registry& metrics, SafetyPolicy policy,
                           OrderServiceOptions options)
    : clock_(clock),
      bus_(bus),
      kv_(kv),
      options_(std::move(options)),
      policy_(std::move(policy)),
      intake_(options_.default_symbol, options_.worker_id),
      ids_(kv, options_.worker_id),
      exposure_(kv, policy_.max_position_usd()),
      orders_in_(metrics.counter("live_orders_in_total", "Order messages received")),
      fills_(metrics.counter("live_fills_total", "Fills published")),
      latency_us_(metrics.histogram("live_order_latency_us",
                                    "Order message to submit, approval hold or rejection (us)",
                                    kLatencyBoundsUs)) {
  if (!options_.instance.empty()) store_.emplace(kv, options_.instance);
  for (std::size_t i = 0; i < rejects_.size(); ++i) {
    auto code = static_cast<RejectCode>(i);
    rejects_[i] = &metrics.counter("live_rejects_total", "Orders rejected, by code",
                                   {{"code", std::string(core::reject_code_name(code))}});
  }
}

OrderService::~OrderService() {
  stop();
}

ExecutionEvents OrderService::execution_events() {
  return {guarded([this](const core::OrderUpdate& u) { on_update(u); }),
          guarded([this](const core::Fill& f) { on_fill(f); })};
}

core::Status OrderService::start(Executor& paper, Executor* live) {
  prefix_ = intake_prefix(options_.subscribe_subject);
  if (prefix_.empty()) {
    return core::make_error(core::Errc::kInvalidArgument,
                            "nats.subscribe_subject: expected {{prefix}}.*.{{action}}, got \"{}\"",
                            options_.subscribe_subject);
  }
  const bool id_ok = options_.instance.size() <= 24 &&
                     std::all_of(options_.instance.begin(), options_.instance.end(), [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) ||
                              std::string_view("._:/-").find(c) != std::string_view::npos;
                     });
  if (!id_ok) {
    return core::make_error(
        core::Errc::kInvalidArgument,
        "service.instance_id: expected at most 24 of [A-Za-z0-9._:/-], got \"{}\"",
        options_.instance);
  }
  paper_ = &paper;
  live_ = live;
  control_subject_ = control_subject(options_.publish_subject_prefix);
  inbox_ = bus_.new_inbox();
  using Handler = std::function<void(const core::BusMessage&)>;
  const std::pair<std::string, Handler> subs[] = {
      {control_subject_, [this](const core::BusMessage& m) { on_control(m); }},
      {inbox_ + ".*", [this](const core::BusMessage& m) { on_approved(m); }},
      {options_.ticks_subject, [this](const core::BusMessage& m) { on_tick(m); }}};
  for (const auto& [subject, handler] : subs) {
    core::Result<core::SubscriptionId> id = bus_.subscribe(subject, "", handler);
    if (!id) return id.status();
    subscriptions_.push_back(*id);
  }
  load_state();
  return core::Status::ok();
}

void OrderService::stop() {
  for (core::SubscriptionId id : subscriptions_) (void)bus_.unsubscribe(id);
  subscriptions_.clear();
  intake_on_ = false;
}

bool OrderService::ready() const {
  return intake_on_ && bus_.connected();
}

void OrderService::on_order_message(const core::BusMessage& msg) {
  std::optional<OrderSubject> subject = parse_order_subject(prefix_, msg.subject);
  if (!subject) return;
  if (subject->action == OrderAction::kNew) return on_new(subject->account, msg.data);
  auto ref = intake_.decode_order_ref(subject->account, msg.data);
  if (const Rejection* r = std::get_if<Rejection>(&ref)) {
    // Every worker sees cancels and approvals: only log, so a bad one is not answered twice.
    logger().warn("order reference rejected", {{"subject", msg.subject}, {"reason", r->reason}});
    return;
  }
  const std::string& coid = std::get<std::string>(ref);
  if (subject->action == OrderAction::kCancel) return on_cancel(subject->account, coid);
  auto it = open_.find(order_key(subject->account, coid));
  if (it != open_.end() && it->second.status == OrderStatus::kPendingApproval) submit(it->second);
}

void OrderService::on_new(const std::string& account, const std::string& body) {
  const std::int64_t t0_us = clock_.now_us();
  orders_in_.inc();
  auto decoded = intake_.decode_new(account, body);
  if (const Rejection* r = std::get_if<Rejection>(&decoded)) {
    core::Order unknown;
    unknown.account = account;
    return reject(unknown, *r, t0_us);
  }
  auto p = std::make_shared<Pending>();
  p->order = std::move(std::get<core::Order>(decoded));
  p->t0_us = t0_us;
  auto verdict = policy_.check(p->order, last_price(p->order.symbol), live_ != nullptr);
  if (const Rejection* r = std::get_if<Rejection>(&verdict)) return reject(p->order, *r, t0_us);
  p->notional_usd = std::get<Decimal>(verdict);
  claim(std::move(p));
}

void OrderService::claim(std::shared_ptr<Pending> p) {
  const core::Order& o = p->order;
  ids_.claim(o.account, *o.client_order_id, guarded([this, p](core::Result<bool> claimed) {
               if (!claimed) {
                 return reject(
                     p->order,
                     {RejectCode::kTimeout, "order store unavailable: " + claimed.status().message},
                     p->t0_us);
               }
               if (!*claimed) {
                 return reject(
                     p->order,
                     {RejectCode::kDuplicateClientOrderId,
                      fmt::format("client_order_id {} was used before", *p->order.client_order_id)},
                     p->t0_us);
               }
               reserve(p);
             }));
}

void OrderService::reserve(std::shared_ptr<Pending> p) {
  const core::Order& o = p->order;
  exposure_.reserve(
      o.account, o.symbol, *o.client_order_id, p->notional_usd,
      guarded([this, p](core::Result<Exposure::Outcome> r) {
        if (!r) {
          // in doubt or not, the reservation (if any) is left in place: the safe side.
          return reject(p->order,
                        {RejectCode::kTimeout, "position store unavailable: " + r.status().message},
                        p->t0_us);
        }
        if (!r->reserved) {
          return reject(p->order,
                        {RejectCode::kMaxPosition,
                         fmt::format("{} USD more would take {} {} past "
                                     "safety.max_position_size_usd {} (open orders count; {} USD "
                                     "held)",
                                     p->notional_usd, p->order.account, p->order.symbol,
                                     policy_.max_position_usd(), r->total_usd)},
                        p->t0_us);
        }
        admit(p);
      }));
}

void OrderService::admit(std::shared_ptr<Pending> p) {
  const core::Order& o = p->order;
  std::string key = order_key(o.account, *o.client_order_id);
  if (policy_.halted()) {  // the switch flipped while the Kv answered
    exposure_.settle(o.account, o.symbol, *o.client_order_id, Decimal(), [](core::Status) {});
    return reject(o, {RejectCode::kKillSwitch, "trading is halted (kill switch)"}, p->t0_us);
  }
  OpenOrder& open = open_[key];
  open.order = std::move(p->order);
  open.notional_usd = p->notional_usd;
  latency_us_.observe(static_cast<double>(clock_.now_us() - p->t0_us));
  if (policy_.require_approval()) {
    open.status = OrderStatus::kPendingApproval;
    store(open);
    return publish_update(update_for(open.order, OrderStatus::kPendingApproval));
  }
  submit(open);
}

void OrderService::submit(OpenOrder& open) {
  open.status = OrderStatus::kAccepted;
  store(open);
  executor_for(open.order).submit(open.order);  // may report (and erase `open`) right here
}

void OrderService::store(const OpenOrder& open) {
  if (store_) store_->put(open);
}

Executor& OrderService::executor_for(const core::Order& order) {
  return order.paper_trading || live_ == nullptr ? *paper_ : *live_;
}

void OrderService::on_cancel(const std::string& account, const std::string& client_order_id) {
  std::string key = order_key(account, client_order_id);
  if (open_.contains(key)) cancel_open(key);
}

void OrderService::cancel_open(const std::string& key) {
  OpenOrder& open = open_.at(key);
  if (open.status == OrderStatus::kPendingApproval) {
    return finish_locally(key, OrderStatus::kCanceled);
  }
  executor_for(open.order).cancel(open.order.account, *open.order.client_order_id);
}

void OrderService::finish_locally(const std::string& key, OrderStatus status) {
  on_update(update_for(open_.at(key).order, status));
}

void OrderService::on_update(const core::OrderUpdate& u) {
  publish_update(u);
  if (u.code && (u.status == OrderStatus::kRejected || u.status == OrderStatus::kFailed)) {
    count_reject(*u.code);
  }
  auto it = open_.find(order_key(u.account, u.client_order_id));
  if (it == open_.end()) return;
  OpenOrder& open = it->second;
  open.status = u.status;
  if (!is_final(u.status)) return store(open);
  if (store_) store_->erase(u.account, u.client_order_id);
  exposure_.settle(u.account, open.order.symbol, u.client_order_id, open.filled_usd,
                   [coid = u.client_order_id](core::Status s) {
                     if (!s) {
                       logger().warn("exposure not released (kept: the safe side)",
                                     {{"client_order_id", coid}, {"error", s.message}});
                     }
                   });
  open_.erase(it);
}

void OrderService::on_fill(const core::Fill& f) {
  fills_.inc();
  scratch_.clear();
  core::codec::encode(f, scratch_);
  core::Status s =
      bus_.publish(fmt::format("{}.{}", options_.fill_subject_prefix, f.account), scratch_, {}, "");
  if (!s) logger().warn("fill not published", {{"fill_id", f.fill_id}, {"error", s.message}});
  core::Result<Decimal> usd = f.price.mul(f.qty);
  auto it = open_.find(order_key(f.account, f.client_order_id));
  if (it != open_.end()) {
    it->second.filled_qty = plus(it->second.filled_qty, f.qty);
    it->second.filled_usd = plus(it->second.filled_usd, usd);
  }
  Position& p = positions_[order_key(f.account, f.symbol)];
  p.account = f.account;
  p.symbol = f.symbol;
  const bool buy = f.side == core::Side::kBuy;
  p.net_qty = plus(p.net_qty, buy ? f.qty : f.qty.negated());
  (buy ? p.bought_usd : p.sold_usd) = plus(buy ? p.bought_usd : p.sold_usd, usd);
}

void OrderService::on_tick(const core::BusMessage& msg) {
  core::Result<core::Tick> tick = core::codec::decode_tick(msg.data);
  if (!tick) return;
  if (std::optional<Decimal> price = tick_price(*tick)) {
    auto it = last_.find(tick->symbol);
    if (it == last_.end()) {
      last_.emplace(tick->symbol, *price);
    } else {
      it->second = *price;
    }
  }
  if (paper_ != nullptr) paper_->on_tick(*tick);
  if (live_ != nullptr) live_->on_tick(*tick);
}

std::optional<Decimal> OrderService::last_price(std::string_view symbol) const {
  auto it = last_.find(symbol);
  return it == last_.end() ? std::nullopt : std::optional<Decimal>(it->second);
}

void OrderService::reject(const core::Order& order, const Rejection& rejection,
                          std::int64_t t0_us) {
  latency_us_.observe(static_cast<double>(clock_.now_us() - t0_us));
  count_reject(rejection.code);
  core::OrderUpdate u = update_for(order, OrderStatus::kRejected);
  u.code = rejection.code;
  u.reason = rejection.reason;
  logger().info("order rejected", {{"account", u.account},
                                   {"client_order_id", u.client_order_id},
                                   {"code", core::reject_code_name(rejection.code)},
                                   {"reason", rejection.reason}});
  publish_update(u);
}

core::OrderUpdate OrderService::update_for(const core::Order& order, OrderStatus status) const {
  core::OrderUpdate u;
  u.client_order_id = order.client_order_id.value_or("");
  u.account = order.account;
  u.symbol = order.symbol;
  u.status = status;
  u.paper = order.paper_trading;
  u.ts_us = clock_.wall_us();
  return u;
}

void OrderService::publish_update(const core::OrderUpdate& u) {
  scratch_.clear();
  core::codec::encode(u, scratch_);
  std::string subject = fmt::format("{}.{}.{}", options_.publish_subject_prefix, u.account,
                                    core::order_status_name(u.status));
  core::Status s = bus_.publish(subject, scratch_, {}, "");
  if (!s) logger().warn("order update not published", {{"subject", subject}, {"error", s.message}});
}

void OrderService::count_reject(RejectCode code) {
  auto i = static_cast<std::size_t>(code);
  if (i < rejects_.size()) rejects_[i]->inc();
}

std::vector<OpenOrder> OrderService::open_orders() const {
  std::vector<OpenOrder> out;
  for (const auto& [key, open] : open_) out.push_back(open);
  return out;
}

std::vector<Position> OrderService::positions() const {
  std::vector<Position> out;
  for (const auto& [key, p] : positions_) out.push_back(p);
  return out;
}

}  // namespace live_gateway
