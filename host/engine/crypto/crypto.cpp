// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's primitives on OpenSSL 3 (EVP only) and libsignal's XEdDSA curve code.
#include "host/engine/crypto/crypto.hpp"

#include "host/engine/crypto/signal_context.hpp"

#include <curve.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace wabot::engine::crypto {
namespace {

// OpenSSL rejects null pointers for empty inputs in places; point empty spans here instead.
const std::uint8_t kEmpty[1] = {0};
const std::uint8_t* ptr(ByteView v) { return v.empty() ? kEmpty : v.data(); }

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};
struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct KdfCtxFree {
  void operator()(EVP_KDF_CTX* c) const { EVP_KDF_CTX_free(c); }
};
struct SignalUnref {
  void operator()(void* p) const { signal_type_unref(static_cast<signal_type_base*>(p)); }
};

[[noreturn]] void die(const char* what) {
  // Only for failures that mean OpenSSL itself is broken (allocation, missing built-in algorithms).
  std::fprintf(stderr, "wabot: fatal crypto failure: %s\n", what);
  std::abort();
}

Bytes digest(const EVP_MD* md, ByteView data) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 || EVP_DigestUpdate(ctx.get(), ptr(data), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out, &len) != 1)
    die("message digest");
  return Bytes(out, out + len);
}

EVP_MAC* hmac_algorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (!mac) die("EVP_MAC_fetch(HMAC)");
  return mac;
}

Bytes hmac(const char* digest_name, ByteView key, ByteView data) {
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(hmac_algorithm()));
  char name[16];
  std::snprintf(name, sizeof name, "%s", digest_name);
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, name, 0), OSSL_PARAM_construct_end()};
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (!ctx || EVP_MAC_init(ctx.get(), ptr(key), key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), ptr(data), data.size()) != 1 || EVP_MAC_final(ctx.get(), out, &len, sizeof out) != 1)
    die("HMAC");
  return Bytes(out, out + len);
}

// Inputs are bounded by OpenSSL's int lengths; larger buffers are refused rather than truncated.
bool fits_int(std::size_t n) { return n <= static_cast<std::size_t>(INT_MAX) - 64; }

std::optional<Bytes> aes_cbc(bool encrypt, ByteView key32, ByteView iv16, ByteView input) {
  if (key32.size() != 32 || iv16.size() != 16 || !fits_int(input.size())) return std::nullopt;
  if (!encrypt && (input.empty() || input.size() % 16 != 0)) return std::nullopt;
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) die("EVP_CIPHER_CTX_new");
  Bytes out(input.size() + 16);
  int len1 = 0, len2 = 0;
  if (EVP_CipherInit_ex2(ctx.get(), EVP_aes_256_cbc(), key32.data(), iv16.data(), encrypt ? 1 : 0, nullptr) != 1 ||
      EVP_CipherUpdate(ctx.get(), out.data(), &len1, ptr(input), static_cast<int>(input.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), out.data() + len1, &len2) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return std::nullopt;
  }
  out.resize(static_cast<std::size_t>(len1 + len2));
  return out;
}

void clamp(Key32& k) {
  k[0] &= 248;
  k[31] &= 127;
  k[31] |= 64;
}

}  // namespace

void random_bytes(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    int chunk = static_cast<int>(std::min<std::size_t>(out.size() - done, 1 << 20));
    if (RAND_bytes(out.data() + done, chunk) != 1) die("RAND_bytes");
    done += static_cast<std::size_t>(chunk);
  }
}

Bytes random_bytes(std::size_t n) {
  Bytes out(n);
  random_bytes(std::span<std::uint8_t>(out));
  return out;
}

Key32 sha256(ByteView data) {
  Bytes d = digest(EVP_sha256(), data);
  Key32 out;
  std::memcpy(out.data(), d.data(), out.size());
  return out;
}

Bytes sha512(ByteView data) { return digest(EVP_sha512(), data); }

Key32 hmac_sha256(ByteView key, ByteView data) {
  Bytes d = hmac("SHA256", key, data);
  Key32 out;
  std::memcpy(out.data(), d.data(), out.size());
  return out;
}

Bytes hmac_sha512(ByteView key, ByteView data) { return hmac("SHA512", key, data); }

Bytes hkdf_sha256(ByteView ikm, ByteView salt, ByteView info, std::size_t length) {
  // RFC 5869 caps the output at 255 blocks; anything longer is a programming error, answered empty.
  if (length == 0 || length > 255 * 32) return {};
  static EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  if (!kdf) die("EVP_KDF_fetch(HKDF)");
  std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> ctx(EVP_KDF_CTX_new(kdf));
  if (!ctx) die("EVP_KDF_CTX_new");
  static const std::uint8_t zero_salt[32] = {};
  char md_name[] = "SHA256";
  OSSL_PARAM params[5];
  std::size_t n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, md_name, 0);
  params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(ptr(ikm)), ikm.size());
  params[n++] = salt.empty()
                    ? OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<std::uint8_t*>(zero_salt), 32)
                    : OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<std::uint8_t*>(salt.data()), salt.size());
  params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<std::uint8_t*>(ptr(info)), info.size());
  params[n++] = OSSL_PARAM_construct_end();
  Bytes out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) die("HKDF derive");
  return out;
}

