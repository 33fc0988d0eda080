/// @file tests/live_gateway/paper_recorder.h
/// @brief Test fixtures for PaperEngine: a FixedClock (time moves only when a test says so)
/// and a PaperRecorder that keeps every event and its bus JSON, in order.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/codec/bus_json.h"
#include "core/ports/clock.h"
#include "live_gateway/executor.h"

namespace live_gateway::test {

/// The engine only reads wall_us(); the loop methods are never driven in these tests.
class FixedClock final : public core::Clock {
 public:
  static constexpr std::int64_t kWallOriginUs = 1'767'225'600'000'000;

  std::int64_t now_us() const override { return wall_us_; }
  std::int64_t wall_us() const override { return wall_us_; }
  core::TimerId call_after(std::int64_t, std::function<void()>) override { return 0; }
  bool cancel(core::TimerId) override { return false; }
  void post(std::function<void()>) override {}
  void run_for(std::int64_t duration_us) override { wall_us_ += duration_us; }
  bool run_until(const std::function<bool()>& done, std::int64_t) override { return done(); }

 private:
  std::int64_t wall_us_ = kWallOriginUs;
};

struct PaperRecorder {
  std::vector<core::OrderUpdate> updates;
  std::vector<core::Fill> fills;
  std::string log;  // one JSON line per event, in the order the engine emitted them

  ExecutionEvents events() {
    return {[this](const core::OrderUpdate& u) {
              updates.push_back(u);
              log += "update " + core::codec::to_json(u) + "\n";
            },
            [this](const core::Fill& f) {
              fills.push_back(f);
              log += "fill " + core::codec::to_json(f) + "\n";
            }};
  }
};

}  // namespace live_gateway::test
