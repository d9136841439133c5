// SPDX-License-Identifier: GPL-3.0-or-later
// Node accessors and the debug rendering.
#include "host/engine/types/node.hpp"

namespace wabot::engine {

namespace {
std::string value_text(const AttrValue& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  return std::get<Jid>(v).to_string();
}
}  // namespace

std::optional<std::string> Node::attr(std::string_view key) const {
  for (const auto& a : attrs)
    if (a.key == key) return value_text(a.value);
  return std::nullopt;
}

std::string Node::attr_or(std::string_view key, std::string_view fallback) const {
  auto v = attr(key);
  return v ? *v : std::string(fallback);
}

std::optional<Jid> Node::attr_jid(std::string_view key) const {
  for (const auto& a : attrs) {
    if (a.key != key) continue;
    if (auto* j = std::get_if<Jid>(&a.value)) return *j;
    auto parsed = Jid::parse(std::get<std::string>(a.value));
    if (!parsed) return std::nullopt;
    return parsed.value();
  }
  return std::nullopt;
}

void Node::set_attr(std::string key, AttrValue value) {
  for (auto& a : attrs)
    if (a.key == key) {
      a.value = std::move(value);
      return;
    }
  attrs.push_back({std::move(key), std::move(value)});
}

const Node* Node::child(std::string_view t) const {
  if (auto* list = children())
    for (const auto& c : *list)
      if (c.tag == t) return &c;
  return nullptr;
}

std::vector<const Node*> Node::children_named(std::string_view t) const {
  std::vector<const Node*> out;
  if (auto* list = children())
    for (const auto& c : *list)
      if (c.tag == t) out.push_back(&c);
  return out;
}

std::optional<Bytes> Node::content_bytes() const {
  if (auto* b = bytes()) return *b;
  if (auto* s = std::get_if<std::string>(&content)) return Bytes(s->begin(), s->end());
  return std::nullopt;
}

std::string Node::to_debug_string() const {
  static const char* hex = "0123456789abcdef";
  std::string out = "<" + tag;
  for (const auto& a : attrs) out += " " + a.key + "=\"" + value_text(a.value) + "\"";
  if (std::holds_alternative<std::monostate>(content)) return out + "/>";
  out += ">";
  if (auto* list = children()) {
    for (const auto& c : *list) out += c.to_debug_string();
  } else if (auto* b = bytes()) {
    out += "<!-- " + std::to_string(b->size()) + " bytes: ";
    for (std::size_t i = 0; i < b->size() && i < 32; ++i) {
      out += hex[(*b)[i] >> 4];
      out += hex[(*b)[i] & 15];
    }
    out += b->size() > 32 ? "... -->" : " -->";
  } else if (auto* s = std::get_if<std::string>(&content)) {
    out += *s;
  } else if (auto* j = std::get_if<Jid>(&content)) {
    out += j->to_string();
  }
  return out + "</" + tag + ">";
}

}  // namespace wabot::engine
