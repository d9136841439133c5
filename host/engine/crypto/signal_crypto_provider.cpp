// SPDX-License-Identifier: GPL-3.0-or-later
// libsignal-protocol-c's crypto provider on OpenSSL 3: EVP_MAC for HMAC, EVP_MD for SHA-512,
// EVP_CIPHER for AES; every failure is a negative SG_ERR_* code, never a crash.
#include "host/engine/crypto/signal_crypto_provider.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <climits>
#include <cstring>
#include <vector>

namespace wabot::engine::crypto {
namespace {

int random_cb(uint8_t* data, size_t len, void*) {
  if (len > INT_MAX) return SG_ERR_INVAL;
  return RAND_bytes(data, static_cast<int>(len)) == 1 ? 0 : SG_ERR_UNKNOWN;
}

EVP_MAC* hmac_algorithm() {
  // Fetched once: EVP_MAC_fetch walks the provider tables, which is not free per message.
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

int hmac_init_cb(void** hmac_context, const uint8_t* key, size_t key_len, void*) {
  EVP_MAC* mac = hmac_algorithm();
  if (!mac) return SG_ERR_UNKNOWN;
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  if (!ctx) return SG_ERR_NOMEM;
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
  // OpenSSL refuses a null key pointer even for length 0; HMAC with an empty key is still defined.
  static const uint8_t empty = 0;
  if (EVP_MAC_init(ctx, key_len ? key : &empty, key_len, params) != 1) {
    EVP_MAC_CTX_free(ctx);
    return SG_ERR_UNKNOWN;
  }
  *hmac_context = ctx;
  return 0;
}

int hmac_update_cb(void* hmac_context, const uint8_t* data, size_t data_len, void*) {
  if (data_len == 0) return 0;
  return EVP_MAC_update(static_cast<EVP_MAC_CTX*>(hmac_context), data, data_len) == 1 ? 0 : SG_ERR_UNKNOWN;
}

int hmac_final_cb(void* hmac_context, signal_buffer** output, void*) {
  uint8_t md[EVP_MAX_MD_SIZE];
  size_t md_len = 0;
  if (EVP_MAC_final(static_cast<EVP_MAC_CTX*>(hmac_context), md, &md_len, sizeof md) != 1) return SG_ERR_UNKNOWN;
  signal_buffer* buffer = signal_buffer_create(md, md_len);
  if (!buffer) return SG_ERR_NOMEM;
  *output = buffer;
  return 0;
}

void hmac_cleanup_cb(void* hmac_context, void*) { EVP_MAC_CTX_free(static_cast<EVP_MAC_CTX*>(hmac_context)); }

int sha512_init_cb(void** digest_context, void*) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (!ctx) return SG_ERR_NOMEM;
  if (EVP_DigestInit_ex(ctx, EVP_sha512(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx);
    return SG_ERR_UNKNOWN;
  }
  *digest_context = ctx;
  return 0;
}

int sha512_update_cb(void* digest_context, const uint8_t* data, size_t data_len, void*) {
  return EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(digest_context), data, data_len) == 1 ? 0 : SG_ERR_UNKNOWN;
}

int sha512_final_cb(void* digest_context, signal_buffer** output, void*) {
  auto* ctx = static_cast<EVP_MD_CTX*>(digest_context);
  uint8_t md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (EVP_DigestFinal_ex(ctx, md, &md_len) != 1) return SG_ERR_UNKNOWN;
  // libsignal's fingerprint code iterates update -> final on one context: re-arm it here.
  if (EVP_DigestInit_ex(ctx, EVP_sha512(), nullptr) != 1) return SG_ERR_UNKNOWN;
  signal_buffer* buffer = signal_buffer_create(md, md_len);
  if (!buffer) return SG_ERR_NOMEM;
  *output = buffer;
  return 0;
}

void sha512_cleanup_cb(void* digest_context, void*) { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(digest_context)); }

const EVP_CIPHER* pick_cipher(int cipher, size_t key_len) {
  if (cipher == SG_CIPHER_AES_CBC_PKCS5) {
    switch (key_len) {
      case 16: return EVP_aes_128_cbc();
      case 24: return EVP_aes_192_cbc();
      case 32: return EVP_aes_256_cbc();
      default: return nullptr;
    }
  }
  if (cipher == SG_CIPHER_AES_CTR_NOPADDING) {
    switch (key_len) {
      case 16: return EVP_aes_128_ctr();
      case 24: return EVP_aes_192_ctr();
      case 32: return EVP_aes_256_ctr();
      default: return nullptr;
    }
  }
  return nullptr;
}

int run_cipher(bool encrypt, signal_buffer** output, int cipher, const uint8_t* key, size_t key_len, const uint8_t* iv,
               size_t iv_len, const uint8_t* input, size_t input_len) {
  const EVP_CIPHER* evp = pick_cipher(cipher, key_len);
  if (!evp) return SG_ERR_UNKNOWN;
  if (iv_len != 16 || !key || !iv) return SG_ERR_INVAL;
  // One extra block for CBC padding; the int-sized OpenSSL API bounds the input.
  if (input_len > static_cast<size_t>(INT_MAX) - 32) return SG_ERR_INVAL;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (!ctx) return SG_ERR_NOMEM;
  std::vector<uint8_t> out(input_len + 32);
  int len1 = 0, len2 = 0;
  int ok = EVP_CipherInit_ex2(ctx, evp, key, iv, encrypt ? 1 : 0, nullptr);
  if (ok == 1 && cipher == SG_CIPHER_AES_CTR_NOPADDING) ok = EVP_CIPHER_CTX_set_padding(ctx, 0);
  static const uint8_t empty = 0;
  if (ok == 1) ok = EVP_CipherUpdate(ctx, out.data(), &len1, input_len ? input : &empty, static_cast<int>(input_len));
  if (ok == 1) ok = EVP_CipherFinal_ex(ctx, out.data() + len1, &len2);
  EVP_CIPHER_CTX_free(ctx);
  if (ok != 1) return SG_ERR_UNKNOWN;
  signal_buffer* buffer = signal_buffer_create(out.data(), static_cast<size_t>(len1 + len2));
  OPENSSL_cleanse(out.data(), out.size());
  if (!buffer) return SG_ERR_NOMEM;
  *output = buffer;
  return 0;
}

int encrypt_cb(signal_buffer** output, int cipher, const uint8_t* key, size_t key_len, const uint8_t* iv, size_t iv_len,
               const uint8_t* plaintext, size_t plaintext_len, void*) {
  return run_cipher(true, output, cipher, key, key_len, iv, iv_len, plaintext, plaintext_len);
}

int decrypt_cb(signal_buffer** output, int cipher, const uint8_t* key, size_t key_len, const uint8_t* iv, size_t iv_len,
               const uint8_t* ciphertext, size_t ciphertext_len, void*) {
  return run_cipher(false, output, cipher, key, key_len, iv, iv_len, ciphertext, ciphertext_len);
}

}  // namespace

signal_crypto_provider openssl_signal_crypto_provider() {
  signal_crypto_provider provider;
  std::memset(&provider, 0, sizeof provider);
  provider.random_func = random_cb;
  provider.hmac_sha256_init_func = hmac_init_cb;
  provider.hmac_sha256_update_func = hmac_update_cb;
  provider.hmac_sha256_final_func = hmac_final_cb;
  provider.hmac_sha256_cleanup_func = hmac_cleanup_cb;
  provider.sha512_digest_init_func = sha512_init_cb;
  provider.sha512_digest_update_func = sha512_update_cb;
  provider.sha512_digest_final_func = sha512_final_cb;
  provider.sha512_digest_cleanup_func = sha512_cleanup_cb;
  provider.encrypt_func = encrypt_cb;
  provider.decrypt_func = decrypt_cb;
  provider.user_data = nullptr;
  return provider;
}

}  // namespace wabot::engine::crypto
