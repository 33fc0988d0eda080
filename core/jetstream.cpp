#include "core/jetstream.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include <nlohmann/json.hpp>

namespace core {
namespace {

using nlohmann::json;
constexpr std::int64_t kNsPerUs = 1000;

Result<json> parse_json(std::string_view text, std::string_view what) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return make_error(Errc::kProtocol, "{} is not a JSON object: '{}'", what, text.substr(0, 200));
  }
  return j;
}

/// The `error` member of a JetStream API answer as a Status, or ok when there is none.
Status api_error(const json& j) {
  if (!j.contains("error")) return Status::ok();
  const json& e = j["error"];
  return make_error(Errc::kRejected, "JetStream error {} (err_code {}): {}", e.value("code", 0),
                    e.value("err_code", 0), e.value("description", std::string()));
}

int api_err_code(const json& j) {
  return j.contains("error") ? j["error"].value("err_code", 0) : 0;
}

template <typename T>
bool parse_number(std::string_view text, T& out) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

std::string stream_spec_to_json(const StreamSpec& spec) {
  json j = {{"name", spec.name},
            {"subjects", spec.subjects},
            {"retention", "limits"},
            {"max_consumers", -1},
            {"max_msgs", -1},
            {"max_bytes", -1},
            {"max_age", spec.max_age_us * kNsPerUs},
            {"max_msgs_per_subject", -1},
            {"discard", "old"},
            {"storage", spec.storage == StreamStorage::kFile ? "file" : "memory"},
            {"num_replicas", 1},
            {"duplicate_window", spec.duplicate_window_us * kNsPerUs}};
  return j.dump();
}

Result<StreamSpec> stream_spec_from_json(std::string_view text) {
  auto parsed = parse_json(text, "stream config");
  if (!parsed) return parsed.status();
  const json& j = *parsed;
  if (!j.contains("name") || !j["name"].is_string()) {
    return make_error(Errc::kInvalidArgument, "stream config: 'name' missing");
  }
  StreamSpec spec;
  spec.name = j["name"].get<std::string>();
  spec.subjects = j.value("subjects", std::vector<std::string>{});
  spec.storage = j.value("storage", std::string("file")) == "memory" ? StreamStorage::kMemory
                                                                     : StreamStorage::kFile;
  spec.duplicate_window_us = j.value("duplicate_window", std::int64_t{0}) / kNsPerUs;
  spec.max_age_us = j.value("max_age", std::int64_t{0}) / kNsPerUs;
  return spec;
}

std::string consumer_create_json(const ConsumerSpec& spec, std::string_view deliver_subject) {
  json config = {{"durable_name", spec.durable},
                 {"deliver_subject", std::string(deliver_subject)},
                 {"deliver_policy", "all"},
                 {"ack_policy", "explicit"},
                 {"ack_wait", spec.ack_wait_us * kNsPerUs},
                 {"max_deliver", spec.max_deliver},
                 {"max_ack_pending", spec.max_ack_pending},
                 {"replay_policy", "instant"},
                 {"num_replicas", 0}};
  if (!spec.filter_subject.empty()) config["filter_subject"] = spec.filter_subject;
  return json{{"stream_name", spec.stream}, {"config", config}}.dump();
}

Result<ConsumerSpec> consumer_create_from_json(std::string_view text,
                                               std::string& deliver_subject) {
  auto parsed = parse_json(text, "consumer create request");
  if (!parsed) return parsed.status();
  const json& j = *parsed;
  if (!j.contains("config") || !j["config"].is_object()) {
    return make_error(Errc::kInvalidArgument, "consumer create request: 'config' missing");
  }
  const json& c = j["config"];
  ConsumerSpec spec;
  spec.stream = j.value("stream_name", std::string());
  spec.durable = c.value("durable_name", std::string());
  spec.filter_subject = c.value("filter_subject", std::string());
  spec.ack_wait_us = c.value("ack_wait", std::int64_t{30'000'000'000}) / kNsPerUs;
  spec.max_ack_pending = c.value("max_ack_pending", 1000);
  spec.max_deliver = c.value("max_deliver", -1);
  deliver_subject = c.value("deliver_subject", std::string());
  return spec;
}

std::string pub_ack_to_json(const PubAck& ack) {
  // The hot path (one per stored message in sim) without a json tree; the same text as the
  // tree's dump, whose keys are sorted.
  if (ack.stream.find_first_of("\"\\") == std::string::npos &&
      std::all_of(ack.stream.begin(), ack.stream.end(), [](char c) { return c >= 0x20; })) {
    std::string out;
    out.reserve(48 + ack.stream.size());
    out += ack.duplicate ? R"({"duplicate":true,"seq":)" : R"({"seq":)";
    char digits[24];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, ack.seq).ptr);
    out += R"(,"stream":")";
    out += ack.stream;
    out += "\"}";
    return out;
  }
  json j = {{"stream", ack.stream}, {"seq", ack.seq}};
  if (ack.duplicate) j["duplicate"] = true;
  return j.dump();
}

