// SPDX-License-Identifier: GPL-3.0-or-later
// pair-success verification and signing (transport.md §5, steps 6-7).
#include "host/engine/pairing/pair_success.hpp"

#include <charconv>

#include "wa_transport.pb.h"

namespace wabot::engine::pairing {

namespace {

Node error_reply(const std::string& id, int code, const std::string& text) {
  return Node("iq", {{"type", "error"}, {"id", id}, {"to", server_jid()}},
              NodeList{Node("error", {{"code", std::to_string(code)}, {"text", text}})});
}

PairSuccess refuse(const std::string& id, int code, const std::string& text, ErrorCode err, const std::string& why) {
  PairSuccess r;
  r.reply = error_reply(id, code, text);
  r.status = Error(err, "pairing refused: " + why);
  return r;
}

crypto::Bytes cat(std::initializer_list<crypto::ByteView> parts) {
  crypto::Bytes out;
  for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace

bool is_pair_success(const Node& node) { return node.tag == "iq" && node.child("pair-success") != nullptr; }

PairSuccess process_pair_success(const Node& iq, store::Credentials& creds) {
  const std::string id = iq.attr_or("id");
  const Node* ps = iq.child("pair-success");
  if (!ps) return refuse(id, 500, "internal-error", ErrorCode::protocol, "no pair-success element");
  const Node* identity_node = ps->child("device-identity");
  const Node* device_node = ps->child("device");
  auto identity_bytes = identity_node ? identity_node->content_bytes() : std::nullopt;
  if (!identity_bytes || !device_node) return refuse(id, 500, "internal-error", ErrorCode::protocol, "pair-success lacks device-identity or device");
  auto jid = device_node->attr_jid("jid");
  auto lid = device_node->attr_jid("lid");
  if (!jid || !jid->is_pn() || jid->user.empty()) return refuse(id, 500, "internal-error", ErrorCode::protocol, "pair-success device has no PN jid");

  wabot::proto::ADVSignedDeviceIdentityHMAC container;
  if (!container.ParseFromArray(identity_bytes->data(), static_cast<int>(identity_bytes->size())) || !container.has_details() ||
      !container.has_hmac())
    return refuse(id, 500, "internal-error", ErrorCode::malformed, "device-identity is not an ADVSignedDeviceIdentityHMAC");
  const bool hosted_account = container.account_type() == wabot::proto::HOSTED;
  crypto::Bytes hmac_input;
  if (hosted_account) hmac_input.assign(kAdvHostedAccountSignaturePrefix, kAdvHostedAccountSignaturePrefix + 2);
  hmac_input.insert(hmac_input.end(), container.details().begin(), container.details().end());
  auto mac = crypto::hmac_sha256(creds.adv_secret, hmac_input);
  if (!crypto::equal_constant_time(mac, crypto::view(container.hmac())))
    return refuse(id, 401, "hmac-mismatch", ErrorCode::auth, "device-identity HMAC does not match our adv secret");

  wabot::proto::ADVSignedDeviceIdentity account;
  if (!account.ParseFromString(container.details()) || account.account_signature_key().size() != 32 ||
      account.account_signature().size() != 64)
    return refuse(id, 500, "internal-error", ErrorCode::malformed, "ADVSignedDeviceIdentity is malformed");
  wabot::proto::ADVDeviceIdentity device_identity;
  if (!device_identity.ParseFromString(account.details()))
    return refuse(id, 500, "internal-error", ErrorCode::malformed, "ADVDeviceIdentity is malformed");

  crypto::Key32 account_key{};
  std::copy(account.account_signature_key().begin(), account.account_signature_key().end(), account_key.begin());
  const bool hosted_device = device_identity.device_type() == wabot::proto::HOSTED;
  crypto::ByteView prefix(hosted_device ? kAdvHostedAccountSignaturePrefix : kAdvAccountSignaturePrefix, 2);
  auto account_msg = cat({prefix, crypto::view(account.details()), creds.identity_key.public_key});
  if (!crypto::xeddsa_verify(account_key, account_msg, crypto::view(account.account_signature())))
    return refuse(id, 401, "signature-mismatch", ErrorCode::auth, "account signature does not verify");

  auto device_msg = cat({crypto::ByteView(kAdvDeviceSignaturePrefix, 2), crypto::view(account.details()),
                         creds.identity_key.public_key, account_key});
  auto device_signature = crypto::xeddsa_sign(creds.identity_key.private_key, device_msg);
  account.set_device_signature(device_signature.data(), device_signature.size());

  PairSuccess r;
  r.device_jid = *jid;
  if (lid) r.lid = *lid;
  r.primary_identity_key = account_key;
  r.key_index = device_identity.key_index();
  if (const Node* platform = ps->child("platform")) r.platform = platform->attr_or("name");
  if (const Node* biz = ps->child("biz")) r.business_name = biz->attr_or("name");
  if (auto t = iq.attr("t")) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(t->data(), t->data() + t->size(), v);
    if (ec == std::errc() && p == t->data() + t->size()) r.server_time_s = v;
  }

  // Stored: the whole identity (account key included, needed for <device-identity> in pkmsg sends).
  std::string stored = account.SerializeAsString();
  // Sent back: the same without the account signature key.
  wabot::proto::ADVSignedDeviceIdentity reply_identity = account;
  reply_identity.clear_account_signature_key();
  std::string sent = reply_identity.SerializeAsString();
  r.reply = Node("iq", {{"to", server_jid()}, {"type", "result"}, {"id", id}},
                 NodeList{Node("pair-device-sign", {},
                               NodeList{Node("device-identity", {{"key-index", std::to_string(r.key_index)}},
                                             Bytes(sent.begin(), sent.end()))})});

  creds.device_jid = r.device_jid;
  if (lid) creds.lid = r.lid;
  creds.account.assign(stored.begin(), stored.end());
  creds.platform = r.platform;
  creds.business_name = r.business_name;
  return r;
}

}  // namespace wabot::engine::pairing
