#include "net/beast_http_client.h"

#include <chrono>
#include <list>
#include <map>
#include <optional>
#include <variant>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "net/asio_clock.h"
#include "net/detail/beast_util.h"
#include "net/detail/dial.h"

namespace net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Done = std::function<void(core::Result<core::HttpResponse>)>;

namespace {

std::int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// One connection, plain or TLS. `parked` changes whenever it enters or leaves the pool, so
/// a stale pool watcher can tell that the connection moved on.
struct Conn {
  template <class... Args>
  explicit Conn(Args&&... args) : stream(std::forward<Args>(args)...) {}

  using Socket = detail::PlainStream::socket_type;
  Socket& socket() {
    return std::visit([](auto& s) -> Socket& { return beast::get_lowest_layer(s).socket(); },
                      stream);
  }
  void close() {
    beast::error_code ignored;
    socket().close(ignored);
  }

  std::variant<detail::PlainStream, detail::TlsStream> stream;
  beast::flat_buffer buffer;
  std::int64_t idle_since_us = 0;
  std::uint64_t parked = 0;
};

class Exchange;

struct ClientState {
  ClientState(asio::io_context& io_context, core::HttpClientOptions opts)
      : io(io_context), options(std::move(opts)) {}

  asio::io_context& io;
  core::HttpClientOptions options;
  std::shared_ptr<asio::ssl::context> tls;  // made on the first https request
  std::map<std::string, std::vector<std::shared_ptr<Conn>>> idle;  // by origin key
  std::list<std::weak_ptr<Exchange>> in_flight;
  bool stopped = false;
};

std::string origin_key(const core::Url& origin) {
  return origin.scheme + "://" + origin.host + ":" + std::to_string(origin.port);
}

std::shared_ptr<Conn> take_idle(ClientState& client, const std::string& key) {
  auto it = client.idle.find(key);
  if (it == client.idle.end()) return nullptr;
  std::vector<std::shared_ptr<Conn>>& pool = it->second;
  while (!pool.empty()) {
    std::shared_ptr<Conn> conn = pool.back();
    pool.pop_back();
    ++conn->parked;
    beast::error_code ignored;
    conn->socket().cancel(ignored);  // stops the pool watcher
    if (steady_us() - conn->idle_since_us <= client.options.idle_keep_us) return conn;
    conn->close();
  }
  return nullptr;
}

/// Pools `conn` and watches it: readable while idle means the server closed it (or sent
/// garbage), so it leaves the pool before a request can pick it.
void park(const std::shared_ptr<ClientState>& client, const std::string& key,
          std::shared_ptr<Conn> conn) {
  conn->idle_since_us = steady_us();
  const std::uint64_t generation = ++conn->parked;
  client->idle[key].push_back(conn);
  conn->socket().async_wait(Conn::Socket::wait_read, [weak = std::weak_ptr<ClientState>(client),
                                                      key, conn, generation](beast::error_code) {
    if (conn->parked != generation) return;  // taken for a request meanwhile
    conn->close();
    if (auto client = weak.lock()) std::erase(client->idle[key], conn);
  });
}

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(std::shared_ptr<ClientState> client, const core::Url& origin, core::HttpRequest req,
           Done done)
      : client_(std::move(client)),
        origin_(origin),
        where_(origin_key(origin)),
        head_(req.method == "HEAD"),
        req_(detail::to_beast(origin, std::move(req))),
        done_(std::move(done)),
        timer_(client_->io),
        resolver_(client_->io) {}

  void start(std::int64_t timeout_us) {
    timer_.expires_after(std::chrono::microseconds(timeout_us));
    timer_.async_wait([self = shared_from_this(), timeout_us](beast::error_code ec) {
      if (!ec) self->on_timeout(timeout_us);
    });
    conn_ = take_idle(*client_, where_);
    if (conn_) return send();
    open_new();
  }

  /// Client destroyed: end quietly, `done` is not called.
  void abort() {
    if (conn_) conn_->close();
    finish(core::make_error(core::Errc::kCancelled, "client destroyed"));
  }

 private:
  void open_new() {
    if (origin_.tls()) {
      if (!client_->tls) {
        auto ctx = detail::make_client_tls(client_->options.ca_file);
        if (!ctx) return finish(ctx.status());
        client_->tls = *ctx;
      }
      conn_ = std::make_shared<Conn>(std::in_place_index<1>, client_->io, *client_->tls);
    } else {
      conn_ = std::make_shared<Conn>(std::in_place_index<0>, client_->io);
    }
    std::visit(
        [this](auto& stream) {
          detail::async_dial(resolver_, origin_, stream,
                             [self = shared_from_this()](core::Status status) {
                               if (self->finished_) return;
                               if (!status) return self->finish(std::move(status));
                               self->send();
                             });
        },
        conn_->stream);
  }

