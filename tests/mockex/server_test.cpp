// MockExchange over SimHttpServer in virtual time: REST bodies byte for byte, signing errors,
// filters, rate-limit headers and escalation, /metrics.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "mockex_world.h"

using mockex_test::header;
using mockex_test::MockexWorld;

namespace {

constexpr const char* kBook =
    R"({"stream":"btcusdt@bookTicker","data":{"u":100,"s":"BTCUSDT","b":"60000.00000000",)"
    R"("B":"1.50000000","a":"60000.01000000","A":"2.00000000"}})";
constexpr const char* kTrade1 =
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1767225600100,"s":"BTCUSDT","t":7,)"
    R"("p":"60000.01000000","q":"0.01000000","T":1767225600099,"m":false,"M":true}})";
constexpr const char* kTrade2 =
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1767225660101,"s":"BTCUSDT","t":8,)"
    R"("p":"60000.00000000","q":"0.02000000","T":1767225660100,"m":true,"M":true}})";

void seed(MockexWorld& w) {
  w.feed_ws(kBook);
  w.feed_ws(kTrade1);
  w.feed_ws(kTrade2);
}

std::int64_t transact_time(const core::HttpResponse& r) {
  return nlohmann::json::parse(r.body).at("transactTime").get<std::int64_t>();
}

}  // namespace

TEST_CASE("MockExchange answers ping, time and ticker/price with Binance's bodies and weights",
          "[mockex][server]") {
  MockexWorld w;
  seed(w);
  const auto ping = w.get("/api/v3/ping");
  CHECK(ping.status == 200);
  CHECK(ping.body == "{}");
  CHECK(header(ping, "X-MBX-USED-WEIGHT-1M") == "1");
  const auto time = w.get("/api/v3/time");
  CHECK(time.body == R"({"serverTime":)" + std::to_string(w.now_ms()) + "}");
  CHECK(header(time, "X-MBX-USED-WEIGHT-1M") == "2");
  const auto price = w.get("/api/v3/ticker/price?symbol=BTCUSDT");
  CHECK(price.body == R"({"symbol":"BTCUSDT","price":"60000.00000000"})");
  CHECK(header(price, "X-MBX-USED-WEIGHT-1M") == "4");
  CHECK(header(price, "Content-Type") == "application/json;charset=UTF-8");
}

TEST_CASE("MockExchange serves depth, trades, klines and bookTicker from the replayed frames",
          "[mockex][server]") {
  MockexWorld w;
  seed(w);
  CHECK(w.get("/api/v3/depth?symbol=BTCUSDT&limit=5").body ==
        R"({"lastUpdateId":100,"bids":[["60000.00000000","1.50000000"]],)"
        R"("asks":[["60000.01000000","2.00000000"]]})");
  CHECK(w.get("/api/v3/trades?symbol=BTCUSDT").body ==
        R"([{"id":7,"price":"60000.01000000","qty":"0.01000000","quoteQty":"600.00010000",)"
        R"("time":1767225600099,"isBuyerMaker":false,"isBestMatch":true},)"
        R"({"id":8,"price":"60000.00000000","qty":"0.02000000","quoteQty":"1200.00000000",)"
        R"("time":1767225660100,"isBuyerMaker":true,"isBestMatch":true}])");
  CHECK(w.get("/api/v3/klines?symbol=BTCUSDT&interval=1m").body ==
        R"([[1767225600000,"60000.01000000","60000.01000000","60000.01000000","60000.01000000",)"
        R"("0.01000000",1767225659999,"600.00010000",1,"0.01000000","600.00010000","0"],)"
        R"([1767225660000,"60000.00000000","60000.00000000","60000.00000000","60000.00000000",)"
        R"("0.02000000",1767225719999,"1200.00000000",1,"0.00000000","0.00000000","0"]])");
  CHECK(w.get("/api/v3/ticker/bookTicker?symbol=BTCUSDT").body ==
        R"({"symbol":"BTCUSDT","bidPrice":"60000.00000000","bidQty":"1.50000000",)"
        R"("askPrice":"60000.01000000","askQty":"2.00000000"})");
  CHECK(w.get("/api/v3/avgPrice?symbol=BTCUSDT").body ==
        R"({"mins":5,"price":"60000.00333333","closeTime":1767225660100})");
  const auto bad = w.get("/api/v3/depth?symbol=NOPEUSDT");
  CHECK(bad.status == 400);
  CHECK(bad.body == R"({"code":-1121,"msg":"Invalid symbol."})");
}

