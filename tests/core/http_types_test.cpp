// core/http.h values: URL parsing, case-insensitive header lookup, the responder's once-only
// and answer-500-when-dropped rules.
#include <catch2/catch.hpp>

#include <vector>

#include "core/http.h"

TEST_CASE("parse_url splits scheme, host, port and target with scheme default ports",
          "[unit][http]") {
  auto wss = core::parse_url("wss://stream.binance.com:9443/ws/btcusdt@trade");
  REQUIRE(wss.is_ok());
  CHECK(wss->scheme == "wss");
  CHECK(wss->host == "stream.binance.com");
  CHECK(wss->port == 9443);
  CHECK(wss->target == "/ws/btcusdt@trade");
  CHECK(wss->tls());
  auto https = core::parse_url("https://api.binance.com?x=1");
  REQUIRE(https.is_ok());
  CHECK(https->port == 443);
  CHECK(https->target == "/?x=1");
  auto http = core::parse_url("http://127.0.0.1");
  REQUIRE(http.is_ok());
  CHECK(http->port == 80);
  CHECK(http->target == "/");
  CHECK_FALSE(http->tls());
}

TEST_CASE("parse_url names what is wrong with a bad url", "[unit][http]") {
  CHECK(core::parse_url("api.binance.com").status().message ==
        "url 'api.binance.com' has no scheme://");
  CHECK(core::parse_url("ftp://x").status().message == "url 'ftp://x': unknown scheme");
  CHECK(core::parse_url("http://x:70000/").status().message ==
        "url 'http://x:70000/': bad port '70000'");
  CHECK(core::parse_url("http://:80/").status().code == core::Errc::kInvalidArgument);
}

TEST_CASE("find_header ignores case and returns the first of repeated headers", "[unit][http]") {
  const core::Headers headers = {{"Retry-After", "7"}, {"retry-after", "9"}};
  CHECK(core::find_header(headers, "RETRY-AFTER") == "7");
  CHECK_FALSE(core::find_header(headers, "Retry").has_value());
}

TEST_CASE("HttpResponder sends once, and 500 when every copy is dropped unanswered",
          "[unit][http]") {
  std::vector<int> sent;
  int resets = 0;
  auto send = [&](core::HttpResponse r) { sent.push_back(r.status); };
  auto reset = [&] { ++resets; };
  {
    core::HttpResponder responder(send, reset);
    core::HttpResponder copy = responder;
    copy.respond({429, {}, ""});
    responder.respond({200, {}, ""});  // ignored: already answered
    responder.reset();                 // ignored too
    CHECK(responder.answered());
  }
  { core::HttpResponder dropped(send, reset); }
  CHECK(sent == std::vector<int>{429, 500});
  CHECK(resets == 0);
}

TEST_CASE("HttpResponder::reset drops the connection once and nothing is sent after it",
          "[unit][http]") {
  std::vector<int> sent;
  int resets = 0;
  {
    core::HttpResponder responder([&](core::HttpResponse r) { sent.push_back(r.status); },
                                  [&] { ++resets; });
    responder.reset();
    responder.reset();
    responder.respond({200, {}, ""});
    CHECK(responder.answered());
  }
  CHECK(resets == 1);
  CHECK(sent.empty());
}
