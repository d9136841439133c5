// SPDX-License-Identifier: GPL-3.0-or-later
// The libsignal crypto provider callbacks and SignalContext: vectors, context reuse, bad input refused.
#include "host/engine/crypto/signal_context.hpp"
#include "host/engine/crypto/signal_crypto_provider.hpp"

#include "hex.hpp"

#include "host/common/log.hpp"

#include <cppunit/extensions/HelperMacros.h>
#include <curve.h>
#include <fingerprint.h>
#include <key_helper.h>

#include <string>
#include <vector>

namespace c = wabot::engine::crypto;
using wabot::test::hex;
using wabot::test::unhex;

namespace {
std::string take_hex(signal_buffer* b) {
  std::vector<std::uint8_t> bytes(signal_buffer_data(b), signal_buffer_data(b) + signal_buffer_len(b));
  signal_buffer_free(b);
  return hex(bytes);
}
const std::uint8_t* u8(const char* s) { return reinterpret_cast<const std::uint8_t*>(s); }
}  // namespace

class SignalCryptoProviderTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SignalCryptoProviderTest);
  CPPUNIT_TEST(provider_sets_all_eleven_callbacks);
  CPPUNIT_TEST(hmac_callbacks_match_rfc4231_case_2);
  CPPUNIT_TEST(sha512_context_is_reusable_after_final);
  CPPUNIT_TEST(cbc_and_ctr_round_trip_for_all_key_sizes);
  CPPUNIT_TEST(cipher_callbacks_refuse_bad_key_iv_and_cipher);
  CPPUNIT_TEST(context_generates_identity_and_fingerprint);
  CPPUNIT_TEST(libsignal_diagnostics_go_to_the_debug_log);
  CPPUNIT_TEST_SUITE_END();

 public:
  void provider_sets_all_eleven_callbacks() {
    auto p = c::openssl_signal_crypto_provider();
    CPPUNIT_ASSERT(p.random_func && p.hmac_sha256_init_func && p.hmac_sha256_update_func && p.hmac_sha256_final_func &&
                   p.hmac_sha256_cleanup_func && p.sha512_digest_init_func && p.sha512_digest_update_func &&
                   p.sha512_digest_final_func && p.sha512_digest_cleanup_func && p.encrypt_func && p.decrypt_func);
    std::uint8_t buf[32] = {};
    CPPUNIT_ASSERT_EQUAL(0, p.random_func(buf, sizeof buf, nullptr));
  }

  void hmac_callbacks_match_rfc4231_case_2() {
    auto p = c::openssl_signal_crypto_provider();
    void* ctx = nullptr;
    CPPUNIT_ASSERT_EQUAL(0, p.hmac_sha256_init_func(&ctx, u8("Jefe"), 4, nullptr));
    CPPUNIT_ASSERT_EQUAL(0, p.hmac_sha256_update_func(ctx, u8("what do ya "), 11, nullptr));
    CPPUNIT_ASSERT_EQUAL(0, p.hmac_sha256_update_func(ctx, u8("want for nothing?"), 17, nullptr));
    signal_buffer* out = nullptr;
    CPPUNIT_ASSERT_EQUAL(0, p.hmac_sha256_final_func(ctx, &out, nullptr));
    p.hmac_sha256_cleanup_func(ctx, nullptr);
    CPPUNIT_ASSERT_EQUAL(std::string("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"), take_hex(out));
  }

  void sha512_context_is_reusable_after_final() {
    auto p = c::openssl_signal_crypto_provider();
    void* ctx = nullptr;
    CPPUNIT_ASSERT_EQUAL(0, p.sha512_digest_init_func(&ctx, nullptr));
    const std::string abc_digest =
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";
    for (int round = 0; round < 3; ++round) {
      CPPUNIT_ASSERT_EQUAL(0, p.sha512_digest_update_func(ctx, u8("abc"), 3, nullptr));
      signal_buffer* out = nullptr;
      CPPUNIT_ASSERT_EQUAL(0, p.sha512_digest_final_func(ctx, &out, nullptr));
      CPPUNIT_ASSERT_EQUAL(abc_digest, take_hex(out));
    }
    p.sha512_digest_cleanup_func(ctx, nullptr);
  }

  void cbc_and_ctr_round_trip_for_all_key_sizes() {
    auto p = c::openssl_signal_crypto_provider();
    std::vector<std::uint8_t> iv(16, 7);
    std::vector<std::uint8_t> pt(37, 0x42);
    for (int cipher : {SG_CIPHER_AES_CBC_PKCS5, SG_CIPHER_AES_CTR_NOPADDING}) {
      for (std::size_t key_len : {16u, 24u, 32u}) {
        std::vector<std::uint8_t> key(key_len, 3);
        signal_buffer* ct = nullptr;
        CPPUNIT_ASSERT_EQUAL(0, p.encrypt_func(&ct, cipher, key.data(), key.size(), iv.data(), iv.size(), pt.data(), pt.size(), nullptr));
        CPPUNIT_ASSERT_EQUAL(cipher == SG_CIPHER_AES_CBC_PKCS5 ? std::size_t(48) : std::size_t(37), signal_buffer_len(ct));
        signal_buffer* back = nullptr;
        CPPUNIT_ASSERT_EQUAL(0, p.decrypt_func(&back, cipher, key.data(), key.size(), iv.data(), iv.size(), signal_buffer_data(ct),
                                               signal_buffer_len(ct), nullptr));
        CPPUNIT_ASSERT_EQUAL(hex(pt), take_hex(back));
        signal_buffer_free(ct);
      }
    }
    // AES-256-CBC against the media vector (PKCS#5/7 padding of a 22-byte plaintext).
    auto key = unhex("008c9aea9b7c5d81eb56b3f530f87d42dcc92d27b11ad6b5bd66f0560d0d8c46");
    auto civ = unhex("aa6a127218397cbd2383e4ccf7176a79");
    signal_buffer* ct = nullptr;
    CPPUNIT_ASSERT_EQUAL(0, p.encrypt_func(&ct, SG_CIPHER_AES_CBC_PKCS5, key.data(), 32, civ.data(), 16, u8("Hello, WhatsApp media!"), 22, nullptr));
    CPPUNIT_ASSERT_EQUAL(std::string("2c56a9beea1e92c84fa772556c3446dcc0e2445b4f5e01398b2100b403273979"), take_hex(ct));
  }

  void cipher_callbacks_refuse_bad_key_iv_and_cipher() {
    auto p = c::openssl_signal_crypto_provider();
    std::vector<std::uint8_t> key(32, 1), iv(16, 2), data(16, 3);
    signal_buffer* out = nullptr;
    CPPUNIT_ASSERT(p.encrypt_func(&out, SG_CIPHER_AES_CBC_PKCS5, key.data(), 31, iv.data(), 16, data.data(), 16, nullptr) < 0);
    CPPUNIT_ASSERT(p.encrypt_func(&out, SG_CIPHER_AES_CBC_PKCS5, key.data(), 32, iv.data(), 12, data.data(), 16, nullptr) < 0);
    CPPUNIT_ASSERT(p.encrypt_func(&out, 99, key.data(), 32, iv.data(), 16, data.data(), 16, nullptr) < 0);
    // Garbage that is not valid PKCS#5 padding under this key, and a non-block length.
    int refused = 0;
    for (int i = 0; i < 8; ++i) {
      key[0] = static_cast<std::uint8_t>(i);
      out = nullptr;
      int rc = p.decrypt_func(&out, SG_CIPHER_AES_CBC_PKCS5, key.data(), 32, iv.data(), 16, data.data(), 16, nullptr);
      if (rc < 0) ++refused; else signal_buffer_free(out);
    }
    CPPUNIT_ASSERT(refused >= 6);
    CPPUNIT_ASSERT(p.decrypt_func(&out, SG_CIPHER_AES_CBC_PKCS5, key.data(), 32, iv.data(), 16, data.data(), 15, nullptr) < 0);
  }

  void context_generates_identity_and_fingerprint() {
    std::string error;
    auto ctx = c::SignalContext::create(&error);
    CPPUNIT_ASSERT_MESSAGE(error, ctx != nullptr);
    ratchet_identity_key_pair* a = nullptr;
    ratchet_identity_key_pair* b = nullptr;
    CPPUNIT_ASSERT_EQUAL(0, signal_protocol_key_helper_generate_identity_key_pair(&a, ctx->get()));
    CPPUNIT_ASSERT_EQUAL(0, signal_protocol_key_helper_generate_identity_key_pair(&b, ctx->get()));
    signal_buffer* pub = nullptr;
    CPPUNIT_ASSERT_EQUAL(0, ec_public_key_serialize(&pub, ratchet_identity_key_pair_get_public(a)));
    CPPUNIT_ASSERT_EQUAL(std::size_t(33), signal_buffer_len(pub));
    CPPUNIT_ASSERT_EQUAL(0x05, int(signal_buffer_data(pub)[0]));
    signal_buffer_free(pub);
    // The fingerprint generator iterates SHA-512 update/final on one context (5200 rounds).
    fingerprint_generator* gen = nullptr;
    CPPUNIT_ASSERT_EQUAL(0, fingerprint_generator_create(&gen, 5200, 1, ctx->get()));
    fingerprint* fp = nullptr;
    CPPUNIT_ASSERT_EQUAL(0, fingerprint_generator_create_for(gen, "+15551234567", ratchet_identity_key_pair_get_public(a),
                                                             "+15557654321", ratchet_identity_key_pair_get_public(b), &fp));
    displayable_fingerprint* shown = fingerprint_get_displayable(fp);
    CPPUNIT_ASSERT_EQUAL(std::size_t(60), std::string(displayable_fingerprint_text(shown)).size());
    SIGNAL_UNREF(fp);
    fingerprint_generator_free(gen);
    SIGNAL_UNREF(a);
    SIGNAL_UNREF(b);
  }

  void libsignal_diagnostics_go_to_the_debug_log() {
    std::vector<std::string> lines;
    wabot::log::set_sink([&](std::string_view line) { lines.emplace_back(line); });
    auto previous = wabot::log::level();
    wabot::log::set_level(wabot::log::Level::debug);
    std::string error;
    auto ctx = c::SignalContext::create(&error);
    ec_public_key* key = nullptr;
    const std::uint8_t bad_type[33] = {0x07};
    int rc = curve_decode_point(&key, bad_type, sizeof bad_type, ctx->get());  // libsignal logs "Invalid key type"
    wabot::log::set_level(previous);
    wabot::log::reset_sink();
    CPPUNIT_ASSERT(rc < 0 && key == nullptr);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), lines.size());
    CPPUNIT_ASSERT(lines[0].find("Invalid key type") != std::string::npos);
    CPPUNIT_ASSERT(lines[0].find("\"component\":\"libsignal\"") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SignalCryptoProviderTest);