std::optional<Bytes> aes256_gcm_encrypt(ByteView key32, ByteView iv12, ByteView plaintext, ByteView aad) {
  if (key32.size() != 32 || iv12.size() != 12 || !fits_int(plaintext.size()) || !fits_int(aad.size())) return std::nullopt;
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) die("EVP_CIPHER_CTX_new");
  Bytes out(plaintext.size() + 16);
  int len = 0, fin = 0;
  if (EVP_EncryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), key32.data(), iv12.data(), nullptr) != 1) return std::nullopt;
  if (!aad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1)
    return std::nullopt;
  if (EVP_EncryptUpdate(ctx.get(), out.data(), &len, ptr(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &fin) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, out.data() + plaintext.size()) != 1)
    return std::nullopt;
  return out;
}

std::optional<Bytes> aes256_gcm_decrypt(ByteView key32, ByteView iv12, ByteView ciphertext_and_tag, ByteView aad) {
  if (key32.size() != 32 || iv12.size() != 12 || ciphertext_and_tag.size() < 16 ||
      !fits_int(ciphertext_and_tag.size()) || !fits_int(aad.size()))
    return std::nullopt;
  const std::size_t ct_len = ciphertext_and_tag.size() - 16;
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) die("EVP_CIPHER_CTX_new");
  Bytes out(ct_len + 16);
  std::uint8_t tag[16];
  std::memcpy(tag, ciphertext_and_tag.data() + ct_len, 16);
  int len = 0, fin = 0;
  if (EVP_DecryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), key32.data(), iv12.data(), nullptr) != 1) return std::nullopt;
  if (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1)
    return std::nullopt;
  if (EVP_DecryptUpdate(ctx.get(), out.data(), &len, ptr(ciphertext_and_tag), static_cast<int>(ct_len)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, tag) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &fin) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return std::nullopt;
  }
  out.resize(ct_len);
  return out;
}

std::optional<Bytes> aes256_cbc_encrypt(ByteView key32, ByteView iv16, ByteView plaintext) {
  return aes_cbc(true, key32, iv16, plaintext);
}

std::optional<Bytes> aes256_cbc_decrypt(ByteView key32, ByteView iv16, ByteView ciphertext) {
  return aes_cbc(false, key32, iv16, ciphertext);
}

KeyPair key_pair_from_private(const Key32& private_key) {
  KeyPair pair;
  pair.private_key = private_key;
  clamp(pair.private_key);
  std::unique_ptr<EVP_PKEY, PkeyFree> pkey(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, pair.private_key.data(), pair.private_key.size()));
  std::size_t len = pair.public_key.size();
  if (!pkey || EVP_PKEY_get_raw_public_key(pkey.get(), pair.public_key.data(), &len) != 1 || len != 32)
    die("X25519 public key");
  return pair;
}

KeyPair generate_key_pair() {
  Key32 secret;
  random_bytes(std::span<std::uint8_t>(secret));
  KeyPair pair = key_pair_from_private(secret);
  OPENSSL_cleanse(secret.data(), secret.size());
  return pair;
}

std::optional<Key32> x25519(const Key32& private_key, const Key32& peer_public_key) {
  std::unique_ptr<EVP_PKEY, PkeyFree> own(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, private_key.data(), private_key.size()));
  std::unique_ptr<EVP_PKEY, PkeyFree> peer(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, peer_public_key.data(), peer_public_key.size()));
  if (!own || !peer) return std::nullopt;
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own.get(), nullptr));
  Key32 out{};
  std::size_t len = out.size();
  // OpenSSL fails the derivation itself when the result is all zero (a low-order peer point).
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1 ||
      EVP_PKEY_derive(ctx.get(), out.data(), &len) != 1 || len != 32)
    return std::nullopt;
  static const Key32 zero{};
  if (equal_constant_time(out, zero)) return std::nullopt;
  return out;
}

Signature64 xeddsa_sign(const Key32& private_key, ByteView message) {
  SignalContext& sc = SignalContext::process();
  Key32 scalar = private_key;
  clamp(scalar);
  ec_private_key* raw_key = nullptr;
  int rc = curve_decode_private_point(&raw_key, scalar.data(), scalar.size(), sc.get());
  OPENSSL_cleanse(scalar.data(), scalar.size());
  if (rc != 0 || !raw_key) die("curve_decode_private_point");
  std::unique_ptr<ec_private_key, SignalUnref> key(raw_key);
  signal_buffer* sig = nullptr;
  rc = curve_calculate_signature(sc.get(), &sig, key.get(), ptr(message), message.size());
  if (rc != 0 || !sig || signal_buffer_len(sig) != 64) {
    if (sig) signal_buffer_free(sig);
    die("curve_calculate_signature");
  }
  Signature64 out;
  std::memcpy(out.data(), signal_buffer_data(sig), 64);
  signal_buffer_free(sig);
  return out;
}

