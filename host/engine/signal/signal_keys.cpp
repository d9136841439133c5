// SPDX-License-Identifier: GPL-3.0-or-later
// Key material generation on the engine crypto primitives (wm:util/keys/keypair.go facts).
#include "host/engine/signal/signal_keys.hpp"

#include <algorithm>
#include <chrono>

namespace wabot::engine::signal {

store::LocalIdentity generate_local_identity() {
  store::LocalIdentity identity;
  identity.identity = crypto::generate_key_pair();
  // Uniform in 1..16380, as signal_protocol_key_helper_generate_registration_id(.., 0, ..) gives.
  std::uint32_t r = 0;
  crypto::random_bytes(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(&r), sizeof r));
  identity.registration_id = r % 16380 + 1;
  return identity;
}

crypto::Bytes signed_pre_key_message(const crypto::Key32& public_key) {
  crypto::Bytes message;
  message.reserve(33);
  message.push_back(0x05);
  message.insert(message.end(), public_key.begin(), public_key.end());
  return message;
}

store::SignedPreKeyRecord generate_signed_pre_key(const crypto::KeyPair& identity, std::uint32_t id) {
  store::SignedPreKeyRecord record;
  record.id = id;
  record.key_pair = crypto::generate_key_pair();
  record.signature = crypto::xeddsa_sign(identity.private_key, signed_pre_key_message(record.key_pair.public_key));
  record.created_ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  return record;
}

std::vector<store::PreKeyRecord> generate_pre_keys(std::uint32_t start_id, std::size_t count) {
  count = std::min<std::size_t>(count, 1000);
  std::vector<store::PreKeyRecord> keys;
  keys.reserve(count);
  std::uint32_t id = (start_id == 0 || start_id > kMaxPreKeyId) ? 1 : start_id;
  for (std::size_t i = 0; i < count; ++i) {
    keys.push_back({id, crypto::generate_key_pair()});
    id = id >= kMaxPreKeyId ? 1 : id + 1;
  }
  return keys;
}

}  // namespace wabot::engine::signal
