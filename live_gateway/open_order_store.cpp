#include "live_gateway/open_order_store.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/codec/bus_json.h"
#include "core/json_text.h"
#include "core/log.h"

namespace live_gateway {
namespace {

const core::log::Logger& logger() {
  static const core::log::Logger log("live_gateway.open_orders");
  return log;
}

std::string field_name(std::string_view account, std::string_view client_order_id) {
  return fmt::format("{}/{}", account, client_order_id);
}

core::Status decimal_field(const nlohmann::json& j, const char* name, core::Decimal& out) {
  auto it = j.find(name);
  core::Result<core::Decimal> d =
      it != j.end() && it->is_string()
          ? core::Decimal::parse(it->get<std::string>())
          : core::Result<core::Decimal>(core::make_error(core::Errc::kInvalidArgument, "missing"));
  if (!d) {
    return core::make_error(core::Errc::kInvalidArgument,
                            "open order record.{}: expected a decimal string", name);
  }
  out = *d;
  return core::Status::ok();
}

}  // namespace

OpenOrderStore::OpenOrderStore(core::Kv& kv, std::string instance, std::string key_prefix)
    : kv_(kv), key_(fmt::format("{}:open:{}", key_prefix, instance)) {}

std::string OpenOrderStore::encode(const OpenOrder& open) {
  std::string order;
  core::codec::encode(open.order, order);
  std::string out;
  core::json::ObjectWriter(out)
      .str("status", core::order_status_name(open.status))
      .str("notional_usd", open.notional_usd.to_string())
      .str("filled_qty", open.filled_qty.to_string())
      .str("filled_usd", open.filled_usd.to_string())
      .raw("order", order)
      .close();
  return out;
}

core::Result<OpenOrder> OpenOrderStore::decode(std::string_view json) {
  const auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) {
    return core::make_error(core::Errc::kInvalidArgument, "open order record: not a JSON object");
  }
  OpenOrder open;
  auto status = j.find("status");
  std::optional<core::OrderStatus> s = status != j.end() && status->is_string()
                                           ? core::parse_order_status(status->get<std::string>())
                                           : std::nullopt;
  if (!s) {
    return core::make_error(core::Errc::kInvalidArgument,
                            "open order record.status: expected an order status");
  }
  open.status = *s;
  for (auto [name, out] :
       {std::pair{"notional_usd", &open.notional_usd}, std::pair{"filled_qty", &open.filled_qty},
        std::pair{"filled_usd", &open.filled_usd}}) {
    if (core::Status st = decimal_field(j, name, *out); !st) return st;
  }
  auto order = j.find("order");
  if (order == j.end() || !order->is_object()) {
    return core::make_error(core::Errc::kInvalidArgument,
                            "open order record.order: expected an object");
  }
  core::Result<core::Order> o = core::codec::decode_order(order->dump());
  if (!o) return o.status();
  open.order = std::move(*o);
  return open;
}

void OpenOrderStore::put(const OpenOrder& open) {
  std::string field = field_name(open.order.account, open.order.client_order_id.value_or(""));
  kv_.command({"HSET", key_, field, encode(open)}, [field](core::Result<core::KvReply> r) {
    if (!r)
      logger().warn("open order not stored", {{"order", field}, {"error", r.status().message}});
  });
}

void OpenOrderStore::erase(std::string_view account, std::string_view client_order_id) {
  std::string field = field_name(account, client_order_id);
  kv_.command({"HDEL", key_, field}, [field](core::Result<core::KvReply> r) {
    if (!r) {
      logger().warn("open order record not deleted",
                    {{"order", field}, {"error", r.status().message}});
    }
  });
}

void OpenOrderStore::load(std::function<void(core::Result<std::vector<OpenOrder>>)> done) {
  // The Kv runs the callback, so it is alive then; this store may not be.
  kv_.command({"HGETALL", key_}, [&kv = kv_, key = key_,
                                  done = std::move(done)](core::Result<core::KvReply> r) {
    if (!r) return done(r.status());
    const auto* a = r->array();
    if (a == nullptr || a->size() % 2 != 0) {
      return done(core::make_error(core::Errc::kProtocol, "{}: unexpected HGETALL reply", key));
    }
    std::vector<OpenOrder> out;
    for (std::size_t i = 0; i + 1 < a->size(); i += 2) {
      const std::string* field = (*a)[i].string();
      const std::string* value = (*a)[i + 1].string();
      core::Result<OpenOrder> open = value != nullptr
                                         ? decode(*value)
                                         : core::make_error(core::Errc::kProtocol, "not a string");
      if (open) {
        out.push_back(std::move(*open));
        continue;
      }
      std::string name = field != nullptr ? *field : std::string();
      logger().warn("unreadable open order record dropped",
                    {{"order", name}, {"error", open.status().message}});
      kv.command({"HDEL", key, name}, [](core::Result<core::KvReply>) {});
    }
    done(std::move(out));
  });
}

}  // namespace live_gateway