TEST_CASE("MockExchange serves exchangeInfo for the configured symbols with today's filters",
          "[mockex][server]") {
  MockexWorld w;
  const auto r = w.get("/api/v3/exchangeInfo");
  CHECK(header(r, "X-MBX-USED-WEIGHT-1M") == "20");
  const auto info = nlohmann::json::parse(r.body);
  REQUIRE(info["symbols"].size() == 2);
  CHECK(info["symbols"][0]["symbol"] == "BTCUSDT");
  CHECK(info["symbols"][1]["symbol"] == "ETHUSDT");
  CHECK(info["rateLimits"][0]["limit"] == 6000);
  CHECK(r.body.find("MIN_NOTIONAL") == std::string::npos);
  CHECK(r.body.find(R"({"filterType":"NOTIONAL","minNotional":"10.00000000")") !=
        std::string::npos);
  CHECK(info["serverTime"] == w.now_ms());
}

TEST_CASE("A signed limit order rests, is found, listed and canceled with Binance's answers",
          "[mockex][server]") {
  MockexWorld w;
  seed(w);
  const auto placed = w.send_signed(
      "POST", "/api/v3/order",
      "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=59000.00"
      "&newClientOrderId=c1");
  REQUIRE(placed.status == 200);
  const auto t = std::to_string(transact_time(placed));
  CHECK(placed.body ==
        R"({"symbol":"BTCUSDT","orderId":1,"orderListId":-1,"clientOrderId":"c1","transactTime":)" +
            t +
            R"(,"price":"59000.00000000","origQty":"0.00100000","executedQty":"0.00000000",)"
            R"("origQuoteOrderQty":"0.00000000","cummulativeQuoteQty":"0.00000000","status":"NEW",)"
            R"("timeInForce":"GTC","type":"LIMIT","side":"BUY","workingTime":)" +
            t + R"(,"selfTradePreventionMode":"NONE","fills":[]})");
  CHECK(header(placed, "X-MBX-ORDER-COUNT-10S") == "1");
  CHECK(header(placed, "X-MBX-ORDER-COUNT-1D") == "1");
  CHECK(header(placed, "X-MBX-USED-WEIGHT-1M") == "0");  // successful orders are free

  const auto found = w.send_signed("GET", "/api/v3/order", "symbol=BTCUSDT&origClientOrderId=c1");
  CHECK(nlohmann::json::parse(found.body)["status"] == "NEW");
  CHECK(header(found, "X-MBX-USED-WEIGHT-1M") == "4");
  const auto open = w.send_signed("GET", "/api/v3/openOrders", "symbol=BTCUSDT");
  CHECK(nlohmann::json::parse(open.body).size() == 1);
  const auto account = w.send_signed("GET", "/api/v3/account", "");
  CHECK(account.body.find(R"({"asset":"USDT","free":"9941.00000000","locked":"59.00000000"})") !=
        std::string::npos);

  const auto canceled = w.send_signed("DELETE", "/api/v3/order", "symbol=BTCUSDT&orderId=1");
  REQUIRE(canceled.status == 200);
  CHECK(nlohmann::json::parse(canceled.body)["status"] == "CANCELED");
  const auto again = w.send_signed("DELETE", "/api/v3/order", "symbol=BTCUSDT&orderId=1");
  CHECK(again.status == 400);
  CHECK(again.body == R"({"code":-2011,"msg":"Unknown order sent."})");
  const auto missing = w.send_signed("GET", "/api/v3/order", "symbol=BTCUSDT&orderId=99");
  CHECK(missing.body == R"({"code":-2013,"msg":"Order does not exist."})");
}

TEST_CASE("A market order signed in a form body fills at the recorded ask", "[mockex][server]") {
  MockexWorld w;
  seed(w);
  const auto r = w.send_signed("POST", "/api/v3/order",
                               "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01", true);
  REQUIRE(r.status == 200);
  const auto j = nlohmann::json::parse(r.body);
  CHECK(j["status"] == "FILLED");
  CHECK(j["fills"][0]["price"] == "60000.01000000");
  CHECK(j["fills"][0]["commission"] == "0.00001000");
}

