#include "core/sign.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace core {

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  const unsigned char* done = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                                   reinterpret_cast<const unsigned char*>(message.data()),
                                   message.size(), digest, &digest_len);
  // HMAC only fails on allocation failure or a missing digest: a broken process, not input.
  if (done == nullptr) throw std::runtime_error("HMAC-SHA256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(digest_len * 2);
  for (unsigned int i = 0; i < digest_len; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0f]);
  }
  return hex;
}

std::string binance_signed_query(std::string_view query, const Secret& secret) {
  std::string signed_query(query);
  if (!signed_query.empty()) signed_query += '&';
  signed_query += "signature=";
  signed_query += hmac_sha256_hex(secret.expose(), query);
  return signed_query;
}

}  // namespace core
