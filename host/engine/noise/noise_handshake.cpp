// SPDX-License-Identifier: GPL-3.0-or-later
// The Noise symmetric state: MixHash, MixKey, EncryptAndHash, DecryptAndHash, Split.
#include "host/engine/noise/noise_handshake.hpp"

#include <algorithm>

namespace wabot::engine::noise {

std::array<std::uint8_t, 12> noise_iv(std::uint32_t counter) {
  std::array<std::uint8_t, 12> iv{};
  iv[8] = static_cast<std::uint8_t>(counter >> 24);
  iv[9] = static_cast<std::uint8_t>(counter >> 16);
  iv[10] = static_cast<std::uint8_t>(counter >> 8);
  iv[11] = static_cast<std::uint8_t>(counter);
  return iv;
}

NoiseHandshake::NoiseHandshake(ByteView prologue) {
  std::copy(kNoiseProtocolName, kNoiseProtocolName + 32, h_.begin());
  ck_ = h_;
  mix_hash(prologue);
}

void NoiseHandshake::mix_hash(ByteView data) {
  Bytes buf(h_.begin(), h_.end());
  buf.insert(buf.end(), data.begin(), data.end());
  h_ = crypto::sha256(buf);
}

Status NoiseHandshake::mix_key(ByteView ikm) {
  Bytes out = crypto::hkdf_sha256(ikm, ck_, {}, 64);
  if (out.size() != 64) return Error(ErrorCode::crypto, "HKDF returned " + std::to_string(out.size()) + " bytes");
  std::copy(out.begin(), out.begin() + 32, ck_.begin());
  std::copy(out.begin() + 32, out.end(), k_.begin());
  n_ = 0;
  has_key_ = true;
  return Ok{};
}

Result<Bytes> NoiseHandshake::encrypt_and_hash(ByteView plaintext) {
  if (!has_key_) return Error(ErrorCode::state, "noise handshake encrypt before any key was mixed");
  auto iv = noise_iv(n_++);
  auto c = crypto::aes256_gcm_encrypt(k_, iv, plaintext, h_);
  if (!c) return Error(ErrorCode::crypto, "noise handshake encryption failed");
  mix_hash(*c);
  return std::move(*c);
}

Result<Bytes> NoiseHandshake::decrypt_and_hash(ByteView ciphertext) {
  if (!has_key_) return Error(ErrorCode::state, "noise handshake decrypt before any key was mixed");
  auto iv = noise_iv(n_++);
  auto p = crypto::aes256_gcm_decrypt(k_, iv, ciphertext, h_);
  if (!p) return Error(ErrorCode::crypto, "noise handshake decryption failed (bad tag)");
  mix_hash(ciphertext);
  return std::move(*p);
}

Result<NoiseCipher> NoiseHandshake::split() const {
  Bytes out = crypto::hkdf_sha256({}, ck_, {}, 64);
  if (out.size() != 64) return Error(ErrorCode::crypto, "HKDF split returned " + std::to_string(out.size()) + " bytes");
  Key32 write{}, read{};
  std::copy(out.begin(), out.begin() + 32, write.begin());
  std::copy(out.begin() + 32, out.end(), read.begin());
  return NoiseCipher(write, read);
}

}  // namespace wabot::engine::noise
