// net::HiredisKv's connection pool (valkey.max_connections) against a real redis-server: a
// blocking command holds up the commands behind it on one connection, not on a pool of two.
#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/config/connections.h"
#include "core/config/gateway_config.h"
#include "tests/contract/kv_contract.h"

namespace {

using kvcontract::kMs;
using kvcontract::KvNetWorld;

/// A HiredisKv on `w`'s server with `max_connections`, connected.
struct Pool {
  Pool(KvNetWorld& w, int max_connections) : clock(w.clock) {
    core::KvOptions o = kvcontract::options_for(w.port);
    o.max_connections = max_connections;
    kv.emplace(w.clock, o);
    REQUIRE(clock.run_until([&] { return kv->connected(); }, kvcontract::kReplyDeadlineUs));
  }
  /// Sends `argv`; its reply is appended to `order` as "<name> <reply>".
  void send(std::vector<std::string> argv, const std::string& name) {
    kv->command(std::move(argv), [this, name](core::Result<core::KvReply> r) {
      order.push_back(name + " " + (r ? kvcontract::describe(*r) : r.status().message));
    });
  }
  net::AsioClock& clock;
  std::optional<net::HiredisKv> kv;
  std::vector<std::string> order;
};

}  // namespace

TEST_CASE("HiredisKv with one connection runs a command after a blocking one ahead of it",
          "[kv][net]") {
  KvNetWorld w;
  Pool pool(w, 1);
  pool.send({"BLPOP", "q", "1"}, "blpop");  // blocks its connection for 1 s
  pool.send({"RPUSH", "q", "v"}, "rpush");
  REQUIRE(pool.clock.run_until([&] { return pool.order.size() == 2; }, 5000 * kMs));
  CHECK(pool.order == std::vector<std::string>{"blpop nil", "rpush 1"});
  CHECK(pool.kv->connections() == 1);
}

TEST_CASE("HiredisKv opens a second connection when the first is busy, up to max_connections",
          "[kv][net]") {
  KvNetWorld w;
  Pool pool(w, 2);
  CHECK(pool.kv->connections() == 1);       // one at start, more only when needed
  pool.send({"BLPOP", "q", "0"}, "blpop");  // blocks until something is pushed
  pool.send({"PING"}, "ping");              // busy: opens the second, waits on the first
  REQUIRE(pool.clock.run_until([&] { return pool.kv->connections() == 2; }, 5000 * kMs));
  pool.send({"RPUSH", "q", "v"}, "rpush");  // on the idle second connection
  REQUIRE(pool.clock.run_until([&] { return pool.order.size() == 3; }, 5000 * kMs));
  // The push got through beside the blocked BLPOP (one connection would wait forever); the
  // replies of two connections arrive in either order, the PING's after the BLPOP's.
  auto at = [&](const std::string& reply) {
    return std::find(pool.order.begin(), pool.order.end(), reply) - pool.order.begin();
  };
  CHECK(at("rpush 1") < 3);
  CHECK(at("blpop [\"q\", \"v\"]") < at("ping \"PONG\""));
  CHECK(at("ping \"PONG\"") < 3);
  // Many commands at once never open more than the cap.
  for (int i = 0; i < 50; ++i) pool.send({"INCR", "n"}, "incr");
  REQUIRE(pool.clock.run_until([&] { return pool.order.size() == 53; }, 5000 * kMs));
  CHECK(*kvcontract::call(w, {"GET", "n"})->string() == "50");
  CHECK(pool.kv->connections() == 2);
  const auto clients = kvcontract::call(w, {"CLIENT", "LIST"});
  REQUIRE(clients->string() != nullptr);
  // The world's own connection plus the pool's two.
  CHECK(std::count(clients->string()->begin(), clients->string()->end(), '\n') == 3);
}

TEST_CASE("HiredisKv refuses max_connections below 1 with kConfig on every command", "[kv]") {
  net::AsioClock clock;
  core::KvOptions o;
  o.url = "redis://127.0.0.1:1";
  o.max_connections = 0;
  net::HiredisKv kv(clock, o);
  std::optional<core::Status> got;
  kv.set("k", "v", 0, [&](core::Status s) { got = s; });
  REQUIRE(clock.run_until([&] { return got.has_value(); }, 1000 * kMs));
  CHECK(got->code == core::Errc::kConfig);
  CHECK(got->message == "kv max_connections 0 is not >= 1");
}

TEST_CASE("kv_options_of takes valkey.max_connections", "[kv]") {
  core::GatewayConfig c;
  c.valkey.max_connections = 7;
  CHECK(core::kv_options_of(c).max_connections == 7);
}
