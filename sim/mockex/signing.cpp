#include "sim/mockex/signing.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <openssl/crypto.h>

#include "core/sign.h"

namespace sim::mockex {
namespace {

constexpr std::int64_t kRecvWindowDefaultMs = 5000;
constexpr std::int64_t kRecvWindowMaxMs = 60000;

std::optional<std::int64_t> parse_int(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  std::int64_t v = 0;
  const auto* end = text->data() + text->size();
  // recvWindow may carry 3 decimals (µs precision): keep the whole milliseconds.
  const auto* stop = std::find(text->data(), end, '.');
  const auto [p, ec] = std::from_chars(text->data(), stop, v);
  if (ec != std::errc() || p != stop) return std::nullopt;
  return v;
}

bool equal_hex(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  std::string lower(a);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return CRYPTO_memcmp(lower.data(), b.data(), b.size()) == 0;
}

}  // namespace

BinanceError mandatory_param(std::string_view param) {
  return {
      400, -1102,
      fmt::format("Mandatory parameter '{}' was not sent, was empty/null, or malformed.", param)};
}

Reply<std::string> verify_signed(const core::HttpRequest& request, const RequestParams& params,
                                 const std::vector<ApiKeyPair>& keys, std::int64_t server_ms) {
  const auto key = core::find_header(request.headers, "X-MBX-APIKEY");
  if (!key || key->empty()) return BinanceError{401, -2014, "API-key format invalid."};
  const auto pair =
      std::find_if(keys.begin(), keys.end(), [&](const ApiKeyPair& p) { return p.key == *key; });
  if (pair == keys.end())
    return BinanceError{401, -2015, "Invalid API-key, IP, or permissions for action."};

  const auto timestamp = parse_int(params.get("timestamp"));
  if (!timestamp) return mandatory_param("timestamp");
  std::int64_t recv_window = kRecvWindowDefaultMs;
  if (params.has("recvWindow")) {
    const auto rw = parse_int(params.get("recvWindow"));
    if (!rw || *rw <= 0) return mandatory_param("recvWindow");
    if (*rw > kRecvWindowMaxMs)
      return BinanceError{400, -1131, "recvWindow must be less than 60000"};
    recv_window = *rw;
  }
  const auto signature = params.get("signature");
  if (!signature || signature->empty()) return mandatory_param("signature");

  bool in_query = false;
  bool in_body = false;
  const std::string query = strip_signature(params.raw_query(), in_query);
  const std::string body = strip_signature(params.raw_body(), in_body);
  const std::string expected = core::hmac_sha256_hex(pair->secret.expose(), query + body);
  if (!equal_hex(*signature, expected))
    return BinanceError{400, -1022, "Signature for this request is not valid."};

  if (*timestamp >= server_ms + 1000)
    return BinanceError{400, -1021,
                        "Timestamp for this request was 1000ms ahead of the server's time."};
  if (server_ms - *timestamp > recv_window)
    return BinanceError{400, -1021, "Timestamp for this request is outside of the recvWindow."};
  return pair->key;
}

}  // namespace sim::mockex
