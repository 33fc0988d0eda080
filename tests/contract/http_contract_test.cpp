// The HTTP/WebSocket contract run against the net adapters: net::AsioClock with
// net::BeastHttpServer, net::BeastHttpClient and net::BeastWsClient over loopback, on free
// ports. The sim twins join with their own world when SimNetwork lands.
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/buffers_iterator.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include "net/asio_clock.h"
#include "net/beast_http_client.h"
#include "net/beast_http_server.h"
#include "net/beast_ws_client.h"

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class NetHttpWorld {
 public:
  /// Binds without listening, so connects to refused_port() are refused while it lives.
  NetHttpWorld() : unlistened_(clock_.io_context()) {
    unlistened_.open(tcp::v4());
    unlistened_.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  }

  core::Clock& clock() { return clock_; }
  std::string host() const { return "127.0.0.1"; }
  std::string client_address() const { return "127.0.0.1"; }
  std::uint16_t refused_port() const { return unlistened_.local_endpoint().port(); }

  std::unique_ptr<core::HttpServer> make_server(core::HttpServerOptions options) {
    return std::make_unique<net::BeastHttpServer>(clock_, options);
  }
  std::unique_ptr<core::HttpClient> make_client() {
    return std::make_unique<net::BeastHttpClient>(clock_);
  }
  std::unique_ptr<core::WsClient> make_ws_client() {
    return std::make_unique<net::BeastWsClient>(clock_);
  }

  void send_raw(std::uint16_t port, std::string bytes, std::function<void(std::string)> done) {
    auto raw = std::make_shared<Raw>(clock_.io_context(), std::move(bytes), std::move(done));
    const tcp::endpoint to(asio::ip::make_address(host()), port);
    raw->socket.async_connect(to, [raw](boost::system::error_code ec) {
      if (ec) return raw->done("connect: " + ec.message());
      asio::async_write(
          raw->socket, asio::buffer(raw->out), [raw](boost::system::error_code, std::size_t) {
            asio::async_read(raw->socket, raw->in, [raw](boost::system::error_code, std::size_t) {
              raw->done(std::string(asio::buffers_begin(raw->in.data()),
                                    asio::buffers_end(raw->in.data())));
            });
          });
    });
  }

 private:
  struct Raw {
    Raw(asio::io_context& io, std::string bytes, std::function<void(std::string)> fn)
        : socket(io), out(std::move(bytes)), done(std::move(fn)) {}
    tcp::socket socket;
    std::string out;
    asio::streambuf in;
    std::function<void(std::string)> done;
  };

  net::AsioClock clock_;
  tcp::socket unlistened_;
};

}  // namespace

#define T26_HTTP_WORLDS NetHttpWorld
#define T26_HTTP_TAGS "[contract][net]"
#include "tests/contract/http_contract.h"
