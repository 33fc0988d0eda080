/// @file core/config/detail/tree.h
/// @brief Private to core/config: a YAML document as a plain tree, free of yaml-cpp types.
///
/// yaml-cpp stays inside tree.cpp so no public header pulls it in. Every node remembers where
/// it came from ("gateway.yaml line 12", "--set", "env LOG_LEVEL") for error messages.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config/options.h"
#include "core/status.h"

namespace core::config_detail {

struct Node {
  enum class Kind { kNull, kScalar, kList, kMap };
  Kind kind = Kind::kNull;
  std::string scalar;
  bool quote = false;                                // dump: a string, written in quotes
  std::vector<Node> items;                           // kList
  std::vector<std::pair<std::string, Node>> fields;  // kMap, in document order
  std::string origin;

  const Node* find(std::string_view key) const;
  /// Turns a null node into a map; returns the child, adding a null one when absent.
  Node& child(std::string_view key);
};

/// Parses a YAML document (empty text gives an empty map). `source` names it in origins.
Result<Node> parse_yaml(std::string_view text, std::string_view source);

/// Applies the file or text, the environment and the `--set` overrides of `opts`.
Result<Node> build_tree(const LoadOptions& opts);

/// Block-style YAML with flow lists; strings double-quoted. Used for the debug dump.
std::string to_yaml(const Node& root);

/// `"two"` for scalars, `a list` / `a mapping` / `nothing` otherwise.
std::string describe(const Node& node);

}  // namespace core::config_detail
