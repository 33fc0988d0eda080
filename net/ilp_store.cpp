#include "net/ilp_store.h"

#include <boost/asio/io_context.hpp>
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/store_query.h"
#include "net/detail/http1.h"

namespace net {
namespace {

using core::Errc;
using json = nlohmann::json;

struct HttpEndpoint {
  std::string host;
  std::uint16_t port = 80;
};

core::Result<HttpEndpoint> parse_url(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  std::string_view rest(url);
  if (rest.substr(0, kScheme.size()) != kScheme) {
    return core::make_error(Errc::kConfig, "store url '{}' does not start with http://", url);
  }
  rest.remove_prefix(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  HttpEndpoint ep;
  const auto colon = rest.rfind(':');
  if (colon != std::string_view::npos) {
    const auto port = rest.substr(colon + 1);
    const auto r = std::from_chars(port.data(), port.data() + port.size(), ep.port);
    if (port.empty() || r.ec != std::errc() || r.ptr != port.data() + port.size() || !ep.port) {
      return core::make_error(Errc::kConfig, "store url '{}': bad port", url);
    }
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return core::make_error(Errc::kConfig, "store url '{}': no host", url);
  ep.host = std::string(rest);
  return ep;
}

/// The server's own words: influx says {"error": ...}, QuestDB {"message": ...}.
std::string server_text(const std::string& body) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_object()) {
    for (const char* key : {"error", "message"}) {
      if (j.contains(key) && j[key].is_string()) return j[key].get<std::string>();
    }
  }
  return body.substr(0, body.find_last_not_of(" \r\n") + 1);
}

core::Status http_error(std::string_view what, const detail::HttpResponse& r) {
  const Errc code = r.status >= 500 ? Errc::kUnavailable : Errc::kInvalidArgument;
  return core::make_error(code, "store {}: HTTP {}: {}", what, r.status, server_text(r.body));
}

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

core::Result<core::QueryResult> parse_influx(const json& j) {
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

core::Result<core::QueryResult> parse_questdb(const json& j, const std::string& time_column) {
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

}  // namespace

struct IlpStore::Impl : std::enable_shared_from_this<Impl> {
  Impl(AsioClock& c, core::StoreOptions o)
      : clock(c), options(std::move(o)), endpoint(parse_url(options.url)) {}

  AsioClock& clock;
  core::StoreOptions options;
  core::Result<HttpEndpoint> endpoint;

  bool influx() const { return options.dialect == core::StoreDialect::kInflux; }

  /// Sends the request; `on_response` runs only while the store is alive.
  void send(detail::HttpRequest request,
            std::function<void(core::Result<detail::HttpResponse>)> on_response) {
    if (!endpoint) {
      clock.post([on_response = std::move(on_response), s = endpoint.status()] { on_response(s); });
      return;
    }
    request.host = endpoint->host;
    request.port = endpoint->port;
    request.timeout_ms = options.timeout_ms;
    std::weak_ptr<Impl> weak = shared_from_this();
    detail::http_request(clock.io_context(), std::move(request),
                         [weak, on_response = std::move(on_response)](auto r) {
                           if (weak.lock()) on_response(std::move(r));
                         });
  }
};

IlpStore::IlpStore(AsioClock& clock, core::StoreOptions options)
    : impl_(std::make_shared<Impl>(clock, std::move(options))) {}

IlpStore::~IlpStore() = default;

void IlpStore::write(std::string_view lines, std::function<void(core::Status)> done) {
  detail::HttpRequest request;
  request.method = "POST";
  request.target = impl_->influx()
                       ? "/write?db=" + detail::url_encode(impl_->options.database) + "&precision=n"
                       : "/write?precision=n";
  request.body = std::string(lines);
  impl_->send(std::move(request), [done = std::move(done)](core::Result<detail::HttpResponse> r) {
    if (!r) return done(r.status());
    if (r->status == 200 || r->status == 204) return done(core::Status::ok());
    done(http_error("write", *r));
  });
}

void IlpStore::query(const core::StoreQuery& query,
                     std::function<void(core::Result<core::QueryResult>)> done) {
  detail::HttpRequest request;
  const bool influx = impl_->influx();
  const std::string time_column = impl_->options.time_column;
  request.target =
      influx ? "/query?db=" + detail::url_encode(impl_->options.database) +
                   "&epoch=ns&q=" + detail::url_encode(core::to_influxql(query))
             : "/exec?query=" + detail::url_encode(core::to_questdb_sql(query, time_column));
  impl_->send(std::move(request), [influx, time_column,
                                   done = std::move(done)](core::Result<detail::HttpResponse> r) {
    if (!r) return done(r.status());
    if (r->status != 200) return done(http_error("query", *r));
    const json j = json::parse(r->body, nullptr, false);
    if (j.is_discarded()) {
      return done(core::make_error(Errc::kProtocol, "store query: answer is not JSON: {}",
                                   r->body.substr(0, 200)));
    }
    std::optional<core::Result<core::QueryResult>> parsed;
    try {
      parsed.emplace(influx ? parse_influx(j) : parse_questdb(j, time_column));
    } catch (const json::exception& e) {
      parsed.emplace(core::make_error(Errc::kProtocol, "store query: unexpected answer ({}): {}",
                                      e.what(), r->body.substr(0, 200)));
    }
    done(std::move(*parsed));
  });
}

}  // namespace net
