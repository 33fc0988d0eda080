#include "net/detail/beast_util.h"

#include <boost/asio/ssl/error.hpp>

namespace net::detail {

namespace {

template <class Fields>
core::Headers headers_of(const Fields& fields) {
  core::Headers out;
  for (const auto& f : fields) {
    out.push_back({std::string(f.name_string()), std::string(f.value())});
  }
  return out;
}

}  // namespace

core::HttpRequest to_core(const http::request<http::string_body>& req) {
  return core::HttpRequest{std::string(req.method_string()), std::string(req.target()),
                           headers_of(req.base()), req.body()};
}

core::HttpResponse to_core(const http::response<http::string_body>& res) {
  return core::HttpResponse{static_cast<int>(res.result_int()), headers_of(res.base()), res.body()};
}

http::request<http::string_body> to_beast(const core::Url& origin, core::HttpRequest req) {
  http::request<http::string_body> out;
  out.method_string(req.method);
  out.target(req.target.empty() ? "/" : req.target);
  out.version(11);
  for (const core::Header& h : req.headers) out.insert(h.name, h.value);
  if (out.find(http::field::host) == out.end()) out.set(http::field::host, host_header(origin));
  const bool has_length = out.find(http::field::content_length) != out.end();
  out.body() = std::move(req.body);
  if (!has_length && (!out.body().empty() || req.method == "POST" || req.method == "PUT")) {
    out.content_length(out.body().size());
  }
  return out;
}

core::Status error_status(core::Errc code, const std::string& what,
                          const boost::beast::error_code& ec, bool in_doubt) {
  core::Status s = core::make_error(code, "{}: {}", what, ec.message());
  s.in_doubt = in_doubt;
  return s;
}

core::Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls(
    const std::string& ca_file) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                   ssl::context::no_tlsv1_1);
  ctx->set_verify_mode(ssl::verify_peer);
  boost::beast::error_code ec;
  if (ca_file.empty()) {
    ctx->set_default_verify_paths(ec);
  } else {
    ctx->load_verify_file(ca_file, ec);
  }
  if (ec) {
    return error_status(core::Errc::kConfig, "load CA certificates '" + ca_file + "'", ec);
  }
  return ctx;
}

std::string host_header(const core::Url& origin) {
  const bool default_port = origin.port == (origin.tls() ? 443 : 80);
  return default_port ? origin.host : origin.host + ":" + std::to_string(origin.port);
}

}  // namespace net::detail
