/// @file net/detail/dial.h
/// @brief Private to net/: resolve, connect and (for TLS streams) handshake with SNI and host
/// name verification. Shared by BeastHttpClient and BeastWsClient. Loop thread only.
#pragma once

#include <functional>
#include <string>
#include <type_traits>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "core/http.h"
#include "net/detail/beast_util.h"

namespace net::detail {

using tcp = boost::asio::ip::tcp;
/// The io_context's own executor, not tcp_stream's type-erased any_io_executor: a websocket
/// read per frame copied and destroyed the erased executor several times (10% of the
/// gateway's CPU at max speed).
using PlainStream = boost::beast::basic_stream<tcp, boost::asio::io_context::executor_type>;
using TlsStream = boost::beast::ssl_stream<PlainStream>;
using DialDone = std::function<void(core::Status)>;

/// kUnavailable "TLS handshake with host:port: ..." on failure.
void tls_handshake(TlsStream& stream, const core::Url& origin, DialDone done);

/// Resolves `origin` and connects `stream`; `resolver` and `stream` must outlive the call
/// (the caller's owner, captured by `done`, keeps them). Errors are kUnavailable, naming the
/// step and host:port; nothing was sent when this fails.
template <class Stream>
void async_dial(tcp::resolver& resolver, const core::Url& origin, Stream& stream, DialDone done) {
  const std::string where = origin.host + ":" + std::to_string(origin.port);
  resolver.async_resolve(
      origin.host, std::to_string(origin.port),
      [&stream, origin, where, done](boost::beast::error_code ec,
                                     const tcp::resolver::results_type& results) {
        if (ec) return done(error_status(core::Errc::kUnavailable, "resolve " + where, ec));
        boost::beast::get_lowest_layer(stream).async_connect(
            results,
            [&stream, origin, where, done](boost::beast::error_code ec, const tcp::endpoint&) {
              if (ec) return done(error_status(core::Errc::kUnavailable, "connect " + where, ec));
              if constexpr (std::is_same_v<Stream, TlsStream>) {
                tls_handshake(stream, origin, done);
              } else {
                done(core::Status::ok());
              }
            });
      });
}

}  // namespace net::detail
