#include "net/detail/nats_loop.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>

namespace net::detail {

struct NatsLoop::Hook : std::enable_shared_from_this<NatsLoop::Hook> {
  Hook(boost::asio::io_context& i, std::function<void()> a) : io(i), after_read(std::move(a)) {}
  boost::asio::io_context& io;
  std::function<void()> after_read;
  bool alive = true;  // loop-only: false once the NatsLoop is gone

  // Inline on the loop thread (so a request made while processing an event is seen when
  // that processing returns), posted from nats.c's threads.
  template <class F>
  void on_loop(F&& fn) {
    if (io.get_executor().running_in_this_thread())
      fn();
    else
      boost::asio::post(io, std::forward<F>(fn));
  }
};

namespace {

using Wait = boost::asio::posix::descriptor_base::wait_type;

// A flush waits at most this many loop turns, or until this much is buffered.
constexpr int kMaxDeferrals = 16;
constexpr int kFlushBytes = 32 * 1024;

/// One per connection (nats.c's userData for it): attached again with the new socket after
/// each reconnect, detached once when the connection closes. Loop-only except `detached`.
struct Watch : std::enable_shared_from_this<Watch> {
  Watch(std::shared_ptr<NatsLoop::Hook> h, natsConnection* c)
      : hook(std::move(h)), nc(c), socket(hook->io) {}

  std::shared_ptr<NatsLoop::Hook> hook;
  natsConnection* nc;
  // Set by nats.c's thread before it may free the connection: nothing calls nats.c after.
  std::atomic<bool> detached{false};
  boost::asio::posix::stream_descriptor socket;  // our duplicate of nats.c's socket
  std::uint64_t generation = 0;                  // +1 per attach: tells old waits apart
  bool want_read = false;
  bool want_write = false;
  bool reading = false;         // a read wait is pending
  bool flushing = false;        // a flush is posted or a write wait is pending
  int buffered_seen = -1;       // nats.c's buffered bytes when the posted flush last looked
  int deferrals = 0;            // loop turns the pending flush has waited
  std::shared_ptr<Watch> self;  // nats.c's reference (userData), dropped at detach

  void attach(int fd) {
    boost::system::error_code ec;
    if (socket.is_open()) socket.close(ec);  // the previous socket: its waits end aborted
    if (detached) {
      ::close(fd);
      return;
    }
    socket.assign(fd, ec);
    if (ec) ::close(fd);
    ++generation;
    reading = false;
    want_read = true;  // attaching means reading (nats.c never asks for it separately)
    start_read();
  }

  void start_read() {
    if (reading || !want_read || detached || !socket.is_open()) return;
    reading = true;
    socket.async_wait(Wait::wait_read, [s = shared_from_this(),
                                        gen = generation](const boost::system::error_code& ec) {
      if (gen != s->generation) return;
      s->reading = false;
      if (ec == boost::asio::error::operation_aborted || s->detached || !s->want_read) return;
      natsConnection_ProcessReadEvent(s->nc);
      if (s->detached) return;
      if (s->hook->alive && s->hook->after_read) s->hook->after_read();
      s->start_read();
    });
  }

  // The write goes out from a posted handler rather than on writability: the socket almost
  // always has room. The handler waits while each loop turn still adds to nats.c's buffer
  // (a feed's frames each complete in their own turn), so a burst leaves in a few writes;
  // a lone message goes out one turn after its publish.
  void schedule_flush() {
    if (flushing || detached) return;
    flushing = true;
    deferrals = 0;
    buffered_seen = -1;
    boost::asio::post(hook->io, [s = shared_from_this()] { s->flush(); });
  }

  void flush() {
    flushing = false;
    if (detached || !want_write) return;
    const int buffered = natsConnection_Buffered(nc);
    if (buffered > buffered_seen && buffered < kFlushBytes && deferrals < kMaxDeferrals) {
      ++deferrals;
      buffered_seen = buffered;
      flushing = true;
      boost::asio::post(hook->io, [s = shared_from_this()] { s->flush(); });
      return;
    }
    natsConnection_ProcessWriteEvent(nc);  // clears want_write once everything is written
    if (detached || !want_write) return;
    if (!socket.is_open()) {  // attach still queued behind us
      schedule_flush();
      return;
    }
    flushing = true;  // partly written: wait for room
    socket.async_wait(Wait::wait_write, [s = shared_from_this()](const boost::system::error_code&) {
      s->flushing = false;
      s->schedule_flush();
    });
  }
};

natsStatus on_attach(void** user_data, void* loop, natsConnection* nc, natsSock fd) {
  auto* hook = static_cast<NatsLoop::Hook*>(loop);
  const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return NATS_SYS_ERROR;
  auto* watch = static_cast<Watch*>(*user_data);
  if (watch == nullptr) {
    auto fresh = std::make_shared<Watch>(hook->shared_from_this(), nc);
    fresh->self = fresh;
    watch = fresh.get();
    *user_data = watch;
  }
  hook->on_loop([s = watch->shared_from_this(), copy] { s->attach(copy); });
  return NATS_OK;
}

natsStatus on_read(void* user_data, bool add) {
  auto* watch = static_cast<Watch*>(user_data);
  watch->hook->on_loop([s = watch->shared_from_this(), add] {
    s->want_read = add;
    s->start_read();
  });
  return NATS_OK;
}

natsStatus on_write(void* user_data, bool add) {
  auto* watch = static_cast<Watch*>(user_data);
  watch->hook->on_loop([s = watch->shared_from_this(), add] {
    s->want_write = add;
    if (add) s->schedule_flush();
  });
  return NATS_OK;
}

natsStatus on_detach(void* user_data) {
  auto* watch = static_cast<Watch*>(user_data);
  watch->detached = true;
  // Only this callback and the first attach touch `self`. Dropped here, so the posted
  // closing holds the last reference: a loop that never runs again still frees it.
  std::shared_ptr<Watch> last = std::move(watch->self);
  watch->hook->on_loop([s = std::move(last)] {
    boost::system::error_code ec;
    s->socket.close(ec);
  });
  return NATS_OK;
}

}  // namespace

NatsLoop::NatsLoop(boost::asio::io_context& io, std::function<void()> after_read)
    : hook_(std::make_shared<Hook>(io, std::move(after_read))) {}

NatsLoop::~NatsLoop() {
  hook_->alive = false;
}

natsStatus NatsLoop::install(natsOptions* opts) {
  return natsOptions_SetEventLoop(opts, hook_.get(), on_attach, on_read, on_write, on_detach);
}

}  // namespace net::detail
