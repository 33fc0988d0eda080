#include "sim/replay/line_reader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include <zstd.h>

namespace sim::replay {

namespace {
constexpr unsigned char kZstdMagic[4] = {0x28, 0xB5, 0x2F, 0xFD};
}  // namespace

struct LineReader::Impl {
  std::string path;
  std::FILE* file = nullptr;
  ZSTD_DCtx* dctx = nullptr;  // null for a plain file
  std::vector<char> in_buf;
  std::vector<char> out_buf;
  ZSTD_inBuffer in{nullptr, 0, 0};
  bool out_was_full = false;   // the decoder may hold more output without more input
  std::size_t frame_hint = 0;  // ZSTD_decompressStream's last return: 0 at a frame's end
  std::string pending;         // decoded bytes not yet returned as lines
  std::size_t pending_pos = 0;
  bool eof = false;
  std::size_t line_number = 0;

  ~Impl() {
    if (dctx != nullptr) ZSTD_freeDCtx(dctx);
    if (file != nullptr) std::fclose(file);
  }

  core::Status read_error() const {
    return core::make_error(core::Errc::kIo, "{}: read failed: {}", path, std::strerror(errno));
  }

  // Appends the next chunk of decoded bytes to `pending`; sets `eof` when there are none.
  core::Status fill() {
    if (pending_pos > 0) {
      pending.erase(0, pending_pos);
      pending_pos = 0;
    }
    if (dctx == nullptr) return fill_plain();
    return fill_zstd();
  }

  core::Status fill_plain() {
    char buf[1 << 16];
    const std::size_t n = std::fread(buf, 1, sizeof buf, file);
    if (n == 0) {
      if (std::ferror(file)) return read_error();
      eof = true;
    }
    pending.append(buf, n);
    return core::Status::ok();
  }

  core::Status fill_zstd() {
    if (in.pos == in.size && !out_was_full) {
      const std::size_t n = std::fread(in_buf.data(), 1, in_buf.size(), file);
      if (n == 0) {
        if (std::ferror(file)) return read_error();
        eof = true;
        if (frame_hint != 0) {
          return core::make_error(core::Errc::kProtocol, "{}: truncated zstd stream", path);
        }
        return core::Status::ok();
      }
      in = ZSTD_inBuffer{in_buf.data(), n, 0};
    }
    ZSTD_outBuffer ob{out_buf.data(), out_buf.size(), 0};
    frame_hint = ZSTD_decompressStream(dctx, &ob, &in);
    if (ZSTD_isError(frame_hint)) {
      return core::make_error(core::Errc::kProtocol, "{}: corrupt zstd data: {}", path,
                              ZSTD_getErrorName(frame_hint));
    }
    out_was_full = ob.pos == ob.size;
    pending.append(out_buf.data(), ob.pos);
    return core::Status::ok();
  }
};

LineReader::LineReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LineReader::LineReader(LineReader&&) noexcept = default;
LineReader& LineReader::operator=(LineReader&&) noexcept = default;
LineReader::~LineReader() = default;

core::Result<LineReader> LineReader::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->file = std::fopen(path.c_str(), "rb");
  if (impl->file == nullptr) {
    return core::make_error(core::Errc::kIo, "{}: cannot open: {}", path, std::strerror(errno));
  }
  unsigned char head[4] = {};
  const std::size_t n = std::fread(head, 1, sizeof head, impl->file);
  if (std::ferror(impl->file)) return impl->read_error();
  if (n == sizeof head && std::memcmp(head, kZstdMagic, sizeof head) == 0) {
    impl->dctx = ZSTD_createDCtx();
    impl->in_buf.resize(ZSTD_DStreamInSize());
    impl->out_buf.resize(ZSTD_DStreamOutSize());
    std::memcpy(impl->in_buf.data(), head, n);
    impl->in = ZSTD_inBuffer{impl->in_buf.data(), n, 0};
  } else {
    impl->pending.assign(reinterpret_cast<const char*>(head), n);
  }
  return LineReader(std::move(impl));
}

core::Result<bool> LineReader::next(std::string& line) {
  Impl& d = *impl_;
  for (;;) {
    const std::size_t nl = d.pending.find('\n', d.pending_pos);
    if (nl != std::string::npos) {
      line.assign(d.pending, d.pending_pos, nl - d.pending_pos);
      d.pending_pos = nl + 1;
      ++d.line_number;
      return true;
    }
    if (d.eof) {
      if (d.pending_pos == d.pending.size()) return false;
      line.assign(d.pending, d.pending_pos);
      d.pending_pos = d.pending.size();
      ++d.line_number;
      return true;
    }
    if (auto st = d.fill(); !st) return st;
  }
}

std::size_t LineReader::line_number() const {
  return impl_->line_number;
}
const std::string& LineReader::path() const {
  return impl_->path;
}

}  // namespace sim::replay
