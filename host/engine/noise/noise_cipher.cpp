// SPDX-License-Identifier: GPL-3.0-or-later
// Transport-phase frame encryption and decryption.
#include "host/engine/noise/noise_cipher.hpp"

#include "host/engine/noise/noise_handshake.hpp"

namespace wabot::engine::noise {

Result<crypto::Bytes> NoiseCipher::encrypt(crypto::ByteView plaintext) {
  if (write_counter_ == UINT32_MAX) return Error(ErrorCode::crypto, "noise write counter exhausted");
  auto iv = noise_iv(write_counter_++);
  auto c = crypto::aes256_gcm_encrypt(write_key_, iv, plaintext, {});
  if (!c) return Error(ErrorCode::crypto, "noise frame encryption failed");
  return std::move(*c);
}

Result<crypto::Bytes> NoiseCipher::decrypt(crypto::ByteView ciphertext) {
  if (read_counter_ == UINT32_MAX) return Error(ErrorCode::crypto, "noise read counter exhausted");
  std::uint32_t counter = read_counter_++;
  auto iv = noise_iv(counter);
  auto p = crypto::aes256_gcm_decrypt(read_key_, iv, ciphertext, {});
  if (!p) return Error(ErrorCode::crypto, "noise frame " + std::to_string(counter) + " failed to decrypt");
  return std::move(*p);
}

}  // namespace wabot::engine::noise
