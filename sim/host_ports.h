/// @file sim/host_ports.h
/// @brief A simulated process's handles on the world's shared Kv and Store servers.
///
/// The servers (SimKv, SimStore) live in the world and survive a host crash, as Valkey and
/// QuestDB outlive a gateway. A process reaches them through these handles, which it owns:
/// when the process dies, the handle dies with it and any reply still owed to it is dropped,
/// so no callback runs into a destroyed object.
#pragma once

#include <memory>
#include <utility>

#include "core/ports/kv.h"
#include "core/ports/store.h"

namespace sim {

namespace detail {

/// Wraps callbacks so they do nothing once the owner is gone.
class Liveness {
 public:
  template <typename F>
  auto guard(F f) const {
    return [alive = std::weak_ptr<int>(token_), f = std::move(f)](auto&&... args) mutable {
      if (alive.lock()) f(std::forward<decltype(args)>(args)...);
    };
  }

 private:
  std::shared_ptr<int> token_ = std::make_shared<int>(0);
};

}  // namespace detail

class HostKv final : public core::Kv {
 public:
  explicit HostKv(core::Kv& shared) : shared_(shared) {}
  void command(std::vector<std::string> argv, core::KvReplyCallback on_reply) override {
    shared_.command(std::move(argv), live_.guard(std::move(on_reply)));
  }
  void eval(const core::KvScript& script, std::vector<std::string> keys,
            std::vector<std::string> args, core::KvReplyCallback on_reply) override {
    shared_.eval(script, std::move(keys), std::move(args), live_.guard(std::move(on_reply)));
  }

 private:
  core::Kv& shared_;
  detail::Liveness live_;
};

class HostStore final : public core::Store {
 public:
  explicit HostStore(core::Store& shared) : shared_(shared) {}
  void write(std::string_view lines, std::function<void(core::Status)> done) override {
    shared_.write(lines, live_.guard(std::move(done)));
  }
  void query(const core::StoreQuery& query,
             std::function<void(core::Result<core::QueryResult>)> done) override {
    shared_.query(query, live_.guard(std::move(done)));
  }

 private:
  core::Store& shared_;
  detail::Liveness live_;
};

}  // namespace sim
