#include "core/trace.h"

#include <cassert>
#include <ostream>
#include <stdexcept>

#include <openssl/evp.h>

namespace core {

struct TraceWriter::Hasher {
  Hasher() : ctx(EVP_MD_CTX_new()) {
    if (ctx == nullptr || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) {
      throw std::runtime_error("trace: cannot initialise SHA-256");
    }
  }
  ~Hasher() { EVP_MD_CTX_free(ctx); }
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  EVP_MD_CTX* ctx;
};

TraceWriter::Event::Event(TraceWriter& writer, std::int64_t t_us, std::string_view actor,
                          std::string_view name)
    : writer_(writer), object_((writer.line_.clear(), writer.line_)) {
  object_.i64("t", t_us).str("actor", actor).str("event", name);
}

TraceWriter::Event::~Event() {
  object_.close();
  writer_.commit();
}

TraceWriter::Event& TraceWriter::Event::str(std::string_view key, std::string_view value) {
  object_.str(key, value);
  return *this;
}

TraceWriter::Event& TraceWriter::Event::i64(std::string_view key, std::int64_t value) {
  object_.i64(key, value);
  return *this;
}

TraceWriter::Event& TraceWriter::Event::u64(std::string_view key, std::uint64_t value) {
  object_.u64(key, value);
  return *this;
}

TraceWriter::Event& TraceWriter::Event::dec(std::string_view key, const Decimal& value) {
  object_.dec(key, value);
  return *this;
}

TraceWriter::Event& TraceWriter::Event::boolean(std::string_view key, bool value) {
  object_.boolean(key, value);
  return *this;
}

TraceWriter::TraceWriter() : hasher_(std::make_unique<Hasher>()) {}

TraceWriter::TraceWriter(std::ostream& out) : out_(&out), hasher_(std::make_unique<Hasher>()) {}

TraceWriter::~TraceWriter() = default;

TraceWriter::Event TraceWriter::event(std::int64_t t_us, std::string_view actor,
                                      std::string_view name) {
  assert(!open_ && "one trace Event at a time");
  open_ = true;
  return Event(*this, t_us, actor, name);
}

void TraceWriter::commit() {
  line_.push_back('\n');
  EVP_DigestUpdate(hasher_->ctx, line_.data(), line_.size());
  if (out_ != nullptr) {
    out_->write(line_.data(), static_cast<std::streamsize>(line_.size()));
  } else {
    text_.append(line_);
  }
  ++lines_;
  bytes_ += line_.size();
  open_ = false;
}

std::string TraceWriter::sha256_hex() const {
  // Finalise a copy so the running hash can keep absorbing lines.
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> copy(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!copy || EVP_MD_CTX_copy_ex(copy.get(), hasher_->ctx) != 1 ||
      EVP_DigestFinal_ex(copy.get(), digest, &len) != 1) {
    throw std::runtime_error("trace: SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

Status TraceWriter::status() const {
  if (out_ != nullptr && !out_->good()) {
    return make_error(Errc::kIo, "trace: the output stream failed after {} lines", lines_);
  }
  return Status::ok();
}

}  // namespace core
