#include "sim/sim_network.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace sim {

SimNetwork::SimNetwork(SimClock& clock, core::Rng rng) : clock_(clock), rng_(std::move(rng)) {}

std::pair<std::string, std::string> SimNetwork::pair_key(const std::string& a,
                                                         const std::string& b) {
  return a < b ? std::make_pair(a, b) : std::make_pair(b, a);
}

void SimNetwork::set_link(const std::string& from, const std::string& to,
                          const LinkProfile& profile) {
  links_[{from, to}] = profile;
}

core::Status SimNetwork::listen(const std::string& host, std::uint16_t port,
                                std::function<void(ConnId, const std::string&)> on_accept) {
  auto [it, inserted] = listeners_.emplace(std::make_pair(host, port), std::move(on_accept));
  if (!inserted)
    return core::make_error(core::Errc::kAlreadyExists, "{}:{} already listening", host, port);
  return core::Status::ok();
}

void SimNetwork::unlisten(const std::string& host, std::uint16_t port) {
  listeners_.erase({host, port});
}

const LinkProfile& SimNetwork::profile(const std::string& from, const std::string& to) const {
  auto it = links_.find({from, to});
  return it == links_.end() ? default_profile_ : it->second;
}

std::int64_t SimNetwork::draw_latency_us(const std::string& from, const std::string& to) {
  const LinkProfile& p = profile(from, to);
  if (rng_.chance(p.tail_ratio)) return rng_.random_int(p.latency_us_min, p.tail_us_max + 1);
  const double u = 1.0 - rng_.random_unit();  // (0, 1]
  return p.latency_us_min +
         static_cast<std::int64_t>(-std::log(u) * static_cast<double>(p.latency_us_mean));
}

std::int64_t SimNetwork::draw_delivery_us(const std::string& from, const std::string& to) {
  const std::int64_t latency = draw_latency_us(from, to);
  return rng_.chance(profile(from, to).loss_ratio) ? latency + kRetransmitUs : latency;
}

void SimNetwork::connect(const std::string& from, const std::string& to, std::uint16_t port,
                         std::function<void(core::Result<ConnId>)> done) {
  const std::int64_t rtt = draw_latency_us(from, to) + draw_latency_us(to, from);
  if (partitioned(from, to)) {
    clock_.call_after(connect_timeout_us_, [done = std::move(done), to, port] {
      done(core::make_error(core::Errc::kTimeout, "connect to {}:{} timed out", to, port));
    });
    return;
  }
  clock_.call_after(rtt, [this, from, to, port, done = std::move(done)] {
    auto it = listeners_.find({to, port});
    if (it == listeners_.end() || partitioned(from, to)) {
      done(core::make_error(core::Errc::kUnavailable, "connection to {}:{} refused", to, port));
      return;
    }
    const ConnId client = next_conn_++;
    const ConnId server = next_conn_++;
    conns_[client] = Endpoint{from, server, {}, false, {}, {}};
    conns_[server] = Endpoint{to, client, {}, false, {}, {}};
    it->second(server, from);
    done(client);
  });
}

void SimNetwork::set_handlers(ConnId conn, StreamHandlers handlers) {
  auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  it->second.handlers = std::move(handlers);
  it->second.has_handlers = true;
  if (!it->second.unread.empty()) clock_.post([this, conn] { flush_unread(conn); });
}

void SimNetwork::flush_unread(ConnId conn) {
  auto it = conns_.find(conn);
  if (it == conns_.end() || it->second.unread.empty()) return;
  std::string bytes = std::move(it->second.unread);
  it->second.unread.clear();
  it->second.handlers.on_data(bytes);
}

core::Status SimNetwork::send(ConnId conn, std::string bytes) {
  auto it = conns_.find(conn);
  if (it == conns_.end())
    return core::make_error(core::Errc::kUnavailable, "connection {} is closed", conn);
  const std::string from = it->second.host;
  const ConnId peer = it->second.peer;
  auto peer_it = conns_.find(peer);
  if (peer_it == conns_.end()) {
    return core::make_error(core::Errc::kUnavailable, "connection {} closed by peer", conn);
  }
  const std::string& to = peer_it->second.host;
  const LinkProfile& p = profile(from, to);
  if (rng_.chance(p.reset_ratio)) {
    reset(conn);
    return core::make_in_doubt(core::Errc::kUnavailable, "connection {} reset while sending", conn);
  }
  if (bytes.size() > 1 && rng_.chance(p.partial_write_ratio)) {
    const auto cut =
        static_cast<std::size_t>(rng_.random_int(1, static_cast<std::int64_t>(bytes.size())));
    enqueue(from, peer, bytes.substr(0, cut), false);
    enqueue(from, peer, bytes.substr(cut), false);
  } else {
    enqueue(from, peer, std::move(bytes), false);
  }
  return core::Status::ok();
}

