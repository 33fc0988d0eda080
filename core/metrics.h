/// @file core/metrics.h
/// @brief Metrics registry (counters, gauges, fixed-bucket histograms, with labels) and its
/// Prometheus text exposition for `/metrics`.
///
/// Create a series once (name + help + labels; the same triple returns the same object) and
/// keep the reference: increments are a relaxed load and store on an atomic, no lookup, no
/// allocation, no lock. Threads: each series has ONE writer (the shard that created it; give
/// shards a `shard` label), while creating series and `render_prometheus()` may run on any
/// thread (a mutex guards the registry's maps). A render taken while a histogram is being
/// observed may see its buckets, sum and count one observation apart. The registry owns every
/// series; references stay valid for its lifetime.
///
/// A labelled view (`Registry(parent, labels)`) owns nothing: every series created through it
/// gets `labels` added and lives in the parent, and rendering it renders the parent. A shard
/// hands its components a view with its `shard` label, so they keep taking a plain Registry&.
///
/// Misuse is a bug and throws std::invalid_argument: an invalid metric or label name, a name
/// reused with another type or help text, or a histogram reused with other bucket bounds.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace core::metrics {

/// Label name/value pairs; order does not matter (they are sorted by name).
using Labels = std::vector<std::pair<std::string, std::string>>;

/// Base of the three kinds, for rendering only.
class Series {
 public:
  virtual ~Series() = default;
  /// Appends this series' sample lines; `labels` is the rendered `k="v",...` (maybe empty).
  virtual void render(std::string& out, std::string_view name, std::string_view labels) const = 0;
};

class Counter final : public Series {
 public:
  void inc(std::uint64_t n = 1) { v_.store(v_.load(kRelaxed) + n, kRelaxed); }
  std::uint64_t value() const { return v_.load(kRelaxed); }
  void render(std::string& out, std::string_view name, std::string_view labels) const override;

 private:
  static constexpr auto kRelaxed = std::memory_order_relaxed;
  std::atomic<std::uint64_t> v_{0};
};

class Gauge final : public Series {
 public:
  void set(double v) { v_.store(v, kRelaxed); }
  void add(double d) { v_.store(v_.load(kRelaxed) + d, kRelaxed); }
  double value() const { return v_.load(kRelaxed); }
  void render(std::string& out, std::string_view name, std::string_view labels) const override;

 private:
  static constexpr auto kRelaxed = std::memory_order_relaxed;
  std::atomic<double> v_{0.0};
};

class Histogram final : public Series {
 public:
  /// `bounds`: upper bounds, strictly increasing, without +Inf (implied).
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  std::uint64_t count() const { return count_.load(kRelaxed); }
  double sum() const { return sum_.load(kRelaxed); }
  const std::vector<double>& bounds() const { return bounds_; }
  void render(std::string& out, std::string_view name, std::string_view labels) const override;

 private:
  static constexpr auto kRelaxed = std::memory_order_relaxed;
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bucket, not cumulative
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

class Registry {
 public:
  Registry() = default;
  /// A view adding `labels` to every series; `parent` must outlive it.
  Registry(Registry& parent, Labels labels);
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& counter(std::string_view name, std::string_view help, Labels labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, Labels labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                       Labels labels = {});

  /// Text exposition format 0.0.4: families sorted by name, each with HELP and TYPE, series
  /// sorted by their label text. Deterministic for the same values.
  std::string render_prometheus() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family {
    Type type;
    std::string help;
    std::vector<double> bounds;
    std::map<std::string, std::unique_ptr<Series>, std::less<>> series;  // by label text
  };

  Series& find_or_add(std::string_view name, std::string_view help, Type type, Labels labels,
                      std::vector<double> bounds);

  Registry* parent_ = nullptr;  // set in a view
  Labels view_labels_;
  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace core::metrics
