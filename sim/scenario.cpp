#include "sim/scenario.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace sim {
namespace {

using core::Errc;
using core::make_error;

core::Result<std::map<std::string, std::string>> scalar_map(const YAML::Node& node,
                                                            const std::string& where) {
  std::map<std::string, std::string> out;
  if (!node || node.IsNull()) return out;
  if (!node.IsMap()) return make_error(Errc::kConfig, "{}: expected a mapping", where);
  for (const auto& kv : node) {
    if (!kv.second.IsScalar()) {
      return make_error(Errc::kConfig, "{}.{}: expected a scalar", where,
                        kv.first.as<std::string>());
    }
    out[kv.first.as<std::string>()] = kv.second.as<std::string>();
  }
  return out;
}

core::Result<std::int64_t> duration_at(const YAML::Node& node, const std::string& where) {
  if (!node || !node.IsScalar()) return make_error(Errc::kConfig, "{}: expected a duration", where);
  auto d = parse_duration_us(node.as<std::string>());
  if (!d) return make_error(Errc::kConfig, "{}: {}", where, d.status().message);
  return d;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// "file:line" of a node (yaml-cpp counts lines from 0).
std::string where_of(const std::string& path, const YAML::Node& node) {
  return fmt::format("{}:{}", path, node.Mark().line + 1);
}

// An entry names its action by its one key besides `at` and the modifiers.
core::Result<TimelineEntry> parse_entry(const YAML::Node& node, const std::string& where) {
  if (!node.IsMap()) return make_error(Errc::kConfig, "{}: expected a mapping", where);
  TimelineEntry e;
  auto at = duration_at(node["at"], where + ".at");
  if (!at) return at.status();
  e.at_us = *at;
  static const std::vector<std::string> kModifiers = {"for", "down_for", "restart_after", "by"};
  const std::vector<std::string>& actions = known_actions();
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (key == "at") continue;
    if (std::find(actions.begin(), actions.end(), key) != actions.end()) {
      if (!e.action.empty())
        return make_error(Errc::kConfig, "{}: two actions ({} and {})", where, e.action, key);
      e.action = key;
      if (kv.second.IsSequence()) {
        for (const auto& t : kv.second) e.targets.push_back(t.as<std::string>());
      } else if (kv.second.IsScalar()) {
        e.targets.push_back(kv.second.as<std::string>());
      } else if (kv.second.IsMap()) {
        auto args = scalar_map(kv.second, where + "." + key);
        if (!args) return args.status();
        e.args.insert(args->begin(), args->end());
      }
    } else if (kv.second.IsScalar() &&
               std::find(kModifiers.begin(), kModifiers.end(), key) != kModifiers.end()) {
      e.args[key] = kv.second.as<std::string>();
    } else {
      return make_error(Errc::kConfig, "{}: unknown key '{}' (actions: {}; modifiers: at, {})",
                        where, key, joined(actions), joined(kModifiers));
    }
  }
  if (e.action.empty())
    return make_error(Errc::kConfig, "{}: no action (one of {})", where, joined(actions));
  return e;
}

}  // namespace

