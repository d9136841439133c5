// SPDX-License-Identifier: GPL-3.0-or-later
// NoiseHandshake: the symmetric state of Noise_XX_25519_AESGCM_SHA256 as WhatsApp runs it (h, ck, k, n).
#pragma once

#include "host/engine/crypto/crypto.hpp"
#include "host/engine/noise/noise_cipher.hpp"
#include "host/engine/types/result.hpp"

namespace wabot::engine::noise {

using crypto::ByteView;
using crypto::Bytes;
using crypto::Key32;

// "Noise_XX_25519_AESGCM_SHA256\0\0\0\0": exactly 32 bytes, so h starts as the name itself (not hashed).
inline constexpr char kNoiseProtocolName[33] = "Noise_XX_25519_AESGCM_SHA256\0\0\0\0";

class NoiseHandshake {
 public:
  // h = ck = protocol name; then MixHash(prologue) (WhatsApp's prologue is the intro header WA 06 03).
  explicit NoiseHandshake(ByteView prologue);

  void mix_hash(ByteView data);
  // HKDF(salt=ck, ikm) -> ck || k; the nonce counter restarts at 0.
  Status mix_key(ByteView input_key_material);
  // AES-256-GCM with AAD = h, then MixHash(ciphertext). One counter serves both directions here.
  Result<Bytes> encrypt_and_hash(ByteView plaintext);
  Result<Bytes> decrypt_and_hash(ByteView ciphertext);
  // The transport cipher: HKDF(salt=ck, empty) -> write key || read key (initiator's view).
  Result<NoiseCipher> split() const;

  const Key32& hash() const { return h_; }
  const Key32& chaining_key() const { return ck_; }
  const Key32& key() const { return k_; }

 private:
  Key32 h_{};
  Key32 ck_{};
  Key32 k_{};
  std::uint32_t n_ = 0;
  bool has_key_ = false;
};

// The 12-byte AES-GCM IV of a Noise counter: 8 zero bytes and the counter big-endian.
std::array<std::uint8_t, 12> noise_iv(std::uint32_t counter);

}  // namespace wabot::engine::noise
