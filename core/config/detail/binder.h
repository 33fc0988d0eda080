/// @file core/config/detail/binder.h
/// @brief Private to core/config: the one schema walk every config struct goes through.
///
/// Each service declares its schema once, as a `bind(Binder&, Config&)` function that names
/// every key with its member and its rule. The same function reads a tree into the struct
/// (checking types and ranges, and reporting keys nobody bound as unknown, with a "did you
/// mean") and dumps a struct back into a tree (for the debug log). Defaults are the struct's
/// member initializers, so a key absent from the YAML keeps its default.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/detail/tree.h"

namespace core::config_detail {

/// What a string must look like.
enum class Text {
  kAny,       // anything, including empty
  kNonEmpty,  // at least one character
  kToken,     // non-empty, no whitespace (symbols, subject tokens, names)
};

class Binder {
 public:
  /// Reads `root` into whatever `body` binds. Returns every error found, joined by "; ".
  static Status read(const Node& root, const std::function<void(Binder&)>& body);
  /// Writes whatever `body` binds into `out` (URL credentials masked).
  static void dump(Node& out, const std::function<void(Binder&)>& body);

  void section(std::string_view key, const std::function<void(Binder&)>& body);
  void flag(std::string_view key, bool& value);
  void integer(std::string_view key, int& value, int min, int max);
  void integer(std::string_view key, std::int64_t& value, std::int64_t min, std::int64_t max);
  /// Seconds as a number (fractions allowed), inside [min, max].
  void seconds(std::string_view key, double& value, double min, double max);
  void text(std::string_view key, std::string& value, Text rule);
  /// One of `allowed`, matched without regard to case and stored as spelled in `allowed`.
  void choice(std::string_view key, std::string& value,
              std::initializer_list<std::string_view> allowed);
  /// A URL whose scheme is one of `schemes` ("nats", "https", ...).
  void url(std::string_view key, std::string& value,
           std::initializer_list<std::string_view> schemes);
  /// A non-negative decimal number kept as written ("1000", "0.5"), so no digit is lost.
  void decimal(std::string_view key, std::string& value);
  void list(std::string_view key, std::vector<std::string>& value, Text rule);

 private:
  Binder(const Node* in, Node* out, std::string path, std::vector<std::string>* errors);
  /// Read mode: the node for `key` when present and not null; marks `key` as known.
  const Node* take(std::string_view key);
  /// Read mode: the scalar for `key`, or nullptr after recording a type error.
  const Node* take_scalar(std::string_view key, std::string_view expected);
  void put(std::string_view key, std::string scalar);
  void fail(std::string_view key, std::string_view expected, const Node& got);
  void check_unknown_keys();
  std::string full(std::string_view key) const;

  const Node* in_;  // read mode
  Node* out_;       // dump mode
  std::string path_;
  std::vector<std::string>* errors_;
  std::vector<std::string> known_;
};

/// "nats://user:pw@host:4222" -> "nats://***@host:4222": credentials never reach a log.
std::string mask_credentials(std::string_view url);

/// The loader every service uses: build the tree, read it through `bind`.
template <typename Config>
Result<Config> load_config(const LoadOptions& opts, void (*bind)(Binder&, Config&)) {
  Result<Node> tree = build_tree(opts);
  if (!tree) return tree.status();
  Config config;
  Status st = Binder::read(*tree, [&](Binder& b) { bind(b, config); });
  if (!st) return st;
  return config;
}

/// The full effective config as YAML text.
template <typename Config>
std::string dump_config(const Config& config, void (*bind)(Binder&, Config&)) {
  Config copy = config;
  Node root;
  Binder::dump(root, [&](Binder& b) { bind(b, copy); });
  return to_yaml(root);
}

}  // namespace core::config_detail
