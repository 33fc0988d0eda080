/// @file net/detail/nats_loop.h
/// @brief Private to net/: runs a nats.c connection's socket I/O on an Asio io_context
/// (nats.c's external event loop API, natsOptions_SetEventLoop).
///
/// Without it nats.c reads on its own thread and, with send_asap, makes one send() per
/// publish. With it, reads happen on the loop (natsConnection_ProcessReadEvent when the
/// socket is readable), and a publish only appends to nats.c's buffer and asks for a write:
/// everything published in the same loop turn leaves in one write at the next turn.
///
/// nats.c calls the hooks with its connection lock held, from the loop thread (publish,
/// subscribe, read and write processing, close) or from its own threads (reconnect, pings,
/// close): they only record the request, inline on the loop thread, posted otherwise, and
/// never call nats.c. The socket is watched through a duplicate of its descriptor, so the
/// watch never touches a descriptor number nats.c has closed (and the system may reuse).
/// `after_read` runs on the loop after every read processed (subscriptions then hold the
/// messages just parsed); never after the NatsLoop is destroyed.
#pragma once

#include <functional>
#include <memory>

#include <nats/nats.h>

namespace boost::asio {
class io_context;
}

namespace net::detail {

class NatsLoop {
 public:
  NatsLoop(boost::asio::io_context& io, std::function<void()> after_read);
  ~NatsLoop();
  NatsLoop(const NatsLoop&) = delete;
  NatsLoop& operator=(const NatsLoop&) = delete;

  /// Makes every connection created with `opts` run on this loop.
  natsStatus install(natsOptions* opts);

  struct Hook;

 private:
  std::shared_ptr<Hook> hook_;
};

}  // namespace net::detail
