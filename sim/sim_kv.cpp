#include "sim/sim_kv.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <map>
#include <variant>

#include "sim/detail/kv_lua.h"

namespace sim {
namespace {

using core::KvError;
using core::KvReply;
using Argv = std::vector<std::string>;
using Hash = std::map<std::string, std::string>;

const KvReply kWrongType{
    KvError{"WRONGTYPE Operation against a key holding the wrong kind of value"}};
const KvReply kNotInteger{KvError{"ERR value is not an integer or out of range"}};
const KvReply kSyntax{KvError{"ERR syntax error"}};
const KvReply kOk{std::string("OK")};
const KvReply kNil{};

KvReply integer(std::int64_t n) {
  return KvReply{n};
}

KvReply wrong_arity(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return KvReply{KvError{"ERR wrong number of arguments for '" + lower + "' command"}};
}

/// Redis's string2ll: an optional '-', digits, no '+', no spaces, no leading zeros.
bool parse_int(const std::string& text, std::int64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  const std::size_t digits = text[0] == '-' ? 1 : 0;
  if (text.size() == digits) return false;
  if (text[digits] == '0' && text.size() > digits + 1) return false;
  if (text == "-0") return false;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), *out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

bool add_overflows(std::int64_t a, std::int64_t b) {
  return (b > 0 && a > std::numeric_limits<std::int64_t>::max() - b) ||
         (b < 0 && a < std::numeric_limits<std::int64_t>::min() - b);
}

}  // namespace

struct SimKv::Impl : std::enable_shared_from_this<Impl> {
  struct Entry {
    std::variant<std::string, Hash> value;
    std::int64_t expire_at_us = -1;
  };
  using Handler = KvReply (Impl::*)(const Argv&);

  Impl(core::Clock& c, core::KvOptions o)
      : clock(c), options(std::move(o)), lua([this](const Argv& argv) { return execute(argv); }) {}

  core::Clock& clock;
  core::KvOptions options;
  detail::KvLua lua;
  std::map<std::string, Entry> data;
  std::int64_t latency_us = 0;
  bool available = true;
  int replies_to_lose = 0;

  Entry* live(const std::string& key) {
    auto it = data.find(key);
    if (it == data.end()) return nullptr;
    if (it->second.expire_at_us >= 0 && it->second.expire_at_us <= clock.now_us()) {
      data.erase(it);
      return nullptr;
    }
    return &it->second;
  }

  KvReply execute(const Argv& argv);
  void submit(std::function<core::Result<KvReply>(Impl&)> run, core::KvReplyCallback done);

  KvReply get(const Argv& a) {
    Entry* e = live(a[1]);
    if (!e) return kNil;
    if (auto* s = std::get_if<std::string>(&e->value)) return KvReply{*s};
    return kWrongType;
  }

