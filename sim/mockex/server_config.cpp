#include "sim/mockex/server_config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/replay/recording.h"

namespace sim::mockex {
namespace {

core::Result<core::Decimal> decimal_at(const YAML::Node& node, const std::string& where) {
  auto d = core::Decimal::parse(node.as<std::string>());
  if (!d) return core::make_error(core::Errc::kConfig, "{}: not a decimal", where);
  return *d;
}

void read_limits(const YAML::Node& n, RateLimitConfig& l) {
  if (n["weight_per_minute"]) l.weight_per_minute = n["weight_per_minute"].as<std::int64_t>();
  if (n["orders_per_10s"]) l.orders_per_10s = n["orders_per_10s"].as<std::int64_t>();
  if (n["orders_per_day"]) l.orders_per_day = n["orders_per_day"].as<std::int64_t>();
  if (n["tolerated_429_per_minute"])
    l.tolerated_429_per_minute = n["tolerated_429_per_minute"].as<int>();
  if (n["ban_ms_min"]) l.ban_ms_min = n["ban_ms_min"].as<std::int64_t>();
  if (n["ban_ms_max"]) l.ban_ms_max = n["ban_ms_max"].as<std::int64_t>();
}

core::Status read_feed(const YAML::Node& n, FeedOptions& feed, const std::string& path) {
  if (n["loop"]) feed.loop = n["loop"].as<bool>();
  if (!n["speed"]) return core::Status::ok();
  const auto text = n["speed"].as<std::string>();
  if (text == "max") {
    feed.max_speed = true;
    return core::Status::ok();
  }
  feed.speed = n["speed"].as<double>();
  if (feed.speed <= 0)
    return core::make_error(core::Errc::kConfig, "{}: replay.speed must be > 0 or max", path);
  return core::Status::ok();
}

core::Status apply(const YAML::Node& root, const std::string& path, MockexConfig& c) {
  if (root["symbols"]) c.symbols = root["symbols"].as<std::vector<std::string>>();
  if (root["api_keys"]) {
    c.api_keys.clear();
    for (const auto& k : root["api_keys"]) {
      if (!k["key"] || !k["secret"])
        return core::make_error(core::Errc::kConfig, "{}: api_keys entries need key and secret",
                                path);
      c.api_keys.push_back(
          {k["key"].as<std::string>(), core::Secret(k["secret"].as<std::string>())});
    }
  }
  for (const auto& b : root["starting_balances"]) {
    const auto asset = b.first.as<std::string>();
    auto v = decimal_at(b.second, fmt::format("{}: starting_balances.{}", path, asset));
    if (!v) return v.status();
    c.starting_balances[asset] = *v;
  }
  for (const char* key : {"maker_rate", "taker_rate"}) {
    if (!root[key]) continue;
    auto v = decimal_at(root[key], fmt::format("{}: {}", path, key));
    if (!v) return v.status();
    (std::string_view(key) == "maker_rate" ? c.maker_rate : c.taker_rate) = *v;
  }
  if (root["rate_limits"]) read_limits(root["rate_limits"], c.rate_limits);
  if (root["replay"]) return read_feed(root["replay"], c.feed, path);
  return core::Status::ok();
}

}  // namespace

core::Status load_mockex_config(const std::string& path, MockexConfig& config) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return core::make_error(core::Errc::kIo, "{}: cannot read the mockex config", path);
  } catch (const YAML::Exception& e) {
    return core::make_error(core::Errc::kConfig, "{}: {}", path, e.what());
  }
  try {
    return apply(root, path, config);
  } catch (const YAML::Exception& e) {
    return core::make_error(core::Errc::kConfig, "{}: {}", path, e.what());
  }
}

core::Result<std::string> read_exchange_info_recording(const std::string& path) {
  auto reader = replay::RecordingReader::open(path);
  if (!reader) return reader.status();
  replay::Record record;
  for (;;) {
    auto more = reader->next(record);
    if (!more) return more.status();
    if (!*more) break;
    constexpr std::string_view kSuffix = "/api/v3/exchangeInfo";
    if (record.src == "binance.rest" && record.req.size() >= kSuffix.size() &&
        record.req.compare(record.req.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0)
      return std::move(record.msg);
  }
  return core::make_error(core::Errc::kNotFound, "{}: no binance.rest exchangeInfo record", path);
}

}  // namespace sim::mockex
