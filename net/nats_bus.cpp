#include "net/nats_bus.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <list>
#include <map>
#include <mutex>

#include <nats/nats.h>

#include "core/subject.h"

namespace net {
namespace {

using core::BusState;
using core::Errc;

core::Status nats_error(natsStatus s, std::string_view what) {
  const Errc code = [s] {
    switch (s) {
      case NATS_INSUFFICIENT_BUFFER:
      case NATS_CONNECTION_CLOSED:
      case NATS_CONNECTION_DISCONNECTED:
      case NATS_NOT_YET_CONNECTED:
      case NATS_NO_SERVER:
      case NATS_STALE_CONNECTION:
        return Errc::kUnavailable;
      case NATS_INVALID_SUBJECT:
      case NATS_INVALID_ARG:
        return Errc::kInvalidArgument;
      case NATS_MAX_PAYLOAD:
        return Errc::kResourceExhausted;
      default:
        return Errc::kIo;
    }
  }();
  return core::make_error(code, "nats {}: {} ({})", what, natsStatus_GetText(s),
                          nats_GetLastError(nullptr));
}

core::BusMessage copy_message(natsMsg* msg) {
  core::BusMessage m;
  m.subject = natsMsg_GetSubject(msg);
  if (const char* reply = natsMsg_GetReply(msg)) m.reply = reply;
  if (const char* data = natsMsg_GetData(msg)) {
    m.data.assign(data, static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
  }
  const char** keys = nullptr;
  int key_count = 0;
  if (natsMsgHeader_Keys(msg, &keys, &key_count) == NATS_OK) {
    for (int k = 0; k < key_count; ++k) {
      const char** values = nullptr;
      int value_count = 0;
      if (natsMsgHeader_Values(msg, keys[k], &values, &value_count) != NATS_OK) continue;
      for (int v = 0; v < value_count; ++v) m.headers.push_back({keys[k], values[v]});
      std::free(static_cast<void*>(values));
    }
    std::free(static_cast<void*>(keys));
  }
  std::stable_sort(m.headers.begin(), m.headers.end(),
                   [](const core::Header& a, const core::Header& b) { return a.name < b.name; });
  return m;
}

}  // namespace

/// What nats.c threads may touch: the clock (post is thread-safe), the liveness flag and
/// the closed signal. Everything else is loop-only.
struct Bridge {
  explicit Bridge(NatsBus::Impl* i) : impl(i) {}
  NatsBus::Impl* impl;
  std::mutex mu;
  std::condition_variable cv;
  bool closed = false;
};

struct SubCtx {
  Bridge* bridge;
  core::SubscriptionId id;
};

struct NatsBus::Impl {
  Impl(AsioClock& c, core::BusOptions o) : clock(c), options(std::move(o)) {}
  AsioClock& clock;
  core::BusOptions options;
  Bridge bridge{this};
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);  // loop-only
  natsOptions* opts = nullptr;
  natsConnection* nc = nullptr;
  std::string inbox_base;
  std::uint64_t next_inbox = 1;
  bool connected = false;  // as seen by the loop
  struct Sub {
    natsSubscription* sub = nullptr;
    std::function<void(const core::BusMessage&)> on_message;
  };
  core::SubscriptionId next_sub = 1;
  std::map<core::SubscriptionId, Sub> subs;
  std::list<SubCtx> sub_ctxs;  // closures handed to nats.c; freed after the connection
  core::StateHandlerId next_handler = 1;
  std::map<core::StateHandlerId, std::function<void(BusState)>> handlers;

  void post_state(BusState state) {
    clock.post([this, alive = alive, state] {
      if (!*alive) return;
      connected = state == BusState::kConnected || state == BusState::kReconnected;
      // Copy: a handler may add or remove handlers.
      auto snapshot = handlers;
      for (auto& [id, h] : snapshot) {
        if (*alive && handlers.count(id) > 0) h(state);
      }
    });
  }
  void post_message(core::SubscriptionId id, core::BusMessage m) {
    clock.post([this, alive = alive, id, m = std::move(m)] {
      if (!*alive) return;
      auto it = subs.find(id);
      if (it != subs.end()) it->second.on_message(m);
    });
  }
  core::Status configure();
};

namespace {

void on_msg(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* ctx = static_cast<SubCtx*>(closure);
  core::BusMessage m = copy_message(msg);
  natsMsg_Destroy(msg);
  ctx->bridge->impl->post_message(ctx->id, std::move(m));
}

void on_connected(natsConnection*, void* closure) {
  static_cast<Bridge*>(closure)->impl->post_state(BusState::kConnected);
}
void on_disconnected(natsConnection*, void* closure) {
  static_cast<Bridge*>(closure)->impl->post_state(BusState::kDisconnected);
}
void on_reconnected(natsConnection*, void* closure) {
  static_cast<Bridge*>(closure)->impl->post_state(BusState::kReconnected);
}
void on_closed(natsConnection*, void* closure) {
  auto* bridge = static_cast<Bridge*>(closure);
  bridge->impl->post_state(BusState::kClosed);
  std::lock_guard lock(bridge->mu);
  bridge->closed = true;
  bridge->cv.notify_all();
}

}  // namespace

core::Status NatsBus::Impl::configure() {
  natsStatus s = natsOptions_Create(&opts);
  if (s == NATS_OK) s = natsOptions_SetURL(opts, options.url.c_str());
  if (s == NATS_OK) s = natsOptions_SetName(opts, options.name.c_str());
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, options.max_reconnect_attempts);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts, options.reconnect_wait_us / 1000);
  if (s == NATS_OK) {
    s = natsOptions_SetReconnectBufSize(opts,
                                        static_cast<int>(options.effective_reconnect_buf_bytes()));
  }
  if (s == NATS_OK) s = natsOptions_SetDisconnectedCB(opts, on_disconnected, &bridge);
  if (s == NATS_OK) s = natsOptions_SetReconnectedCB(opts, on_reconnected, &bridge);
  if (s == NATS_OK) s = natsOptions_SetClosedCB(opts, on_closed, &bridge);
  if (s == NATS_OK) s = natsOptions_SetRetryOnFailedConnect(opts, true, on_connected, &bridge);
  return s == NATS_OK ? core::Status::ok() : nats_error(s, "options");
}

