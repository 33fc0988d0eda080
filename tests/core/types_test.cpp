#include "core/types.h"

#include <catch2/catch.hpp>

using namespace core;

TEST_CASE("Every enum name parses back to its value", "[types]") {
  for (int i = 0; i <= static_cast<int>(RejectCode::kInsufficientBalance); ++i) {
    const auto code = static_cast<RejectCode>(i);
    CHECK(parse_reject_code(reject_code_name(code)) == code);
  }
  for (int i = 0; i <= static_cast<int>(OrderStatus::kFailed); ++i) {
    const auto status = static_cast<OrderStatus>(i);
    CHECK(parse_order_status(order_status_name(status)) == status);
  }
  CHECK(parse_exchange(exchange_name(Exchange::kKraken)) == Exchange::kKraken);
  CHECK(parse_tick_kind("ticker") == TickKind::kTicker);
  CHECK(parse_time_in_force("FOK") == TimeInForce::kFok);
  CHECK(parse_liquidity("maker") == Liquidity::kMaker);
  CHECK(parse_order_type("market") == OrderType::kMarket);
  CHECK_FALSE(parse_side("BUY"));
}

TEST_CASE("Reject codes and statuses keep their wire names", "[types]") {
  CHECK(reject_code_name(RejectCode::kPaperOnly) == "PAPER_ONLY");
  CHECK(reject_code_name(RejectCode::kDuplicateClientOrderId) == "DUPLICATE_CLIENT_ORDER_ID");
  CHECK(reject_code_name(RejectCode::kExchangeError) == "EXCHANGE_ERROR");
  CHECK(static_cast<int>(RejectCode::kExchangeError) == 12);
  CHECK(order_status_name(OrderStatus::kPartiallyFilled) == "partially_filled");
  CHECK(order_status_name(OrderStatus::kPendingApproval) == "pending_approval");
  CHECK(side_name(Side::kSell) == "sell");
}
