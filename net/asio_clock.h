/// @file net/asio_clock.h
/// @brief net::AsioClock: core::Clock on a Boost.Asio io_context (real time).
///
/// One AsioClock per shard; its thread calls run(). Other net adapters on the same shard
/// take it to reach the io_context. `post` and `stop` are safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "core/ports/clock.h"

namespace boost::asio {
class io_context;
}

namespace net {

class AsioClock final : public core::Clock {
 public:
  AsioClock();
  ~AsioClock() override;
  AsioClock(const AsioClock&) = delete;
  AsioClock& operator=(const AsioClock&) = delete;

  std::int64_t now_us() const override;
  std::int64_t wall_us() const override;
  core::TimerId call_after(std::int64_t delay_us, std::function<void()> fn) override;
  bool cancel(core::TimerId id) override;
  void post(std::function<void()> fn) override;
  void run_for(std::int64_t duration_us) override;
  bool run_until(const std::function<bool()>& done, std::int64_t timeout_us) override;

  /// Runs until stop(); the service's main loop.
  void run();
  void stop();
  boost::asio::io_context& io_context();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace net
