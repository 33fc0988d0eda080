// One contract for core::Kv, run against net::HiredisKv (a real redis-server) and
// sim::SimKv. The Lua scripts are the production ones from core/kv_scripts.h.
#include "tests/contract/kv_contract.h"

#include "core/kv_scripts.h"

namespace {

using core::Errc;
using core::KvReply;
using kvcontract::await;
using kvcontract::call;
using kvcontract::eval;
using kvcontract::kMs;

KvReply ints(std::initializer_list<std::int64_t> values) {
  std::vector<KvReply> items;
  for (auto v : values) items.push_back(KvReply{v});
  return KvReply{std::move(items)};
}

template <typename W>
void set_get_del(W& w) {
  using Got = core::Result<std::optional<std::string>>;
  auto get = [&](const std::string& key) {
    return await<Got>(w, [&](auto cb) { w.kv().get(key, std::move(cb)); });
  };
  CHECK(get("k")->has_value() == false);
  REQUIRE(await<core::Status>(w, [&](auto cb) { w.kv().set("k", "v 1\n", 0, std::move(cb)); }));
  CHECK(get("k").value() == std::optional<std::string>("v 1\n"));
  auto deleted = [&] {
    return await<core::Result<std::int64_t>>(w, [&](auto cb) { w.kv().del("k", std::move(cb)); });
  };
  CHECK(deleted().value() == 1);
  CHECK(deleted().value() == 0);
  CHECK_FALSE(get("k")->has_value());
}
KV_CONTRACT("sets, gets and deletes a key", set_get_del)

template <typename W>
void ttl_expiry(W& w) {
  REQUIRE(await<core::Status>(w, [&](auto cb) { w.kv().set("short", "x", 100, std::move(cb)); }));
  const std::int64_t start_us = w.clock.now_us();
  CHECK(call(w, {"GET", "short"})->string() != nullptr);
  bool gone = false;
  std::function<void()> poll = [&] {
    w.kv().get("short", [&](core::Result<std::optional<std::string>> r) {
      REQUIRE(r.is_ok());
      if (!r->has_value()) {
        gone = true;
      } else {
        w.clock.call_after(10 * kMs, poll);
      }
    });
  };
  poll();
  REQUIRE(w.clock.run_until([&] { return gone; }, 3000 * kMs));
  CHECK(w.clock.now_us() - start_us >= 100 * kMs);
  // PEXPIRE on a missing key reports false; on a live key true.
  auto pexpire = [&](const std::string& key) {
    return await<core::Result<bool>>(w, [&](auto cb) { w.kv().pexpire(key, 5000, std::move(cb)); });
  };
  CHECK(pexpire("short").value() == false);
  REQUIRE(call(w, {"SET", "long", "y"}).is_ok());
  CHECK(pexpire("long").value() == true);
  const auto pttl = call(w, {"PTTL", "long"});
  REQUIRE(pttl->integer());
  CHECK(*pttl->integer() > 4000);
  CHECK(*pttl->integer() <= 5000);
}
KV_CONTRACT("forgets a key once its ttl has passed", ttl_expiry)

template <typename W>
void incrby_counts(W& w) {
  std::vector<std::int64_t> seen;
  for (int i = 0; i < 100; ++i) {
    w.kv().incrby("n", 3, [&](core::Result<std::int64_t> r) { seen.push_back(r.value()); });
  }
  REQUIRE(w.clock.run_until([&] { return seen.size() == 100; }, 5000 * kMs));
  for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == 3 * static_cast<int>(i + 1));
  const auto wrong = call(w, {"INCRBY", "n", "x"});
  CHECK(wrong.status().code == Errc::kRejected);
  CHECK(wrong.status().message == "kv INCRBY: ERR value is not an integer or out of range");
  REQUIRE(call(w, {"HSET", "h", "f", "1"}).is_ok());
  const auto wrong_type = call(w, {"INCRBY", "h", "1"});
  CHECK(wrong_type.status().code == Errc::kRejected);
  CHECK(wrong_type.status().message ==
        "kv INCRBY: WRONGTYPE Operation against a key holding the wrong kind of value");
}
KV_CONTRACT("counts every incrby in issue order", incrby_counts)