namespace {

// A PubAck as servers write it, `{"stream":"S", "seq":N}` plus optional `"duplicate": true`
// and `"domain":"D"` (nats-server: keys in that order, a space after some separators;
// pub_ack_to_json: sorted, no spaces), read without a json tree: one arrives per published
// tick. nullopt for anything else (an error answer, escapes, other keys): the caller parses.
std::optional<PubAck> plain_pub_ack(std::string_view text) {
  std::size_t at = 0;
  const auto skip_space = [&] {
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n')) ++at;
  };
  const auto take = [&](char c) {
    skip_space();
    if (at >= text.size() || text[at] != c) return false;
    ++at;
    return true;
  };
  // A string without escapes, after its opening quote.
  const auto string_value = [&]() -> std::optional<std::string_view> {
    const auto close = text.find_first_of("\"\\", at);
    if (close == std::string_view::npos || text[close] != '"') return std::nullopt;
    const std::string_view value = text.substr(at, close - at);
    at = close + 1;
    return value;
  };
  PubAck ack;
  bool have_stream = false, have_seq = false;
  if (!take('{')) return std::nullopt;
  do {
    if (!take('"')) return std::nullopt;
    const auto key = string_value();
    if (!key || !take(':')) return std::nullopt;
    skip_space();
    if (*key == "stream" || *key == "domain") {
      if (!take('"')) return std::nullopt;
      const auto value = string_value();
      if (!value) return std::nullopt;
      if (*key == "stream") ack.stream = std::string(*value), have_stream = true;
    } else if (*key == "seq") {
      const auto [end, ec] = std::from_chars(text.data() + at, text.data() + text.size(), ack.seq);
      if (ec != std::errc()) return std::nullopt;
      at = static_cast<std::size_t>(end - text.data());
      have_seq = true;
    } else if (*key == "duplicate" && text.substr(at).starts_with("true")) {
      ack.duplicate = true;
      at += 4;
    } else if (*key == "duplicate" && text.substr(at).starts_with("false")) {
      at += 5;
    } else {
      return std::nullopt;
    }
  } while (take(','));
  if (!take('}')) return std::nullopt;
  skip_space();
  if (at != text.size() || !have_stream || !have_seq) return std::nullopt;
  return ack;
}

}  // namespace

Result<PubAck> pub_ack_from_json(std::string_view text) {
  if (auto ack = plain_pub_ack(text)) return *ack;
  auto parsed = parse_json(text, "PubAck");
  if (!parsed) return parsed.status();
  const json& j = *parsed;
  if (Status s = api_error(j); !s) return s;
  if (!j.contains("stream") || !j.contains("seq")) {
    return make_error(Errc::kProtocol, "PubAck without 'stream' or 'seq': '{}'", text);
  }
  return PubAck{j["stream"].get<std::string>(), j["seq"].get<std::uint64_t>(),
                j.value("duplicate", false)};
}

std::string js_error_json(int code, int err_code, std::string_view description) {
  return json{{"type", "io.nats.jetstream.api.v1.error"},
              {"error", {{"code", code}, {"err_code", err_code}, {"description", description}}}}
      .dump();
}