void SimNetwork::enqueue(const std::string& from, ConnId to, std::string bytes, bool is_close) {
  Endpoint& end = conns_.at(to);
  std::int64_t due = clock_.now_us() + draw_delivery_us(from, end.host);
  if (!end.inbound.empty()) due = std::max(due, end.inbound.back().due_us);
  end.inbound.push_back(Chunk{due, std::move(bytes), is_close});
  clock_.call_after(due - clock_.now_us(), [this, to] { pump(to); });
}

void SimNetwork::pump(ConnId to) {
  auto it = conns_.find(to);
  if (it == conns_.end()) return;
  Endpoint& end = it->second;
  if (end.inbound.empty() || end.inbound.front().due_us > clock_.now_us()) return;
  const auto peer = conns_.find(end.peer);
  if (peer != conns_.end() && partitioned(end.host, peer->second.host)) {
    clock_.call_after(kRetransmitUs, [this, to] { pump(to); });  // TCP keeps retrying
    return;
  }
  Chunk chunk = std::move(end.inbound.front());
  end.inbound.pop_front();
  hand_over(to, end, std::move(chunk));
}

void SimNetwork::hand_over(ConnId to, Endpoint& end, Chunk chunk) {
  if (chunk.is_close) {
    auto on_close = std::move(end.handlers.on_close);
    conns_.erase(to);
    if (on_close) on_close(core::Status::ok());
    return;
  }
  bytes_delivered_ += chunk.bytes.size();
  if (!end.has_handlers || !end.unread.empty()) {
    end.unread += chunk.bytes;
    return;
  }
  end.handlers.on_data(chunk.bytes);
}

void SimNetwork::close(ConnId conn) {
  auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  const ConnId peer = it->second.peer;
  const std::string from = it->second.host;
  conns_.erase(it);
  if (conns_.count(peer)) enqueue(from, peer, {}, true);
}

void SimNetwork::reset(ConnId conn) {
  auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  const ConnId peer = it->second.peer;
  conns_.erase(it);
  drop(peer, core::make_error(core::Errc::kUnavailable, "connection reset by peer"));
}

void SimNetwork::drop(ConnId conn, const core::Status& why) {
  auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  auto on_close = std::move(it->second.handlers.on_close);
  conns_.erase(it);
  if (on_close) clock_.post([on_close = std::move(on_close), why] { on_close(why); });
}

void SimNetwork::partition(const std::string& a, const std::string& b) {
  const std::uint64_t epoch = ++partition_epoch_;
  partitions_[pair_key(a, b)] = epoch;
  clock_.call_after(partition_reset_us_, [this, a, b, epoch] {
    auto it = partitions_.find(pair_key(a, b));
    if (it == partitions_.end() || it->second != epoch) return;
    std::vector<ConnId> doomed;
    for (const auto& [id, end] : conns_) {
      auto peer = conns_.find(end.peer);
      if (peer != conns_.end() && pair_key(end.host, peer->second.host) == pair_key(a, b)) {
        doomed.push_back(id);
      }
    }
    for (ConnId id : doomed)
      drop(id, core::make_error(core::Errc::kUnavailable, "connection timed out during partition"));
  });
}

void SimNetwork::heal(const std::string& a, const std::string& b) {
  partitions_.erase(pair_key(a, b));
}

void SimNetwork::heal_all() {
  partitions_.clear();
}

bool SimNetwork::partitioned(const std::string& a, const std::string& b) const {
  return partitions_.count(pair_key(a, b)) != 0;
}

void SimNetwork::crash_host(const std::string& host) {
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    it = it->first.first == host ? listeners_.erase(it) : std::next(it);
  }
  std::vector<ConnId> own;
  for (const auto& [id, end] : conns_) {
    if (end.host == host) own.push_back(id);
  }
  for (ConnId id : own) {
    auto it = conns_.find(id);
    if (it == conns_.end()) continue;
    const ConnId peer = it->second.peer;
    conns_.erase(it);  // the crashed side hears nothing: its objects are gone
    drop(peer, core::make_error(core::Errc::kUnavailable, "connection reset: {} crashed", host));
  }
}

}  // namespace sim
