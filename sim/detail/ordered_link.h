/// @file sim/detail/ordered_link.h
/// @brief One direction of a simulated connection: hops arrive in order, after a latency, and
/// wait while the link is cut (as TCP retransmits), never overtaking each other.
///
/// Owned through a shared_ptr; pending hops die with the link (the connection is gone).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <utility>

#include "core/ports/clock.h"

namespace sim::detail {

class OrderedLink : public std::enable_shared_from_this<OrderedLink> {
 public:
  /// `blocked()` says whether the link is cut right now.
  OrderedLink(core::Clock& clock, std::function<bool()> blocked)
      : clock_(clock), blocked_(std::move(blocked)) {}

  void send(std::int64_t latency_us, std::function<void()> deliver) {
    std::int64_t due = clock_.now_us() + latency_us;
    if (!hops_.empty() && hops_.back().first > due) due = hops_.back().first;
    hops_.emplace_back(due, std::move(deliver));
    schedule(due - clock_.now_us());
  }

  /// The connection is gone: nothing pending arrives.
  void close() {
    closed_ = true;
    hops_.clear();
  }

  static constexpr std::int64_t kRetransmitUs = 200'000;

 private:
  void schedule(std::int64_t delay_us) {
    clock_.call_after(delay_us, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->pump();
    });
  }

  void pump() {
    auto self = shared_from_this();  // a delivery may drop the server's reference
    while (!closed_ && !hops_.empty() && hops_.front().first <= clock_.now_us()) {
      if (blocked_()) {
        if (!retry_pending_) {
          retry_pending_ = true;
          clock_.call_after(kRetransmitUs, [weak = weak_from_this()] {
            if (auto link = weak.lock()) {
              link->retry_pending_ = false;
              link->pump();
            }
          });
        }
        return;
      }
      auto deliver = std::move(hops_.front().second);
      hops_.pop_front();
      deliver();
    }
  }

  core::Clock& clock_;
  std::function<bool()> blocked_;
  std::deque<std::pair<std::int64_t, std::function<void()>>> hops_;
  bool closed_ = false;
  bool retry_pending_ = false;
};

}  // namespace sim::detail
