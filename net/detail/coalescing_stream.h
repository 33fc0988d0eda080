/// @file net/detail/coalescing_stream.h
/// @brief Private to net/: `CoalescingStream<Stream>`, the layer under a server websocket
/// that turns the frames written while a socket write is in flight into one write.
///
/// Beast writes each websocket message (and ping, pong, close) with its own socket write.
/// Under this layer a write is copied into a pending buffer and reported done at once; the
/// buffer goes to the socket from a posted handler once a loop turn passes that added nothing
/// to it (at most kMaxDeferrals turns, or kFlushBytes pending) and no write is in flight. A
/// lone frame leaves one turn after it was written; a burst (Beast hands over one message
/// per turn) leaves in a few writes instead of one per frame. Beast still frames
/// every message itself (clients see the same messages, control frames included, in order).
/// The first socket error fails every later write. Teardown (the end of the close
/// handshake) waits for the pending bytes, so the close frame is sent before the shutdown.
/// `append` takes a whole frame framed by the caller (the server's text frames: no mask, no
/// Beast write op per message); it lands between Beast's writes, never inside one, since each
/// write is taken whole. Nothing is bounded here: the session's queue moves here when the
/// peer reads slowly, and `queued_bytes` tells the sender. Loop thread only, like the stream
/// it wraps.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace net::detail {

template <class Stream>
class CoalescingStream {
 public:
  using executor_type = typename Stream::executor_type;
  using next_layer_type = Stream;

  template <class... Args>
  explicit CoalescingStream(Args&&... args) : next_(std::forward<Args>(args)...) {
    shared_->owner = this;
  }
  ~CoalescingStream() { shared_->owner = nullptr; }
  CoalescingStream(const CoalescingStream&) = delete;
  CoalescingStream& operator=(const CoalescingStream&) = delete;

  executor_type get_executor() { return next_.get_executor(); }
  Stream& next_layer() { return next_; }
  const Stream& next_layer() const { return next_; }

  template <class Buffers, class Handler>
  auto async_read_some(const Buffers& buffers, Handler&& handler) {
    return next_.async_read_some(buffers, std::forward<Handler>(handler));
  }

  template <class Buffers, class Handler>
  auto async_write_some(const Buffers& buffers, Handler&& handler) {
    return boost::asio::async_initiate<Handler, void(boost::beast::error_code, std::size_t)>(
        [this](auto done, const Buffers& data) {
          const boost::beast::error_code ec = shared_->error;
          std::size_t n = 0;
          if (!ec) {
            for (const auto b : boost::beast::buffers_range_ref(data))
              shared_->pending.append(static_cast<const char*>(b.data()), b.size());
            n = boost::asio::buffer_size(data);
            schedule();
          }
          boost::asio::post(get_executor(),
                            boost::beast::bind_front_handler(std::move(done), ec, n));
        },
        handler, buffers);
  }

  /// Appends a whole frame framed outside Beast (`header` then `payload`) after everything
  /// written so far, as a write would; false once the socket failed.
  bool append(std::string_view header, std::string_view payload) {
    if (shared_->error) return false;
    shared_->pending.append(header).append(payload);
    schedule();
    return true;
  }

  /// Bytes written here and not yet taken by the socket.
  std::size_t queued_bytes() const { return shared_->pending.size() + shared_->in_flight.size(); }

  /// Runs `fn` once nothing is pending or in flight (at once if so already); dropped if this
  /// layer is destroyed first.
  void when_flushed(std::function<void()> fn) {
    if (!shared_->flushing && !shared_->scheduled) return fn();
    shared_->on_flushed.push_back(std::move(fn));
  }

 private:
  struct Shared {
    CoalescingStream* owner = nullptr;  // null once the layer is gone
    std::string pending;                // written, not yet handed to the socket
    std::string in_flight;              // handed to the socket
    bool flushing = false;
    bool scheduled = false;        // a deferred flush is posted
    std::size_t pending_seen = 0;  // pending.size() when it was posted
    int deferrals = 0;
    boost::beast::error_code error;
    std::vector<std::function<void()>> on_flushed;
  };

  static constexpr int kMaxDeferrals = 16;
  static constexpr std::size_t kFlushBytes = 64 * 1024;

  void schedule() {
    Shared& s = *shared_;
    if (s.flushing || s.scheduled) return;  // the write's completion flushes the rest
    s.scheduled = true;
    s.deferrals = 0;
    s.pending_seen = s.pending.size();
    boost::asio::post(get_executor(), [shared = shared_] { deferred(*shared); });
  }

  static void deferred(Shared& s) {
    s.scheduled = false;
    if (s.owner == nullptr) return;
    if (s.pending.size() > s.pending_seen && s.pending.size() < kFlushBytes &&
        s.deferrals < kMaxDeferrals) {
      ++s.deferrals;
      s.pending_seen = s.pending.size();
      s.scheduled = true;
      boost::asio::post(s.owner->get_executor(),
                        [shared = s.owner->shared_] { deferred(*shared); });
      return;
    }
    s.owner->flush();
  }

  void flush() {
    Shared& s = *shared_;
    if (s.flushing || s.pending.empty()) return;
    s.flushing = true;
    s.in_flight.swap(s.pending);
    boost::asio::async_write(next_, boost::asio::buffer(s.in_flight),
                             [shared = shared_](boost::beast::error_code ec, std::size_t) {
                               shared->flushing = false;
                               shared->in_flight.clear();
                               if (ec && !shared->error) shared->error = ec;
                               if (shared->owner == nullptr) return;
                               if (!ec) shared->owner->flush();
                               if (shared->flushing) return;
                               for (auto& fn : std::exchange(shared->on_flushed, {})) fn();
                             });
  }

  Stream next_;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

/// The websocket close handshake's last step: the socket's shutdown, after the pending bytes.
template <class Stream, class TeardownHandler>
void async_teardown(boost::beast::role_type role, CoalescingStream<Stream>& stream,
                    TeardownHandler&& handler) {
  auto shared_handler =
      std::make_shared<std::decay_t<TeardownHandler>>(std::forward<TeardownHandler>(handler));
  stream.when_flushed([&stream, role, shared_handler] {
    using boost::beast::websocket::async_teardown;
    async_teardown(role, stream.next_layer(), std::move(*shared_handler));
  });
}

}  // namespace net::detail
