#include "net/ilp_store.h"

#include <boost/asio/io_context.hpp>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/store_query.h"
#include "net/detail/http1.h"
#include "net/detail/store_answer.h"

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
      parsed.emplace(influx ? detail::parse_influx_answer(j)
                            : detail::parse_questdb_answer(j, time_column));
    } catch (const json::exception& e) {
      parsed.emplace(core::make_error(Errc::kProtocol, "store query: unexpected answer ({}): {}",
                                      e.what(), r->body.substr(0, 200)));
    }
    done(std::move(*parsed));
  });
}

}  // namespace net
