// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's cryptographic primitives (OpenSSL 3 and libsignal's curve code underneath): hashes, MACs,
// HKDF, AES-GCM/CBC, X25519 agreement and XEdDSA signatures. Every layer above uses only this header.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace wabot::engine::crypto {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;
using Key32 = std::array<std::uint8_t, 32>;
using Signature64 = std::array<std::uint8_t, 64>;

inline ByteView view(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Cryptographically secure random bytes (RAND_bytes). Aborts the process if the CSPRNG fails:
// continuing without randomness would be worse than stopping.
void random_bytes(std::span<std::uint8_t> out);
Bytes random_bytes(std::size_t n);

Key32 sha256(ByteView data);
Bytes sha512(ByteView data);
Key32 hmac_sha256(ByteView key, ByteView data);
Bytes hmac_sha512(ByteView key, ByteView data);
// RFC 5869 HKDF-SHA256. An empty salt means a salt of 32 zero bytes, as the RFC says.
Bytes hkdf_sha256(ByteView ikm, ByteView salt, ByteView info, std::size_t length);

// AES-256-GCM with a 12-byte IV and a 16-byte tag appended to the ciphertext.
// Encrypt returns nullopt only on wrong key/iv sizes; decrypt also on a bad tag.
std::optional<Bytes> aes256_gcm_encrypt(ByteView key32, ByteView iv12, ByteView plaintext, ByteView aad);
std::optional<Bytes> aes256_gcm_decrypt(ByteView key32, ByteView iv12, ByteView ciphertext_and_tag, ByteView aad);

// AES-256-CBC with PKCS#7 padding and a 16-byte IV. Decrypt fails (nullopt) on bad padding or sizes.
std::optional<Bytes> aes256_cbc_encrypt(ByteView key32, ByteView iv16, ByteView plaintext);
std::optional<Bytes> aes256_cbc_decrypt(ByteView key32, ByteView iv16, ByteView ciphertext);

// Curve25519 key pair as WhatsApp and Signal use it: 32-byte private (clamped) and 32-byte public
// (Montgomery u-coordinate, without Signal's 0x05 type prefix).
struct KeyPair {
  Key32 private_key{};
  Key32 public_key{};
};
KeyPair generate_key_pair();
KeyPair key_pair_from_private(const Key32& private_key);

// X25519 shared secret. nullopt when the peer key is a low-order point (all-zero output).
std::optional<Key32> x25519(const Key32& private_key, const Key32& peer_public_key);

// XEdDSA signatures over a Curve25519 key (Signal's scheme; what WhatsApp uses for certificates, ADV
// identities and signed prekeys). Signing is randomised; verify is strict (false on any mismatch).
Signature64 xeddsa_sign(const Key32& private_key, ByteView message);
bool xeddsa_verify(const Key32& public_key, ByteView message, ByteView signature);

// Constant-time comparison of equal-length buffers (false when the lengths differ).
bool equal_constant_time(ByteView a, ByteView b);

// --- Incremental forms of the primitives above, for data that arrives in chunks (media files).
// Added after the first version of this header; the one-shot functions are unchanged.

// SHA-256 over several update() calls. finish() may be called once; the object is then spent.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void update(ByteView data);
  Key32 finish();

 private:
  struct Impl;
  Impl* impl_;
};

// HMAC-SHA256 over several update() calls.
class HmacSha256Stream {
 public:
  explicit HmacSha256Stream(ByteView key);
  ~HmacSha256Stream();
  HmacSha256Stream(const HmacSha256Stream&) = delete;
  HmacSha256Stream& operator=(const HmacSha256Stream&) = delete;
  void update(ByteView data);
  Key32 finish();

 private:
  struct Impl;
  Impl* impl_;
};

// AES-256-CBC with PKCS#7 padding, chunk by chunk. update() returns the output available so far
// (decryption holds back the last block until finish(), which checks the padding).
class Aes256CbcStream {
 public:
  enum class Direction { unset = 0, encrypt, decrypt };
  // nullopt-like: returns nullptr for a wrong key/iv size or an unset direction.
  static std::unique_ptr<Aes256CbcStream> create(Direction direction, ByteView key32, ByteView iv16);
  ~Aes256CbcStream();
  Aes256CbcStream(const Aes256CbcStream&) = delete;
  Aes256CbcStream& operator=(const Aes256CbcStream&) = delete;
  Bytes update(ByteView data);
  // The last output; nullopt when decryption finds bad padding or a partial block.
  std::optional<Bytes> finish();

 private:
  Aes256CbcStream() = default;
  struct Impl;
  Impl* impl_ = nullptr;
};

}  // namespace wabot::engine::crypto
