// HMAC-SHA256 and the Binance signed query against published vectors.
#include <catch2/catch.hpp>

#include "core/sign.h"

TEST_CASE("hmac_sha256_hex matches RFC 4231 test cases 1 and 2", "[sign]") {
  CHECK(core::hmac_sha256_hex(std::string(20, '\x0b'), "Hi There") ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(core::hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("hmac_sha256_hex accepts a key longer than the block size (RFC 4231 case 6)", "[sign]") {
  CHECK(core::hmac_sha256_hex(std::string(131, '\xaa'),
                              "Test Using Larger Than Block-Size Key - Hash Key First") ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("binance_signed_query appends the signature of the Binance documentation example",
          "[sign]") {
  const core::Secret secret("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j");
  const std::string query =
      "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&"
      "timestamp=1499827319559";
  CHECK(core::binance_signed_query(query, secret) ==
        query + "&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
}

TEST_CASE("binance_signed_query of an empty query is the signature alone", "[sign]") {
  CHECK(core::binance_signed_query("", core::Secret("k")) ==
        "signature=" + core::hmac_sha256_hex("k", ""));
}