template <typename W>
void rate_limit(W& w) {
  const std::int64_t t0 = 1'767'225'600'000;  // a window boundary (ms)
  auto ask = [&](std::int64_t now_ms, int cost) {
    return eval(w, core::kRateLimitScript, {"rl:client"},
                {std::to_string(now_ms), "1000", "3", std::to_string(cost)})
        .value();
  };
  CHECK(ask(t0 + 0, 1) == ints({1, 2, 0}));
  CHECK(ask(t0 + 100, 1) == ints({1, 1, 0}));
  CHECK(ask(t0 + 200, 1) == ints({1, 0, 0}));
  CHECK(ask(t0 + 300, 1) == ints({0, 0, 700}));  // full until the window ends
  // Next window: the 3 of the previous one weigh 3*(1000-e)/1000.
  CHECK(ask(t0 + 1000, 1) == ints({0, 0, 1}));    // at +1 ms floor(3*999/1000) = 2 fits 1
  CHECK(ask(t0 + 1400, 1) == ints({1, 1, 0}));    // floor(3*0.6) + 1 = 2 used
  CHECK(ask(t0 + 1400, 2) == ints({0, 1, 267}));  // the old share drops to 0 at +1667
  CHECK(ask(t0 + 3500, 3) == ints({1, 0, 0}));    // two windows later: nothing carried over
}
KV_CONTRACT("rate limit script admits, refuses and names the wait the same way", rate_limit)

template <typename W>
void reservations(W& w) {
  auto reserve = [&](const std::string& id, const std::string& amount) {
    return eval(w, core::kReserveScript, {"pos:acct1"}, {id, amount, "100"}).value();
  };
  auto settle = [&](const std::string& id, const std::string& kept) {
    return eval(w, core::kSettleScript, {"pos:acct1"}, {id, kept}).value();
  };
  CHECK(reserve("a", "60") == ints({1, 60}));
  CHECK(reserve("b", "50") == ints({0, 60}));
  CHECK(reserve("a", "60") == ints({1, 60}));  // a redelivered order reserves once
  CHECK(settle("a", "0") == ints({1, 0}));
  CHECK(settle("a", "0") == ints({0, 0}));
  CHECK(reserve("b", "50") == ints({1, 50}));
  CHECK(reserve("c", "50") == ints({1, 100}));
  CHECK(reserve("d", "1") == ints({0, 100}));
  // A fill above its reservation (a better sell price, a slipped market buy) keeps only what
  // was reserved: the total never rises past the cap that admitted the order.
  CHECK(settle("b", "57") == ints({1, 100}));
  CHECK(settle("c", "20") == ints({1, 70}));
  CHECK(settle("c", "20") == ints({0, 70}));  // settled once
  CHECK(reserve("d", "31") == ints({0, 70}));
  CHECK(reserve("d", "30") == ints({1, 100}));
}
KV_CONTRACT("reservation scripts hold the cap, settle once and never raise the total", reservations)

template <typename W>
void lua_conversion(W& w) {
  const core::KvScript script("conversion", R"lua(
redis.call('SET', KEYS[1], ARGV[1])
local got = redis.call('GET', KEYS[1])
local missing = redis.call('GET', 'no-such-key')
local failed = redis.pcall('INCRBY', KEYS[1], 1)
return {1, got, missing, 3.7, -2.9, true, {ok='fine'}, {5, 'x'}, type(failed), failed['err']}
)lua");
  const auto r = eval(w, script, {"conv"}, {"hello"});
  REQUIRE(r.is_ok());
  std::vector<KvReply> want{
      KvReply{std::int64_t{1}},
      KvReply{std::string("hello")},
      KvReply{},
      KvReply{std::int64_t{3}},
      KvReply{std::int64_t{-2}},
      KvReply{std::int64_t{1}},
      KvReply{std::string("fine")},
      KvReply{std::vector<KvReply>{KvReply{std::int64_t{5}}, KvReply{std::string("x")}}},
      KvReply{std::string("table")},
      KvReply{std::string("ERR value is not an integer or out of range")}};
  CHECK(*r == KvReply{want});
}
KV_CONTRACT("scripts convert between Lua and replies by Redis's rules", lua_conversion)

