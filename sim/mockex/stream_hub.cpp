#include "sim/mockex/stream_hub.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/json_text.h"
#include "sim/mockex/request_params.h"

namespace sim::mockex {
namespace {

constexpr int kCloseGoingAway = 1001;

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto at = text.find(sep);
    if (at != 0) out.emplace_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return out;
}

std::string reply(const nlohmann::json& id, const std::string& result_json) {
  return R"({"result":)" + result_json + R"(,"id":)" + id.dump() + "}";
}

std::string error_reply(int code, std::string_view msg, const nlohmann::json* id) {
  std::string out = R"({"code":)" + std::to_string(code) + R"(,"msg":)";
  core::json::append_string(out, msg);
  if (id != nullptr) out += R"(,"id":)" + id->dump();
  out.push_back('}');
  return out;
}

bool valid_id(const nlohmann::json& id) {
  return id.is_null() || id.is_number_integer() ||
         (id.is_string() && id.get<std::string>().size() <= 36);
}

}  // namespace

StreamHub::~StreamHub() {
  drop_all();
}

void StreamHub::use_faults(core::Clock& clock, Faults& faults,
                           std::function<void(const char*)> count) {
  clock_ = &clock;
  faults_ = &faults;
  count_fault_ = std::move(count);
}

bool StreamHub::accept(const core::HttpRequest& upgrade, std::shared_ptr<core::WsSession> ws) {
  const auto q = upgrade.target.find('?');
  const std::string path = upgrade.target.substr(0, q);
  Session s{ws, false, {}, {}, 0};
  std::vector<std::string> initial;
  if (path == "/stream") {
    s.combined = true;
    const auto query = q == std::string::npos ? std::string() : upgrade.target.substr(q + 1);
    for (const auto& [k, v] : parse_form(query))
      if (k == "streams") initial = split(v, '/');
  } else if (path.starts_with("/ws/")) {
    initial = split(std::string_view(path).substr(4), '/');
  } else if (path != "/ws") {
    return false;
  }
  const std::uint64_t id = next_id_++;
  sessions_.emplace(id, std::move(s));
  for (const auto& stream : initial) subscribe(id, stream);
  std::weak_ptr<int> alive = alive_;
  ws->on_message([this, alive, id](const std::string& text) {
    if (!alive.expired()) on_text(id, text);
  });
  ws->on_close([this, alive, id](int, const std::string&) {
    if (!alive.expired()) remove(id);
  });
  return true;
}

void StreamHub::publish(std::string_view stream, std::string_view payload) {
  const auto it = by_stream_.find(stream);
  if (it == by_stream_.end() || it->second.empty()) return;
  if (faults_ != nullptr && faults_->stream_gap_next > 0) {
    --faults_->stream_gap_next;
    if (count_fault_) count_fault_("stream_gap");
    return;
  }
  // A copy, since a drop below may change the index; into a reused vector, since a set copy
  // per frame was an allocation per subscriber per frame.
  std::vector<std::uint64_t> ids = std::move(fanout_);
  ids.assign(it->second.begin(), it->second.end());
  for (const std::uint64_t id : ids) {
    const auto s = sessions_.find(id);
    if (s != sessions_.end()) send(s->second, id, stream, payload);
  }
  fanout_ = std::move(ids);
}

bool StreamHub::has_subscribers(std::string_view stream) const {
  const auto it = by_stream_.find(stream);
  return it != by_stream_.end() && !it->second.empty();
}

std::size_t StreamHub::max_queued_bytes() const {
  std::size_t most = 0;
  for (const auto& [id, s] : sessions_) most = std::max(most, s.ws->queued_bytes());
  return most;
}

void StreamHub::drop_all() {
  auto sessions = std::move(sessions_);
  sessions_.clear();
  by_stream_.clear();
  for (auto& [id, s] : sessions) {
    if (s.timer != 0) clock_->cancel(s.timer);
    s.ws->close(kCloseGoingAway, "mockex: scripted disconnect");
  }
}

void StreamHub::drop_after_frames(std::uint64_t frames) {
  drop_at_frames_ = frames == 0 ? 0 : frames_sent_ + frames;
}

