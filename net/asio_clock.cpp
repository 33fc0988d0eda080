#include "net/asio_clock.h"

#include <algorithm>
#include <chrono>
#include <map>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace net {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

struct AsioClock::Impl {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
  core::TimerId next_id = 1;
  std::map<core::TimerId, std::unique_ptr<asio::steady_timer>> timers;
};

AsioClock::AsioClock() : impl_(std::make_unique<Impl>()) {}
AsioClock::~AsioClock() = default;

std::int64_t AsioClock::now_us() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             SteadyClock::now().time_since_epoch())
      .count();
}

std::int64_t AsioClock::wall_us() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

core::TimerId AsioClock::call_after(std::int64_t delay_us, std::function<void()> fn) {
  const core::TimerId id = impl_->next_id++;
  auto timer = std::make_unique<asio::steady_timer>(impl_->io);
  timer->expires_after(std::chrono::microseconds(std::max<std::int64_t>(delay_us, 0)));
  timer->async_wait([this, id, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled
    impl_->timers.erase(id);
    fn();
  });
  impl_->timers.emplace(id, std::move(timer));
  return id;
}

bool AsioClock::cancel(core::TimerId id) {
  auto it = impl_->timers.find(id);
  if (it == impl_->timers.end()) return false;
  it->second->cancel();  // its handler still runs, with operation_aborted, and returns
  impl_->timers.erase(it);
  return true;
}

void AsioClock::post(std::function<void()> fn) {
  asio::post(impl_->io, std::move(fn));
}

void AsioClock::run_for(std::int64_t duration_us) {
  impl_->io.restart();
  impl_->io.run_for(std::chrono::microseconds(duration_us));
}

bool AsioClock::run_until(const std::function<bool()>& done, std::int64_t timeout_us) {
  const auto deadline = SteadyClock::now() + std::chrono::microseconds(timeout_us);
  impl_->io.restart();
  while (!done()) {
    const auto now = SteadyClock::now();
    if (now >= deadline) return done();
    impl_->io.run_one_for(deadline - now);
  }
  return true;
}

void AsioClock::run() {
  impl_->io.restart();
  impl_->io.run();
}

void AsioClock::stop() {
  impl_->io.stop();
}

asio::io_context& AsioClock::io_context() {
  return impl_->io;
}

}  // namespace net