NatsBus::NatsBus(AsioClock& clock, core::BusOptions options)
    : impl_(std::make_unique<Impl>(clock, std::move(options))) {
  Impl& im = *impl_;
  core::Status st = im.configure();
  if (!st) throw std::runtime_error(st.to_string());  // bad options are a bug in the caller
  natsInbox* inbox = nullptr;
  natsInbox_Create(&inbox);
  im.inbox_base = inbox;
  natsInbox_Destroy(inbox);
  // With retry-on-failed-connect and a connected callback, this returns at once with
  // NATS_NOT_YET_CONNECTED and nats.c connects in the background.
  const natsStatus s = natsConnection_Connect(&im.nc, im.opts);
  if (s == NATS_OK) {
    im.connected = true;
    im.post_state(BusState::kConnected);
  } else if (s != NATS_NOT_YET_CONNECTED) {
    throw std::runtime_error(nats_error(s, "connect").to_string());
  }
}

NatsBus::~NatsBus() {
  Impl& im = *impl_;
  *im.alive = false;
  for (auto& [id, sub] : im.subs) natsSubscription_Unsubscribe(sub.sub);
  if (im.nc != nullptr) {
    natsConnection_Close(im.nc);
    // The closed callback is the last thing nats.c runs with our closures.
    std::unique_lock lock(im.bridge.mu);
    im.bridge.cv.wait_for(lock, std::chrono::seconds(5), [&] { return im.bridge.closed; });
  }
  for (auto& [id, sub] : im.subs) natsSubscription_Destroy(sub.sub);
  natsConnection_Destroy(im.nc);
  natsOptions_Destroy(im.opts);
}

core::Status NatsBus::publish(std::string_view subject, std::string_view data,
                              const core::Headers& headers, std::string_view reply) {
  Impl& im = *impl_;
  if (!core::subject_valid(subject, false)) {
    return core::make_error(Errc::kInvalidArgument, "publish: bad subject '{}'", subject);
  }
  if (im.options.jetstream && !im.connected) {
    return core::make_error(Errc::kUnavailable, "publish to {}: not connected", subject);
  }
  natsMsg* msg = nullptr;
  const std::string subj(subject);
  const std::string rep(reply);
  natsStatus s = natsMsg_Create(&msg, subj.c_str(), rep.empty() ? nullptr : rep.c_str(),
                                data.data(), static_cast<int>(data.size()));
  for (const core::Header& h : headers) {
    if (s == NATS_OK) s = natsMsgHeader_Add(msg, h.name.c_str(), h.value.c_str());
  }
  if (s == NATS_OK) s = natsConnection_PublishMsg(im.nc, msg);
  natsMsg_Destroy(msg);
  return s == NATS_OK ? core::Status::ok() : nats_error(s, fmt::format("publish to {}", subj));
}

core::Result<core::SubscriptionId> NatsBus::subscribe(
    std::string_view subject, std::string_view queue_group,
    std::function<void(const core::BusMessage&)> on_message) {
  Impl& im = *impl_;
  if (!core::subject_valid(subject, true)) {
    return core::make_error(Errc::kInvalidArgument, "subscribe: bad subject '{}'", subject);
  }
  const core::SubscriptionId id = im.next_sub++;
  SubCtx* ctx = &im.sub_ctxs.emplace_back(SubCtx{&im.bridge, id});
  natsSubscription* sub = nullptr;
  const std::string subj(subject);
  const std::string queue(queue_group);
  natsStatus s = queue.empty() ? natsConnection_Subscribe(&sub, im.nc, subj.c_str(), on_msg, ctx)
                               : natsConnection_QueueSubscribe(&sub, im.nc, subj.c_str(),
                                                               queue.c_str(), on_msg, ctx);
  if (s == NATS_OK) s = natsSubscription_SetPendingLimits(sub, -1, -1);
  if (s != NATS_OK) {
    natsSubscription_Destroy(sub);
    return nats_error(s, fmt::format("subscribe to {}", subj));
  }
  im.subs.emplace(id, Impl::Sub{sub, std::move(on_message)});
  return id;
}

core::Status NatsBus::unsubscribe(core::SubscriptionId id) {
  Impl& im = *impl_;
  auto it = im.subs.find(id);
  if (it == im.subs.end()) {
    return core::make_error(Errc::kNotFound, "unsubscribe: no subscription {}", id);
  }
  natsSubscription_Unsubscribe(it->second.sub);
  natsSubscription_Destroy(it->second.sub);
  im.subs.erase(it);  // messages already posted find no subscription and are dropped
  return core::Status::ok();
}

std::string NatsBus::new_inbox() {
  return fmt::format("{}.{}", impl_->inbox_base, impl_->next_inbox++);
}

bool NatsBus::connected() const {
  return impl_->connected;
}

core::StateHandlerId NatsBus::on_state(std::function<void(core::BusState)> handler) {
  const core::StateHandlerId id = impl_->next_handler++;
  impl_->handlers.emplace(id, std::move(handler));
  return id;
}

void NatsBus::remove_state_handler(core::StateHandlerId id) {
  impl_->handlers.erase(id);
}

}  // namespace net