Result<JsDelivery> parse_ack_subject(std::string_view reply) {
  // $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending> (9 tokens); newer
  // servers add domain and account hash in front (12+ tokens): the last 7 are ours either way.
  std::vector<std::string_view> tokens;
  for (std::size_t start = 0;;) {
    const auto dot = reply.find('.', start);
    tokens.push_back(reply.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (tokens.size() < 9 || tokens[0] != "$JS" || tokens[1] != "ACK") {
    return make_error(Errc::kProtocol, "not a JetStream ack subject: '{}'", reply);
  }
  const std::size_t n = tokens.size();
  JsDelivery d;
  d.stream = std::string(tokens[n - 7]);
  d.consumer = std::string(tokens[n - 6]);
  if (!parse_number(tokens[n - 5], d.delivery_count) ||
      !parse_number(tokens[n - 4], d.stream_seq) || !parse_number(tokens[n - 3], d.consumer_seq) ||
      !parse_number(tokens[n - 2], d.ts_ns) || !parse_number(tokens[n - 1], d.pending)) {
    return make_error(Errc::kProtocol, "JetStream ack subject with a bad number: '{}'", reply);
  }
  return d;
}

std::string deliver_subject_for(const ConsumerSpec& spec) {
  return fmt::format("_JSD.{}.{}", spec.stream, spec.durable);
}

JsApi::JsApi(Bus& bus, Clock& clock, std::int64_t timeout_us)
    : bus_(bus), clock_(clock), timeout_us_(timeout_us), inbox_(bus.new_inbox()) {
  auto sub = bus_.subscribe(inbox_ + ".*", "", [this](const BusMessage& m) { on_reply(m); });
  assert(sub.is_ok() && "an inbox subject is always valid");
  sub_ = sub.is_ok() ? *sub : 0;
}

JsApi::~JsApi() {
  (void)bus_.unsubscribe(sub_);
  for (auto& [token, p] : pending_) clock_.cancel(p.timer);
}

void JsApi::request(const std::string& subject, const std::string& body,
                    std::function<void(Result<std::string>)> done) {
  const std::uint64_t token = next_token_++;
  if (Status s = bus_.publish(subject, body, {}, fmt::format("{}.{}", inbox_, token)); !s) {
    clock_.post([done = std::move(done), s] { done(s); });
    return;
  }
  const TimerId timer = clock_.call_after(timeout_us_, [this, token, subject] {
    auto it = pending_.find(token);
    if (it == pending_.end()) return;
    auto cb = std::move(it->second.done);
    pending_.erase(it);
    cb(make_in_doubt(Errc::kTimeout, "no answer to {} within {} ms", subject, timeout_us_ / 1000));
  });
  pending_.emplace(token, Pending{std::move(done), timer});
}

void JsApi::on_reply(const BusMessage& msg) {
  std::uint64_t token = 0;
  if (!parse_number(std::string_view(msg.subject).substr(inbox_.size() + 1), token)) return;
  auto it = pending_.find(token);
  if (it == pending_.end()) return;  // late answer to a request that timed out
  clock_.cancel(it->second.timer);
  auto cb = std::move(it->second.done);
  pending_.erase(it);
  cb(msg.data);
}

void JsApi::ensure_stream(const StreamSpec& spec, std::function<void(Status)> done) {
  const std::string body = stream_spec_to_json(spec);
  request("$JS.API.STREAM.CREATE." + spec.name, body,
          [this, name = spec.name, body, done = std::move(done)](Result<std::string> r) mutable {
            if (!r) return done(r.status());
            auto j = parse_json(*r, "stream create answer");
            if (!j) return done(j.status());
            if (api_err_code(*j) != kJsErrStreamNameInUse) return done(api_error(*j));
            // It exists with another configuration: bring it to ours.
            request("$JS.API.STREAM.UPDATE." + name, body,
                    [done = std::move(done)](Result<std::string> u) {
                      if (!u) return done(u.status());
                      auto uj = parse_json(*u, "stream update answer");
                      done(uj ? api_error(*uj) : uj.status());
                    });
          });
}

void JsApi::stream_info(const std::string& name, std::function<void(Result<StreamState>)> done) {
  request("$JS.API.STREAM.INFO." + name, "", [done = std::move(done)](Result<std::string> r) {
    if (!r) return done(r.status());
    auto j = parse_json(*r, "stream info answer");
    if (!j) return done(j.status());
    if (Status s = api_error(*j); !s) return done(s);
    const json state = j->value("state", json::object());
    done(StreamState{state.value("messages", std::uint64_t{0}),
                     state.value("first_seq", std::uint64_t{0}),
                     state.value("last_seq", std::uint64_t{0})});
  });
}

void JsApi::ensure_consumer(const ConsumerSpec& spec, const std::string& deliver_subject,
                            std::function<void(Status)> done) {
  request(fmt::format("$JS.API.CONSUMER.DURABLE.CREATE.{}.{}", spec.stream, spec.durable),
          consumer_create_json(spec, deliver_subject),
          [done = std::move(done)](Result<std::string> r) {
            if (!r) return done(r.status());
            auto j = parse_json(*r, "consumer create answer");
            done(j ? api_error(*j) : j.status());
          });
}

}  // namespace core
