#include "sim/sim_bus.h"

#include <algorithm>

#include "core/subject.h"

namespace sim {

using core::BusState;
using core::Errc;

SimBus::SimBus(core::Clock& clock, SimBusServer& server, core::BusOptions options)
    : clock_(clock),
      server_(server),
      options_(std::move(options)),
      inbox_base_(fmt::format("_INBOX.{}.{}", options_.name, server_.next_client_number())) {
  start_cycle();
}

SimBus::~SimBus() {
  *alive_ = false;
  clock_.cancel(reconnect_timer_);
  if (conn_ != 0) server_.disconnect(conn_);
}

core::Status SimBus::publish(std::string_view subject, std::string_view data,
                             const core::Headers& headers, std::string_view reply) {
  if (!core::subject_valid(subject, false)) {
    return core::make_error(Errc::kInvalidArgument, "publish: bad subject '{}'", subject);
  }
  core::BusMessage msg{std::string(subject), std::string(reply), headers, std::string(data)};
  if (conn_ != 0) {
    server_.send(conn_, std::move(msg));
    return core::Status::ok();
  }
  // nats.c refuses once the buffer holds at least its size (so one message may overshoot).
  if (closed_ || buffer_bytes_ >= options_.effective_reconnect_buf_bytes()) {
    return core::make_error(Errc::kUnavailable, "publish to {}: {}", subject,
                            closed_ ? "connection closed" : "not connected, buffer full");
  }
  buffer_bytes_ += static_cast<std::int64_t>(msg.subject.size() + msg.data.size());
  buffer_.push_back(std::move(msg));
  return core::Status::ok();
}

core::Result<core::SubscriptionId> SimBus::subscribe(
    std::string_view subject, std::string_view queue_group,
    std::function<void(const core::BusMessage&)> on_message) {
  if (!core::subject_valid(subject, true)) {
    return core::make_error(Errc::kInvalidArgument, "subscribe: bad subject '{}'", subject);
  }
  const core::SubscriptionId id = next_sub_++;
  Sub& sub = subs_[id];
  sub = Sub{std::string(subject), std::string(queue_group), std::move(on_message)};
  if (conn_ != 0) server_.add_sub(conn_, id, sub.subject, sub.queue);
  return id;
}

core::Status SimBus::unsubscribe(core::SubscriptionId id) {
  if (subs_.erase(id) == 0) {
    return core::make_error(Errc::kNotFound, "unsubscribe: no subscription {}", id);
  }
  if (conn_ != 0) server_.remove_sub(conn_, id);
  return core::Status::ok();
}

std::string SimBus::new_inbox() {
  return fmt::format("{}.{}", inbox_base_, next_inbox_++);
}

core::StateHandlerId SimBus::on_state(std::function<void(core::BusState)> handler) {
  const core::StateHandlerId id = next_handler_++;
  handlers_.emplace(id, std::move(handler));
  return id;
}

void SimBus::remove_state_handler(core::StateHandlerId id) {
  handlers_.erase(id);
}

void SimBus::deliver(core::SubscriptionId sid, const core::BusMessage& msg) {
  auto it = subs_.find(sid);
  if (it == subs_.end()) return;
  const auto by_name = [](const core::Header& a, const core::Header& b) { return a.name < b.name; };
  // Most messages carry one header or none: copy only to sort.
  if (std::is_sorted(msg.headers.begin(), msg.headers.end(), by_name)) {
    it->second.on_message(msg);
    return;
  }
  core::BusMessage m = msg;
  std::stable_sort(m.headers.begin(), m.headers.end(), by_name);
  it->second.on_message(m);
}

void SimBus::connection_lost() {
  conn_ = 0;
  attempts_ = 0;
  notify(BusState::kDisconnected);
  clock_.cancel(reconnect_timer_);
  reconnect_timer_ = clock_.call_after(options_.reconnect_wait_us, [this] { try_connect(); });
}

// Like NatsBus: connected at once if the server is up, else retried in the background.
void SimBus::start_cycle() {
  ++cycles_;
  closed_ = false;
  attempts_ = 0;
  if (!attach()) {
    reconnect_timer_ = clock_.call_after(options_.reconnect_wait_us, [this] { try_connect(); });
    return;
  }
  const BusState state = ever_connected_ ? BusState::kReconnected : BusState::kConnected;
  ever_connected_ = true;
  clock_.post([this, alive = alive_, state] {
    if (*alive) notify(state);
  });
}

void SimBus::try_connect() {
  reconnect_timer_ = 0;
  if (!attach()) {
    ++attempts_;
    if (options_.max_reconnect_attempts >= 0 && attempts_ >= options_.max_reconnect_attempts) {
      close();
      return;
    }
    reconnect_timer_ = clock_.call_after(options_.reconnect_wait_us, [this] { try_connect(); });
    return;
  }
  notify(ever_connected_ ? BusState::kReconnected : BusState::kConnected);
  ever_connected_ = true;
}

bool SimBus::attach() {
  conn_ = server_.connect(*this);
  if (conn_ == 0) return false;
  for (const auto& [id, sub] : subs_) server_.add_sub(conn_, id, sub.subject, sub.queue);
  for (core::BusMessage& m : buffer_) server_.send(conn_, std::move(m));
  buffer_.clear();
  buffer_bytes_ = 0;
  return true;
}

// As nats.c: the closed connection takes its reconnect buffer with it. Then, unlike nats.c
// alone but like NatsBus, a new cycle starts after the usual pause.
void SimBus::close() {
  closed_ = true;
  buffer_.clear();
  buffer_bytes_ = 0;
  reconnect_timer_ = clock_.call_after(options_.reconnect_wait_us, [this] {
    reconnect_timer_ = 0;
    start_cycle();
  });
  notify(BusState::kClosed);
}

void SimBus::notify(core::BusState state) {
  auto snapshot = handlers_;  // a handler may add or remove handlers
  for (auto& [id, h] : snapshot) {
    if (handlers_.count(id) > 0) h(state);
  }
}

}  // namespace sim
