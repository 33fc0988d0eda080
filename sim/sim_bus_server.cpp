#include "sim/sim_bus_server.h"

#include <vector>

#include "core/subject.h"
#include "sim/detail/sim_jetstream.h"
#include "sim/sim_bus.h"

namespace sim {

SimBusServer::SimBusServer(core::Clock& clock, core::Rng rng, std::int64_t latency_us)
    : clock_(clock), rng_(rng), latency_us_(latency_us) {
  js_ = std::make_unique<SimJetStream>(
      clock_, SimJetStream::Host{
                  [this](const std::string& subject, core::BusMessage msg) { route(subject, msg); },
                  [this](const std::string& subject) { return has_interest(subject); },
                  [this] { return running_; }});
}

SimBusServer::~SimBusServer() = default;

void SimBusServer::stop() {
  if (!running_) return;
  running_ = false;
  js_->on_stop();
  subs_.clear();
  for (auto& [conn, client] : conns_) {
    dropped_.emplace(conn, client);
    clock_.call_after(latency_us_, [this, conn = conn] {
      auto it = dropped_.find(conn);
      if (it == dropped_.end()) return;  // the client went away first
      SimBus* c = it->second;
      dropped_.erase(it);
      c->connection_lost();
    });
  }
  conns_.clear();
}

void SimBusServer::start() {
  running_ = true;
  js_->pump_all();
}

void SimBusServer::restart(std::int64_t down_us) {
  stop();
  clock_.call_after(down_us, [this] { start(); });
}

std::uint64_t SimBusServer::stream_messages(const std::string& name) const {
  return js_->stream_messages(name);
}

SimBusServer::ConnId SimBusServer::connect(SimBus& client) {
  if (!running_) return 0;
  const ConnId conn = next_conn_++;
  conns_.emplace(conn, &client);
  return conn;
}

void SimBusServer::disconnect(ConnId conn) {
  conns_.erase(conn);
  dropped_.erase(conn);
  for (auto it = subs_.begin(); it != subs_.end();) {
    it = it->first.first == conn ? subs_.erase(it) : std::next(it);
  }
}

void SimBusServer::add_sub(ConnId conn, core::SubscriptionId sid, const std::string& subject,
                           const std::string& queue) {
  if (conns_.count(conn) == 0) return;
  subs_.insert_or_assign({conn, sid}, Sub{conn, sid, subject, queue});
  js_->pump_all();  // a push consumer's deliver subject may have gained interest
}

void SimBusServer::remove_sub(ConnId conn, core::SubscriptionId sid) {
  subs_.erase({conn, sid});
}

void SimBusServer::send(ConnId conn, core::BusMessage msg) {
  clock_.call_after(latency_us_, [this, conn, msg = std::move(msg)] {
    if (!running_ || conns_.count(conn) == 0) return;  // lost with the connection
    receive(msg);
  });
}

void SimBusServer::receive(core::BusMessage msg) {
  if (js_->handle_api(msg)) return;
  js_->capture(msg);
  route(msg.subject, msg);
}

void SimBusServer::route(const std::string& subject, const core::BusMessage& msg) {
  std::map<std::string, std::vector<const Sub*>> groups;
  for (const auto& [key, sub] : subs_) {
    if (!core::subject_matches(sub.subject, subject)) continue;
    if (sub.queue.empty()) {
      deliver(sub, msg);
    } else {
      groups[sub.queue].push_back(&sub);
    }
  }
  for (const auto& [queue, members] : groups) {
    const auto pick = rng_.random_int(0, static_cast<std::int64_t>(members.size()));
    deliver(*members[static_cast<std::size_t>(pick)], msg);
  }
}

bool SimBusServer::has_interest(const std::string& subject) const {
  for (const auto& [key, sub] : subs_) {
    if (core::subject_matches(sub.subject, subject)) return true;
  }
  return false;
}

void SimBusServer::deliver(const Sub& sub, const core::BusMessage& msg) {
  clock_.call_after(latency_us_, [this, conn = sub.conn, sid = sub.sid, msg] {
    auto it = conns_.find(conn);
    if (it != conns_.end()) it->second->deliver(sid, msg);
  });
}

}  // namespace sim
