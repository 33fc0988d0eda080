/// @file sim/replay/replayer.h
/// @brief sim::replay::Replayer: feeds a recording's frames to handlers on a core::Clock, at
/// the recorded pace scaled by a speed factor, or back to back as fast as the loop runs.
///
/// Timing: with the clock at `t0` when `start` was called and `t_0` the first record's time,
/// frame k is handed over at `t0 + floor((t_k - t_0) / speed)` of `Clock::now_us`, and never
/// before frame k-1 (a recording whose `t` steps back keeps its file order). Frames already due
/// when the loop gets to them are handed over in one loop turn, at most kMaxBatch per turn, so
/// a fast replay costs no timer per frame and other work still interleaves. At max speed every
/// frame is due at once: kMaxBatch per posted turn, no timer, for as long as `hold` (when
/// set) says the receivers keep up; while it says they don't, the replay looks again every
/// kHoldRetryUs. Frames are read lazily, one ahead of the clock, so a recording of any size replays
/// in constant memory.
///
/// Every handler and `done` runs on the clock's loop. A handler may call `stop`. The Replayer
/// must outlive its pending work or be destroyed on the loop's thread (it cancels its timer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/ports/clock.h"
#include "core/status.h"
#include "sim/replay/recording.h"

namespace sim::replay {

struct ReplayOptions {
  double speed = 1.0;      // > 0; 2.0 replays a minute of recording in 30 s
  bool max_speed = false;  // ignore `t`: as fast as the receivers take the frames
  /// Max speed only: true while the receivers are too far behind for more frames.
  std::function<bool()> hold;
};

class Replayer {
 public:
  using Handler = std::function<void(const Record&)>;
  using Done = std::function<void(const core::Status&)>;

  Replayer(core::Clock& clock, ReplayOptions options);
  ~Replayer();
  Replayer(const Replayer&) = delete;
  Replayer& operator=(const Replayer&) = delete;

  /// Frames whose `src` is `src` go to `handler` (one handler per src; a later call replaces
  /// it). Frames of other sources are counted in `skipped`.
  void on(std::string src, Handler handler);

  /// Replays `reader` from its next line. `done` runs once on the loop: ok after the last
  /// frame, or the reader's error (naming file and line) at the first bad line, after the
  /// frames before it were handed over. kInvalidArgument: speed <= 0 or already running.
  core::Status start(RecordingReader reader, Done done);
  /// Stops without calling `done`; pending frames are dropped.
  void stop();

  /// Frames handed over in one loop turn at most.
  static constexpr std::size_t kMaxBatch = 64;
  /// How often a held max-speed replay looks at `hold` again.
  static constexpr std::int64_t kHoldRetryUs = 200;

  bool running() const { return reader_.has_value(); }
  std::uint64_t delivered() const { return delivered_; }
  std::uint64_t skipped() const { return skipped_; }

 private:
  void schedule_next();
  /// Runs fire() after `delay_us` (a timer), or on the next turn at max speed (a post).
  void arm(std::int64_t delay_us);
  /// Runs fire() after kHoldRetryUs.
  void hold_back();
  void fire();
  /// At max speed: the receivers are behind (ReplayOptions::hold).
  bool held() const;
  /// Hands `current_` to its handler; false when the handler stopped the replay.
  bool deliver();
  void finish(const core::Status& status);

  core::Clock& clock_;
  ReplayOptions options_;
  std::map<std::string, Handler, std::less<>> handlers_;
  std::optional<RecordingReader> reader_;
  std::optional<RecordingReader> retired_;  // the last one stopped: current_ may still be read
  Done done_;
  const Record* current_ = nullptr;  // owned by reader_, valid until its next read
  std::int64_t origin_us_ = 0;       // clock time of the first frame
  std::int64_t first_t_us_ = 0;      // recorded time of the first frame
  std::int64_t last_due_us_ = 0;
  bool have_first_ = false;
  core::TimerId timer_ = 0;
  std::uint64_t delivered_ = 0;
  std::uint64_t skipped_ = 0;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // posted work checks it
};

}  // namespace sim::replay
