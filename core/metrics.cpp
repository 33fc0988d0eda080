#include "core/metrics.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace core::metrics {
namespace {

bool valid_name(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (allow_colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

/// Prometheus spells infinities and NaN its own way; everything else is the shortest
/// round-tripping text.
std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

void append_escaped(std::string& out, std::string_view text, bool escape_quote) {
  for (const char c : text) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '"' && escape_quote) {
      out.append("\\\"");
    } else {
      out.push_back(c);
    }
  }
}

/// `a="1",b="x"` with names sorted; throws on an invalid or reserved label name.
std::string label_text(Labels labels, bool histogram) {
  std::sort(labels.begin(), labels.end());
  std::string out;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto& [k, v] = labels[i];
    if (!valid_name(k, false) || k.rfind("__", 0) == 0 || (histogram && k == "le") ||
        (i > 0 && labels[i - 1].first == k)) {
      throw std::invalid_argument(fmt::format("metrics: invalid or repeated label name \"{}\"", k));
    }
    if (i > 0) out.push_back(',');
    out.append(k).append("=\"");
    append_escaped(out, v, true);
    out.push_back('"');
  }
  return out;
}

void sample(std::string& out, std::string_view name, std::string_view suffix,
            std::string_view labels, std::string_view extra_label, std::string_view value) {
  out.append(name).append(suffix);
  if (!labels.empty() || !extra_label.empty()) {
    out.push_back('{');
    out.append(labels);
    if (!labels.empty() && !extra_label.empty()) out.push_back(',');
    out.append(extra_label).push_back('}');
  }
  out.push_back(' ');
  out.append(value).push_back('\n');
}

void check_bounds(const std::vector<double>& bounds) {
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
      throw std::invalid_argument("metrics: histogram bounds must be finite and increasing");
    }
  }
}

const char* type_name(int type) {
  static constexpr const char* kNames[] = {"counter", "gauge", "histogram"};
  return kNames[type];
}

}  // namespace

void Counter::render(std::string& out, std::string_view name, std::string_view labels) const {
  sample(out, name, "", labels, "", fmt::format_int(value()).c_str());
}

void Gauge::render(std::string& out, std::string_view name, std::string_view labels) const {
  sample(out, name, "", labels, "", format_value(value()));
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size())) {
  check_bounds(bounds_);
}

void Histogram::observe(double v) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);  // first bound >= v
  if (it != bounds_.end()) {
    auto& b = buckets_[static_cast<std::size_t>(it - bounds_.begin())];
    b.store(b.load(kRelaxed) + 1, kRelaxed);
  }
  count_.store(count_.load(kRelaxed) + 1, kRelaxed);
  sum_.store(sum_.load(kRelaxed) + v, kRelaxed);
}

void Histogram::render(std::string& out, std::string_view name, std::string_view labels) const {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += buckets_[i].load(kRelaxed);
    sample(out, name, "_bucket", labels, fmt::format("le=\"{}\"", format_value(bounds_[i])),
           fmt::format_int(cumulative).c_str());
  }
  const std::string total = fmt::format_int(count()).c_str();
  sample(out, name, "_bucket", labels, "le=\"+Inf\"", total);
  sample(out, name, "_sum", labels, "", format_value(sum()));
  sample(out, name, "_count", labels, "", total);
}

Registry::Registry(Registry& parent, Labels labels)
    : parent_(parent.parent_ != nullptr ? parent.parent_ : &parent),
      view_labels_(std::move(labels)) {
  if (parent.parent_ != nullptr)
    view_labels_.insert(view_labels_.end(), parent.view_labels_.begin(), parent.view_labels_.end());
}

Counter& Registry::counter(std::string_view name, std::string_view help, Labels labels) {
  return static_cast<Counter&>(find_or_add(name, help, Type::kCounter, std::move(labels), {}));
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, Labels labels) {
  return static_cast<Gauge&>(find_or_add(name, help, Type::kGauge, std::move(labels), {}));
}

Histogram& Registry::histogram(std::string_view name, std::string_view help,
                               std::vector<double> bounds, Labels labels) {
  check_bounds(bounds);  // before the family records them
  return static_cast<Histogram&>(
      find_or_add(name, help, Type::kHistogram, std::move(labels), std::move(bounds)));
}

Series& Registry::find_or_add(std::string_view name, std::string_view help, Type type,
                              Labels labels, std::vector<double> bounds) {
  if (parent_ != nullptr) {
    labels.insert(labels.end(), view_labels_.begin(), view_labels_.end());
    return parent_->find_or_add(name, help, type, std::move(labels), std::move(bounds));
  }
  if (!valid_name(name, true)) {
    throw std::invalid_argument(fmt::format("metrics: invalid metric name \"{}\"", name));
  }
  std::string key = label_text(std::move(labels), type == Type::kHistogram);
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{type, std::string(help), bounds, {}}).first;
  }
  Family& family = it->second;
  if (family.type != type || family.help != help || family.bounds != bounds) {
    throw std::invalid_argument(
        fmt::format("metrics: \"{}\" already registered with another type, help or buckets", name));
  }
  auto& slot = family.series[key];
  if (!slot) {
    switch (type) {
      case Type::kCounter:
        slot = std::make_unique<Counter>();
        break;
      case Type::kGauge:
        slot = std::make_unique<Gauge>();
        break;
      case Type::kHistogram:
        slot = std::make_unique<Histogram>(std::move(bounds));
        break;
    }
  }
  return *slot;
}

std::string Registry::render_prometheus() const {
  if (parent_ != nullptr) return parent_->render_prometheus();
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out.append("# HELP ").append(name).push_back(' ');
    append_escaped(out, family.help, false);
    out.append("\n# TYPE ").append(name).push_back(' ');
    out.append(type_name(static_cast<int>(family.type))).push_back('\n');
    for (const auto& [labels, series] : family.series) series->render(out, name, labels);
  }
  return out;
}

}  // namespace core::metrics
