#include "sim/detail/sim_jetstream.h"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/subject.h"

namespace sim {
namespace {

using nlohmann::json;

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto dot = s.find('.', start);
    out.push_back(s.substr(start, dot - start));
    if (dot == std::string::npos) return out;
    start = dot + 1;
  }
}

}  // namespace

SimJetStream::SimJetStream(core::Clock& clock, Host host) : clock_(clock), host_(std::move(host)) {}

SimJetStream::~SimJetStream() {
  on_stop();
}

bool SimJetStream::handle_api(const core::BusMessage& msg) {
  if (msg.subject.rfind("$JS.ACK.", 0) == 0) {
    handle_ack(msg.subject, msg.data);
    return true;
  }
  if (msg.subject.rfind("$JS.API.", 0) != 0) return false;
  std::string answer = api(msg.subject, msg.data);
  if (!msg.reply.empty()) {
    host_.route(msg.reply, core::BusMessage{msg.reply, "", {}, std::move(answer)});
  }
  return true;
}

std::string SimJetStream::api(const std::string& subject, const std::string& body) {
  const std::vector<std::string> t = split(subject);  // $JS API <KIND> <VERB> ...
  if (t.size() == 5 && t[2] == "STREAM" && (t[3] == "CREATE" || t[3] == "UPDATE")) {
    return stream_create(t[4], body, t[3] == "UPDATE");
  }
  if (t.size() == 5 && t[2] == "STREAM" && t[3] == "INFO") {
    auto it = streams_.find(t[4]);
    if (it == streams_.end())
      return core::js_error_json(404, core::kJsErrStreamNotFound, "stream not found");
    return stream_info_json(it->second);
  }
  if (t.size() == 7 && t[2] == "CONSUMER" && t[3] == "DURABLE" && t[4] == "CREATE") {
    return consumer_create(t[5], t[6], body);
  }
  return core::js_error_json(400, 10003, "unknown JetStream API " + subject);
}

std::string SimJetStream::stream_info_json(const Stream& s) const {
  return json{{"type", "io.nats.jetstream.api.v1.stream_info_response"},
              {"config", json::parse(core::stream_spec_to_json(s.spec))},
              {"state",
               {{"messages", s.msgs.size()}, {"first_seq", s.first_seq}, {"last_seq", s.last_seq}}}}
      .dump();
}

std::string SimJetStream::stream_create(const std::string& name, const std::string& body,
                                        bool update) {
  auto spec = core::stream_spec_from_json(body);
  if (!spec || spec->name != name) {
    return core::js_error_json(400, 10025, "stream config invalid or name mismatch");
  }
  auto it = streams_.find(name);
  if (update) {
    if (it == streams_.end())
      return core::js_error_json(404, core::kJsErrStreamNotFound, "stream not found");
    it->second.spec = *spec;
    return stream_info_json(it->second);
  }
  if (it != streams_.end()) {
    if (it->second.spec == *spec) return stream_info_json(it->second);
    return core::js_error_json(400, core::kJsErrStreamNameInUse,
                               "stream name already in use with a different configuration");
  }
  Stream& s = streams_[name];
  s.spec = *spec;
  return stream_info_json(s);
}

std::string SimJetStream::consumer_create(const std::string& stream, const std::string& durable,
                                          const std::string& body) {
  if (streams_.count(stream) == 0) {
    return core::js_error_json(404, core::kJsErrStreamNotFound, "stream not found");
  }
  std::string deliver;
  auto spec = core::consumer_create_from_json(body, deliver);
  if (!spec || spec->durable != durable || deliver.empty()) {
    return core::js_error_json(400, 10012, "consumer config invalid (push, durable required)");
  }
  spec->stream = stream;
  Consumer& c = consumers_[{stream, durable}];  // an existing one keeps its state
  c.spec = *spec;
  c.deliver_subject = deliver;
  pump(c);
  return json{{"type", "io.nats.jetstream.api.v1.consumer_create_response"},
              {"stream_name", stream},
              {"name", durable}}
      .dump();
}

void SimJetStream::capture(core::BusMessage msg) {
  const std::int64_t now = clock_.now_us();
  for (auto& [name, s] : streams_) {
    const bool captured =
        std::any_of(s.spec.subjects.begin(), s.spec.subjects.end(),
                    [&](const std::string& p) { return core::subject_matches(p, msg.subject); });
    if (!captured) continue;
    core::PubAck ack{name, 0, false};
    // As the server does, ids older than the duplicate window are forgotten first.
    s.dedup.expire(now, s.spec.duplicate_window_us);
    std::string id(core::header_value(msg.headers, core::kMsgIdHeader));
    const std::optional<std::uint64_t> dup = id.empty() ? std::nullopt : s.dedup.find(id);
    if (dup) {
      ack.seq = *dup;
      ack.duplicate = true;
    } else {
      ack.seq = ++s.last_seq;
      s.msgs.push_back(
          Stored{std::move(msg.subject), std::move(msg.headers), std::move(msg.data), now});
      if (!id.empty()) s.dedup.insert(std::move(id), ack.seq, now);
    }
    if (!msg.reply.empty()) {
      host_.route(msg.reply, core::BusMessage{msg.reply, "", {}, core::pub_ack_to_json(ack)});
    }
    for (auto& [key, c] : consumers_) {
      if (key.first == name) pump(c);
    }
    return;  // a subject belongs to one stream at most (the server enforces it)
  }
}

