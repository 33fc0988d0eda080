/// @file core/trace.h
/// @brief TraceWriter: the run's trace as JSON lines, with a running SHA-256 of every byte.
///
/// Each line is `{"t":<µs>,"actor":"...","event":"...",<fields in the order given>}\n`. The
/// time is whatever the caller's Clock says (virtual in sim), so the same seed and binary give
/// byte-identical traces, and `sha256_hex()` is the fingerprint CI compares across two runs.
///
///   trace.event(clock.now_us(), "paper", "fill").str("client_order_id", id).dec("qty", qty);
///
/// The line is written when the returned Event is destroyed (end of the full expression);
/// only one Event may be open at a time. Output goes to a borrowed std::ostream (which must
/// outlive the writer) or to an internal string (`text()`). Not thread-safe: one writer per
/// shard or a single-threaded simulator.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "core/decimal.h"
#include "core/json_text.h"
#include "core/status.h"

namespace core {

class TraceWriter {
 public:
  /// One trace line being built; fields keep their call order.
  class Event {
   public:
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;
    ~Event();

    Event& str(std::string_view key, std::string_view value);
    Event& i64(std::string_view key, std::int64_t value);
    Event& u64(std::string_view key, std::uint64_t value);
    Event& dec(std::string_view key, const Decimal& value);
    Event& boolean(std::string_view key, bool value);

   private:
    friend class TraceWriter;
    Event(TraceWriter& writer, std::int64_t t_us, std::string_view actor, std::string_view name);

    TraceWriter& writer_;
    json::ObjectWriter object_;
  };

  /// Keeps the trace in memory; read it with text().
  TraceWriter();
  /// Appends to `out`, which must outlive the writer.
  explicit TraceWriter(std::ostream& out);
  ~TraceWriter();
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  Event event(std::int64_t t_us, std::string_view actor, std::string_view name);

  /// Everything written so far; empty when writing to a stream.
  const std::string& text() const { return text_; }
  std::uint64_t lines() const { return lines_; }
  std::uint64_t bytes() const { return bytes_; }
  /// Lower-case hex SHA-256 of all bytes written so far; writing may continue afterwards.
  std::string sha256_hex() const;
  /// kIo once the stream has failed (the hash still covers every line produced).
  Status status() const;

 private:
  struct Hasher;
  void commit();

  std::ostream* out_ = nullptr;
  std::unique_ptr<Hasher> hasher_;
  std::string line_;  // reused for every line
  std::string text_;
  std::uint64_t lines_ = 0;
  std::uint64_t bytes_ = 0;
  bool open_ = false;
};

}  // namespace core
