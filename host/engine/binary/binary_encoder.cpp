// SPDX-License-Identifier: GPL-3.0-or-later
// Encoder of WhatsApp binary XML: tokens first, then nibble/hex packing, then raw bytes (Baileys' order).
#include "host/engine/binary/binary_encoder.hpp"

#include "host/engine/binary/token_dictionary.hpp"
#include "host/engine/binary/wire_tags.hpp"

namespace wabot::engine::binary {

namespace {

class Writer {
 public:
  explicit Writer(Bytes& out) : out_(out) {}

  void byte(std::uint8_t b) { out_.push_back(b); }
  void u16(std::uint16_t v) {
    byte(static_cast<std::uint8_t>(v >> 8));
    byte(static_cast<std::uint8_t>(v));
  }

  void list_start(std::size_t n) {
    if (n == 0) {
      byte(tag::list_empty);
    } else if (n < 256) {
      byte(tag::list_8);
      byte(static_cast<std::uint8_t>(n));
    } else {
      // Lists longer than 65535 cannot be expressed; callers never build them (asserted by truncation
      // being impossible: a stanza that large would exceed the frame limit long before).
      byte(tag::list_16);
      u16(static_cast<std::uint16_t>(n > 0xFFFF ? 0xFFFF : n));
    }
  }

  void raw(const std::uint8_t* data, std::size_t n) {
    if (n < 256) {
      byte(tag::binary_8);
      byte(static_cast<std::uint8_t>(n));
    } else if (n < (1u << 20)) {
      byte(tag::binary_20);
      byte(static_cast<std::uint8_t>((n >> 16) & 0x0F));
      byte(static_cast<std::uint8_t>(n >> 8));
      byte(static_cast<std::uint8_t>(n));
    } else {
      byte(tag::binary_32);
      byte(static_cast<std::uint8_t>(n >> 24));
      byte(static_cast<std::uint8_t>(n >> 16));
      byte(static_cast<std::uint8_t>(n >> 8));
      byte(static_cast<std::uint8_t>(n));
    }
    out_.insert(out_.end(), data, data + n);
  }

  static int nibble_code(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c == '-') return 10;
    if (c == '.') return 11;
    return -1;
  }
  static int hex_code(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool packed(std::string_view s, std::uint8_t type, int (*code)(char)) {
    if (s.empty() || s.size() > tag::packed_max) return false;
    for (char c : s)
      if (code(c) < 0) return false;
    byte(type);
    std::size_t n = (s.size() + 1) / 2;
    byte(static_cast<std::uint8_t>(n | ((s.size() % 2) ? 0x80 : 0)));
    for (std::size_t i = 0; i < n; ++i) {
      int hi = code(s[2 * i]);
      int lo = 2 * i + 1 < s.size() ? code(s[2 * i + 1]) : 15;
      byte(static_cast<std::uint8_t>((hi << 4) | lo));
    }
    return true;
  }

  void string(std::string_view s) {
    if (auto t = find_single_byte_token(s)) {
      byte(*t);
      return;
    }
    if (auto d = find_double_byte_token(s)) {
      byte(static_cast<std::uint8_t>(tag::dictionary_0 + d->dictionary));
      byte(d->index);
      return;
    }
    if (packed(s, tag::nibble_8, nibble_code)) return;
    if (packed(s, tag::hex_8, hex_code)) return;
    raw(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  }

  void jid(const Jid& j) {
    if (j.wire_uses_ad_form()) {
      byte(tag::ad_jid);
      byte(j.ad_domain());
      byte(static_cast<std::uint8_t>(j.device > 0xFF ? 0xFF : j.device));
      string(j.user);
    } else if (j.server == server::messenger) {
      byte(tag::fb_jid);
      string(j.user);
      u16(j.device);
      string(j.server);
    } else if (j.server == server::interop) {
      byte(tag::interop_jid);
      string(j.user);
      u16(j.device);
      u16(j.integrator);
      string(j.server);
    } else {
      byte(tag::jid_pair);
      if (j.user.empty())
        byte(tag::list_empty);
      else
        string(j.user);
      string(j.server);
    }
  }

  void node(const Node& n) {
    std::size_t attr_count = 0;
    for (const auto& a : n.attrs)
      if (!is_empty_value(a.value)) ++attr_count;
    bool has_content = !std::holds_alternative<std::monostate>(n.content);
    list_start(1 + 2 * attr_count + (has_content ? 1 : 0));
    string(n.tag);
    for (const auto& a : n.attrs) {
      if (is_empty_value(a.value)) continue;  // whatsmeow skips empty attributes
      string(a.key);
      if (auto* s = std::get_if<std::string>(&a.value))
        string(*s);
      else
        jid(std::get<Jid>(a.value));
    }
    if (auto* list = std::get_if<NodeList>(&n.content)) {
      list_start(list->size());
      for (const auto& c : *list) node(c);
    } else if (auto* b = std::get_if<Bytes>(&n.content)) {
      raw(b->data(), b->size());
    } else if (auto* s = std::get_if<std::string>(&n.content)) {
      string(*s);
    } else if (auto* j = std::get_if<Jid>(&n.content)) {
      jid(*j);
    }
  }

 private:
  static bool is_empty_value(const AttrValue& v) {
    if (auto* s = std::get_if<std::string>(&v)) return s->empty();
    return std::get<Jid>(v).empty();
  }

  Bytes& out_;
};

}  // namespace

void append_node(Bytes& out, const Node& node) { Writer(out).node(node); }

Bytes encode_node(const Node& node) {
  Bytes out;
  out.reserve(64);
  out.push_back(0);
  append_node(out, node);
  return out;
}

}  // namespace wabot::engine::binary
