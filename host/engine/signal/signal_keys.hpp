// SPDX-License-Identifier: GPL-3.0-or-later
// Generation of an agent's Signal key material: identity, registration id, signed and one-time prekeys.
#pragma once

#include "host/engine/store/signal_store.hpp"

#include <cstdint>
#include <vector>

namespace wabot::engine::signal {

// The largest prekey id: ids go on the wire as 3 bytes.
inline constexpr std::uint32_t kMaxPreKeyId = 0xFFFFFF;

// A fresh identity key pair and a registration id in 1..16380 (libsignal's non-extended range,
// which both references accept).
store::LocalIdentity generate_local_identity();

// A signed prekey: a fresh key pair signed (XEdDSA) by the identity over 0x05 ‖ public key.
store::SignedPreKeyRecord generate_signed_pre_key(const crypto::KeyPair& identity, std::uint32_t id);

// count one-time prekeys with consecutive ids from start_id, wrapping from kMaxPreKeyId to 1.
// start_id 0 is treated as 1. count is capped at 1000 (more than any upload needs).
std::vector<store::PreKeyRecord> generate_pre_keys(std::uint32_t start_id, std::size_t count);

// The message a signed prekey signature covers (0x05 ‖ public key), exposed for verification.
crypto::Bytes signed_pre_key_message(const crypto::Key32& public_key);

}  // namespace wabot::engine::signal
