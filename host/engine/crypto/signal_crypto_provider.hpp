// SPDX-License-Identifier: GPL-3.0-or-later
// libsignal-protocol-c's crypto provider (all 11 callbacks) implemented on OpenSSL 3 EVP APIs.
#pragma once

#include <signal_protocol.h>

namespace wabot::engine::crypto {

// A filled provider: random, HMAC-SHA256, SHA-512 (reusable after final, as libsignal's fingerprint
// code expects) and AES-CBC-PKCS5 / AES-CTR with 128/192/256-bit keys. user_data is null.
signal_crypto_provider openssl_signal_crypto_provider();

}  // namespace wabot::engine::crypto
