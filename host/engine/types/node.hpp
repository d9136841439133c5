// SPDX-License-Identifier: GPL-3.0-or-later
// Node: one element of WhatsApp's binary XML (tag, ordered attributes, and children, bytes or text).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "host/engine/types/jid.hpp"

namespace wabot::engine {

using Bytes = std::vector<std::uint8_t>;

// An attribute value is text or a JID; the wire keeps the distinction (JID tags vs strings).
using AttrValue = std::variant<std::string, Jid>;

struct Attribute {
  std::string key;
  AttrValue value;
};

struct Node;
using NodeList = std::vector<Node>;

// Content: none, child nodes, raw bytes (BINARY_*), text, or a JID.
using NodeContent = std::variant<std::monostate, NodeList, Bytes, std::string, Jid>;

struct Node {
  std::string tag;
  std::vector<Attribute> attrs;
  NodeContent content;

  Node() = default;
  explicit Node(std::string t) : tag(std::move(t)) {}
  Node(std::string t, std::vector<Attribute> a) : tag(std::move(t)), attrs(std::move(a)) {}
  Node(std::string t, std::vector<Attribute> a, NodeContent c)
      : tag(std::move(t)), attrs(std::move(a)), content(std::move(c)) {}

  // Attribute as text (a JID value is formatted); nullopt when absent.
  std::optional<std::string> attr(std::string_view key) const;
  std::string attr_or(std::string_view key, std::string_view fallback = {}) const;
  // Attribute as a JID (a text value is parsed); nullopt when absent or unparsable.
  std::optional<Jid> attr_jid(std::string_view key) const;
  void set_attr(std::string key, AttrValue value);

  const NodeList* children() const { return std::get_if<NodeList>(&content); }
  const Bytes* bytes() const { return std::get_if<Bytes>(&content); }
  // The first child with this tag, or nullptr.
  const Node* child(std::string_view tag) const;
  std::vector<const Node*> children_named(std::string_view tag) const;
  // Byte content, or text content as bytes (the wire may carry either for the same element).
  std::optional<Bytes> content_bytes() const;

  // An XML-like rendering for logs and test failures (bytes as hex, truncated).
  std::string to_debug_string() const;

  bool operator==(const Node&) const = default;
};

}  // namespace wabot::engine
