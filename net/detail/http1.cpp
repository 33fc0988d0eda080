#include "net/detail/http1.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <memory>

namespace net::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(asio::io_context& io, HttpRequest request,
           std::function<void(core::Result<HttpResponse>)> done)
      : resolver_(io), stream_(io), request_(std::move(request)), done_(std::move(done)) {}

  void start() {
    stream_.expires_after(std::chrono::milliseconds(request_.timeout_ms));
    resolver_.async_resolve(
        request_.host, std::to_string(request_.port),
        [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type results) {
          if (ec) return self->finish(ec, "resolve");
          self->stream_.async_connect(results, [self](beast::error_code ec2, auto) {
            if (ec2) return self->finish(ec2, "connect");
            self->send();
          });
        });
  }

 private:
  void send() {
    sent_ = true;
    req_.method(http::string_to_verb(request_.method));
    req_.target(request_.target);
    req_.version(11);
    req_.set(http::field::host, request_.host);
    req_.set(http::field::connection, "close");
    if (!request_.body.empty() || request_.method == "POST") {
      req_.set(http::field::content_type, request_.content_type);
      req_.body() = std::move(request_.body);
      req_.prepare_payload();
    }
    http::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, auto) {
      if (ec) return self->finish(ec, "write");
      http::async_read(self->stream_, self->buffer_, self->res_,
                       [self](beast::error_code ec2, auto) {
                         if (ec2) return self->finish(ec2, "read");
                         self->finish({}, "");
                       });
    });
  }

  void finish(beast::error_code ec, const char* phase) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    if (!ec) return done_(HttpResponse{static_cast<int>(res_.result_int()), res_.body()});
    const std::string where = request_.method + " " + request_.host + ":" +
                              std::to_string(request_.port) + request_.target.substr(0, 40);
    if (ec == beast::error::timeout) {
      return done_(core::Status{
          core::Errc::kTimeout,
          fmt::format("http {}: no answer within {} ms", where, request_.timeout_ms), sent_});
    }
    done_(core::Status{core::Errc::kUnavailable,
                       fmt::format("http {}: {} failed: {}", where, phase, ec.message()), sent_});
  }

  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  HttpRequest request_;
  std::function<void(core::Result<HttpResponse>)> done_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
  beast::flat_buffer buffer_;
  bool sent_ = false;
};

}  // namespace

void http_request(asio::io_context& io, HttpRequest request,
                  std::function<void(core::Result<HttpResponse>)> done) {
  std::make_shared<Exchange>(io, std::move(request), std::move(done))->start();
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  return out;
}

}  // namespace net::detail
