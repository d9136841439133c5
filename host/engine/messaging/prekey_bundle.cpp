// SPDX-License-Identifier: GPL-3.0-or-later
// Prekey bundle queries and parsing (raw 32-byte keys on the wire).
#include "host/engine/messaging/prekey_bundle.hpp"

#include <algorithm>

namespace wabot::engine::messaging {

namespace {

std::optional<Bytes> bytes_of(const Node* n) { return n ? n->content_bytes() : std::nullopt; }

Result<std::uint32_t> big_endian(const Node* n, std::size_t size, const char* what) {
  auto b = bytes_of(n);
  if (!b || b->size() != size) return Error(ErrorCode::malformed, std::string(what) + " is not " + std::to_string(size) + " bytes");
  std::uint32_t v = 0;
  for (auto byte : *b) v = (v << 8) | byte;
  return v;
}

template <std::size_t N>
Result<std::array<std::uint8_t, N>> fixed(const Node* n, const char* what) {
  auto b = bytes_of(n);
  // Baileys accepts a 33-byte 0x05-prefixed key too.
  if (b && N == 32 && b->size() == 33 && (*b)[0] == 0x05) b->erase(b->begin());
  if (!b || b->size() != N) return Error(ErrorCode::malformed, std::string(what) + " is not " + std::to_string(N) + " bytes");
  std::array<std::uint8_t, N> out{};
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

}  // namespace

Node make_bundle_query(const std::vector<Jid>& devices) {
  NodeList users;
  for (const auto& d : devices) users.push_back(Node("user", {{"jid", d}, {"reason", "identity"}}));
  return Node("iq", {{"to", server_jid()}, {"type", "get"}, {"xmlns", "encrypt"}},
              NodeList{Node("key", {}, std::move(users))});
}

Result<signal::PreKeyBundle> parse_bundle_keys(const Node& keys, const Node* registration_override) {
  signal::PreKeyBundle b;
  auto reg = big_endian(registration_override ? registration_override : keys.child("registration"), 4, "registration");
  if (!reg) return reg.error();
  b.registration_id = *reg;
  auto identity = fixed<32>(keys.child("identity"), "identity");
  if (!identity) return identity.error();
  b.identity_key = *identity;
  const Node* skey = keys.child("skey");
  if (!skey) return Error(ErrorCode::malformed, "bundle has no <skey>");
  auto sid = big_endian(skey->child("id"), 3, "skey id");
  if (!sid) return sid.error();
  b.signed_pre_key_id = *sid;
  auto spub = fixed<32>(skey->child("value"), "skey value");
  if (!spub) return spub.error();
  b.signed_pre_key = *spub;
  auto sig = fixed<64>(skey->child("signature"), "skey signature");
  if (!sig) return sig.error();
  b.signed_pre_key_signature = *sig;
  if (const Node* key = keys.child("key")) {
    auto kid = big_endian(key->child("id"), 3, "key id");
    if (!kid) return kid.error();
    auto kpub = fixed<32>(key->child("value"), "key value");
    if (!kpub) return kpub.error();
    b.pre_key = signal::PreKeyBundle::OneTimePreKey{*kid, *kpub};
  }
  return b;
}

Result<std::vector<FetchedBundle>> parse_bundle_reply(const Node& reply) {
  if (reply.attr_or("type") == "error") {
    const Node* err = reply.child("error");
    return Error(ErrorCode::protocol, "prekey fetch refused: " + (err ? err->attr_or("code") + " " + err->attr_or("text") : std::string("error")));
  }
  const Node* list = reply.child("list");
  if (!list) return Error(ErrorCode::malformed, "prekey reply has no <list>");
  std::vector<FetchedBundle> out;
  for (const Node* user : list->children_named("user")) {
    FetchedBundle f;
    auto jid = user->attr_jid("jid");
    if (!jid) continue;
    f.device = *jid;
    if (const Node* err = user->child("error")) {
      f.error = "server error " + err->attr_or("code") + " " + err->attr_or("text");
    } else {
      const Node* keys = user->child("keys") ? user->child("keys") : user;
      auto b = parse_bundle_keys(*keys, user->child("registration"));
      if (b) {
        b->device_id = jid->device;
        f.bundle = std::move(b.value());
      } else {
        f.error = b.error().message;
      }
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace wabot::engine::messaging
