// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's cryptographic primitives (OpenSSL 3 and libsignal's curve code underneath): hashes, MACs,
// HKDF, AES-GCM/CBC, X25519 agreement and XEdDSA signatures. Every layer above uses only this header.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
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

}  // namespace wabot::engine::crypto
