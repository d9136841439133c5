// SPDX-License-Identifier: GPL-3.0-or-later
// NoiseCipher: the transport phase after the handshake (AES-256-GCM, empty AAD, one counter per direction).
#pragma once

#include <cstdint>

#include "host/engine/crypto/crypto.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::engine::noise {

class NoiseCipher {
 public:
  NoiseCipher(const crypto::Key32& write_key, const crypto::Key32& read_key) : write_key_(write_key), read_key_(read_key) {}

  // Encrypts one frame payload with the next write counter.
  Result<crypto::Bytes> encrypt(crypto::ByteView plaintext);
  // Decrypts one frame payload with the next read counter. A failed tag still consumes the counter
  // (the peer has advanced its own), so later frames stay decryptable, as in whatsmeow.
  Result<crypto::Bytes> decrypt(crypto::ByteView ciphertext);

  std::uint32_t write_counter() const { return write_counter_; }
  std::uint32_t read_counter() const { return read_counter_; }

 private:
  crypto::Key32 write_key_;
  crypto::Key32 read_key_;
  std::uint32_t write_counter_ = 0;
  std::uint32_t read_counter_ = 0;
};

}  // namespace wabot::engine::noise
