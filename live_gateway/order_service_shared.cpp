#include "live_gateway/order_service.h"

#include <fmt/format.h>

#include "live_gateway/control.h"
#include "live_gateway/detail/order_service_common.h"

// OrderService's shared state: the kill switch and forwarded approvals across the workers, and
// what a worker's next incarnation takes over from the Kv at start.
namespace live_gateway {
namespace {

using core::OrderStatus;
using core::RejectCode;
using detail::logger;
using detail::order_key;

}  // namespace

void OrderService::load_state() {
  const std::uint64_t seq = control_seq_;
  kv_.get(
      halt_key_, guarded([this, seq](core::Result<std::optional<std::string>> flag) {
        if (subscriptions_.empty()) return;  // stopped meanwhile
        if (!flag) {
          logger().warn("kill switch state not read, retrying", {{"error", flag.status().message}});
          clock_.call_after(options_.kv_retry_us, guarded([this] { load_state(); }));
          return;
        }
        if (*flag && seq == control_seq_) adopt_halt(**flag);
        if (!store_) return start_intake();
        store_->load(guarded([this](core::Result<std::vector<OpenOrder>> orders) {
          if (!orders) {
            logger().warn("open orders not read, retrying", {{"error", orders.status().message}});
            clock_.call_after(options_.kv_retry_us, guarded([this] { load_state(); }));
            return;
          }
          restore(std::move(*orders));
          start_intake();
        }));
      }));
}

void OrderService::restore(std::vector<OpenOrder> orders) {
  for (OpenOrder& o : orders) {
    const core::Order& order = o.order;
    const std::string coid = order.client_order_id.value_or("");
    std::string key = order_key(order.account, coid);
    if (o.status == OrderStatus::kPendingApproval) {
      logger().info("pending approval taken over from the previous incarnation",
                    {{"client_order_id", coid}});
      open_[key] = std::move(o);
      if (policy_.halted()) cancel_open(key);
      continue;
    }
    if (!order.paper_trading) {
      // It may still work on the exchange: keep the reservation (and the record, so every
      // restart reports it again) until an operator has looked.
      logger().error(
          "a live order of the previous incarnation is not tracked; its reservation "
          "is kept: check it on the exchange",
          {{"account", order.account}, {"client_order_id", coid}});
      continue;
    }
    // A paper order lives in the paper engine's memory: it died with the process.
    exposure_.settle(order.account, order.symbol, coid, o.filled_usd, [coid](core::Status s) {
      if (!s)
        logger().warn("exposure not released (kept: the safe side)",
                      {{"client_order_id", coid}, {"error", s.message}});
    });
    store_->erase(order.account, coid);
    core::OrderUpdate u = update_for(order, OrderStatus::kExpired);
    u.code = RejectCode::kUnknownOrder;
    u.reason = "the worker holding this paper order restarted; paper orders do not survive it";
    u.filled_qty = o.filled_qty;
    logger().warn("paper order of the previous incarnation expired",
                  {{"client_order_id", coid}, {"filled_usd", o.filled_usd}});
    publish_update(u);
  }
}

void OrderService::start_intake() {
  if (intake_on_ || subscriptions_.empty()) return;
  auto on_order = [this](const core::BusMessage& m) { on_order_message(m); };
  const std::pair<std::string, std::string> subs[] = {
      {options_.subscribe_subject, options_.queue_group},
      {prefix_ + ".*.cancel", ""},
      {prefix_ + ".*.approve", ""}};
  for (const auto& [subject, group] : subs) {
    core::Result<core::SubscriptionId> id = bus_.subscribe(subject, group, on_order);
    if (!id) {
      logger().error("intake not subscribed",
                     {{"subject", subject}, {"error", id.status().message}});
      return;
    }
    subscriptions_.push_back(*id);
  }
  intake_on_ = true;
  refresh_halt();
}

/// A halt broadcast lost to a bus outage is caught up from the Kv; a lost resume is not (the
/// safe side: the worker stays halted until the next resume).
void OrderService::refresh_halt() {
  if (options_.halt_refresh_us <= 0) return;
  clock_.call_after(options_.halt_refresh_us, guarded([this] {
                      if (!intake_on_) return;
                      const std::uint64_t seq = control_seq_;
                      kv_.get(halt_key_,
                              guarded([this, seq](core::Result<std::optional<std::string>> flag) {
                                if (flag && *flag && seq == control_seq_) adopt_halt(**flag);
                                refresh_halt();
                              }));
                    }));
}

void OrderService::adopt_halt(const std::string& record) {
  core::Result<ControlMessage> m = decode_control(record);
  if (!m || m->op != ControlOp::kHalt) {
    return apply_halt(true, "unreadable kill switch record " + halt_key_, "");  // the safe side
  }
  apply_halt(true, m->reason, m->by);
}

void OrderService::on_control(const core::BusMessage& msg) {
  core::Result<ControlMessage> m = decode_control(msg.data);
  if (!m) {
    logger().warn("control message ignored", {{"error", m.status().message}});
    return;
  }
  switch (m->op) {
    case ControlOp::kHalt:
      ++control_seq_;
      return apply_halt(true, m->reason, m->by);
    case ControlOp::kResume:
      ++control_seq_;
      return apply_halt(false, m->reason, m->by);
    case ControlOp::kApprove:
      if (!approve_here(m->client_order_id) || msg.reply.empty()) return;
      (void)bus_.publish(
          msg.reply,
          encode_control({ControlOp::kApproved, "", options_.worker_id, m->client_order_id}), {},
          "");
      return;
    case ControlOp::kApproved:
      return;  // answers go to the asking worker's inbox
  }
}

void OrderService::on_approved(const core::BusMessage& msg) {
  auto it = forwarded_.find(msg.subject);
  if (it == forwarded_.end()) return;  // answered already, or too late
  Forwarded f = std::move(it->second);
  forwarded_.erase(it);
  clock_.cancel(f.timer);
  f.done(std::nullopt);
}

bool OrderService::approve_here(std::string_view client_order_id) {
  for (auto& [key, open] : open_) {
    if (*open.order.client_order_id == client_order_id &&
        open.status == OrderStatus::kPendingApproval) {
      submit(open);
      return true;
    }
  }
  return false;
}

void OrderService::approve(std::string_view client_order_id,
                           std::function<void(std::optional<Rejection>)> done) {
  if (approve_here(client_order_id)) return done(std::nullopt);
  std::string coid(client_order_id);
  std::string reply = fmt::format("{}.{}", inbox_, ++next_forward_);
  core::Status s =
      bus_.publish(control_subject_,
                   encode_control({ControlOp::kApprove, "", options_.worker_id, coid}), {}, reply);
  if (!s) {
    return done(Rejection{RejectCode::kUnknownOrder,
                          fmt::format("no order {} is waiting for approval here, and the other "
                                      "workers cannot be asked: {}",
                                      coid, s.message)});
  }
  Forwarded& f = forwarded_[reply];
  f.done = std::move(done);
  f.timer = clock_.call_after(
      options_.approve_wait_us, guarded([this, reply, coid] {
        auto it = forwarded_.find(reply);
        if (it == forwarded_.end()) return;
        auto answer = std::move(it->second.done);
        forwarded_.erase(it);
        answer(Rejection{RejectCode::kUnknownOrder,
                         fmt::format("no worker holds an order {} waiting for approval", coid)});
      }));
}

void OrderService::halt(std::string_view reason, std::string_view by) {
  ControlMessage m{ControlOp::kHalt, std::string(reason),
                   by.empty() ? options_.worker_id : std::string(by), ""};
  ++control_seq_;
  apply_halt(true, m.reason, m.by);
  std::string body = encode_control(m);
  kv_.set(halt_key_, body, 0, [](core::Status s) {
    if (!s)
      logger().error("kill switch not stored: a restarted worker would not see it",
                     {{"error", s.message}});
  });
  core::Status s = bus_.publish(control_subject_, body, {}, "");
  if (!s) logger().error("kill switch not broadcast", {{"error", s.message}});
}

void OrderService::resume(std::string_view by) {
  ControlMessage m{ControlOp::kResume, "", by.empty() ? options_.worker_id : std::string(by), ""};
  ++control_seq_;
  apply_halt(false, "", m.by);
  kv_.del(halt_key_, [](core::Result<std::int64_t> r) {
    if (!r) logger().error("kill switch not cleared in the store", {{"error", r.status().message}});
  });
  core::Status s = bus_.publish(control_subject_, encode_control(m), {}, "");
  if (!s) logger().error("resume not broadcast", {{"error", s.message}});
}

void OrderService::apply_halt(bool on, std::string_view reason, std::string_view by) {
  if (on == policy_.halted()) return;
  policy_.set_halted(on);
  if (!on) {
    logger().warn("kill switch off: taking orders again", {{"by", by}});
    return;
  }
  logger().warn("kill switch on: rejecting new orders, cancelling open ones",
                {{"reason", reason}, {"by", by}, {"open_orders", open_.size()}});
  std::vector<std::string> keys;
  for (const auto& [key, open] : open_) keys.push_back(key);
  for (const std::string& key : keys) {
    if (open_.contains(key)) cancel_open(key);
  }
}

}  // namespace live_gateway
