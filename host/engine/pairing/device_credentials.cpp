// SPDX-License-Identifier: GPL-3.0-or-later
// New device credentials from the crypto contract's CSPRNG and key generation.
#include "host/engine/pairing/device_credentials.hpp"

namespace wabot::engine::pairing {

crypto::Signature64 sign_pre_key(const crypto::KeyPair& identity, const crypto::Key32& public_key) {
  crypto::Bytes msg;
  msg.reserve(33);
  msg.push_back(0x05);  // Signal's key type byte: the signature covers the 33-byte form
  msg.insert(msg.end(), public_key.begin(), public_key.end());
  return crypto::xeddsa_sign(identity.private_key, msg);
}

store::Credentials generate_credentials() {
  store::Credentials c;
  c.noise_key = crypto::generate_key_pair();
  c.identity_key = crypto::generate_key_pair();
  std::uint8_t r[2];
  crypto::random_bytes(r);
  // Signal registration ids are 14-bit and non-zero (libsignal's range 1..16380).
  c.registration_id = 1 + ((std::uint32_t(r[0]) << 8 | r[1]) % 16380);
  c.signed_pre_key.id = 1;
  c.signed_pre_key.key_pair = crypto::generate_key_pair();
  c.signed_pre_key.signature = sign_pre_key(c.identity_key, c.signed_pre_key.key_pair.public_key);
  crypto::random_bytes(c.adv_secret);
  return c;
}

}  // namespace wabot::engine::pairing