void StreamHub::send(Session& s, std::uint64_t id, std::string_view stream,
                     std::string_view payload) {
  if (faults_ != nullptr && faults_->streams_stalled) {
    ++frames_withheld_;
    return;
  }
  std::string text;
  if (s.combined) {
    text = R"({"stream":)";
    core::json::append_string(text, stream);
    text += R"(,"data":)";
    text.append(payload);
    text.push_back('}');
  } else {
    text = std::string(payload);
  }
  const std::int64_t latency_us = faults_ != nullptr ? faults_->stream_latency_ms * 1000 : 0;
  if (latency_us > 0 || !s.delayed.empty()) {  // behind delayed frames even at latency 0
    const std::int64_t now = clock_->now_us();
    const std::int64_t due =
        std::max(now + latency_us, s.delayed.empty() ? now : s.delayed.back().first);
    s.delayed.emplace_back(due, std::move(text));
    if (latency_us > 0 && count_fault_) count_fault_("stream_latency");
    if (s.timer == 0) arm_delayed(s, id, due - now);
    return;
  }
  (void)s.ws->send_text(std::move(text));
  ++frames_sent_;
  if (drop_at_frames_ != 0 && frames_sent_ >= drop_at_frames_) {
    drop_at_frames_ = 0;
    drop_all();
  }
}

void StreamHub::arm_delayed(Session& s, std::uint64_t id, std::int64_t delay_us) {
  std::weak_ptr<int> alive = alive_;
  s.timer = clock_->call_after(delay_us, [this, alive, id] {
    if (!alive.expired()) send_delayed(id);
  });
}

void StreamHub::send_delayed(std::uint64_t id) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  Session& s = it->second;
  s.timer = 0;
  const std::int64_t now = clock_->now_us();
  while (!s.delayed.empty() && s.delayed.front().first <= now) {
    (void)s.ws->send_text(std::move(s.delayed.front().second));
    s.delayed.pop_front();
    ++frames_sent_;
  }
  if (!s.delayed.empty()) arm_delayed(s, id, s.delayed.front().first - now);
}

void StreamHub::on_text(std::uint64_t id, const std::string& text) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  Session& s = it->second;
  const auto msg = nlohmann::json::parse(text, nullptr, false);
  if (msg.is_discarded() || !msg.is_object()) {
    (void)s.ws->send_text(
        error_reply(3, "Invalid JSON: expected value at line 1 column 1", nullptr));
    return;
  }
  const nlohmann::json id_json = msg.value("id", nlohmann::json());
  if (!msg.contains("method") || !msg["method"].is_string() || !valid_id(id_json)) {
    (void)s.ws->send_text(error_reply(2, "Invalid request: missing or bad method or id", &id_json));
    return;
  }
  const std::string method = msg["method"];
  const nlohmann::json params = msg.value("params", nlohmann::json::array());
  if (method == "SUBSCRIBE" || method == "UNSUBSCRIBE") {
    if (!params.is_array()) {
      (void)s.ws->send_text(error_reply(2, "Invalid request: params must be an array", &id_json));
      return;
    }
    for (const auto& p : params) {
      if (!p.is_string()) continue;
      if (method == "SUBSCRIBE")
        subscribe(id, p.get<std::string>());
      else
        unsubscribe(id, p.get<std::string>());
    }
    (void)s.ws->send_text(reply(id_json, "null"));
  } else if (method == "LIST_SUBSCRIPTIONS") {
    (void)s.ws->send_text(reply(id_json, nlohmann::json(s.streams).dump()));
  } else if (method == "SET_PROPERTY" && params.size() == 2 && params[0] == "combined" &&
             params[1].is_boolean()) {
    s.combined = params[1].get<bool>();
    (void)s.ws->send_text(reply(id_json, "null"));
  } else if (method == "GET_PROPERTY" && params.size() == 1 && params[0] == "combined") {
    (void)s.ws->send_text(reply(id_json, s.combined ? "true" : "false"));
  } else if (method == "SET_PROPERTY" || method == "GET_PROPERTY") {
    (void)s.ws->send_text(error_reply(0, "Unknown property", &id_json));
  } else {
    (void)s.ws->send_text(error_reply(2, "Invalid request: unknown method", &id_json));
  }
}

void StreamHub::subscribe(std::uint64_t id, const std::string& stream) {
  Session& s = sessions_.at(id);
  if (!by_stream_[stream].insert(id).second) return;
  s.streams.push_back(stream);
  if (on_subscribe_) on_subscribe_();
}

void StreamHub::unsubscribe(std::uint64_t id, const std::string& stream) {
  Session& s = sessions_.at(id);
  const auto it = by_stream_.find(stream);
  if (it == by_stream_.end() || it->second.erase(id) == 0) return;
  if (it->second.empty()) by_stream_.erase(it);
  std::erase(s.streams, stream);
}

void StreamHub::remove(std::uint64_t id) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  for (const auto& stream : std::vector<std::string>(it->second.streams)) unsubscribe(id, stream);
  if (it->second.timer != 0) clock_->cancel(it->second.timer);
  sessions_.erase(it);
}

}  // namespace sim::mockex
