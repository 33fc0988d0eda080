/// @file net/detail/beast_util.h
/// @brief Private to net/: conversions between core HTTP values and Beast messages, error
/// mapping and the client TLS context. Includes Beast; include it from net/*.cpp only.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "core/http.h"
#include "core/status.h"

namespace net::detail {

namespace http = boost::beast::http;

core::HttpRequest to_core(const http::request<http::string_body>& req);
core::HttpResponse to_core(const http::response<http::string_body>& res);
/// Copies headers in order and, when absent, Host and Content-Length.
http::request<http::string_body> to_beast(const core::Url& origin, core::HttpRequest req);

/// "connect 127.0.0.1:80: Connection refused"
core::Status error_status(core::Errc code, const std::string& what,
                          const boost::beast::error_code& ec, bool in_doubt = false);

/// TLS 1.2+ client context that verifies peers against `ca_file`, or the system CAs when "".
/// kConfig when the CA file cannot be loaded.
core::Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls(
    const std::string& ca_file);

/// "host" or "host:port" when the port is not the scheme's default, for Host headers.
std::string host_header(const core::Url& origin);

}  // namespace net::detail
