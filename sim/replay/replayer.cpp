#include "sim/replay/replayer.h"

#include <algorithm>

namespace sim::replay {

Replayer::Replayer(core::Clock& clock, ReplayOptions options) : clock_(clock), options_(options) {}

Replayer::~Replayer() {
  stop();
}

void Replayer::on(std::string src, Handler handler) {
  handlers_[std::move(src)] = std::move(handler);
}

core::Status Replayer::start(RecordingReader reader, Done done) {
  if (!options_.max_speed && !(options_.speed > 0)) {
    return core::make_error(core::Errc::kInvalidArgument, "replay speed {} is not > 0",
                            options_.speed);
  }
  if (running()) {
    return core::make_error(core::Errc::kInvalidArgument, "replayer already running {}",
                            reader_->path());
  }
  reader_.emplace(std::move(reader));
  done_ = std::move(done);
  origin_us_ = clock_.now_us();
  last_due_us_ = origin_us_;
  have_first_ = false;
  // Reading starts on the loop: `done` must never run inside start().
  std::weak_ptr<int> alive = alive_;
  clock_.post([this, alive] {
    if (!alive.expired() && running()) schedule_next();
  });
  return core::Status::ok();
}

void Replayer::stop() {
  if (timer_ != 0) clock_.cancel(timer_);
  timer_ = 0;
  // A handler may stop the replay while it still reads its record, which the reader owns.
  retired_ = std::move(reader_);
  reader_.reset();
  alive_ = std::make_shared<int>(0);  // orphans the posted start, if still queued
}

void Replayer::schedule_next() {
  for (std::size_t batch = 0;; ++batch) {
    auto more = reader_->next();
    if (!more) return finish(more.status());
    if (*more == nullptr) return finish(core::Status::ok());
    current_ = *more;
    std::int64_t due_us = origin_us_;
    if (!have_first_) {
      first_t_us_ = current_->t_us;
      have_first_ = true;
    } else if (!options_.max_speed) {
      const long double offset = static_cast<long double>(current_->t_us - first_t_us_) /
                                 static_cast<long double>(options_.speed);
      due_us = origin_us_ + static_cast<std::int64_t>(offset);
    }
    due_us = std::max(due_us, last_due_us_);
    last_due_us_ = due_us;
    const std::int64_t delay_us =
        options_.max_speed ? 0 : std::max<std::int64_t>(0, due_us - clock_.now_us());
    if (delay_us > 0 || batch >= kMaxBatch) return arm(delay_us);
    if (held()) return hold_back();
    if (!deliver()) return;
  }
}

void Replayer::arm(std::int64_t delay_us) {
  if (!options_.max_speed) {
    timer_ = clock_.call_after(delay_us, [this] { fire(); });
    return;
  }
  // A posted turn costs no timer; stop() orphans it through alive_.
  std::weak_ptr<int> alive = alive_;
  clock_.post([this, alive] {
    if (!alive.expired() && running()) fire();
  });
}

void Replayer::fire() {
  timer_ = 0;
  if (held()) return hold_back();
  if (deliver()) schedule_next();
}

void Replayer::hold_back() {
  timer_ = clock_.call_after(kHoldRetryUs, [this] { fire(); });
}

bool Replayer::held() const {
  return options_.max_speed && options_.hold && options_.hold();
}

bool Replayer::deliver() {
  const auto it = handlers_.find(current_->src);
  if (it == handlers_.end()) {
    ++skipped_;
    return true;
  }
  ++delivered_;
  it->second(*current_);
  return running();  // false: the handler stopped us
}

void Replayer::finish(const core::Status& status) {
  reader_.reset();
  Done done = std::move(done_);
  done_ = nullptr;
  if (done) done(status);
}

}  // namespace sim::replay
