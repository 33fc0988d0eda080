/// @file tests/contract/kv_contract.h
/// @brief The two worlds the core::Kv contract runs in, and a helper to await a reply.
///
/// KvNetWorld starts its own redis-server on a free port (no persistence) and talks to it
/// through net::HiredisKv on a net::AsioClock; KvSimWorld is sim::SimKv on a sim::SimClock.
/// `server_down()` / `server_up()` kill -9 and restart the server (sim: the availability
/// knob). KV_CONTRACT(name, fn) defines one test case per world, the net one tagged [net].
#pragma once

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <utility>

#include "net/asio_clock.h"
#include "net/hiredis_kv.h"
#include "sim/sim_clock.h"
#include "sim/sim_kv.h"
#include "tests/support/server_process.h"

namespace kvcontract {

constexpr std::int64_t kMs = 1000;
constexpr std::int64_t kReplyDeadlineUs = 5000 * kMs;

inline core::KvOptions options_for(std::uint16_t port) {
  core::KvOptions o;
  o.url = "redis://127.0.0.1:" + std::to_string(port);
  o.command_timeout_ms = 2000;
  o.reconnect_backoff_ms_min = 20;
  o.reconnect_backoff_ms_max = 200;
  return o;
}

struct KvNetWorld {
  testsupport::TempDir dir{"t26-kv"};
  std::uint16_t port = testsupport::free_tcp_port();
  testsupport::ServerProcess redis{
      {"redis-server", "--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "",
       "--appendonly", "no", "--dir", dir.path()},
      dir.path() + "/redis.log"};
  net::AsioClock clock;
  std::optional<net::HiredisKv> kv_storage;

  KvNetWorld() {
    REQUIRE(testsupport::wait_for_tcp(port, std::chrono::seconds(10)));
    kv_storage.emplace(clock, options_for(port));
    REQUIRE(clock.run_until([&] { return kv_storage->connected(); }, kReplyDeadlineUs));
  }
  ~KvNetWorld() { kv_storage.reset(); }
  core::Kv& kv() { return *kv_storage; }
  void server_down() { redis.kill9(); }
  void server_up() {
    redis.start();
    REQUIRE(testsupport::wait_for_tcp(port, std::chrono::seconds(10)));
  }
};

struct KvSimWorld {
  sim::SimClock clock;
  sim::SimKv sim_kv{clock, options_for(6379)};
  core::Kv& kv() { return sim_kv; }
  void server_down() { sim_kv.set_available(false); }
  void server_up() { sim_kv.set_available(true); }
};

/// Runs `start(callback)` and drives the loop until the callback delivered its value.
template <typename T, typename World, typename Start>
T await(World& w, Start start) {
  std::optional<T> out;
  start([&](T v) { out.emplace(std::move(v)); });
  REQUIRE(w.clock.run_until([&] { return out.has_value(); }, kReplyDeadlineUs));
  return std::move(*out);
}

template <typename World>
core::Result<core::KvReply> call(World& w, std::vector<std::string> argv) {
  return await<core::Result<core::KvReply>>(
      w, [&](auto cb) { w.kv().command(std::move(argv), std::move(cb)); });
}

template <typename World>
core::Result<core::KvReply> eval(World& w, const core::KvScript& script,
                                 std::vector<std::string> keys, std::vector<std::string> args) {
  return await<core::Result<core::KvReply>>(
      w, [&](auto cb) { w.kv().eval(script, std::move(keys), std::move(args), std::move(cb)); });
}

inline std::string describe(const core::KvReply& r) {
  if (r.is_nil()) return "nil";
  if (const auto* n = r.integer()) return std::to_string(*n);
  if (const auto* s = r.string()) return '"' + *s + '"';
  if (const auto* a = r.array()) {
    std::string out = "[";
    for (const auto& item : *a) out += (out.size() > 1 ? ", " : "") + describe(item);
    return out + "]";
  }
  return "(error " + std::get<core::KvError>(r.value).message + ")";
}

}  // namespace kvcontract

namespace Catch {
template <>
struct StringMaker<core::KvReply> {
  static std::string convert(const core::KvReply& r) { return kvcontract::describe(r); }
};
}  // namespace Catch

#define KV_CONTRACT(name, fn)                           \
  TEST_CASE("HiredisKv " name, "[contract][kv][net]") { \
    kvcontract::KvNetWorld world;                       \
    fn(world);                                          \
  }                                                     \
  TEST_CASE("SimKv " name, "[contract][kv][sim]") {     \
    kvcontract::KvSimWorld world;                       \
    fn(world);                                          \
  }