template <typename W>
void script_errors(W& w) {
  const core::KvScript broken("broken", "local x = 1\nerror('boom')\n");
  const auto r = eval(w, broken, {}, {});
  CHECK(r.status().code == Errc::kRejected);
  CHECK_THAT(r.status().message, Catch::StartsWith("kv script broken: ERR user_script:2: boom"));
  const core::KvScript returns_error("returns_error", "return redis.error_reply('LIMIT over')");
  const auto e = eval(w, returns_error, {}, {});
  CHECK(e.status().code == Errc::kRejected);
  CHECK_THAT(e.status().message, Catch::StartsWith("kv script returns_error: LIMIT over"));
  const core::KvScript raises("raises", "return redis.call('INCRBY', KEYS[1], 'x')");
  const auto c = eval(w, raises, {"k"}, {});
  CHECK(c.status().code == Errc::kRejected);
  CHECK_THAT(c.status().message,
             Catch::StartsWith("kv script raises: ERR value is not an integer or out of range"));
}
KV_CONTRACT("a script error comes back as a Status naming the script", script_errors)

template <typename W>
void rate_limit_stop(W& w) {
  auto limit = [&](std::int64_t now_ms) {
    return kvcontract::describe(
        *eval(w, core::kRateLimitScript, {"rl:x"}, {std::to_string(now_ms), "60000", "10", "1"}));
  };
  auto stop = [&](std::int64_t now_ms, std::int64_t until_ms) {
    return kvcontract::describe(*eval(w, core::kRateLimitStopScript, {"rl:x"},
                                      {std::to_string(now_ms), std::to_string(until_ms)}));
  };
  CHECK(limit(1000) == "[1, 9, 0]");
  CHECK(stop(2000, 9000) == "9000");
  CHECK(limit(2500) == "[0, 0, 6500]");
  CHECK(stop(3000, 5000) == "9000");  // the later deadline stays
  CHECK(limit(8999) == "[0, 0, 1]");
  CHECK(limit(9000) == "[1, 8, 0]");  // the count from before the stop is kept
  // A stop longer than the window keeps the key alive until it ends.
  CHECK(stop(10000, 10000 + 600000) == "610000");
  const auto ttl = call(w, {"PTTL", "rl:x"});
  REQUIRE(ttl->integer() != nullptr);
  CHECK(*ttl->integer() > 590000);
  CHECK(*ttl->integer() <= 600000);
}
KV_CONTRACT("the rate-limit stop refuses every call until it ends and keeps the later one",
            rate_limit_stop)

template <typename W>
void server_down(W& w) {
  REQUIRE(call(w, {"SET", "k", "1"}).is_ok());
  w.server_down();
  const auto first = call(w, {"GET", "k"});
  CHECK(first.status().code == Errc::kUnavailable);
  const auto later = eval(w, core::kRateLimitScript, {"rl"}, {"0", "1000", "3", "1"});
  CHECK(later.status().code == Errc::kUnavailable);
  w.server_up();
  bool back = false;
  std::function<void()> retry = [&] {
    w.kv().set("k", "2", 0, [&](core::Status s) {
      if (s.is_ok()) {
        back = true;
      } else {
        CHECK(s.code == Errc::kUnavailable);
        w.clock.call_after(20 * kMs, retry);
      }
    });
  };
  retry();
  REQUIRE(w.clock.run_until([&] { return back; }, 5000 * kMs));
  CHECK(call(w, {"GET", "k"})->string() != nullptr);
}
KV_CONTRACT("fails with kUnavailable while the server is down and recovers after", server_down)

}  // namespace

TEST_CASE("SimKv times out a command whose reply is lost, in doubt", "[contract][kv][sim]") {
  kvcontract::KvSimWorld w;
  w.sim_kv.lose_replies(1);
  const std::int64_t start_us = w.clock.now_us();
  const auto r = call(w, {"INCRBY", "n", "1"});
  CHECK(r.status().code == Errc::kTimeout);
  CHECK(r.status().in_doubt);
  CHECK(w.clock.now_us() - start_us == 2000 * kMs);
  CHECK(*call(w, {"GET", "n"})->string() == "1");  // it did run
}

TEST_CASE("HiredisKv rejects a malformed url with kConfig", "[contract][kv]") {
  net::AsioClock clock;
  core::KvOptions o;
  o.url = "http://127.0.0.1:1";
  net::HiredisKv kv(clock, o);
  std::optional<core::Status> got;
  kv.set("k", "v", 0, [&](core::Status s) { got = s; });
  REQUIRE(clock.run_until([&] { return got.has_value(); }, 1000 * kMs));
  CHECK(got->code == Errc::kConfig);
  CHECK(got->message == "kv url 'http://127.0.0.1:1' does not start with redis://");
}
