/// @file core/bus_options.h
/// @brief BusOptions: how a Bus adapter connects and reconnects (net::NatsBus, sim::SimBus).
///
/// A value, copied by the adapter at construction (like nats.c's cloned options).
///
// clang-format off
/// | field                  | meaning                                                       | default               |
/// |------------------------|---------------------------------------------------------------|-----------------------|
/// | url                    | server URL (ignored by SimBus, which is handed its server)    | nats://127.0.0.1:4222 |
/// | name                   | connection name, shown by the server; seeds inbox names       | t26                   |
/// | jetstream              | JetStream mode: the reconnect buffer is disabled (below)      | true                  |
/// | reconnect_wait_us      | pause between reconnect attempts                              | 250 ms                |
/// | max_reconnect_attempts | attempts before the connection closes; -1 forever             | -1                    |
/// | reconnect_buf_bytes    | core-NATS mode: bytes held while reconnecting, and at most    | 8 MiB                 |
/// |                        | waiting for the socket while connected (NatsBus refuses a     |                       |
/// |                        | publish past it with kResourceExhausted)                      |                       |
// clang-format on
///
/// Why JetStream mode disables the reconnect buffer: nats.c writes its buffer to the new
/// connection before anything else, so messages published after a loss would reach the
/// stream ahead of the JsPublisher's resends of the lost ones, breaking stream order. In
/// JetStream mode a publish while disconnected fails fast (kUnavailable) and the JsPublisher
/// outbox (core/js_publisher.h) is the buffer.
#pragma once

#include <cstdint>
#include <string>

namespace core {

struct BusOptions {
  std::string url = "nats://127.0.0.1:4222";
  std::string name = "t26";
  bool jetstream = true;
  std::int64_t reconnect_wait_us = 250'000;
  int max_reconnect_attempts = -1;
  std::int64_t reconnect_buf_bytes = 8 * 1024 * 1024;
  /// Write publishes to the socket from the loop as soon as a turn passes that published
  /// nothing more (a burst still leaves together) instead of letting nats.c's flusher batch
  /// them, which holds a lone message about 1 ms. For the gateway's ticks and request/response
  /// paths (live_gateway's order updates and fills). SimBus ignores it.
  bool send_asap = false;

  /// The reconnect buffer in effect: 0 in JetStream mode (see the file comment).
  std::int64_t effective_reconnect_buf_bytes() const { return jetstream ? 0 : reconnect_buf_bytes; }
};

}  // namespace core
