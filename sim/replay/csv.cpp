#include "sim/replay/csv.h"

#include "sim/replay/line_reader.h"

namespace sim::replay {

core::Result<std::vector<CsvRow>> read_csv(const std::string& path) {
  auto reader = LineReader::open(path);
  if (!reader) return reader.status();
  std::vector<CsvRow> rows;
  std::string line;
  for (bool header = true;; header = false) {
    auto more = reader->next(line);
    if (!more) return more.status();
    if (!*more) break;
    if (header) continue;
    CsvRow row;
    std::size_t start = 0;
    for (std::size_t comma; (comma = line.find(',', start)) != std::string::npos;
         start = comma + 1) {
      row.push_back(line.substr(start, comma - start));
    }
    row.push_back(line.substr(start));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace sim::replay
