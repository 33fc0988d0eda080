/// @file net/detail/http1.h
/// @brief A minimal one-shot HTTP/1.1 client on an io_context, for net::IlpStore.
///
/// One connection per request (Connection: close): simple, and enough for batched ILP
/// writes and occasional queries. Private to net/; swap for the general Beast client once
/// it exists. `done` runs on the io_context's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"

namespace boost::asio {
class io_context;
}

namespace net::detail {

struct HttpRequest {
  std::string method = "GET";
  std::string host;
  std::uint16_t port = 80;
  std::string target = "/";
  std::string body;
  std::string content_type = "text/plain; charset=utf-8";
  std::int64_t timeout_ms = 5000;
};

struct HttpResponse {
  int status = 0;
  std::string body;
};

/// Any HTTP status is a response. Errors: kUnavailable when no connection could be made
/// (not in doubt) or when it broke after the request started going out (in doubt);
/// kTimeout after `timeout_ms` in all (in doubt once the request started going out).
void http_request(boost::asio::io_context& io, HttpRequest request,
                  std::function<void(core::Result<HttpResponse>)> done);

/// Percent-encodes everything but unreserved characters (RFC 3986).
std::string url_encode(std::string_view text);

}  // namespace net::detail