  void send() {
    write_started_ = true;
    std::visit(
        [this](auto& stream) {
          http::async_write(
              stream, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
                if (self->finished_) return;
                if (ec) {
                  return self->finish(detail::error_status(core::Errc::kUnavailable,
                                                           "write to " + self->where_, ec, true));
                }
                self->receive();
              });
        },
        conn_->stream);
  }

  void receive() {
    parser_.emplace();
    parser_->body_limit(client_->options.body_bytes_max);
    parser_->skip(head_);  // a HEAD answer announces a body it does not carry
    std::visit(
        [this](auto& stream) {
          http::async_read(stream, conn_->buffer, *parser_,
                           [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             self->on_read(ec);
                           });
        },
        conn_->stream);
  }

  void on_read(beast::error_code ec) {
    if (finished_) return;
    if (ec == http::error::end_of_stream) {
      return finish(core::make_in_doubt(core::Errc::kUnavailable,
                                        "{} closed the connection before answering", where_));
    }
    if (ec && ec.category() == http::make_error_code(http::error::bad_method).category()) {
      return finish(
          detail::error_status(core::Errc::kProtocol, "bad response from " + where_, ec, true));
    }
    if (ec) {
      return finish(
          detail::error_status(core::Errc::kUnavailable, "read from " + where_, ec, true));
    }
    http::response<http::string_body> res = parser_->release();
    if (res.keep_alive()) {
      park(client_, where_, std::move(conn_));
    } else {
      conn_->close();
    }
    conn_.reset();
    finish(detail::to_core(res));
  }

  void on_timeout(std::int64_t timeout_us) {
    if (finished_) return;
    if (write_started_) {
      finish(core::make_in_doubt(core::Errc::kTimeout, "no response from {} within {} us", where_,
                                 timeout_us));
    } else {
      finish(core::make_error(core::Errc::kTimeout, "connecting to {} took over {} us", where_,
                              timeout_us));
    }
  }

  void finish(core::Result<core::HttpResponse> result) {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    resolver_.cancel();
    if (conn_) conn_->close();  // an unfinished exchange leaves the connection unusable
    Done done = std::move(done_);
    if (!client_->stopped) done(std::move(result));
  }

  std::shared_ptr<ClientState> client_;
  core::Url origin_;
  std::string where_;
  bool head_;
  http::request<http::string_body> req_;
  Done done_;
  asio::steady_timer timer_;
  tcp::resolver resolver_;
  std::shared_ptr<Conn> conn_;
  std::optional<http::response_parser<http::string_body>> parser_;
  bool write_started_ = false;
  bool finished_ = false;
};

}  // namespace

struct BeastHttpClient::Impl {
  std::shared_ptr<ClientState> state;
};

BeastHttpClient::BeastHttpClient(AsioClock& clock, core::HttpClientOptions options)
    : impl_(std::make_unique<Impl>(
          Impl{std::make_shared<ClientState>(clock.io_context(), std::move(options))})) {}

BeastHttpClient::~BeastHttpClient() {
  ClientState& state = *impl_->state;
  state.stopped = true;
  for (auto& weak : state.in_flight) {
    if (auto exchange = weak.lock()) exchange->abort();
  }
  for (auto& [key, pool] : state.idle) {
    for (auto& conn : pool) conn->close();
  }
  state.idle.clear();
}

void BeastHttpClient::request(const core::Url& origin, core::HttpRequest request,
                              std::int64_t timeout_us, Done done) {
  ClientState& state = *impl_->state;
  if (origin.scheme != "http" && origin.scheme != "https") {
    core::Status bad = core::make_error(core::Errc::kInvalidArgument,
                                        "origin scheme '{}' is not http or https", origin.scheme);
    asio::post(state.io, [bad, done = std::move(done)] { done(bad); });
    return;
  }
  auto exchange =
      std::make_shared<Exchange>(impl_->state, origin, std::move(request), std::move(done));
  state.in_flight.remove_if([](const std::weak_ptr<Exchange>& w) { return w.expired(); });
  state.in_flight.push_back(exchange);
  asio::post(state.io, [exchange, timeout_us] { exchange->start(timeout_us); });
}

}  // namespace net