bool xeddsa_verify(const Key32& public_key, ByteView message, ByteView signature) {
  if (signature.size() != 64) return false;
  std::uint8_t typed[33];
  typed[0] = 0x05;  // libsignal's DJB key type prefix
  std::memcpy(typed + 1, public_key.data(), 32);
  ec_public_key* raw_key = nullptr;
  if (curve_decode_point(&raw_key, typed, sizeof typed, SignalContext::process().get()) != 0 || !raw_key) return false;
  std::unique_ptr<ec_public_key, SignalUnref> key(raw_key);
  return curve_verify_signature(key.get(), ptr(message), message.size(), signature.data(), signature.size()) == 1;
}

bool equal_constant_time(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace wabot::engine::crypto

namespace wabot::engine::crypto {

struct Sha256Stream::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

Sha256Stream::Sha256Stream() : impl_(new Impl) {
  impl_->ctx = EVP_MD_CTX_new();
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) != 1) die("SHA-256 init");
}

Sha256Stream::~Sha256Stream() {
  EVP_MD_CTX_free(impl_->ctx);
  delete impl_;
}

void Sha256Stream::update(ByteView data) {
  if (!data.empty() && EVP_DigestUpdate(impl_->ctx, data.data(), data.size()) != 1) die("SHA-256 update");
}

Key32 Sha256Stream::finish() {
  Key32 out;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx, out.data(), &len) != 1 || len != 32) die("SHA-256 final");
  return out;
}

struct HmacSha256Stream::Impl {
  EVP_MAC_CTX* ctx = nullptr;
};

HmacSha256Stream::HmacSha256Stream(ByteView key) : impl_(new Impl) {
  impl_->ctx = EVP_MAC_CTX_new(hmac_algorithm());
  char name[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, name, 0), OSSL_PARAM_construct_end()};
  if (!impl_->ctx || EVP_MAC_init(impl_->ctx, ptr(key), key.size(), params) != 1) die("HMAC init");
}

HmacSha256Stream::~HmacSha256Stream() {
  EVP_MAC_CTX_free(impl_->ctx);
  delete impl_;
}

void HmacSha256Stream::update(ByteView data) {
  if (!data.empty() && EVP_MAC_update(impl_->ctx, data.data(), data.size()) != 1) die("HMAC update");
}

Key32 HmacSha256Stream::finish() {
  Key32 out;
  std::size_t len = 0;
  if (EVP_MAC_final(impl_->ctx, out.data(), &len, out.size()) != 1 || len != 32) die("HMAC final");
  return out;
}

struct Aes256CbcStream::Impl {
  EVP_CIPHER_CTX* ctx = nullptr;
};

std::unique_ptr<Aes256CbcStream> Aes256CbcStream::create(Direction direction, ByteView key32, ByteView iv16) {
  if (direction == Direction::unset || key32.size() != 32 || iv16.size() != 16) return nullptr;
  std::unique_ptr<Aes256CbcStream> self(new Aes256CbcStream());
  self->impl_ = new Impl;
  self->impl_->ctx = EVP_CIPHER_CTX_new();
  if (!self->impl_->ctx ||
      EVP_CipherInit_ex2(self->impl_->ctx, EVP_aes_256_cbc(), key32.data(), iv16.data(), direction == Direction::encrypt ? 1 : 0,
                         nullptr) != 1)
    die("AES-CBC init");
  return self;
}

Aes256CbcStream::~Aes256CbcStream() {
  if (impl_) EVP_CIPHER_CTX_free(impl_->ctx);
  delete impl_;
}

Bytes Aes256CbcStream::update(ByteView data) {
  if (data.empty()) return {};
  Bytes out;
  // Feed at most 1 MiB per call: OpenSSL's lengths are ints.
  std::size_t done = 0;
  while (done < data.size()) {
    const std::size_t chunk = std::min<std::size_t>(data.size() - done, 1 << 20);
    const std::size_t at = out.size();
    out.resize(at + chunk + 16);
    int len = 0;
    if (EVP_CipherUpdate(impl_->ctx, out.data() + at, &len, data.data() + done, static_cast<int>(chunk)) != 1)
      die("AES-CBC update");
    out.resize(at + static_cast<std::size_t>(len));
    done += chunk;
  }
  return out;
}

std::optional<Bytes> Aes256CbcStream::finish() {
  Bytes out(16);
  int len = 0;
  if (EVP_CipherFinal_ex(impl_->ctx, out.data(), &len) != 1) return std::nullopt;
  out.resize(static_cast<std::size_t>(len));
  return out;
}

}  // namespace wabot::engine::crypto
