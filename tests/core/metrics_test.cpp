#include "core/metrics.h"

#include <stdexcept>

#include <catch2/catch.hpp>

using core::metrics::Registry;

TEST_CASE("Registry renders counters, gauges and histograms as Prometheus text", "[metrics]") {
  Registry r;
  auto& ticks_bn = r.counter("ticks_published_total", "Ticks published to the bus.",
                             {{"exchange", "binance"}, {"shard", "0"}});
  auto& ticks_cb = r.counter("ticks_published_total", "Ticks published to the bus.",
                             {{"shard", "0"}, {"exchange", "coinbase"}});
  auto& up = r.gauge("feed_up", "1 when the feed is live.");
  auto& lat = r.histogram("publish_latency_seconds", "Fetch to publish.", {0.001, 0.01, 0.1},
                          {{"exchange", "binance"}});
  ticks_bn.inc();
  ticks_bn.inc(2);
  ticks_cb.inc();
  up.set(1);
  lat.observe(0.0005);
  lat.observe(0.001);
  lat.observe(0.05);
  lat.observe(3);
  CHECK(&r.counter("ticks_published_total", "Ticks published to the bus.",
                   {{"exchange", "binance"}, {"shard", "0"}}) == &ticks_bn);
  CHECK(r.render_prometheus() ==
        "# HELP feed_up 1 when the feed is live.\n"
        "# TYPE feed_up gauge\n"
        "feed_up 1\n"
        "# HELP publish_latency_seconds Fetch to publish.\n"
        "# TYPE publish_latency_seconds histogram\n"
        "publish_latency_seconds_bucket{exchange=\"binance\",le=\"0.001\"} 2\n"
        "publish_latency_seconds_bucket{exchange=\"binance\",le=\"0.01\"} 2\n"
        "publish_latency_seconds_bucket{exchange=\"binance\",le=\"0.1\"} 3\n"
        "publish_latency_seconds_bucket{exchange=\"binance\",le=\"+Inf\"} 4\n"
        "publish_latency_seconds_sum{exchange=\"binance\"} 3.0515\n"
        "publish_latency_seconds_count{exchange=\"binance\"} 4\n"
        "# HELP ticks_published_total Ticks published to the bus.\n"
        "# TYPE ticks_published_total counter\n"
        "ticks_published_total{exchange=\"binance\",shard=\"0\"} 3\n"
        "ticks_published_total{exchange=\"coinbase\",shard=\"0\"} 1\n");
}

TEST_CASE("Registry escapes label values and help text", "[metrics]") {
  Registry r;
  r.counter("errors_total", "Errors, by \\ reason\nsecond line.",
            {{"reason", "bad \"quote\" \\ and\nnewline"}})
      .inc();
  r.gauge("ratio", "").set(-0.25);
  CHECK(r.render_prometheus() ==
        "# HELP errors_total Errors, by \\\\ reason\\nsecond line.\n"
        "# TYPE errors_total counter\n"
        "errors_total{reason=\"bad \\\"quote\\\" \\\\ and\\nnewline\"} 1\n"
        "# HELP ratio \n"
        "# TYPE ratio gauge\n"
        "ratio -0.25\n");
}

TEST_CASE("Registry refuses invalid names and conflicting definitions", "[metrics]") {
  Registry r;
  r.counter("orders_total", "Orders.");
  CHECK_THROWS_AS(r.gauge("orders_total", "Orders."), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("orders_total", "Other help."), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("9lives", "x"), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("ok_total", "x", {{"bad-label", "v"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("ok_total", "x", {{"a", "1"}, {"a", "2"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.histogram("h", "x", {0.1}, {{"le", "1"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.histogram("h", "x", {1, 0.5}), std::invalid_argument);
  r.histogram("h", "x", {0.1});
  CHECK_THROWS_AS(r.histogram("h", "x", {0.2}), std::invalid_argument);
}

TEST_CASE("A labelled Registry view adds its labels to every series it creates in the parent",
          "[metrics]") {
  core::metrics::Registry parent;
  core::metrics::Registry shard0(parent, {{"shard", "0"}});
  core::metrics::Registry shard1(parent, {{"shard", "1"}});
  shard0.counter("ticks_total", "Ticks", {{"exchange", "binance"}}).inc(2);
  shard1.counter("ticks_total", "Ticks", {{"exchange", "binance"}}).inc(3);
  parent.counter("ticks_total", "Ticks", {{"exchange", "binance"}}).inc(1);
  const std::string want =
      "# HELP ticks_total Ticks\n# TYPE ticks_total counter\n"
      "ticks_total{exchange=\"binance\"} 1\n"
      "ticks_total{exchange=\"binance\",shard=\"0\"} 2\n"
      "ticks_total{exchange=\"binance\",shard=\"1\"} 3\n";
  CHECK(parent.render_prometheus() == want);
  CHECK(shard1.render_prometheus() == want);
  // The same series through the view is the same object.
  CHECK(&shard0.counter("ticks_total", "Ticks", {{"exchange", "binance"}}) ==
        &shard0.counter("ticks_total", "Ticks", {{"exchange", "binance"}}));
  CHECK_THROWS_AS(shard0.counter("ticks_total", "Ticks", {{"shard", "9"}}), std::invalid_argument);
}
