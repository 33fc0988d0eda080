#include "sim/replay/recording.h"

#include "core/json_text.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#include <simdjson.h>
#include <zstd.h>

namespace sim::replay {

namespace {

// A frame goes in verbatim only if reading the line back yields exactly these bytes.
bool embeds_verbatim(std::string_view msg) {
  if (msg.size() < 2) return false;
  const char first = msg.front();
  const char last = msg.back();
  if (!((first == '{' && last == '}') || (first == '[' && last == ']'))) return false;
  if (msg.find_first_of("\r\n") != std::string_view::npos) return false;
  thread_local simdjson::dom::parser parser;
  return !parser.parse(msg.data(), msg.size(), true).error();
}

bool is_utf8(std::string_view s) {
  return simdjson::validate_utf8(s.data(), s.size());
}

}  // namespace

core::Result<std::string> format_record_line(const Record& record) {
  if (record.src.empty())
    return core::make_error(core::Errc::kInvalidArgument, "record: empty src");
  if (!is_utf8(record.src) || !is_utf8(record.req) || !is_utf8(record.msg)) {
    return core::make_error(core::Errc::kInvalidArgument,
                            "record (src {}): src, req or msg is not valid UTF-8", record.src);
  }
  std::string line;
  line.reserve(record.msg.size() + record.src.size() + record.req.size() + 48);
  line += fmt::format("{{\"t\":{},\"src\":", record.t_us);
  core::json::append_string(line, record.src);
  if (!record.req.empty()) {
    line += ",\"req\":";
    core::json::append_string(line, record.req);
  }
  line += ",\"msg\":";
  if (embeds_verbatim(record.msg)) {
    line += record.msg;
  } else {
    core::json::append_string(line, record.msg);
  }
  line += '}';
  return line;
}

// ---------------------------------------------------------------- reader

struct RecordingReader::Impl {
  explicit Impl(LineReader l) : lines(std::move(l)) {}
  Impl(std::shared_ptr<const KeptRecords> k, std::string p)
      : from_memory(std::move(k)), memory_path(std::move(p)) {}

  std::optional<LineReader> lines;  // unset when reading from memory
  std::shared_ptr<const KeptRecords> from_memory;
  std::string memory_path;
  std::size_t memory_next = 0;
  std::shared_ptr<KeptRecords> keep;
  Record current;   // what next() parsed last
  std::string buf;  // the current line, with simdjson's padding in its capacity
  simdjson::dom::parser dom;
  simdjson::ondemand::parser ondemand;

  template <typename... Args>
  core::Status bad_line(fmt::format_string<Args...> f, Args&&... args) const {
    return core::make_error(core::Errc::kProtocol, "{}:{}: {}", lines->path(), lines->line_number(),
                            fmt::format(f, std::forward<Args>(args)...));
  }

  core::Status parse(Record& record);
  core::Status extract_msg(Record& record);
  void kept(const Record& record);
};

void RecordingReader::Impl::kept(const Record& record) {
  KeptRecords& k = *keep;
  if (k.over_bound) return;
  k.bytes += record.src.size() + record.req.size() + record.msg.size();
  if (k.bytes > k.max_bytes) {
    k.over_bound = true;
    k.records = {};
    return;
  }
  k.records.push_back(record);
}

core::Status RecordingReader::Impl::parse(Record& record) {
  if (buf.empty()) return bad_line("empty line");
  // The DOM pass validates the whole line; on demand alone would skip over parts of msg.
  simdjson::dom::element root;
  if (auto err = dom.parse(buf.data(), buf.size(), false).get(root)) {
    return bad_line("not JSON ({})", simdjson::error_message(err));
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) return bad_line("not a JSON object");
  if (obj["t"].get_int64().get(record.t_us)) return bad_line("\"t\" missing or not an integer");
  std::string_view sv;
  if (obj["src"].get_string().get(sv) || sv.empty()) {
    return bad_line("\"src\" missing, empty or not a string");
  }
  record.src.assign(sv);
  record.req.clear();
  if (auto req = obj["req"]; req.error() != simdjson::NO_SUCH_FIELD) {
    if (req.get_string().get(sv)) return bad_line("\"req\" is not a string");
    record.req.assign(sv);
  }
  return extract_msg(record);
}

core::Status RecordingReader::Impl::extract_msg(Record& record) {
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  if (ondemand.iterate(buf.data(), buf.size(), buf.capacity()).get(doc) ||
      doc.get_object().get(obj)) {
    return bad_line("not a JSON object");
  }
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return bad_line("bad key");
    if (key != "msg") continue;
    simdjson::ondemand::value v;
    simdjson::ondemand::json_type type;
    if (field.value().get(v) || v.type().get(type)) return bad_line("bad \"msg\"");
    std::string_view raw;
    simdjson::error_code err = simdjson::INCORRECT_TYPE;
    if (type == simdjson::ondemand::json_type::object) {
      simdjson::ondemand::object o;
      err = v.get_object().get(o);
      if (!err) err = o.raw_json().get(raw);
    } else if (type == simdjson::ondemand::json_type::array) {
      simdjson::ondemand::array a;
      err = v.get_array().get(a);
      if (!err) err = a.raw_json().get(raw);
    } else if (type == simdjson::ondemand::json_type::string) {
      err = v.get_string().get(raw);
    }
    if (err) return bad_line("\"msg\" is not an object, array or string");
    record.msg.assign(raw);
    return core::Status::ok();
  }
  return bad_line("\"msg\" missing");
}

