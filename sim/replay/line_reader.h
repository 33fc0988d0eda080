/// @file sim/replay/line_reader.h
/// @brief sim::replay::LineReader: the lines of a text file, plain or zstd-compressed, streamed.
///
/// The file is zstd-compressed when it starts with the zstd magic number (whatever its name);
/// it is decompressed in chunks with libzstd, so a recording of any size takes a few hundred
/// kilobytes of memory. A line is returned without its "\n" and otherwise byte for byte (a "\r"
/// stays). A last line without "\n" is still a line. Errors name the file (and the line
/// number where there is one). Not thread-safe; owns its file.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/status.h"

namespace sim::replay {

class LineReader {
 public:
  /// kIo: cannot open or read the file.
  static core::Result<LineReader> open(const std::string& path);

  LineReader(LineReader&&) noexcept;
  LineReader& operator=(LineReader&&) noexcept;
  ~LineReader();

  /// true: `line` holds the next line; false: end of file. kIo on a read error, kProtocol on
  /// corrupt or truncated zstd data.
  core::Result<bool> next(std::string& line);
  /// 1-based number of the line `next` returned last (0 before the first).
  std::size_t line_number() const;
  const std::string& path() const;

 private:
  struct Impl;
  explicit LineReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sim::replay
