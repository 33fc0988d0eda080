#include "live_gateway/key_check.h"

#include <nlohmann/json.hpp>

#include "core/sign.h"

namespace live_gateway {
namespace {

constexpr std::size_t kExchangeMsgBytesMax = 200;

core::metrics::Counter& outcome_counter(core::metrics::Registry& metrics, const char* result) {
  return metrics.counter("live_gateway_key_check_total",
                         "Start-up checks of the exchange keys with a signed request, by result.",
                         {{"exchange", "binance"}, {"result", result}});
}

/// Binance errors are `{"code":-2015,"msg":"..."}`; anything else leaves code 0 and no msg.
void parse_exchange_error(const std::string& body, std::int64_t& code, std::string& msg) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return;
  if (auto it = j.find("code"); it != j.end() && it->is_number_integer()) {
    code = it->get<std::int64_t>();
  }
  if (auto it = j.find("msg"); it != j.end() && it->is_string()) {
    msg = it->get<std::string>().substr(0, kExchangeMsgBytesMax);
  }
}

}  // namespace

const char* outcome_name(KeyCheck::Outcome outcome) {
  switch (outcome) {
    case KeyCheck::Outcome::kSkipped:
      return "skipped";
    case KeyCheck::Outcome::kPending:
      return "pending";
    case KeyCheck::Outcome::kOk:
      return "ok";
    case KeyCheck::Outcome::kRejected:
      return "rejected";
    case KeyCheck::Outcome::kUnreachable:
      return "unreachable";
  }
  return "unknown";
}

KeyCheck::KeyCheck(core::Clock& clock, core::HttpClient& http, core::metrics::Registry& metrics,
                   core::TraceWriter* trace, const core::LiveGatewayConfig& config,
                   const core::Secrets& secrets)
    : clock_(clock),
      http_(http),
      trace_(trace),
      config_(config),
      keys_(secrets.binance),
      log_("live_gateway.key_check"),
      ok_total_(outcome_counter(metrics, "ok")),
      rejected_total_(outcome_counter(metrics, "rejected")),
      unreachable_total_(outcome_counter(metrics, "unreachable")) {}

bool KeyCheck::live_requested() const {
  return config_.service.mode == "live" && !config_.safety.paper_trading_only &&
         config_.exchanges.binance.enabled && config_.exchanges.binance.mode == "live";
}

bool KeyCheck::live_trading_allowed() const {
  return live_requested() && outcome_ == Outcome::kOk;
}

void KeyCheck::start() {
  if (!config_.exchanges.binance.enabled || !keys_.complete()) {
    outcome_ = Outcome::kSkipped;
    log_.info("binance key check skipped",
              {{"reason", config_.exchanges.binance.enabled ? "keys absent" : "binance disabled"}});
    if (live_requested()) log_.warn("live trading refused: no binance keys; staying paper");
    return;
  }
  core::Result<core::Url> origin = core::parse_url(config_.exchanges.binance.api_url);
  if (!origin) {
    finish(Outcome::kUnreachable, 0, 0, origin.status().message);
    return;
  }
  std::string query =
      fmt::format("timestamp={}&recvWindow={}", clock_.wall_us() / 1000, kRecvWindowMs);
  core::HttpRequest request{"GET",
                            "/api/v3/account?" + core::binance_signed_query(query, *keys_.secret),
                            {{"X-MBX-APIKEY", keys_.api_key->expose()}},
                            ""};
  log_.debug("binance key check sent",
             {{"url", config_.exchanges.binance.api_url}, {"key", *keys_.api_key}});
  http_.request(*origin, std::move(request), kTimeoutUs,
                [this](core::Result<core::HttpResponse> response) {
                  if (!response) {
                    finish(Outcome::kUnreachable, 0, 0, response.status().message);
                    return;
                  }
                  std::int64_t code = 0;
                  std::string msg;
                  bool ok = response->status >= 200 && response->status < 300;
                  if (!ok) parse_exchange_error(response->body, code, msg);
                  finish(ok ? Outcome::kOk : Outcome::kRejected, response->status, code, msg);
                });
}

void KeyCheck::finish(Outcome outcome, int http_status, std::int64_t exchange_code,
                      std::string msg) {
  outcome_ = outcome;
  (outcome == Outcome::kOk         ? ok_total_
   : outcome == Outcome::kRejected ? rejected_total_
                                   : unreachable_total_)
      .inc();
  if (trace_ != nullptr) {
    trace_->event(clock_.now_us(), "key_check", "binance")
        .str("result", outcome_name(outcome))
        .i64("status", http_status)
        .i64("code", exchange_code);
  }
  core::log::Fields fields = {{"result", outcome_name(outcome)},
                              {"status", http_status},
                              {"code", exchange_code},
                              {"msg", msg},
                              {"key", *keys_.api_key}};
  if (outcome == Outcome::kOk) {
    log_.info("binance key check", fields);
    if (live_requested()) log_.info("live trading allowed on binance");
  } else {
    log_.warn("binance key check", fields);
    if (live_requested())
      log_.warn("live trading refused: binance key check failed; staying paper");
  }
}

}  // namespace live_gateway