RecordingReader::RecordingReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RecordingReader::RecordingReader(RecordingReader&&) noexcept = default;
RecordingReader& RecordingReader::operator=(RecordingReader&&) noexcept = default;
RecordingReader::~RecordingReader() = default;

core::Result<RecordingReader> RecordingReader::open(const std::string& path) {
  auto lines = LineReader::open(path);
  if (!lines) return lines.status();
  return RecordingReader(std::make_unique<Impl>(std::move(*lines)));
}

RecordingReader RecordingReader::over(std::shared_ptr<const KeptRecords> kept,
                                      const std::string& path) {
  return RecordingReader(std::make_unique<Impl>(std::move(kept), path));
}

void RecordingReader::keep_into(std::shared_ptr<KeptRecords> kept) {
  impl_->keep = std::move(kept);
}

core::Result<bool> RecordingReader::next(Record& record) {
  auto r = next();
  if (!r) return r.status();
  if (*r == nullptr) return false;
  record = **r;
  return true;
}

core::Result<const Record*> RecordingReader::next() {
  Impl& d = *impl_;
  if (d.from_memory) {
    if (d.memory_next == d.from_memory->records.size()) return nullptr;
    return &d.from_memory->records[d.memory_next++];
  }
  auto more = d.lines->next(d.buf);
  if (more && !*more && d.keep) d.keep->complete = true;
  if (!more) return more.status();
  if (!*more) return nullptr;
  d.buf.reserve(d.buf.size() + simdjson::SIMDJSON_PADDING);
  if (auto st = d.parse(d.current); !st) return st;
  if (d.keep) d.kept(d.current);
  return &d.current;
}

std::size_t RecordingReader::line_number() const {
  return impl_->lines ? impl_->lines->line_number() : impl_->memory_next;
}
const std::string& RecordingReader::path() const {
  return impl_->lines ? impl_->lines->path() : impl_->memory_path;
}

// ---------------------------------------------------------------- writer

struct RecordingWriter::Impl {
  std::string path;
  std::FILE* file = nullptr;
  ZSTD_CCtx* cctx = nullptr;  // null for a plain file
  std::vector<char> out_buf;
  std::uint64_t records = 0;

  ~Impl() {
    if (cctx != nullptr) ZSTD_freeCCtx(cctx);
    if (file != nullptr) std::fclose(file);
  }

  core::Status io_error(const char* what) const {
    return core::make_error(core::Errc::kIo, "{}: {} failed: {}", path, what, std::strerror(errno));
  }

  core::Status put(std::string_view bytes, ZSTD_EndDirective end) {
    if (cctx == nullptr) {
      if (std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size())
        return io_error("write");
      return core::Status::ok();
    }
    ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
    for (;;) {
      ZSTD_outBuffer out{out_buf.data(), out_buf.size(), 0};
      const std::size_t left = ZSTD_compressStream2(cctx, &out, &in, end);
      if (ZSTD_isError(left)) {
        return core::make_error(core::Errc::kIo, "{}: zstd: {}", path, ZSTD_getErrorName(left));
      }
      if (std::fwrite(out_buf.data(), 1, out.pos, file) != out.pos) return io_error("write");
      const bool done = end == ZSTD_e_continue ? in.pos == in.size : left == 0;
      if (done) return core::Status::ok();
    }
  }
};

RecordingWriter::RecordingWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RecordingWriter::RecordingWriter(RecordingWriter&&) noexcept = default;
RecordingWriter& RecordingWriter::operator=(RecordingWriter&&) noexcept = default;
RecordingWriter::~RecordingWriter() {
  if (impl_ && impl_->file != nullptr) (void)close();
}

core::Result<RecordingWriter> RecordingWriter::open(const std::string& path, int zstd_level) {
  const bool zstd = path.size() >= 4 && path.compare(path.size() - 4, 4, ".zst") == 0;
  if (zstd && (zstd_level < 1 || zstd_level > 19)) {
    return core::make_error(core::Errc::kInvalidArgument, "{}: zstd level {} not in 1..19", path,
                            zstd_level);
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->file = std::fopen(path.c_str(), "wb");
  if (impl->file == nullptr) return impl->io_error("create");
  if (zstd) {
    impl->cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(impl->cctx, ZSTD_c_compressionLevel, zstd_level);
    ZSTD_CCtx_setParameter(impl->cctx, ZSTD_c_checksumFlag, 1);
    impl->out_buf.resize(ZSTD_CStreamOutSize());
  }
  return RecordingWriter(std::move(impl));
}

core::Status RecordingWriter::write(const Record& record) {
  auto line = format_record_line(record);
  if (!line) return line.status();
  line->push_back('\n');
  if (auto st = impl_->put(*line, ZSTD_e_continue); !st) return st;
  ++impl_->records;
  return core::Status::ok();
}

core::Status RecordingWriter::close() {
  Impl& d = *impl_;
  if (d.file == nullptr) return core::Status::ok();
  core::Status st = d.cctx != nullptr ? d.put({}, ZSTD_e_end) : core::Status::ok();
  if (std::fclose(d.file) != 0 && st) st = d.io_error("close");
  d.file = nullptr;
  return st;
}

std::uint64_t RecordingWriter::records_written() const {
  return impl_->records;
}

}  // namespace sim::replay
