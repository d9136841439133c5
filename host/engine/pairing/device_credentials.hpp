// SPDX-License-Identifier: GPL-3.0-or-later
// Creation of a new companion device's credentials (keys, registration id, signed prekey, adv secret).
#pragma once

#include "host/engine/store/credentials_store.hpp"

namespace wabot::engine::pairing {

// Fresh, unlinked credentials: noise and identity key pairs, a registration id in Signal's 14-bit range,
// signed prekey id 1 signed by the identity key over 0x05 || pub, and 32 random bytes of adv secret.
store::Credentials generate_credentials();

// The signature a signed prekey carries: XEdDSA(identity, 0x05 || public key).
crypto::Signature64 sign_pre_key(const crypto::KeyPair& identity, const crypto::Key32& public_key);

}  // namespace wabot::engine::pairing
