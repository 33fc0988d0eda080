#include "net/detail/store_answer.h"

#include <cstdio>
#include <optional>

namespace net::detail {
namespace {

using core::Errc;
using json = nlohmann::json;

std::string cell_text(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

/// "2026-01-01T00:00:01.250000Z" -> ns since the epoch (QuestDB's /exec timestamps).
bool iso_to_ns(const std::string& text, std::int64_t* ns) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char frac[16] = {0};
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%9[0-9]Z", &y, &mo, &d, &h, &mi, &s,
                  frac) < 6) {
    return false;
  }
  // days_from_civil (Howard Hinnant)
  y -= mo <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
  std::string digits(frac);
  digits.resize(9, '0');
  *ns = ((days * 24 + h) * 60 + mi) * 60'000'000'000LL + s * 1'000'000'000LL + std::stoll(digits);
  return true;
}

}  // namespace

core::Result<core::QueryResult> parse_influx_answer(const json& j) {
  const json& result = j.at("results").at(0);
  if (result.contains("error")) {
    return core::make_error(Errc::kInvalidArgument, "store query: {}",
                            result["error"].get<std::string>());
  }
  core::QueryResult out;
  if (!result.contains("series")) return out;
  const json& series = result["series"].at(0);
  out.columns = series.at("columns").get<std::vector<std::string>>();
  for (const json& row : series.at("values")) {
    auto& cells = out.rows.emplace_back();
    for (const json& v : row) cells.push_back(cell_text(v));
  }
  return out;
}

core::Result<core::QueryResult> parse_questdb_answer(const json& j,
                                                     const std::string& time_column) {
  core::QueryResult out;
  const json& dataset = j.at("dataset");
  if (dataset.empty()) return out;
  std::optional<std::size_t> time_at;
  for (const json& c : j.at("columns")) {
    if (c.at("name") == time_column) time_at = out.columns.size();
    out.columns.push_back(c.at("name").get<std::string>());
  }
  if (!time_at) {
    return core::make_error(Errc::kProtocol, "store query: no column '{}' in the answer",
                            time_column);
  }
  out.columns.erase(out.columns.begin() + static_cast<std::ptrdiff_t>(*time_at));
  out.columns.insert(out.columns.begin(), "time");
  for (const json& row : dataset) {
    std::vector<std::string> cells;
    for (const json& v : row) cells.push_back(cell_text(v));
    std::int64_t ns = 0;
    if (!iso_to_ns(cells.at(*time_at), &ns)) {
      return core::make_error(Errc::kProtocol, "store query: bad timestamp '{}'", cells[*time_at]);
    }
    cells.erase(cells.begin() + static_cast<std::ptrdiff_t>(*time_at));
    cells.insert(cells.begin(), std::to_string(ns));
    out.rows.push_back(std::move(cells));
  }
  return out;
}

}  // namespace net::detail
