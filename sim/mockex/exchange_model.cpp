#include "sim/mockex/exchange_model.h"

#include "sim/mockex/detail/decimal_ops.h"

namespace sim::mockex {
namespace {

using core::SpotOrderType;

BinanceError error(int code, std::string msg) {
  return BinanceError{400, code, std::move(msg)};
}

BinanceError missing(std::string_view param) {
  return error(-1102, fmt::format("Mandatory parameter '{}' was not sent, was empty/null, or "
                                  "malformed.",
                                  param));
}

BinanceError not_required(std::string_view param) {
  return error(-1106, fmt::format("Parameter '{}' sent when not required.", param));
}

BinanceError invalid_symbol() {
  return error(-1121, "Invalid symbol.");
}

/// -1102/-1106 by type, as Binance names the parameter.
std::optional<BinanceError> check_parameters(const NewOrderRequest& r) {
  if (r.type == SpotOrderType::kMarket) {
    if (!r.quantity && !r.quote_order_qty) {
      return error(-1102,
                   "Param 'quantity' or 'quoteOrderQty' must be sent, but both were "
                   "empty/null!");
    }
    if (r.quantity && r.quote_order_qty) return not_required("quoteOrderQty");
    if (r.price) return not_required("price");
    return std::nullopt;
  }
  if (r.type == SpotOrderType::kLimit && !r.time_in_force) return missing("timeInForce");
  if (!r.quantity) return missing("quantity");
  if (!r.price) return missing("price");
  if (r.quote_order_qty) return not_required("quoteOrderQty");
  return std::nullopt;
}

}  // namespace

std::map<std::string, Decimal> ExchangeConfig::default_starting_balances() {
  return {{"BTC", Decimal::from_int(1)},
          {"ETH", Decimal::from_int(10)},
          {"SOL", Decimal::from_int(100)},
          {"USDT", Decimal::from_int(10000)}};
}

ExchangeModel::ExchangeModel(ExchangeConfig config)
    : config_(std::move(config)), ledger_(config_.starting_balances) {
  for (const auto& info : config_.symbols) symbols_[info.symbol].info = info;
}

Reply<NewOrderResult> ExchangeModel::new_order(const std::string& api_key,
                                               const NewOrderRequest& request,
                                               std::int64_t now_ms) {
  const auto it = symbols_.find(request.symbol);
  if (it == symbols_.end()) return invalid_symbol();
  SymbolState& s = it->second;
  ledger_.open(api_key, now_ms);
  if (auto e = validate(s, api_key, request)) return *e;

  OrderRecord order;
  order.api_key = api_key;
  order.symbol = request.symbol;
  order.order_id = s.next_order_id;  // taken only when the order is accepted
  order.client_order_id = request.new_client_order_id.value_or(std::string());
  order.side = request.side;
  order.type = request.type;
  order.time_in_force = request.time_in_force.value_or(core::TimeInForce::kGtc);
  // Normalized so "60000.00000000" and "60000" carry the same (small) scale into products.
  order.price = request.type == SpotOrderType::kMarket ? Decimal{} : request.price->normalized();
  order.orig_qty = request.quantity.value_or(Decimal{}).normalized();
  order.orig_quote_order_qty = request.quote_order_qty.value_or(Decimal{}).normalized();
  order.time_ms = order.update_time_ms = now_ms;
  const RespType resp = request.new_order_resp_type.value_or(
      request.type == SpotOrderType::kLimitMaker ? RespType::kAck : RespType::kFull);
  return execute(s, std::move(order), resp, now_ms);
}

std::optional<BinanceError> ExchangeModel::validate(const SymbolState& s,
                                                    const std::string& api_key,
                                                    const NewOrderRequest& r) const {
  if (auto e = check_parameters(r)) return e;
  const auto open_it = open_by_key_.find(api_key);
  std::int64_t open_on_symbol = 0;
  bool duplicate = false;
  if (open_it != open_by_key_.end()) {
    for (const auto& key : open_it->second) {
      if (key.first != r.symbol) continue;
      ++open_on_symbol;
      duplicate |=
          r.new_client_order_id && orders_.at(key).client_order_id == *r.new_client_order_id;
    }
  }
  const auto rejection =
      r.quote_order_qty
          ? core::check_quote_order(s.info.filters, *r.quote_order_qty)
          : core::check_order(s.info.filters,
                              core::FilterInput{r.side, r.type, r.price, *r.quantity,
                                                reference_price(r.symbol), open_on_symbol});
  if (rejection) return error(rejection->code, rejection->msg);
  if (duplicate) return error(-2010, "Duplicate order sent.");
  if (r.type == SpotOrderType::kLimitMaker && s.book.would_take(r.side, *r.price)) {
    return error(-2010, "Order would immediately match and take.");
  }
  return std::nullopt;
}

Reply<CancelResult> ExchangeModel::cancel_order(
    const std::string& api_key, const std::string& symbol, std::optional<std::uint64_t> order_id,
    const std::optional<std::string>& orig_client_order_id,
    const std::optional<std::string>& new_client_order_id, std::int64_t now_ms) {
  const auto it = symbols_.find(symbol);
  if (it == symbols_.end()) return invalid_symbol();
  if (!order_id && !orig_client_order_id) {
    return error(-1102,
                 "Param 'origClientOrderId' or 'orderId' must be sent, but both were "
                 "empty/null!");
  }
  OrderRecord* order = find_open(api_key, symbol, order_id, orig_client_order_id);
  if (order == nullptr) return error(-2011, "Unknown order sent.");
  it->second.book.remove(order->side, order->price, order->order_id);
  ledger_.unlock(
      api_key, order->side == Side::kBuy ? it->second.info.quote_asset : it->second.info.base_asset,
      order->locked);
  ledger_.touch(api_key, now_ms);
  order->locked = Decimal{};
  order->status = OrderState::kCanceled;
  order->update_time_ms = now_ms;
  set_open(*order, false);
  emit(*order);
  return CancelResult{*order, new_client_order_id.value_or(next_client_order_id()), now_ms};
}

Reply<OrderRecord> ExchangeModel::query_order(
    const std::string& api_key, const std::string& symbol, std::optional<std::uint64_t> order_id,
    const std::optional<std::string>& orig_client_order_id) const {
  if (symbols_.count(symbol) == 0) return invalid_symbol();
  if (!order_id && !orig_client_order_id) {
    return error(-1102,
                 "Param 'origClientOrderId' or 'orderId' must be sent, but both were "
                 "empty/null!");
  }
  if (!order_id) {
    const auto c = by_client_id_.find({api_key, symbol, *orig_client_order_id});
    if (c != by_client_id_.end()) order_id = c->second;
  }
  const auto it = order_id ? orders_.find({symbol, *order_id}) : orders_.end();
  if (it == orders_.end() || it->second.api_key != api_key ||
      (orig_client_order_id && it->second.client_order_id != *orig_client_order_id)) {
    return error(-2013, "Order does not exist.");
  }
  return it->second;
}

Reply<std::vector<OrderRecord>> ExchangeModel::open_orders(
    const std::string& api_key, const std::optional<std::string>& symbol) const {
  if (symbol && symbols_.count(*symbol) == 0) return invalid_symbol();
  std::vector<OrderRecord> out;
  const auto it = open_by_key_.find(api_key);
  if (it == open_by_key_.end()) return out;
  for (const auto& key : it->second) {
    if (!symbol || key.first == *symbol) out.push_back(orders_.at(key));
  }
  return out;
}

AccountView ExchangeModel::account(const std::string& api_key, std::int64_t now_ms) {
  ledger_.open(api_key, now_ms);
  return AccountView{config_.maker_rate, config_.taker_rate, ledger_.update_time_ms(api_key),
                     ledger_.uid(api_key), ledger_.balances(api_key)};
}

void ExchangeModel::apply_book_ticker(const std::string& symbol, const Decimal& bid,
                                      const Decimal& bid_qty, const Decimal& ask,
                                      const Decimal& ask_qty, std::int64_t now_ms) {
  const auto it = symbols_.find(symbol);
  if (it == symbols_.end()) return;
  settle_market_crossings(it->second, it->second.book.apply_book_ticker(bid, bid_qty, ask, ask_qty),
                          now_ms);
}

void ExchangeModel::apply_depth_level(const std::string& symbol, Side side, const Decimal& price,
                                      const Decimal& qty, std::int64_t now_ms) {
  const auto it = symbols_.find(symbol);
  if (it == symbols_.end()) return;
  settle_market_crossings(it->second, it->second.book.apply_depth_level(side, price, qty), now_ms);
}

void ExchangeModel::apply_trade(const std::string& symbol, const Decimal& price, const Decimal& qty,
                                Side taker_side, std::int64_t now_ms) {
  const auto it = symbols_.find(symbol);
  if (it == symbols_.end()) return;
  it->second.last_trade_price = price;
  settle_market_crossings(it->second, it->second.book.apply_trade(price, qty, taker_side), now_ms);
}

std::optional<Decimal> ExchangeModel::reference_price(const std::string& symbol) const {
  const auto it = symbols_.find(symbol);
  if (it == symbols_.end()) return std::nullopt;
  if (it->second.last_trade_price) return it->second.last_trade_price;
  const auto bid = it->second.book.best_recorded(Side::kBuy);
  const auto ask = it->second.book.best_recorded(Side::kSell);
  if (!bid || !ask) return std::nullopt;
  return detail::checked(
      detail::add(*bid, *ask).div_round(Decimal::from_int(2), 8, core::Rounding::kHalfEven));
}

const core::SymbolInfo* ExchangeModel::symbol_info(const std::string& symbol) const {
  const auto it = symbols_.find(symbol);
  return it == symbols_.end() ? nullptr : &it->second.info;
}

const OrderBook* ExchangeModel::book(const std::string& symbol) const {
  const auto it = symbols_.find(symbol);
  return it == symbols_.end() ? nullptr : &it->second.book;
}

std::vector<OrderEvent> ExchangeModel::drain_events() {
  return std::exchange(events_, {});
}

OrderRecord* ExchangeModel::find_open(const std::string& api_key, const std::string& symbol,
                                      std::optional<std::uint64_t> order_id,
                                      const std::optional<std::string>& client_order_id) {
  const auto open_it = open_by_key_.find(api_key);
  if (open_it == open_by_key_.end()) return nullptr;
  for (const auto& key : open_it->second) {
    if (key.first != symbol) continue;
    OrderRecord& order = orders_.at(key);
    if (order_id ? order.order_id == *order_id : order.client_order_id == *client_order_id) {
      return &order;
    }
  }
  return nullptr;
}

std::string ExchangeModel::next_client_order_id() {
  return fmt::format("mockex{:016x}", next_client_seq_++);
}

void ExchangeModel::set_open(OrderRecord& order, bool open) {
  const OrderKey key{order.symbol, order.order_id};
  if (open) {
    open_by_key_[order.api_key].insert(key);
    return;
  }
  auto it = open_by_key_.find(order.api_key);
  if (it == open_by_key_.end()) return;
  it->second.erase(key);
  if (it->second.empty()) open_by_key_.erase(it);
}

void ExchangeModel::emit(const OrderRecord& order, std::optional<TradeFill> fill, bool first_fill) {
  events_.push_back(OrderEvent{order, std::move(fill), first_fill});
}

}  // namespace sim::mockex
