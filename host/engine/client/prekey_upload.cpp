// SPDX-License-Identifier: GPL-3.0-or-later
// Prekey stanzas (transport.md §6): ids 3 bytes big-endian, registration id 4 bytes, raw 32-byte keys.
#include "host/engine/client/prekey_upload.hpp"

#include <charconv>

namespace wabot::engine::client {

namespace {

Bytes be(std::uint32_t v, int n) {
  Bytes out;
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  return out;
}

Bytes raw(const crypto::Key32& k) { return Bytes(k.begin(), k.end()); }

}  // namespace

Node prekey_count_iq(const std::string& id) {
  return Node("iq", {{"id", id}, {"xmlns", "encrypt"}, {"type", "get"}, {"to", server_jid()}}, NodeList{Node("count")});
}

std::optional<std::uint32_t> parse_prekey_count(const Node& reply) {
  const Node* c = reply.child("count");
  if (!c) return std::nullopt;
  auto v = c->attr("value");
  if (!v) return std::nullopt;
  std::uint32_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || p != v->data() + v->size()) return std::nullopt;
  return n;
}

Node prekey_upload_iq(const std::string& id, const store::Credentials& creds, const std::vector<PreKey>& keys) {
  NodeList list;
  list.reserve(keys.size());
  for (const auto& k : keys)
    list.push_back(Node("key", {}, NodeList{Node("id", {}, be(k.id, 3)), Node("value", {}, raw(k.key_pair.public_key))}));
  const auto& spk = creds.signed_pre_key;
  Node skey("skey", {},
            NodeList{Node("id", {}, be(spk.id, 3)), Node("value", {}, raw(spk.key_pair.public_key)),
                     Node("signature", {}, Bytes(spk.signature.begin(), spk.signature.end()))});
  return Node("iq", {{"id", id}, {"xmlns", "encrypt"}, {"type", "set"}, {"to", server_jid()}},
              NodeList{Node("registration", {}, be(creds.registration_id, 4)), Node("type", {}, Bytes{0x05}),
                       Node("identity", {}, raw(creds.identity_key.public_key)), Node("list", {}, std::move(list)),
                       std::move(skey)});
}

}  // namespace wabot::engine::client
