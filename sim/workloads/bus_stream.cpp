#include "sim/workloads/bus_stream.h"

#include <charconv>
#include <deque>

#include "core/jetstream.h"
#include "core/js_consumer.h"
#include "core/js_publisher.h"
#include "sim/scenario.h"

namespace sim {
namespace {

constexpr const char* kStream = "SIMSTREAM";
constexpr const char* kSubject = "simstream.data";
constexpr const char* kLastKey = "consumer:last";
constexpr std::int64_t kRetryUs = 250'000;

core::BusOptions bus_options() {
  core::BusOptions options;
  options.jetstream = true;
  options.reconnect_wait_us = 250'000;
  return options;
}

// Both sides declare the stream: whichever reaches the server first creates it.
core::StreamSpec stream_spec() {
  return core::StreamSpec{kStream, {"simstream.>"}};
}

std::uint64_t parse_u64(std::string_view text) {
  std::uint64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

class StreamPublisher final : public Process {
 public:
  StreamPublisher(HostEnv& env, const BusStreamParams& params)
      : env_(env),
        params_(params),
        bus_(env.make_bus(bus_options())),
        api_(*bus_, env.clock),
        publisher_(*bus_, env.clock) {
    create_stream();
  }

 private:
  void create_stream() {
    api_.ensure_stream(stream_spec(), [this](core::Status s) {
      if (!s.is_ok()) {
        env_.clock.call_after(kRetryUs, [this] { create_stream(); });
        return;
      }
      env_.world.event(env_.name, "stream_ready");
      tick();
    });
  }

  void tick() {
    if (next_ > params_.messages) return;
    const std::string n = std::to_string(next_);
    if (publisher_.publish(kSubject, n, "pub:" + n).is_ok()) {
      env_.world.event(env_.name, "publish").u64("n", next_).u64("pending", publisher_.pending());
      ++next_;
    }  // else: outbox full, retry at the next tick
    env_.clock.call_after(params_.interval_us, [this] { tick(); });
  }

  HostEnv& env_;
  BusStreamParams params_;
  std::unique_ptr<core::Bus> bus_;
  core::JsApi api_;
  core::JsPublisher publisher_;
  std::uint64_t next_ = 1;
};

class StreamConsumer final : public Process {
 public:
  StreamConsumer(HostEnv& env, const BusStreamParams& params, BusStreamOracle& oracle)
      : env_(env),
        oracle_(oracle),
        bus_(env.make_bus(bus_options())),
        kv_(env.make_kv()),
        api_(*bus_, env.clock),
        consumer_(*bus_, env.clock, spec(params)) {
    recover();
  }

 private:
  static core::ConsumerSpec spec(const BusStreamParams& params) {
    core::ConsumerSpec s;
    s.stream = kStream;
    s.durable = "sink";
    s.ack_wait_us = params.ack_wait_us;
    return s;
  }

  // Only what went through Kv survives a crash: read it back before consuming.
  void recover() {
    kv_->get(kLastKey, [this](core::Result<std::optional<std::string>> r) {
      if (!r.is_ok()) {
        env_.clock.call_after(kRetryUs, [this] { recover(); });
        return;
      }
      last_ = r->has_value() ? parse_u64(**r) : 0;
      env_.world.event(env_.name, "recovered").u64("last", last_);
      consume();
    });
  }

  void consume() {
    api_.ensure_stream(stream_spec(), [this](core::Status s) {
      if (!s.is_ok()) {
        env_.clock.call_after(kRetryUs, [this] { consume(); });
        return;
      }
      consumer_.start(
          [this](const core::JsMessage& m) { enqueue(m); },
          [this](core::Status started) {
            env_.world.event(env_.name, "consumer_started").str("status", started.to_string());
          });
    });
  }

  void enqueue(const core::JsMessage& m) {
    queue_.push_back(m);
    if (!busy_) process_next();
  }

  void process_next() {
    busy_ = !queue_.empty();
    if (!busy_) return;
    const core::JsMessage& m = queue_.front();
    const std::uint64_t n = parse_u64(m.msg.data);
    env_.world.event(env_.name, "deliver")
        .u64("n", n)
        .u64("stream_seq", m.delivery.stream_seq)
        .u64("delivery", m.delivery.delivery_count);
    if (n <= last_) {
      ++oracle_.duplicates;
      finish();
      return;
    }
    if (n != last_ + 1 && !oracle_.violation) {
      oracle_.violation = fmt::format("gap: consumer expected message {}, got {}", last_ + 1, n);
    }
    kv_->set(kLastKey, std::to_string(n), 0, [this, n](core::Status s) {
      if (!s.is_ok()) {  // Kv down: keep the message, try again
        env_.clock.call_after(kRetryUs, [this] { process_next(); });
        return;
      }
      last_ = n;
      ++oracle_.processed;
      ++processed_here_;
      oracle_.persisted_last = n;
      finish();
    });
  }

  void finish() {
    (void)consumer_.ack(queue_.front());  // a lost ack means a redelivery, recognised above
    queue_.pop_front();
    env_.clock.post([this] { process_next(); });
  }

  HostEnv& env_;
  BusStreamOracle& oracle_;
  std::unique_ptr<core::Bus> bus_;
  std::unique_ptr<core::Kv> kv_;
  core::JsApi api_;
  core::JsConsumer consumer_;
  std::deque<core::JsMessage> queue_;
  bool busy_ = false;
  std::uint64_t last_ = 0;
  std::uint64_t processed_here_ = 0;  // in memory only: lost on crash, by design
};

}  // namespace

core::Result<BusStreamParams> parse_bus_stream_params(
    const std::map<std::string, std::string>& params) {
  BusStreamParams p;
  for (const auto& [key, value] : params) {
    if (key == "kind") continue;
    if (key == "messages") {
      p.messages = parse_u64(value);
      if (p.messages == 0)
        return core::make_error(core::Errc::kConfig,
                                "workload.messages: expected a positive integer, got \"{}\"",
                                value);
    } else if (key == "interval" || key == "ack_wait") {
      auto d = parse_duration_us(value);
      if (!d || *d <= 0)
        return core::make_error(core::Errc::kConfig,
                                "workload.{}: expected a positive duration, got \"{}\"", key,
                                value);
      (key == "interval" ? p.interval_us : p.ack_wait_us) = *d;
    } else {
      return core::make_error(core::Errc::kConfig, "workload.{}: unknown parameter of bus_stream",
                              key);
    }
  }
  return p;
}

void BusStreamWorkload::setup(SimWorld& world) {
  world_ = &world;
  world.add_host("consumer", [this](HostEnv& env) {
    return std::make_unique<StreamConsumer>(env, params_, oracle_);
  });
  world.add_host("publisher",
                 [this](HostEnv& env) { return std::make_unique<StreamPublisher>(env, params_); });
}

bool BusStreamWorkload::converged() const {
  if (world_ == nullptr) return false;
  return oracle_.persisted_last == params_.messages &&
         world_->bus_server().stream_messages(kStream) == params_.messages;
}

std::string BusStreamWorkload::progress() const {
  const std::uint64_t stored = world_ ? world_->bus_server().stream_messages(kStream) : 0;
  return fmt::format("consumer processed {} of {} (stream holds {})", oracle_.persisted_last,
                     params_.messages, stored);
}

}  // namespace sim
