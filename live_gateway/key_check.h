/// @file live_gateway/key_check.h
/// @brief KeyCheck: at start-up, one signed `GET /api/v3/account` proves the Binance keys work
/// before live trading may begin.
///
/// start() sends the request when exchanges.binance is enabled and both keys are present:
/// `{api_url}/api/v3/account?timestamp=<wall ms>&recvWindow=5000&signature=<hmac>` with
/// header X-MBX-APIKEY, timeout 3 s. The outcome is logged (HTTP status and the exchange's
/// code and msg; never the key, the secret, the signed query or the signature), counted in
/// `live_gateway_key_check_total{result="ok|rejected|unreachable"}` and written to the trace
/// as `key_check/binance`. 2xx is ok, any other HTTP status is rejected, no answer is
/// unreachable. A failure never stops the service: paper trading goes on, and when the config
/// asks for live trading (service.mode live, safety.paper_trading_only false, binance mode
/// live) the service stays paper and says so. Runs on the clock's loop thread; borrows every
/// argument, all of which must outlive it.
#pragma once

#include <cstdint>
#include <string>

#include "core/config/live_gateway_config.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/ports/clock.h"
#include "core/ports/http.h"
#include "core/secrets/secrets.h"
#include "core/trace.h"

namespace live_gateway {

class KeyCheck {
 public:
  enum class Outcome { kSkipped, kPending, kOk, kRejected, kUnreachable };

  static constexpr std::int64_t kTimeoutUs = 3'000'000;
  static constexpr int kRecvWindowMs = 5000;

  /// `trace` may be null (no trace configured).
  KeyCheck(core::Clock& clock, core::HttpClient& http, core::metrics::Registry& metrics,
           core::TraceWriter* trace, const core::LiveGatewayConfig& config,
           const core::Secrets& secrets);

  /// Sends the check, or settles on kSkipped when Binance is disabled or its keys are absent.
  void start();
  Outcome outcome() const { return outcome_; }
  /// True only when the config asks for live trading on Binance and the check passed.
  bool live_trading_allowed() const;

 private:
  void finish(Outcome outcome, int http_status, std::int64_t exchange_code, std::string msg);
  bool live_requested() const;

  core::Clock& clock_;
  core::HttpClient& http_;
  core::TraceWriter* trace_;
  const core::LiveGatewayConfig& config_;
  const core::ExchangeKeys& keys_;
  core::log::Logger log_;
  core::metrics::Counter& ok_total_;
  core::metrics::Counter& rejected_total_;
  core::metrics::Counter& unreachable_total_;
  Outcome outcome_ = Outcome::kPending;
};

/// "skipped", "pending", "ok", "rejected", "unreachable".
const char* outcome_name(KeyCheck::Outcome outcome);

}  // namespace live_gateway
