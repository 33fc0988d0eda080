/// @file sim/replay/recording.h
/// @brief Recordings (DESIGN.md section 5): `RecordingReader` and `RecordingWriter` for JSON
/// lines of received frames, plain or zstd-compressed.
///
/// One line per frame, keys always written in this order:
///
///     {"t":<receive time, µs since the Unix epoch>,"src":"binance.ws","msg":<frame>}
///     {"t":...,"src":"binance.rest","req":"GET https://...","msg":<response body>}
///
/// `msg` keeps the frame byte for byte. A frame that is one JSON object or array on one line
/// (first byte `{`/`[`, last byte `}`/`]`, valid JSON, no CR or LF) is embedded as it came:
/// digits, key order and spacing untouched, so a price like "61837.63000000" or an id beyond
/// 2^63 is never re-serialised. Any other frame (text such as "pong", a JSON scalar, a frame
/// with a line break) is embedded as a JSON string and decoded back on reading; a frame must be
/// UTF-8. The reader hands out the frame text either way, never a re-serialised value.
///
/// `src` names the channel: "<exchange>.ws" for received websocket frames ("kraken.ws.v1" for
/// Kraken's v1 API), "<exchange>.ws.sent" for frames the recorder sent, "<exchange>.rest" for
/// REST response bodies, which also carry `req`, the request they answer. The reader ignores
/// keys it does not know. `t` need not increase (a recorder's clock may step back).
///
/// A file is read as zstd when it starts with the zstd magic number; the writer compresses when
/// the path ends in ".zst". Errors name the file and the 1-based line. Not thread-safe; each
/// object owns its file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "sim/replay/line_reader.h"

namespace sim::replay {

struct Record {
  std::int64_t t_us = 0;  // receive time, µs since the Unix epoch
  std::string src;        // "binance.ws", "coinbase.rest", ...
  std::string req;        // REST only: "GET <url>"; empty otherwise
  std::string msg;        // the frame exactly as received

  bool operator==(const Record&) const = default;
};

/// The line `RecordingWriter::write` writes for `record`, without the "\n".
/// kInvalidArgument: empty src, or a msg/src/req that is not valid UTF-8.
core::Result<std::string> format_record_line(const Record& record);

/// Every record of a recording, kept by a reader (`RecordingReader::keep_into`) so a looping
/// replay reads and parses the file once. Gives up (and frees what it held) once the
/// records' text passes `max_bytes`.
struct KeptRecords {
  explicit KeptRecords(std::size_t max) : max_bytes(max) {}
  std::size_t max_bytes;
  std::size_t bytes = 0;
  bool over_bound = false;
  bool complete = false;  // the reader reached the end of the file
  std::vector<Record> records;
};

class RecordingReader {
 public:
  /// kIo: cannot open the file.
  static core::Result<RecordingReader> open(const std::string& path);
  /// Reads `kept` (complete, within its bound) as if it were the file at `path` again:
  /// the same records in the same order, line numbers counting them.
  static RecordingReader over(std::shared_ptr<const KeptRecords> kept, const std::string& path);

  RecordingReader(RecordingReader&&) noexcept;
  RecordingReader& operator=(RecordingReader&&) noexcept;
  ~RecordingReader();

  /// true: `record` holds the next line's record; false: end of file. kProtocol for a line
  /// that is not a record ("path:line: <what is wrong>"), kIo for a read error.
  core::Result<bool> next(Record& record);
  /// The same without a copy: the next record, owned by the reader and valid until the next
  /// call; nullptr at the end of the file.
  core::Result<const Record*> next();
  /// From now on every record read is also appended to `kept`, until its bound is passed.
  void keep_into(std::shared_ptr<KeptRecords> kept);
  /// 1-based number of the line `next` read last.
  std::size_t line_number() const;
  const std::string& path() const;

 private:
  struct Impl;
  explicit RecordingReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class RecordingWriter {
 public:
  /// Creates or truncates `path`; zstd (at `zstd_level`, 1..19, with a checksum) when the path
  /// ends in ".zst". The same records, level and libzstd version give the same bytes.
  /// kIo: cannot create the file; kInvalidArgument: a level out of range.
  static core::Result<RecordingWriter> open(const std::string& path, int zstd_level = 3);

  RecordingWriter(RecordingWriter&&) noexcept;
  RecordingWriter& operator=(RecordingWriter&&) noexcept;
  /// Closes the file if `close` was not called, ignoring errors.
  ~RecordingWriter();

  /// kInvalidArgument as format_record_line; kIo when the write fails.
  core::Status write(const Record& record);
  /// Ends the zstd frame and closes the file; the file is complete only once this returned ok.
  core::Status close();
  std::uint64_t records_written() const;

 private:
  struct Impl;
  explicit RecordingWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sim::replay