  KvReply set(const Argv& a) {
    bool nx = false, xx = false;
    std::int64_t expire_at_us = -1;
    for (std::size_t i = 3; i < a.size(); ++i) {
      std::string opt = a[i];
      std::transform(opt.begin(), opt.end(), opt.begin(), ::toupper);
      if (opt == "NX" || opt == "XX") {
        (opt == "NX" ? nx : xx) = true;
      } else if ((opt == "EX" || opt == "PX") && i + 1 < a.size()) {
        std::int64_t n = 0;
        if (!parse_int(a[++i], &n)) return kNotInteger;
        if (n <= 0) return KvReply{KvError{"ERR invalid expire time in 'set' command"}};
        expire_at_us = clock.now_us() + n * (opt == "EX" ? 1'000'000 : 1'000);
      } else {
        return kSyntax;
      }
    }
    if (nx && xx) return kSyntax;
    const bool exists = live(a[1]) != nullptr;
    if ((nx && exists) || (xx && !exists)) return kNil;
    data[a[1]] = Entry{a[2], expire_at_us};
    return kOk;
  }

  KvReply del(const Argv& a) {
    std::int64_t n = 0;
    for (std::size_t i = 1; i < a.size(); ++i) {
      if (live(a[i])) n += static_cast<std::int64_t>(data.erase(a[i]));
    }
    return integer(n);
  }

  KvReply exists(const Argv& a) {
    std::int64_t n = 0;
    for (std::size_t i = 1; i < a.size(); ++i) n += live(a[i]) ? 1 : 0;
    return integer(n);
  }

  KvReply add(const std::string& key, std::int64_t delta) {
    Entry* e = live(key);
    std::int64_t value = 0;
    if (e) {
      auto* s = std::get_if<std::string>(&e->value);
      if (!s) return kWrongType;
      if (!parse_int(*s, &value)) return kNotInteger;
    }
    if (add_overflows(value, delta)) {
      return KvReply{KvError{"ERR increment or decrement would overflow"}};
    }
    value += delta;
    if (e) {
      e->value = std::to_string(value);
    } else {
      data[key] = Entry{std::to_string(value), -1};
    }
    return integer(value);
  }

  KvReply incr(const Argv& a) { return add(a[1], a[0] == "INCR" ? 1 : -1); }

  KvReply incrby(const Argv& a) {
    std::int64_t delta = 0;
    if (!parse_int(a[2], &delta)) return kNotInteger;
    const bool decr = std::toupper(static_cast<unsigned char>(a[0][0])) == 'D';
    if (decr && delta == std::numeric_limits<std::int64_t>::min()) return kNotInteger;
    return add(a[1], decr ? -delta : delta);
  }

  KvReply expire(const Argv& a) {
    std::int64_t n = 0;
    if (!parse_int(a[2], &n)) return kNotInteger;
    Entry* e = live(a[1]);
    if (!e) return integer(0);
    const bool seconds = std::toupper(static_cast<unsigned char>(a[0][0])) == 'E';
    const std::int64_t ttl_us = n * (seconds ? 1'000'000 : 1'000);
    if (ttl_us <= 0) {
      data.erase(a[1]);
    } else {
      e->expire_at_us = clock.now_us() + ttl_us;
    }
    return integer(1);
  }

  KvReply ttl(const Argv& a) {
    Entry* e = live(a[1]);
    if (!e) return integer(-2);
    if (e->expire_at_us < 0) return integer(-1);
    const std::int64_t left_ms = (e->expire_at_us - clock.now_us() + 999) / 1000;
    const bool seconds = std::toupper(static_cast<unsigned char>(a[0][0])) == 'T';
    return integer(seconds ? (left_ms + 500) / 1000 : left_ms);
  }

  /// The hash at `key`, created when `create`; sets *wrong_type for a string key.
  Hash* hash(const std::string& key, bool create, bool* wrong_type) {
    Entry* e = live(key);
    if (!e) {
      if (!create) return nullptr;
      e = &(data[key] = Entry{Hash{}, -1});
    }
    Hash* h = std::get_if<Hash>(&e->value);
    *wrong_type = h == nullptr;
    return h;
  }

  KvReply hget(const Argv& a) {
    bool wrong = false;
    Hash* h = hash(a[1], false, &wrong);
    if (wrong) return kWrongType;
    if (!h) return kNil;
    auto it = h->find(a[2]);
    return it == h->end() ? kNil : KvReply{it->second};
  }

  KvReply hexists(const Argv& a) {
    const KvReply r = hget(a);
    return r.string() ? integer(1) : r.is_nil() ? integer(0) : r;
  }

  KvReply hset(const Argv& a) {
    if (a.size() % 2 != 0) return wrong_arity(a[0]);
    bool wrong = false;
    Hash* h = hash(a[1], true, &wrong);
    if (wrong) return kWrongType;
    std::int64_t added = 0;
    for (std::size_t i = 2; i + 1 < a.size(); i += 2) {
      added += h->count(a[i]) ? 0 : 1;
      (*h)[a[i]] = a[i + 1];
    }
    return integer(added);
  }

  KvReply hdel(const Argv& a) {
    bool wrong = false;
    Hash* h = hash(a[1], false, &wrong);
    if (wrong) return kWrongType;
    std::int64_t removed = 0;
    for (std::size_t i = 2; h && i < a.size(); ++i)
      removed += static_cast<std::int64_t>(h->erase(a[i]));
    if (h && h->empty()) data.erase(a[1]);
    return integer(removed);
  }

  KvReply hincrby(const Argv& a) {
    std::int64_t delta = 0;
    if (!parse_int(a[3], &delta)) return kNotInteger;
    bool wrong = false;
    Hash* h = hash(a[1], true, &wrong);
    if (wrong) return kWrongType;
    std::int64_t value = 0;
    auto it = h->find(a[2]);
    if (it != h->end() && !parse_int(it->second, &value)) {
      return KvReply{KvError{"ERR hash value is not an integer"}};
    }
    if (add_overflows(value, delta)) {
      return KvReply{KvError{"ERR increment or decrement would overflow"}};
    }
    (*h)[a[2]] = std::to_string(value + delta);
    return integer(value + delta);
  }

  KvReply hgetall(const Argv& a) {
    bool wrong = false;
    Hash* h = hash(a[1], false, &wrong);
    if (wrong) return kWrongType;
    std::vector<KvReply> items;
    for (const auto& [field, value] : h ? *h : Hash{}) {
      items.push_back(KvReply{field});
      items.push_back(KvReply{value});
    }
    return KvReply{std::move(items)};
  }
};

KvReply SimKv::Impl::execute(const Argv& argv) {
  struct Spec {
    Handler fn;
    std::size_t argc_min;
    std::size_t argc_max;  // 0: no upper bound
  };
  static const std::map<std::string, Spec> kCommands = {
      {"GET", {&Impl::get, 2, 2}},         {"SET", {&Impl::set, 3, 0}},
      {"DEL", {&Impl::del, 2, 0}},         {"EXISTS", {&Impl::exists, 2, 0}},
      {"INCR", {&Impl::incr, 2, 2}},       {"DECR", {&Impl::incr, 2, 2}},
      {"INCRBY", {&Impl::incrby, 3, 3}},   {"DECRBY", {&Impl::incrby, 3, 3}},
      {"EXPIRE", {&Impl::expire, 3, 3}},   {"PEXPIRE", {&Impl::expire, 3, 3}},
      {"TTL", {&Impl::ttl, 2, 2}},         {"PTTL", {&Impl::ttl, 2, 2}},
      {"HGET", {&Impl::hget, 3, 3}},       {"HSET", {&Impl::hset, 4, 0}},
      {"HDEL", {&Impl::hdel, 3, 0}},       {"HEXISTS", {&Impl::hexists, 3, 3}},
      {"HINCRBY", {&Impl::hincrby, 4, 4}}, {"HGETALL", {&Impl::hgetall, 2, 2}},
  };
  if (argv.empty()) return KvReply{KvError{"ERR empty command"}};
  std::string name = argv[0];
  std::transform(name.begin(), name.end(), name.begin(), ::toupper);
  auto it = kCommands.find(name);
  if (it == kCommands.end()) {
    return KvReply{KvError{"ERR unknown command '" + argv[0] + "'"}};
  }
  const Spec& spec = it->second;
  if (argv.size() < spec.argc_min || (spec.argc_max && argv.size() > spec.argc_max)) {
    return wrong_arity(argv[0]);
  }
  Argv normalized = argv;
  normalized[0] = name;
  return (this->*spec.fn)(normalized);
}

void SimKv::Impl::submit(std::function<core::Result<KvReply>(Impl&)> run,
                         core::KvReplyCallback done) {
  if (!available) {
    clock.post([done = std::move(done)] {
      done(core::make_error(core::Errc::kUnavailable, "kv: server unavailable"));
    });
    return;
  }
  std::weak_ptr<Impl> weak = shared_from_this();
  clock.call_after(latency_us, [weak, run = std::move(run), done = std::move(done)] {
    auto self = weak.lock();
    if (!self) return;
    if (!self->available) {
      return done(core::make_in_doubt(core::Errc::kUnavailable, "kv: connection lost"));
    }
    core::Result<KvReply> reply = run(*self);
    if (self->replies_to_lose > 0) {
      --self->replies_to_lose;
      const std::int64_t timeout_ms = self->options.command_timeout_ms;
      self->clock.call_after(timeout_ms * 1000, [done, timeout_ms] {
        done(core::make_in_doubt(core::Errc::kTimeout, "kv: no reply within {} ms", timeout_ms));
      });
      return;
    }
    done(std::move(reply));
  });
}

SimKv::SimKv(core::Clock& clock, core::KvOptions options)
    : impl_(std::make_shared<Impl>(clock, std::move(options))) {}

SimKv::~SimKv() = default;

void SimKv::command(std::vector<std::string> argv, core::KvReplyCallback on_reply) {
  impl_->submit(
      [argv = std::move(argv)](Impl& self) -> core::Result<KvReply> {
        KvReply reply = self.execute(argv);
        if (const auto* err = std::get_if<KvError>(&reply.value)) {
          return core::make_error(core::Errc::kRejected, "kv {}: {}", argv.empty() ? "" : argv[0],
                                  err->message);
        }
        return reply;
      },
      std::move(on_reply));
}

void SimKv::eval(const core::KvScript& script, std::vector<std::string> keys,
                 std::vector<std::string> args, core::KvReplyCallback on_reply) {
  impl_->submit([script, keys = std::move(keys),
                 args = std::move(args)](Impl& self) { return self.lua.eval(script, keys, args); },
                std::move(on_reply));
}

void SimKv::set_latency_us(std::int64_t latency_us) {
  impl_->latency_us = std::max<std::int64_t>(latency_us, 0);
}

void SimKv::set_available(bool available) {
  impl_->available = available;
}

void SimKv::lose_replies(int count) {
  impl_->replies_to_lose = count;
}

std::size_t SimKv::size() const {
  std::size_t n = 0;
  for (const auto& [key, entry] : impl_->data) {
    n += entry.expire_at_us < 0 || entry.expire_at_us > impl_->clock.now_us() ? 1 : 0;
  }
  return n;
}

}  // namespace sim
