#include "live_gateway/exposure.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/kv_scripts.h"

namespace live_gateway {
namespace {

/// Position kept after a fill is reserved against this instead of the cap: it was inside the
/// cap as an order already. Below 2^53 so Lua's doubles hold it exactly.
constexpr std::int64_t kUncappedMicroUsd = 4'000'000'000'000'000;

core::Result<std::int64_t> script_total(const core::Result<core::KvReply>& r, bool& flag) {
  if (!r) return r.status();
  const auto* a = r->array();
  if (a == nullptr || a->size() != 2 || (*a)[0].integer() == nullptr ||
      (*a)[1].integer() == nullptr) {
    return core::make_error(core::Errc::kProtocol, "exposure: unexpected script reply");
  }
  flag = *(*a)[0].integer() == 1;
  return *(*a)[1].integer();
}

core::Decimal from_micro(std::int64_t micro) {
  return core::Decimal::from_mantissa(micro, 6).value();
}

}  // namespace

Exposure::Exposure(core::Kv& kv, core::Decimal cap_usd, std::string key_prefix)
    : kv_(kv), prefix_(std::move(key_prefix)) {
  core::Result<std::int64_t> cap = to_micro_usd(cap_usd);
  cap_micro_usd_ = cap ? std::min(*cap, kUncappedMicroUsd) : kUncappedMicroUsd;
}

std::string Exposure::key(std::string_view account, std::string_view symbol) const {
  return fmt::format("{}:exposure:{}:{}", prefix_, account, symbol);
}

core::Result<std::int64_t> Exposure::to_micro_usd(const core::Decimal& usd) {
  core::Result<core::Decimal> micro =
      usd.div_round(core::Decimal::from_int(1), 6, core::Rounding::kCeiling);
  if (!micro || micro->is_negative() || micro->mantissa() > kUncappedMicroUsd) {
    return core::make_error(core::Errc::kInvalidArgument, "exposure: {} USD is out of range", usd);
  }
  return static_cast<std::int64_t>(micro->mantissa());
}

void Exposure::reserve(std::string_view account, std::string_view symbol,
                       std::string_view client_order_id, const core::Decimal& notional_usd,
                       std::function<void(core::Result<Outcome>)> done) {
  core::Result<std::int64_t> amount = to_micro_usd(notional_usd);
  if (!amount) return done(amount.status());
  kv_.eval(core::kReserveScript, {key(account, symbol)},
           {std::string(client_order_id), std::to_string(*amount), std::to_string(cap_micro_usd_)},
           [done = std::move(done)](core::Result<core::KvReply> r) {
             bool reserved = false;
             core::Result<std::int64_t> total = script_total(r, reserved);
             if (!total) return done(total.status());
             done(Outcome{reserved, from_micro(*total)});
           });
}

void Exposure::settle(std::string_view account, std::string_view symbol,
                      std::string_view client_order_id, const core::Decimal& filled_usd,
                      std::function<void(core::Status)> done) {
  core::Result<std::int64_t> kept = to_micro_usd(filled_usd);
  if (!kept) return done(kept.status());
  kv_.eval(core::kSettleScript, {key(account, symbol)},
           {std::string(client_order_id), std::to_string(*kept)},
           [done = std::move(done)](core::Result<core::KvReply> r) {
             bool settled = false;
             core::Result<std::int64_t> total = script_total(r, settled);
             done(total.status());  // on an error the order's reservation stays: the safe side
           });
}

void Exposure::total(std::string_view account, std::string_view symbol,
                     std::function<void(core::Result<core::Decimal>)> done) {
  kv_.command({"HGET", key(account, symbol), "total"},
              [done = std::move(done)](core::Result<core::KvReply> r) {
                if (!r) return done(r.status());
                if (r->is_nil()) return done(core::Decimal());
                const std::string* s = r->string();
                std::int64_t v = 0;
                if (s == nullptr || std::from_chars(s->data(), s->data() + s->size(), v).ptr !=
                                        s->data() + s->size()) {
                  return done(core::make_error(core::Errc::kProtocol, "exposure: bad total"));
                }
                done(from_micro(v));
              });
}

}  // namespace live_gateway