TEST_CASE("Signed requests fail with -2014, -2015, -1022 and -1021 as Binance answers them",
          "[mockex][server]") {
  MockexWorld w;
  const auto no_key = w.send("GET", "/api/v3/account?timestamp=1&signature=00");
  CHECK(no_key.status == 401);
  CHECK(no_key.body == R"({"code":-2014,"msg":"API-key format invalid."})");
  const auto unknown = w.send_signed("GET", "/api/v3/account", "", false, "who", "x");
  CHECK(unknown.status == 401);
  CHECK(unknown.body ==
        R"({"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."})");
  const auto bad_sig =
      w.send_signed("GET", "/api/v3/account", "", false, "mockex-test-key", "wrong-secret");
  CHECK(bad_sig.status == 400);
  CHECK(bad_sig.body == R"({"code":-1022,"msg":"Signature for this request is not valid."})");
  const auto old =
      w.send_signed("GET", "/api/v3/account", "timestamp=" + std::to_string(w.now_ms() - 6000));
  CHECK(old.status == 400);
  CHECK(old.body ==
        R"({"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."})");
  const auto ahead =
      w.send_signed("GET", "/api/v3/account", "timestamp=" + std::to_string(w.now_ms() + 2000));
  CHECK(
      ahead.body ==
      R"({"code":-1021,"msg":"Timestamp for this request was 1000ms ahead of the server's time."})");
  const auto wide = w.send_signed(
      "GET", "/api/v3/account", "recvWindow=60000&timestamp=" + std::to_string(w.now_ms() - 6000));
  CHECK(wide.status == 200);
}

TEST_CASE("An order that breaks LOT_SIZE gets -1013 with Binance's text and costs its weight",
          "[mockex][server]") {
  MockexWorld w;
  seed(w);
  const auto r = w.send_signed(
      "POST", "/api/v3/order",
      "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.000001&price=59000.00");
  CHECK(r.status == 400);
  CHECK(r.body == R"({"code":-1013,"msg":"Filter failure: LOT_SIZE"})");
  CHECK(header(r, "X-MBX-USED-WEIGHT-1M") == "1");
}

TEST_CASE("Over the weight limit MockExchange answers 429 with Retry-After, then bans with 418",
          "[mockex][server]") {
  auto config = mockex_test::default_config();
  config.rate_limits.weight_per_minute = 3;
  MockexWorld w(std::move(config));
  for (int i = 1; i <= 3; ++i)
    CHECK(header(w.get("/api/v3/ping"), "X-MBX-USED-WEIGHT-1M") == std::to_string(i));
  const auto limited = w.get("/api/v3/ping");
  CHECK(limited.status == 429);
  CHECK(header(limited, "Retry-After") == "60");
  CHECK(
      limited.body ==
      R"({"code":-1003,"msg":"Too much request weight used; current limit is 3 request weight )"
      R"(per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API."})");
  const auto banned = w.get("/api/v3/ping");
  CHECK(banned.status == 418);
  CHECK(header(banned, "Retry-After") == "120");
  CHECK(w.get("/api/v3/time").status == 418);

  const auto metrics = w.get("/metrics").body;
  CHECK(metrics.find("mockex_http_responses_total{code=\"200\"} 4\n") != std::string::npos);
  CHECK(metrics.find("mockex_http_responses_total{code=\"429\"} 1\n") != std::string::npos);
  CHECK(metrics.find("mockex_http_responses_total{code=\"418\"} 2\n") != std::string::npos);
  CHECK(metrics.find("mockex_http_requests_total{endpoint=\"GET /api/v3/ping\"} 5\n") !=
        std::string::npos);
  CHECK(metrics.find("mockex_orders_total 0\n") != std::string::npos);
}

TEST_CASE("/metrics counts accepted orders and every status sent", "[mockex][server]") {
  MockexWorld w;
  seed(w);
  CHECK(w.send_signed("POST", "/api/v3/order", "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01")
            .status == 200);
  CHECK(w.get("/api/v3/nope").status == 404);
  const auto m = w.get("/metrics");
  CHECK(m.status == 200);
  CHECK(m.body.find("mockex_orders_total 1\n") != std::string::npos);
  CHECK(m.body.find("mockex_http_responses_total{code=\"404\"} 1\n") != std::string::npos);
  CHECK(m.body.find("mockex_http_responses_total{code=\"200\"} 2\n") != std::string::npos);
}

TEST_CASE("MockExchange merges 1-minute klines into Binance's longer intervals",
          "[mockex][server]") {
  MockexWorld w;
  seed(w);
  const std::string five_minutes =
      R"([[1767225600000,"60000.01000000","60000.01000000","60000.00000000","60000.00000000",)"
      R"("0.03000000",1767225899999,"1800.00010000",2,"0.01000000","600.00010000","0"]])";
  CHECK(w.get("/api/v3/klines?symbol=BTCUSDT&interval=5m").body == five_minutes);
  CHECK(w.get("/api/v3/klines?symbol=BTCUSDT&interval=1h").body.find(R"(,1767229199999,)") !=
        std::string::npos);
  CHECK(w.get("/api/v3/klines?symbol=BTCUSDT&interval=1d").body.find(R"(,1767311999999,)") !=
        std::string::npos);
  const auto bad = w.get("/api/v3/klines?symbol=BTCUSDT&interval=7m");
  CHECK(bad.status == 400);
  CHECK(bad.body == R"({"code":-1120,"msg":"Invalid interval."})");
}
