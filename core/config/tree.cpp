// The only file that sees yaml-cpp: converts its documents into config_detail::Node.
#include "core/config/detail/tree.h"

#include "core/json_text.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace core::config_detail {
namespace {

// YAML's double-quoted style accepts JSON's escapes.
std::string quoted(std::string_view s) {
  std::string out;
  json::append_string(out, s);
  return out;
}

std::string where(std::string_view source, const YAML::Mark& mark) {
  if (mark.line < 0) return std::string(source);
  return fmt::format("{} line {}", source, mark.line + 1);
}

Result<Node> convert(const YAML::Node& y, std::string_view source, const std::string& path) {
  Node n;
  n.origin = where(source, y.Mark());
  switch (y.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return n;
    case YAML::NodeType::Scalar:
      n.kind = Node::Kind::kScalar;
      n.scalar = y.Scalar();
      return n;
    case YAML::NodeType::Sequence:
      n.kind = Node::Kind::kList;
      for (std::size_t i = 0; i < y.size(); ++i) {
        Result<Node> item = convert(y[i], source, fmt::format("{}[{}]", path, i));
        if (!item) return item.status();
        n.items.push_back(std::move(*item));
      }
      return n;
    case YAML::NodeType::Map:
      n.kind = Node::Kind::kMap;
      for (const auto& kv : y) {
        if (!kv.first.IsScalar()) {
          return make_error(Errc::kConfig, "config: keys must be plain names under '{}' in {}",
                            path, where(source, kv.first.Mark()));
        }
        std::string key = kv.first.Scalar();
        std::string key_path = path.empty() ? key : path + "." + key;
        if (n.find(key) != nullptr) {
          return make_error(Errc::kConfig, "config: duplicate key '{}' in {}", key_path,
                            where(source, kv.first.Mark()));
        }
        Result<Node> value = convert(kv.second, source, key_path);
        if (!value) return value.status();
        n.fields.emplace_back(std::move(key), std::move(*value));
      }
      return n;
  }
  return n;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(Errc::kConfig, "config: cannot read '{}': {}", path, std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void set_origin(Node& node, const std::string& origin) {
  node.origin = origin;
  for (Node& item : node.items) set_origin(item, origin);
  for (auto& field : node.fields) set_origin(field.second, origin);
}

bool valid_key_path(std::string_view key) {
  return !key.empty() && key.front() != '.' && key.back() != '.' &&
         key.find("..") == std::string_view::npos;
}

/// Puts `value` at dotted `key`, creating mappings on the way.
Status assign(Node& root, std::string_view key, Node value) {
  Node* at = &root;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = key.find('.', start);
    if (at->kind != Node::Kind::kMap && at->kind != Node::Kind::kNull) {
      return make_error(Errc::kConfig, "config: {}: '{}' is not a mapping", value.origin,
                        key.substr(0, start - 1));
    }
    at = &at->child(key.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (at->kind == Node::Kind::kNull) at->origin = value.origin;  // created by this override
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  *at = std::move(value);
  return Status::ok();
}

Status apply_set(Node& root, std::string_view assignment) {
  std::size_t eq = assignment.find('=');
  std::string_view key = assignment.substr(0, eq);
  if (eq == std::string_view::npos || !valid_key_path(key)) {
    return make_error(Errc::kConfig, "config: --set expects a.b.c=value, got '{}'", assignment);
  }
  std::string_view text = assignment.substr(eq + 1);
  std::string origin = fmt::format("--set {}", assignment);
  Node value;
  if (text.empty()) {  // `--set trace.path=` means the empty string, not "keep the default"
    value.kind = Node::Kind::kScalar;
  } else {
    Result<Node> parsed = parse_yaml(text, origin);
    if (!parsed) return parsed.status();
    value = std::move(*parsed);
  }
  set_origin(value, origin);
  return assign(root, key, std::move(value));
}

}  // namespace

const Node* Node::find(std::string_view key) const {
  for (const auto& [k, v] : fields) {
    if (k == key) return &v;
  }
  return nullptr;
}

Node& Node::child(std::string_view key) {
  if (kind == Kind::kNull) kind = Kind::kMap;
  for (auto& [k, v] : fields) {
    if (k == key) return v;
  }
  fields.emplace_back(std::string(key), Node{});
  fields.back().second.origin = origin;
  return fields.back().second;
}

Result<Node> parse_yaml(std::string_view text, std::string_view source) {
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return make_error(Errc::kConfig, "config: {} is not valid YAML: {}", where(source, e.mark),
                      e.msg);
  }
  return convert(doc, source, "");
}

Result<Node> build_tree(const LoadOptions& opts) {
  std::string text = opts.yaml_text;
  std::string source = "config text";
  if (!opts.path.empty()) {
    Result<std::string> file = read_file(opts.path);
    if (!file) return file.status();
    text = std::move(*file);
    source = opts.path;
  }
  Result<Node> root = parse_yaml(text, source);
  if (!root) return root;
  if (root->kind == Node::Kind::kNull) root->kind = Node::Kind::kMap;  // an empty file
  if (root->kind != Node::Kind::kMap) {
    return make_error(Errc::kConfig, "config: {} must be a mapping at the top, got {}", source,
                      describe(*root));
  }
  if (auto it = opts.env.find("LOG_LEVEL"); it != opts.env.end() && !it->second.empty()) {
    Node level;
    level.kind = Node::Kind::kScalar;
    level.scalar = it->second;
    level.origin = "env LOG_LEVEL";
    Status st = assign(*root, "service.log_level", std::move(level));
    if (!st) return st;
  }
  for (const std::string& s : opts.sets) {
    Status st = apply_set(*root, s);
    if (!st) return st;
  }
  return root;
}

std::string describe(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kNull:
      return "nothing";
    case Node::Kind::kScalar:
      return quoted(node.scalar);
    case Node::Kind::kList:
      return "a list";
    case Node::Kind::kMap:
      return "a mapping";
  }
  return "nothing";
}

namespace {

std::string scalar_text(const Node& n) {
  return n.quote ? quoted(n.scalar) : n.scalar;
}

void emit(const Node& node, int indent, std::string& out) {
  for (const auto& [key, value] : node.fields) {
    out.append(indent, ' ');
    out += key;
    out += ':';
    if (value.kind == Node::Kind::kMap) {
      out += "\n";
      emit(value, indent + 2, out);
      continue;
    }
    if (value.kind == Node::Kind::kList) {
      out += " [";
      for (std::size_t i = 0; i < value.items.size(); ++i) {
        if (i > 0) out += ", ";
        out += scalar_text(value.items[i]);
      }
      out += "]\n";
      continue;
    }
    out += ' ';
    out += scalar_text(value);
    out += '\n';
  }
}

}  // namespace

std::string to_yaml(const Node& root) {
  std::string out;
  emit(root, 0, out);
  return out;
}

}  // namespace core::config_detail
