/// @file core/config/connections.h
/// @brief The Bus and Kv options every service builds from its `nats.*`, `valkey.*` and
/// `service.name` keys, in one place so the binaries and the sim workloads connect alike.
///
/// Templates over the service config types (GatewayConfig, LiveGatewayConfig,
/// NormalizerConfig): each has the same connection fields. Callers adjust what their service
/// needs differently afterwards (live_gateway sends at once, the normalizer retries forever).
#pragma once

#include <cstdint>
#include <string>

#include "core/bus_options.h"
#include "core/ports/kv.h"

namespace core {

template <typename Config>
BusOptions bus_options_of(const Config& c) {
  BusOptions o;
  o.url = c.nats.url;
  o.name = c.service.name;
  o.jetstream = c.nats.jetstream;
  o.reconnect_wait_us = static_cast<std::int64_t>(c.nats.reconnect_wait_sec * 1e6);
  o.max_reconnect_attempts = c.nats.max_reconnect_attempts;
  return o;
}

/// valkey.url with valkey.db as its path, the form net::HiredisKv takes.
template <typename Config>
KvOptions kv_options_of(const Config& c) {
  KvOptions o;
  o.url = c.valkey.url + "/" + std::to_string(c.valkey.db);
  o.max_connections = c.valkey.max_connections;
  return o;
}

}  // namespace core
