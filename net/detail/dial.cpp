#include "net/detail/dial.h"

#include <openssl/ssl.h>

#include <boost/asio/ssl/host_name_verification.hpp>

namespace net::detail {

void tls_handshake(TlsStream& stream, const core::Url& origin, DialDone done) {
  const std::string where = "TLS handshake with " + origin.host + ":" + std::to_string(origin.port);
  // SNI: without it, shared front ends (CloudFront for the exchanges) present the wrong cert.
  if (SSL_set_tlsext_host_name(stream.native_handle(), origin.host.c_str()) != 1) {
    return done(core::make_error(core::Errc::kUnavailable, "{}: cannot set SNI", where));
  }
  stream.set_verify_callback(boost::asio::ssl::host_name_verification(origin.host));
  stream.async_handshake(boost::asio::ssl::stream_base::client,
                         [where, done](boost::beast::error_code ec) {
                           if (ec) return done(error_status(core::Errc::kUnavailable, where, ec));
                           done(core::Status::ok());
                         });
}

}  // namespace net::detail
