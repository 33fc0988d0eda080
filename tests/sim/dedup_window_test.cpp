#include <catch2/catch.hpp>

#include <map>
#include <string>

#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include "sim/detail/dedup_window.h"

using sim::detail::DedupWindow;

TEST_CASE("DedupWindow finds an id until the window has passed since it was entered",
          "[sim][jetstream]") {
  DedupWindow w;
  w.insert("binance:BTCUSDT:trade:1", 7, 1'000);
  w.insert("binance:BTCUSDT:trade:2", 8, 2'000);
  w.expire(1'999, 1'000);
  CHECK(w.find("binance:BTCUSDT:trade:1") == 7);
  CHECK(w.find("binance:BTCUSDT:trade:3") == std::nullopt);
  w.expire(2'000, 1'000);  // 1'000 us after the first: it goes, the second stays
  CHECK(w.find("binance:BTCUSDT:trade:1") == std::nullopt);
  CHECK(w.find("binance:BTCUSDT:trade:2") == 8);
  CHECK(w.size() == 1);
  w.insert("binance:BTCUSDT:trade:1", 9, 2'500);  // entered again once forgotten
  CHECK(w.find("binance:BTCUSDT:trade:1") == 9);
}

// The table against a std::map model: random ids (few distinct, so probe runs collide and
// deletions shift), inserted when absent, expired as time moves on.
TEST_CASE("DedupWindow answers as a map of the ids entered within the window",
          "[sim][jetstream][property]") {
  rc::prop("same answers as the model", [] {
    constexpr std::int64_t kWindow = 50;
    DedupWindow w;
    std::map<std::string, std::pair<std::uint64_t, std::int64_t>> model;  // id -> seq, ts
    std::int64_t now = 0;
    std::uint64_t seq = 0;
    const auto steps = *rc::gen::inRange(1, 400);
    for (int i = 0; i < steps; ++i) {
      now += *rc::gen::inRange(0, 8);
      w.expire(now, kWindow);
      std::erase_if(model, [&](const auto& e) { return now - e.second.second >= kWindow; });
      const std::string id = "id:" + std::to_string(*rc::gen::inRange(0, 60));
      const auto want = model.find(id);
      const auto got = w.find(id);
      RC_ASSERT(got.has_value() == (want != model.end()));
      if (got) {
        RC_ASSERT(*got == want->second.first);
      } else {
        w.insert(id, ++seq, now);
        model[id] = {seq, now};
      }
      RC_ASSERT(w.size() == model.size());
    }
  });
}
