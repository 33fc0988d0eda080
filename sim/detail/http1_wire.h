/// @file sim/detail/http1_wire.h
/// @brief Private to sim/: HTTP/1.1 text on a byte stream, for the sim HTTP and WebSocket
/// adapters. `Http1Parser` reads requests or responses incrementally (any split of the bytes
/// gives the same messages); the write functions produce the text the Beast adapters send.
///
/// Bodies are framed by Content-Length only (chunked transfer coding is refused as malformed):
/// the adapters on both ends always send a length. Pure logic, no I/O, no clock.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/http.h"

namespace sim::detail {

/// One parsed message; `method`/`target` for a request, `status` for a response.
struct Http1Message {
  std::string method;
  std::string target;
  int status = 0;
  int version_minor = 1;  // HTTP/1.x
  core::Headers headers;
  std::string body;
};

class Http1Parser {
 public:
  enum class Kind { kRequest, kResponse };
  enum class State { kNeedMore, kDone, kMalformed, kTooLarge };

  Http1Parser(Kind kind, std::size_t body_bytes_max) : kind_(kind), body_max_(body_bytes_max) {}

  /// Appends bytes; they are parsed by parse().
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  /// The next message's headers announce a body it does not carry (the answer to HEAD).
  void skip_body() { skip_body_ = true; }
  /// Parses as far as the buffered bytes allow. After kDone, take() the message; bytes past it
  /// stay buffered for the next one. kMalformed and kTooLarge are final (error() says why).
  State parse();
  Http1Message take();
  const std::string& error() const { return error_; }
  /// Bytes buffered past the last message taken (e.g. frames after a WebSocket upgrade).
  std::string take_rest();

 private:
  State fail(State state, std::string why);
  State parse_head(std::string_view head);
  bool parse_start_line(std::string_view line);

  Kind kind_;
  std::size_t body_max_;
  std::string buffer_;
  std::size_t scanned_ = 0;     // where to resume the search for the end of the head
  std::size_t body_start_ = 0;  // set once the head is parsed
  std::size_t body_length_ = 0;
  bool head_done_ = false;
  bool skip_body_ = false;
  State final_ = State::kNeedMore;  // kMalformed or kTooLarge once failed
  std::string error_;
  Http1Message message_;
};

/// True when the message lets its connection carry another one (HTTP/1.1 unless
/// "Connection: close"; HTTP/1.0 only with "Connection: keep-alive").
bool keep_alive(const Http1Message& message);
/// True for a WebSocket upgrade request (Connection has the "upgrade" token, Upgrade: websocket).
bool is_websocket_upgrade(const Http1Message& request);
/// True when the comma-separated header `name` holds `token` (any case).
bool header_has_token(const core::Headers& headers, std::string_view name, std::string_view token);

/// The request as sent to `origin`: Host and Content-Length added when absent.
std::string write_request(const core::Url& origin, const core::HttpRequest& request);
/// The response; Content-Length added when absent, the body left out for HEAD, and
/// "Connection: close" added when `keep_alive` is false.
std::string write_response(const core::HttpResponse& response, bool head, bool keep_alive);
/// "OK", "Not Found", ...; "Unknown" for codes without a phrase here.
std::string_view reason_phrase(int status);

}  // namespace sim::detail
