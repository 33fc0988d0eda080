#include "sim/sim_bus_server.h"

#include <vector>

#include "core/subject.h"
#include "sim/detail/ordered_link.h"
#include "sim/detail/sim_jetstream.h"
#include "sim/sim_bus.h"
#include "sim/sim_network.h"

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
  for (auto& [conn, c] : conns_) {
    c.up->close();
    c.down->close();
    lose(conn, c.client);
  }
  conns_.clear();
}

void SimBusServer::lose(ConnId conn, SimBus* client) {
  dropped_.emplace(conn, client);
  clock_.call_after(latency_us_, [this, conn] {
    auto it = dropped_.find(conn);
    if (it == dropped_.end()) return;  // the client went away first
    SimBus* c = it->second;
    dropped_.erase(it);
    c->connection_lost();
  });
}

std::int64_t SimBusServer::hop_latency_us(const std::string& client_host, bool to_server) {
  if (net_ == nullptr) return latency_us_;
  return to_server ? net_->draw_delivery_us(client_host, host_)
                   : net_->draw_delivery_us(host_, client_host);
}

void SimBusServer::attach(SimNetwork& net, std::string host) {
  net_ = &net;
  host_ = std::move(host);
}

bool SimBusServer::cut_off(const std::string& client_host) const {
  return net_ != nullptr && net_->partitioned(client_host, host_);
}

void SimBusServer::drop_partitioned() {
  for (auto it = conns_.begin(); it != conns_.end();) {
    if (!cut_off(it->second.host)) {
      ++it;
      continue;
    }
    const ConnId conn = it->first;
    it->second.up->close();
    it->second.down->close();
    SimBus* client = it->second.client;
    it = conns_.erase(it);
    for (auto s = subs_.begin(); s != subs_.end();) {
      s = s->first.first == conn ? subs_.erase(s) : std::next(s);
    }
    lose(conn, client);
  }
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

void SimBusServer::stream_visit(const std::string& name, std::uint64_t from_seq,
                                const StreamVisitor& visit) const {
  js_->stream_visit(name, from_seq, visit);
}

void SimBusServer::stream_purge_below(const std::string& name, std::uint64_t seq) {
  js_->stream_purge_below(name, seq);
}

std::vector<std::pair<std::uint64_t, core::BusMessage>> SimBusServer::stream_read(
    const std::string& name, std::uint64_t from_seq) const {
  return js_->stream_read(name, from_seq);
}

SimBusServer::ConnId SimBusServer::connect(SimBus& client) {
  if (!running_ || cut_off(client.name())) return 0;
  const ConnId conn = next_conn_++;
  const std::string host = client.name();
  auto blocked = [this, host] { return cut_off(host); };
  conns_.emplace(conn, Conn{&client, host, std::make_shared<detail::OrderedLink>(clock_, blocked),
                            std::make_shared<detail::OrderedLink>(clock_, blocked)});
  return conn;
}

void SimBusServer::disconnect(ConnId conn) {
  auto it = conns_.find(conn);
  if (it != conns_.end()) {
    it->second.up->close();
    it->second.down->close();
    conns_.erase(it);
  }
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
  auto it = conns_.find(conn);
  if (it == conns_.end()) return;  // lost with the connection
  it->second.up->send(hop_latency_us(it->second.host, true),
                      [this, msg = std::move(msg)]() mutable {
                        if (running_) receive(msg);
                      });
}

void SimBusServer::receive(core::BusMessage& msg) {
  if (js_->handle_api(msg)) return;
  // The stream keeps its own copy; when no subscriber wants the message too it takes this one
  // (a copy of every tick was a good part of a long replay's time).
  if (!has_interest(msg.subject)) {
    js_->capture(std::move(msg));
    return;
  }
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
  auto it = conns_.find(sub.conn);
  if (it == conns_.end()) return;
  it->second.down->send(
      latency_us_, [client = it->second.client, sid = sub.sid, msg] { client->deliver(sid, msg); });
}

}  // namespace sim
