/// @file sim/mockex/request_params.h
/// @brief Binance REST request parameters: the query string and the form body of one request,
/// URL-decoded, with Binance's rule that the query string wins over the body on a duplicate.
///
/// Keeps the raw bytes too, because the signature is checked over them exactly as sent
/// (PROTOCOLS.md 1.4). Plain value; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/http.h"

namespace sim::mockex {

/// "a=1&b=%2F" -> {("a","1"),("b","/")} in order; '+' decodes to a space.
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view text);

class RequestParams {
 public:
  /// Splits `request.target` into path and query; reads the body when it is a form (any
  /// Content-Type other than JSON, as Binance accepts bodies without one).
  explicit RequestParams(const core::HttpRequest& request);

  const std::string& path() const { return path_; }
  const std::string& raw_query() const { return raw_query_; }
  const std::string& raw_body() const { return raw_body_; }
  /// The first value of `name`, query string first, then body.
  std::optional<std::string> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }

 private:
  std::string path_;
  std::string raw_query_;
  std::string raw_body_;
  std::vector<std::pair<std::string, std::string>> query_;
  std::vector<std::pair<std::string, std::string>> body_;
};

/// `raw` with its `signature=...` parameter (and the '&' joining it) cut out; `found` tells
/// whether there was one. Binance signs the rest byte for byte.
std::string strip_signature(std::string_view raw, bool& found);

}  // namespace sim::mockex
