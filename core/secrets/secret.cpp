#include "core/secrets/secret.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace core {
namespace {

std::string short_sha256(const std::string& value) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(value.data()), value.size(), digest);
  return fmt::format("{:02x}{:02x}{:02x}{:02x}", digest[0], digest[1], digest[2], digest[3]);
}

}  // namespace

Secret::Secret(std::string value) : value_(std::move(value)), fingerprint_(short_sha256(value_)) {}

Secret::~Secret() {
  // Keeps the key out of freed memory (and so out of most core dumps taken later). The whole
  // capacity, because a moved-from short string keeps its old bytes in the inline buffer.
  OPENSSL_cleanse(value_.data(), value_.capacity());
}

}  // namespace core
