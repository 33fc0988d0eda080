#include "core/ports/kv.h"

#include <openssl/sha.h>

#include <utility>

namespace core {
namespace {

std::string sha1_hex_of(std::string_view text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

Status unexpected(std::string_view command, const KvReply& reply) {
  return make_error(Errc::kProtocol, "kv {}: unexpected reply (variant index {})", command,
                    reply.value.index());
}

}  // namespace

KvScript::KvScript(std::string name, std::string source)
    : name_(std::move(name)), source_(std::move(source)), sha1_hex_(sha1_hex_of(source_)) {}

void Kv::get(std::string_view key, std::function<void(Result<std::optional<std::string>>)> done) {
  command({"GET", std::string(key)}, [done = std::move(done)](Result<KvReply> r) {
    if (!r) return done(r.status());
    if (r->is_nil()) return done(std::optional<std::string>());
    if (const auto* s = r->string()) return done(std::optional<std::string>(*s));
    done(unexpected("GET", *r));
  });
}

void Kv::set(std::string_view key, std::string_view value, std::int64_t ttl_ms,
             std::function<void(Status)> done) {
  std::vector<std::string> argv{"SET", std::string(key), std::string(value)};
  if (ttl_ms > 0) {
    argv.emplace_back("PX");
    argv.push_back(std::to_string(ttl_ms));
  }
  command(std::move(argv), [done = std::move(done)](Result<KvReply> r) {
    if (!r) return done(r.status());
    if (r->string()) return done(Status::ok());
    done(unexpected("SET", *r));
  });
}

void Kv::del(std::string_view key, std::function<void(Result<std::int64_t>)> done) {
  command({"DEL", std::string(key)}, [done = std::move(done)](Result<KvReply> r) {
    if (!r) return done(r.status());
    if (const auto* n = r->integer()) return done(*n);
    done(unexpected("DEL", *r));
  });
}

void Kv::incrby(std::string_view key, std::int64_t delta,
                std::function<void(Result<std::int64_t>)> done) {
  command({"INCRBY", std::string(key), std::to_string(delta)},
          [done = std::move(done)](Result<KvReply> r) {
            if (!r) return done(r.status());
            if (const auto* n = r->integer()) return done(*n);
            done(unexpected("INCRBY", *r));
          });
}

void Kv::pexpire(std::string_view key, std::int64_t ttl_ms,
                 std::function<void(Result<bool>)> done) {
  command({"PEXPIRE", std::string(key), std::to_string(ttl_ms)},
          [done = std::move(done)](Result<KvReply> r) {
            if (!r) return done(r.status());
            if (const auto* n = r->integer()) return done(*n == 1);
            done(unexpected("PEXPIRE", *r));
          });
}

}  // namespace core