void SimJetStream::handle_ack(const std::string& subject, const std::string& body) {
  auto d = core::parse_ack_subject(subject);
  if (!d) return;
  auto cit = consumers_.find({d->stream, d->consumer});
  if (cit == consumers_.end()) return;
  Consumer& c = cit->second;
  auto pit = c.pending.find(d->stream_seq);
  if (pit == c.pending.end()) return;  // already acked
  if (body.rfind("-NAK", 0) == 0) {
    std::int64_t delay_ns = 0;
    const auto brace = body.find('{');
    if (brace != std::string::npos) {
      const json j = json::parse(body.substr(brace), nullptr, false);
      if (j.is_object()) delay_ns = j.value("delay", std::int64_t{0});
    }
    pit->second.deadline_us = clock_.now_us() + delay_ns / 1000;
  } else if (body.rfind("+WPI", 0) == 0) {
    pit->second.deadline_us = clock_.now_us() + c.spec.ack_wait_us;
  } else {  // "+ACK", "" and "+TERM" all end the message's life in the consumer
    c.pending.erase(pit);
  }
  pump(c);
}

void SimJetStream::pump_all() {
  for (auto& [key, c] : consumers_) pump(c);
}

void SimJetStream::pump(Consumer& c) {
  if (!host_.running() || !host_.has_interest(c.deliver_subject)) return;
  const Stream& s = streams_.at(c.spec.stream);
  const std::int64_t now = clock_.now_us();
  for (auto it = c.pending.begin(); it != c.pending.end();) {  // redeliveries, by sequence
    if (it->second.deadline_us > now) {
      ++it;
      continue;
    }
    if (c.spec.max_deliver > 0 &&
        it->second.delivery_count >= static_cast<std::uint32_t>(c.spec.max_deliver)) {
      it = c.pending.erase(it);
      continue;
    }
    send(c, it->first, it->second);
    ++it;
  }
  while (c.pending.size() < static_cast<std::size_t>(c.spec.max_ack_pending) &&
         c.next_seq <= s.last_seq) {
    const std::uint64_t seq = c.next_seq++;
    const Stored* m = s.find(seq);
    if (m == nullptr) continue;
    if (!c.spec.filter_subject.empty() &&
        !core::subject_matches(c.spec.filter_subject, m->subject)) {
      continue;
    }
    send(c, seq, c.pending[seq]);
  }
  arm(c);
}

void SimJetStream::send(Consumer& c, std::uint64_t seq, Pending& p) {
  const Stored* stored = streams_.at(c.spec.stream).find(seq);
  if (stored == nullptr)  // only acknowledged messages are ever purged
    throw std::logic_error(fmt::format("SimJetStream: pending message {} was purged", seq));
  const Stored& m = *stored;
  ++p.delivery_count;
  p.deadline_us = clock_.now_us() + c.spec.ack_wait_us;
  const std::string reply =
      fmt::format("$JS.ACK.{}.{}.{}.{}.{}.{}.{}", c.spec.stream, c.spec.durable, p.delivery_count,
                  seq, ++c.dseq, m.ts_us * 1000, c.pending.size());
  host_.route(c.deliver_subject, core::BusMessage{m.subject, reply, m.headers, m.data});
}

void SimJetStream::arm(Consumer& c) {
  clock_.cancel(c.timer);
  c.timer = 0;
  if (c.pending.empty()) return;
  std::int64_t due = c.pending.begin()->second.deadline_us;
  for (const auto& [seq, p] : c.pending) due = std::min(due, p.deadline_us);
  c.timer = clock_.call_after(std::max<std::int64_t>(due - clock_.now_us(), 0), [this, &c] {
    c.timer = 0;
    pump(c);
  });
}

void SimJetStream::on_stop() {
  for (auto& [key, c] : consumers_) {
    clock_.cancel(c.timer);
    c.timer = 0;
  }
}

std::uint64_t SimJetStream::stream_messages(const std::string& name) const {
  auto it = streams_.find(name);
  return it == streams_.end() ? 0 : it->second.msgs.size();
}

std::vector<std::pair<std::uint64_t, core::BusMessage>> SimJetStream::stream_read(
    const std::string& name, std::uint64_t from_seq) const {
  std::vector<std::pair<std::uint64_t, core::BusMessage>> out;
  auto it = streams_.find(name);
  if (it == streams_.end()) return out;
  const Stream& s = it->second;
  for (std::uint64_t seq = std::max(from_seq, s.first_seq); seq <= s.last_seq; ++seq) {
    const Stored& m = *s.find(seq);
    out.push_back({seq, core::BusMessage{m.subject, "", m.headers, m.data}});
  }
  return out;
}

void SimJetStream::stream_visit(const std::string& name, std::uint64_t from_seq,
                                const StoredVisitor& visit) const {
  auto it = streams_.find(name);
  if (it == streams_.end()) return;
  const Stream& s = it->second;
  for (std::uint64_t seq = std::max(from_seq, s.first_seq); seq <= s.last_seq; ++seq) {
    const Stored& m = *s.find(seq);
    visit(seq, m.subject, m.headers, m.data);
  }
}

void SimJetStream::stream_purge_below(const std::string& name, std::uint64_t seq) {
  auto it = streams_.find(name);
  if (it == streams_.end()) return;
  Stream& s = it->second;
  while (!s.msgs.empty() && s.first_seq < seq) {
    s.msgs.pop_front();
    ++s.first_seq;
  }
}

}  // namespace sim