core::Result<std::int64_t> parse_duration_us(const std::string& text) {
  std::size_t pos = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &pos);
  } catch (const std::exception&) {
    return make_error(Errc::kInvalidArgument, "not a duration: \"{}\"", text);
  }
  const std::string unit = text.substr(pos);
  static const std::map<std::string, std::int64_t> kUnits = {
      {"us", 1}, {"ms", 1000}, {"s", 1'000'000}, {"m", 60'000'000}, {"h", 3'600'000'000}};
  auto it = kUnits.find(unit);
  if (it == kUnits.end()) {
    return make_error(Errc::kInvalidArgument, "not a duration: \"{}\" (units: us, ms, s, m, h)",
                      text);
  }
  return static_cast<std::int64_t>(value) * it->second;
}

const std::vector<std::string>& known_actions() {
  static const std::vector<std::string> kActions = {"bus_restart",
                                                    "partition",
                                                    "heal",
                                                    "crash",
                                                    "restart",
                                                    "skew",
                                                    "store_down",
                                                    "kv_down",
                                                    "ws_drop",
                                                    "rest_throttle",
                                                    "exchange_latency",
                                                    "submit_order",
                                                    "cancel_order",
                                                    "approve",
                                                    "halt",
                                                    "resume",
                                                    "drop_order_response",
                                                    "rest_errors",
                                                    "api_burst"};
  return kActions;
}

core::Result<Scenario> parse_scenario(const std::string& yaml_text, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return make_error(Errc::kConfig, "{}: {}", path, e.what());
  }
  if (!root.IsMap()) return make_error(Errc::kConfig, "{}: expected a mapping at the top", path);
  Scenario s;
  s.path = path;
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    static const std::vector<std::string> kKeys = {
        "name", "seed", "world", "workload", "timeline", "run_for", "converge_within", "expect"};
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      return make_error(Errc::kConfig, "{}: unknown key '{}' (allowed: {})",
                        where_of(path, kv.first), key, joined(kKeys));
    }
  }
  s.name = root["name"] ? root["name"].as<std::string>() : path;
  try {
    if (root["seed"]) s.seed = root["seed"].as<std::uint64_t>();
  } catch (const YAML::Exception&) {
    return make_error(Errc::kConfig, "{}: seed: expected an unsigned integer", path);
  }
  auto network =
      scalar_map(root["world"] ? root["world"]["network"] : YAML::Node(), path + ": world.network");
  if (!network) return network.status();
  s.network = *network;
  auto workload = scalar_map(root["workload"], path + ": workload");
  if (!workload) return workload.status();
  s.workload = *workload;
  if (!s.workload.count("kind"))
    return make_error(Errc::kConfig, "{}: workload.kind is required", path);
  auto run_for = duration_at(root["run_for"], path + ": run_for");
  if (!run_for) return run_for.status();
  s.run_for_us = *run_for;
  if (root["converge_within"]) {
    auto c = duration_at(root["converge_within"], path + ": converge_within");
    if (!c) return c.status();
    s.converge_within_us = *c;
  }
  const YAML::Node timeline = root["timeline"];
  for (std::size_t i = 0; timeline && i < timeline.size(); ++i) {
    const std::string where = where_of(path, timeline[i]);
    auto e = parse_entry(timeline[i], fmt::format("{}: timeline[{}]", where, i));
    if (!e) return e.status();
    e->where = where;
    s.timeline.push_back(std::move(*e));
  }
  const YAML::Node expect = root["expect"];
  if (expect && !expect.IsSequence())
    return make_error(Errc::kConfig, "{}: expect: expected a list", where_of(path, expect));
  for (std::size_t i = 0; expect && i < expect.size(); ++i) {
    const std::string where = where_of(path, expect[i]);
    auto fields = scalar_map(expect[i], fmt::format("{}: expect[{}]", where, i));
    if (!fields) return fields.status();
    if (fields->empty())
      return make_error(Errc::kConfig, "{}: expect[{}]: expected a non-empty mapping", where, i);
    s.expect.push_back(Expectation{std::move(*fields), where});
  }
  std::stable_sort(
      s.timeline.begin(), s.timeline.end(),
      [](const TimelineEntry& a, const TimelineEntry& b) { return a.at_us < b.at_us; });
  return s;
}

namespace {

std::string flow_map(const std::map<std::string, std::string>& m) {
  std::string out = "{";
  for (const auto& [k, v] : m) out += fmt::format("{}{}: \"{}\"", out.size() > 1 ? ", " : "", k, v);
  return out + "}";
}

}  // namespace

std::string scenario_to_yaml(const Scenario& s) {
  std::string out = fmt::format("name: \"{}\"\n", s.name);
  if (s.seed) out += fmt::format("seed: {}\n", *s.seed);
  if (!s.network.empty()) out += fmt::format("world: {{network: {}}}\n", flow_map(s.network));
  out += fmt::format("workload: {}\n", flow_map(s.workload));
  if (!s.timeline.empty()) out += "timeline:\n";
  for (const TimelineEntry& e : s.timeline) {
    out += fmt::format("  - {{at: {}us, {}: ", e.at_us, e.action);
    if (e.targets.empty()) {
      out += flow_map(e.args);  // an action without targets takes every argument
    } else {
      out += "[";
      for (std::size_t i = 0; i < e.targets.size(); ++i) out += (i ? ", " : "") + e.targets[i];
      out += "]";
      for (const auto& [k, v] : e.args) out += fmt::format(", {}: \"{}\"", k, v);
    }
    out += "}\n";
  }
  out += fmt::format("run_for: {}us\nconverge_within: {}us\n", s.run_for_us, s.converge_within_us);
  if (!s.expect.empty()) out += "expect:\n";
  for (const Expectation& x : s.expect) out += fmt::format("  - {}\n", flow_map(x.fields));
  return out;
}

core::Result<Scenario> load_scenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(Errc::kConfig, "{}: cannot open scenario file", path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_scenario(ss.str(), path);
}

core::Result<std::int64_t> entry_duration_us(const TimelineEntry& e, const std::string& key,
                                             std::int64_t fallback) {
  auto it = e.args.find(key);
  if (it == e.args.end()) return fallback;
  auto d = parse_duration_us(it->second);
  if (!d)
    return core::make_error(core::Errc::kConfig, "{}: timeline: {}.{}: {}", e.where, e.action, key,
                            d.status().message);
  return d;
}

}  // namespace sim
