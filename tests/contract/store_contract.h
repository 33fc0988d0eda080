/// @file tests/contract/store_contract.h
/// @brief The two worlds the core::Store contract runs in.
///
/// StoreNetWorld starts its own influxd (HTTP and RPC bind addresses on free ports, meta,
/// data and wal under a TempDir, reporting disabled), polls /ping until 204 and creates the
/// database, then talks to it through net::IlpStore (influx dialect). StoreSimWorld is
/// sim::SimStore on a sim::SimClock. STORE_CONTRACT(name, fn) defines one test case per
/// world, the net one tagged [net].
#pragma once

#include <catch2/catch.hpp>

#include <fstream>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "net/asio_clock.h"
#include "net/detail/http1.h"
#include "net/ilp_store.h"
#include "sim/sim_clock.h"
#include "sim/sim_store.h"
#include "tests/support/server_process.h"

namespace storecontract {

constexpr std::int64_t kMs = 1000;

inline core::StoreOptions options_for(std::uint16_t port) {
  core::StoreOptions o;
  o.url = "http://127.0.0.1:" + std::to_string(port);
  o.dialect = core::StoreDialect::kInflux;
  o.database = "t26";
  o.timeout_ms = 5000;
  return o;
}

inline std::string write_influx_config(const std::string& dir, std::uint16_t http_port,
                                       std::uint16_t rpc_port) {
  const std::string path = dir + "/influxdb.conf";
  std::ofstream(path) << "reporting-disabled = true\n"
                      << "bind-address = \"127.0.0.1:" << rpc_port << "\"\n"
                      << "[meta]\n  dir = \"" << dir << "/meta\"\n"
                      << "[data]\n  dir = \"" << dir << "/data\"\n  wal-dir = \"" << dir
                      << "/wal\"\n  query-log-enabled = false\n"
                      << "[http]\n  bind-address = \"127.0.0.1:" << http_port
                      << "\"\n  log-enabled = false\n"
                      << "[monitor]\n  store-enabled = false\n"
                      << "[continuous_queries]\n  enabled = false\n";
  return path;
}

struct StoreNetWorld {
  testsupport::TempDir dir{"t26-influx"};
  std::uint16_t http_port = testsupport::free_tcp_port();
  std::uint16_t rpc_port = testsupport::free_tcp_port();
  testsupport::ServerProcess influxd{
      {"influxd", "run", "-config", write_influx_config(dir.path(), http_port, rpc_port)},
      dir.path() + "/influxd.log"};
  net::AsioClock clock;
  net::IlpStore store{clock, options_for(http_port)};

  StoreNetWorld() {
    bool ready = false;
    const std::int64_t deadline_us = clock.now_us() + 20'000 * kMs;
    while (!ready && clock.now_us() < deadline_us) {
      const auto ping = send("GET", "/ping");
      ready = ping && ping->status == 204;
      if (!ready) clock.run_for(50 * kMs);
    }
    INFO(influxd.log_tail());
    REQUIRE(ready);
    const auto created = send("POST", "/query?q=CREATE%20DATABASE%20t26");
    REQUIRE(created.is_ok());
    REQUIRE(created->status == 200);
  }
  /// A blocking request for the fixture (the store under test is not involved).
  core::Result<net::detail::HttpResponse> send(const std::string& method,
                                               const std::string& target) {
    net::detail::HttpRequest request;
    request.method = method;
    request.host = "127.0.0.1";
    request.port = http_port;
    request.target = target;
    request.timeout_ms = 1000;
    std::optional<core::Result<net::detail::HttpResponse>> out;
    net::detail::http_request(clock.io_context(), request, [&](auto r) { out.emplace(r); });
    clock.run_until([&] { return out.has_value(); }, 2000 * kMs);
    return out ? *out : core::make_error(core::Errc::kTimeout, "no answer");
  }
  void server_down() { influxd.kill9(); }
};

struct StoreSimWorld {
  sim::SimClock clock;
  sim::SimStore store{clock, options_for(8086)};
  void server_down() { store.set_available(false); }
};

template <typename T, typename World, typename Start>
T await(World& w, Start start) {
  std::optional<T> out;
  start([&](T v) { out.emplace(std::move(v)); });
  REQUIRE(w.clock.run_until([&] { return out.has_value(); }, 10'000 * kMs));
  return std::move(*out);
}

template <typename World>
core::Status write(World& w, std::string_view lines) {
  return await<core::Status>(w, [&](auto cb) { w.store.write(lines, std::move(cb)); });
}

template <typename World>
core::Result<core::QueryResult> query(World& w, const core::StoreQuery& q) {
  return await<core::Result<core::QueryResult>>(w,
                                                [&](auto cb) { w.store.query(q, std::move(cb)); });
}

}  // namespace storecontract

#define STORE_CONTRACT(name, fn)                          \
  TEST_CASE("IlpStore " name, "[contract][store][net]") { \
    storecontract::StoreNetWorld world;                   \
    fn(world);                                            \
  }                                                       \
  TEST_CASE("SimStore " name, "[contract][store][sim]") { \
    storecontract::StoreSimWorld world;                   \
    fn(world);                                            \
  }
