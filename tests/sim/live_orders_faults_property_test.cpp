// Property: whatever orders, approvals, cancels and faults a timeline throws at live_gateway
// workers in their queue group (worker crashes, kill switch on and off, dropped exchange
// answers, slow exchange, NATS restarts, Valkey outages), in paper or live mode, with or
// without manual approval, no order fills twice or beyond its
// quantity, none reaches an executor twice or while its worker is halted, the Kv exposure
// never passes max_position_size_usd and the exchange holds no order that was not sent once.
// A failure prints the seed and writes the shrunk timeline as a scenario file that
// `build/bin/sim run` reproduces.
#include <rapidcheck.h>
#include <rapidcheck/catch.h>
#include <catch2/catch.hpp>

#include <fmt/core.h>

#include "sim/scenario.h"
#include "tests/sim/scenario_property.h"

namespace {

constexpr std::int64_t kMs = 1000;

struct Drawn {
  int kind;   // 0-5 an order, then approve/cancel, then the faults
  int at_ms;  // when, in the 8 s safety phase
  int size;   // 1..100: quantity, duration, worker or earlier order, by kind
};

sim::TimelineEntry entry(const Drawn& d, int index, int workers, bool live) {
  sim::TimelineEntry e;
  e.at_us = d.at_ms * kMs;
  const std::string worker = fmt::format("w{}", d.size % workers + 1);
  switch (d.kind) {
    case 10:
    case 11:  // of an order drawn before (it may not exist yet, or at all: refused)
      e.action = d.kind == 10 ? "approve" : "cancel_order";
      e.args["id"] = fmt::format("o{}", d.size % (index + 1));
      break;
    case 6:
      e.action = "crash";
      e.targets = {worker};
      e.args["restart_after"] = fmt::format("{}ms", d.size * 20);
      break;
    case 7:
      e.action = d.size % 2 ? "halt" : "resume";
      e.args["worker"] = worker;
      break;
    case 8:
      e.action = live ? "drop_order_response" : "kv_down";
      if (!live) e.args["for"] = fmt::format("{}ms", d.size * 10);
      break;
    case 9:
      e.action = live ? "exchange_latency" : "bus_restart";
      e.args[live ? "add" : "down_for"] = fmt::format("{}ms", d.size * 20);
      if (live) e.args["for"] = "2s";
      break;
    default: {  // an order: market or a limit near the recorded price (~61800)
      e.action = "submit_order";
      e.args["id"] = fmt::format("o{}", index);
      e.args["qty"] = fmt::format("0.{:03d}", d.size % 20 + 1);
      e.args["side"] = d.kind % 2 ? "sell" : "buy";
      if (d.kind >= 3) e.args["price"] = std::to_string(61300 + d.size * 10);
      if (live) e.args["paper"] = d.size % 3 ? "false" : "true";
      if (d.kind == 5) e.args["tif"] = "IOC";
    }
  }
  return e;
}

}  // namespace

TEST_CASE("live_gateway workers keep every safety invariant under any order and fault timeline",
          "[sim][property]") {
  rc::prop("no double fill, no executor while halted, exposure within the cap", [] {
    const bool live = *rc::gen::arbitrary<bool>();
    const int workers = *rc::gen::inRange(1, 4);
    const bool approval = *rc::gen::arbitrary<bool>();
    sim::Scenario s;
    s.name = "live_orders_property";
    s.seed = *rc::gen::arbitrary<std::uint32_t>();
    s.workload = {{"kind", "live_orders"},
                  {"workers", std::to_string(workers)},
                  {"mode", live ? "live" : "paper"},
                  {"require_manual_approval", approval ? "true" : "false"},
                  {"max_position_size_usd", std::to_string(*rc::gen::inRange(5, 31) * 100)},
                  {"market_duration", "10s"},
                  {"order_timeout", "2s"},
                  {"request_timeout", "1s"},
                  {"retry_delay", "300ms"}};
    const auto drawn = *rc::gen::container<std::vector<Drawn>>(rc::gen::construct<Drawn>(
        rc::gen::inRange(0, 12), rc::gen::inRange(500, 8000), rc::gen::inRange(1, 101)));
    for (std::size_t i = 0; i < drawn.size(); ++i)
      s.timeline.push_back(entry(drawn[i], static_cast<int>(i), workers, live));
    s.run_for_us = 9'000 * kMs;
    s.converge_within_us = 5'000 * kMs;
    simtest::check_scenario(std::move(s));
  });
}
