// SPDX-License-Identifier: GPL-3.0-or-later
// crypto.hpp against published vectors: RFC 4231, RFC 5869, GCM spec, RFC 7748, XEdDSA and pairing signatures.
#include "host/engine/crypto/crypto.hpp"

#include "hex.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <thread>
#include <vector>

namespace c = wabot::engine::crypto;
using wabot::test::hex;
using wabot::test::unhex;
using wabot::test::unhex_array;

class CryptoPrimitivesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CryptoPrimitivesTest);
  CPPUNIT_TEST(sha256_and_sha512_match_fips_180_vectors);
  CPPUNIT_TEST(hmac_matches_rfc4231_cases_1_2_6);
  CPPUNIT_TEST(hkdf_matches_rfc5869_cases_1_and_3);
  CPPUNIT_TEST(hkdf_refuses_lengths_beyond_255_blocks);
  CPPUNIT_TEST(aes_gcm_matches_gcm_spec_cases_14_and_16);
  CPPUNIT_TEST(aes_gcm_rejects_tampered_tag_ciphertext_aad_and_bad_sizes);
  CPPUNIT_TEST(aes_cbc_round_trips_and_rejects_bad_padding_and_sizes);
  CPPUNIT_TEST(aes_cbc_matches_media_vector);
  CPPUNIT_TEST(x25519_matches_rfc7748);
  CPPUNIT_TEST(x25519_rejects_low_order_point);
  CPPUNIT_TEST(key_pair_from_private_clamps_and_matches_known_publics);
  CPPUNIT_TEST(generated_key_pairs_agree);
  CPPUNIT_TEST(xeddsa_sign_then_verify_and_tamper_rejects);
  CPPUNIT_TEST(xeddsa_verifies_pairing_vector_signatures);
  CPPUNIT_TEST(xeddsa_is_safe_from_many_threads);
  CPPUNIT_TEST(random_bytes_fill_and_differ);
  CPPUNIT_TEST(equal_constant_time_compares_lengths_and_bytes);
  CPPUNIT_TEST(streams_match_one_shot_functions_for_any_chunking);
  CPPUNIT_TEST(cbc_stream_refuses_bad_sizes_and_bad_padding);
  CPPUNIT_TEST_SUITE_END();

 public:
  void sha256_and_sha512_match_fips_180_vectors() {
    CPPUNIT_ASSERT_EQUAL(std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), hex(c::sha256(c::view("abc"))));
    CPPUNIT_ASSERT_EQUAL(std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), hex(c::sha256({})));
    CPPUNIT_ASSERT_EQUAL(std::string("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
                                     "454d4423643ce80e2a9ac94fa54ca49f"),
                         hex(c::sha512(c::view("abc"))));
  }

  void hmac_matches_rfc4231_cases_1_2_6() {
    std::vector<std::uint8_t> key1(20, 0x0b);
    CPPUNIT_ASSERT_EQUAL(std::string("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
                         hex(c::hmac_sha256(key1, c::view("Hi There"))));
    CPPUNIT_ASSERT_EQUAL(std::string("87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4"
                                     "be9d914eeb61f1702e696c203a126854"),
                         hex(c::hmac_sha512(key1, c::view("Hi There"))));
    CPPUNIT_ASSERT_EQUAL(std::string("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
                         hex(c::hmac_sha256(c::view("Jefe"), c::view("what do ya want for nothing?"))));
    CPPUNIT_ASSERT_EQUAL(std::string("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6"
                                     "fdcaeab1a34d4a6b4b636e070a38bce737"),
                         hex(c::hmac_sha512(c::view("Jefe"), c::view("what do ya want for nothing?"))));
    std::vector<std::uint8_t> key6(131, 0xaa);
    CPPUNIT_ASSERT_EQUAL(std::string("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
                         hex(c::hmac_sha256(key6, c::view("Test Using Larger Than Block-Size Key - Hash Key First"))));
  }

  void hkdf_matches_rfc5869_cases_1_and_3() {
    std::vector<std::uint8_t> ikm(22, 0x0b);
    CPPUNIT_ASSERT_EQUAL(std::string("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
                         hex(c::hkdf_sha256(ikm, unhex("000102030405060708090a0b0c"), unhex("f0f1f2f3f4f5f6f7f8f9"), 42)));
    // Case 3: empty salt and info (the salt then defaults to 32 zero bytes).
    CPPUNIT_ASSERT_EQUAL(std::string("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
                         hex(c::hkdf_sha256(ikm, {}, {}, 42)));
    std::vector<std::uint8_t> zero_salt(32, 0);
    CPPUNIT_ASSERT(c::hkdf_sha256(ikm, {}, {}, 42) == c::hkdf_sha256(ikm, zero_salt, {}, 42));
  }

  void hkdf_refuses_lengths_beyond_255_blocks() {
    std::vector<std::uint8_t> ikm(32, 1);
    CPPUNIT_ASSERT_EQUAL(std::size_t(255 * 32), c::hkdf_sha256(ikm, {}, {}, 255 * 32).size());
    CPPUNIT_ASSERT(c::hkdf_sha256(ikm, {}, {}, 255 * 32 + 1).empty());
    CPPUNIT_ASSERT(c::hkdf_sha256(ikm, {}, {}, 0).empty());
  }

  void aes_gcm_matches_gcm_spec_cases_14_and_16() {
    auto zero_key = std::vector<std::uint8_t>(32, 0);
    auto zero_iv = std::vector<std::uint8_t>(12, 0);
    auto ct14 = c::aes256_gcm_encrypt(zero_key, zero_iv, std::vector<std::uint8_t>(16, 0), {});
    CPPUNIT_ASSERT(ct14);
    CPPUNIT_ASSERT_EQUAL(std::string("cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919"), hex(*ct14));
    auto key = unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
    auto iv = unhex("cafebabefacedbaddecaf888");
    auto pt = unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
    auto aad = unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    auto ct = c::aes256_gcm_encrypt(key, iv, pt, aad);
    CPPUNIT_ASSERT(ct);
    CPPUNIT_ASSERT_EQUAL(std::string("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b10568288"
                                     "38c5f61e6393ba7a0abcc9f66276fc6ece0f4e1768cddf8853bb2d551b"),
                         hex(*ct));
    auto back = c::aes256_gcm_decrypt(key, iv, *ct, aad);
    CPPUNIT_ASSERT(back && *back == pt);
    // Empty plaintext: only the tag.
    auto empty = c::aes256_gcm_encrypt(zero_key, zero_iv, {}, {});
    CPPUNIT_ASSERT(empty);
    CPPUNIT_ASSERT_EQUAL(std::string("530f8afbc74536b9a963b4f1c4cb738b"), hex(*empty));
    auto empty_back = c::aes256_gcm_decrypt(zero_key, zero_iv, *empty, {});
    CPPUNIT_ASSERT(empty_back && empty_back->empty());
  }

  void aes_gcm_rejects_tampered_tag_ciphertext_aad_and_bad_sizes() {
    auto key = c::random_bytes(32);
    auto iv = c::random_bytes(12);
    auto pt = c::view("attack at dawn");
    auto aad = c::view("header");
    auto ct = *c::aes256_gcm_encrypt(key, iv, pt, aad);
    auto tag_flip = ct;
    tag_flip.back() ^= 1;
    CPPUNIT_ASSERT(!c::aes256_gcm_decrypt(key, iv, tag_flip, aad));
    auto body_flip = ct;
    body_flip[0] ^= 0x80;
    CPPUNIT_ASSERT(!c::aes256_gcm_decrypt(key, iv, body_flip, aad));
    CPPUNIT_ASSERT(!c::aes256_gcm_decrypt(key, iv, ct, c::view("Header")));
    CPPUNIT_ASSERT(!c::aes256_gcm_decrypt(key, iv, std::vector<std::uint8_t>(15, 0), aad));
    CPPUNIT_ASSERT(!c::aes256_gcm_encrypt(std::vector<std::uint8_t>(16, 0), iv, pt, aad));
    CPPUNIT_ASSERT(!c::aes256_gcm_encrypt(key, std::vector<std::uint8_t>(16, 0), pt, aad));
    CPPUNIT_ASSERT(!c::aes256_gcm_decrypt(key, std::vector<std::uint8_t>(11, 0), ct, aad));
  }

  void aes_cbc_round_trips_and_rejects_bad_padding_and_sizes() {
    auto key = c::random_bytes(32);
    auto iv = c::random_bytes(16);
    for (std::size_t n : {0u, 1u, 15u, 16u, 17u, 1000u}) {
      auto pt = c::random_bytes(n);
      auto ct = c::aes256_cbc_encrypt(key, iv, pt);
      CPPUNIT_ASSERT(ct);
      CPPUNIT_ASSERT_EQUAL((n / 16 + 1) * 16, ct->size());
      auto back = c::aes256_cbc_decrypt(key, iv, *ct);
      CPPUNIT_ASSERT(back && *back == pt);
    }
    auto ct = *c::aes256_cbc_encrypt(key, iv, c::view("0123456789"));
    CPPUNIT_ASSERT(!c::aes256_cbc_decrypt(key, iv, std::vector<std::uint8_t>(ct.begin(), ct.end() - 1)));
    CPPUNIT_ASSERT(!c::aes256_cbc_decrypt(key, iv, {}));
    CPPUNIT_ASSERT(!c::aes256_cbc_decrypt(std::vector<std::uint8_t>(31, 0), iv, ct));
    CPPUNIT_ASSERT(!c::aes256_cbc_encrypt(key, std::vector<std::uint8_t>(12, 0), ct));
    // A block whose decrypted padding is invalid (all zero bytes decrypt under a random key to garbage).
    int refused = 0;
    for (int i = 0; i < 20; ++i) {
      if (!c::aes256_cbc_decrypt(c::random_bytes(32), iv, ct)) ++refused;
    }
    CPPUNIT_ASSERT(refused >= 15);  // a wrong key yields valid-looking padding ~1/256 of the time
  }

  void aes_cbc_matches_media_vector() {
    // messaging.md §9, image: cipherKey/iv from HKDF of mediaKey 00..1f.
    auto key = unhex("008c9aea9b7c5d81eb56b3f530f87d42dcc92d27b11ad6b5bd66f0560d0d8c46");
    auto iv = unhex("aa6a127218397cbd2383e4ccf7176a79");
    auto ct = c::aes256_cbc_encrypt(key, iv, c::view("Hello, WhatsApp media!"));
    CPPUNIT_ASSERT(ct);
    CPPUNIT_ASSERT_EQUAL(std::string("2c56a9beea1e92c84fa772556c3446dcc0e2445b4f5e01398b2100b403273979"), hex(*ct));
  }

  void x25519_matches_rfc7748() {
    auto alice = unhex_array<c::Key32>("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    auto bob = unhex_array<c::Key32>("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    auto alice_pair = c::key_pair_from_private(alice);
    auto bob_pair = c::key_pair_from_private(bob);
    CPPUNIT_ASSERT_EQUAL(std::string("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"), hex(alice_pair.public_key));
    CPPUNIT_ASSERT_EQUAL(std::string("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"), hex(bob_pair.public_key));
    auto ab = c::x25519(alice, bob_pair.public_key);
    auto ba = c::x25519(bob, alice_pair.public_key);
    CPPUNIT_ASSERT(ab && ba);
    CPPUNIT_ASSERT_EQUAL(std::string("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"), hex(*ab));
    CPPUNIT_ASSERT_EQUAL(hex(*ab), hex(*ba));
    // §5.2 first vector: an unclamped scalar, clamped by the function.
    auto out = c::x25519(unhex_array<c::Key32>("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                         unhex_array<c::Key32>("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"));
    CPPUNIT_ASSERT(out);
    CPPUNIT_ASSERT_EQUAL(std::string("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"), hex(*out));
  }

  void x25519_rejects_low_order_point() {
    auto pair = c::generate_key_pair();
    CPPUNIT_ASSERT(!c::x25519(pair.private_key, c::Key32{}));
    c::Key32 one{};
    one[0] = 1;
    CPPUNIT_ASSERT(!c::x25519(pair.private_key, one));
  }

  void key_pair_from_private_clamps_and_matches_known_publics() {
    // The pairing vector's identity key and the noise vector's client ephemeral key.
    auto id = c::key_pair_from_private(unhex_array<c::Key32>("688da101651017967aff1d887eae39b8d403f739830f35dd8423bb470683095b"));
    CPPUNIT_ASSERT_EQUAL(std::string("b7274a46ba1f46f7a9e33a234a25a3042ce9851d709e3d2be583a9b68d3a8c17"), hex(id.public_key));
    auto ce = c::key_pair_from_private(unhex_array<c::Key32>("30939c5adddec942290b637530898a70f2d32453e5241f30a0550780e7586b47"));
    CPPUNIT_ASSERT_EQUAL(std::string("f01e3feed2953d4221feddad1b6baa06ee321666eb0e170d33428905b0057d4e"), hex(ce.public_key));
    c::Key32 raw;
    raw.fill(0xff);
    auto clamped = c::key_pair_from_private(raw);
    CPPUNIT_ASSERT_EQUAL(0xf8, int(clamped.private_key[0]));
    CPPUNIT_ASSERT_EQUAL(0x7f, int(clamped.private_key[31]));
  }

  void generated_key_pairs_agree() {
    auto a = c::generate_key_pair();
    auto b = c::generate_key_pair();
    CPPUNIT_ASSERT(a.public_key != b.public_key);
    CPPUNIT_ASSERT_EQUAL(0, a.private_key[0] & 7);
    CPPUNIT_ASSERT_EQUAL(0x40, a.private_key[31] & 0xc0);
    auto ab = c::x25519(a.private_key, b.public_key);
    auto ba = c::x25519(b.private_key, a.public_key);
    CPPUNIT_ASSERT(ab && ba && *ab == *ba);
  }

  void xeddsa_sign_then_verify_and_tamper_rejects() {
    auto pair = c::generate_key_pair();
    auto msg = c::view("a signed prekey, 0x05-prefixed in real use");
    auto sig = c::xeddsa_sign(pair.private_key, msg);
    CPPUNIT_ASSERT(c::xeddsa_verify(pair.public_key, msg, sig));
    auto sig2 = c::xeddsa_sign(pair.private_key, msg);
    CPPUNIT_ASSERT(sig != sig2);  // randomised nonce
    CPPUNIT_ASSERT(c::xeddsa_verify(pair.public_key, msg, sig2));
    CPPUNIT_ASSERT(!c::xeddsa_verify(pair.public_key, c::view("a signed prekey, 0x05-prefixed in real usE"), sig));
    for (std::size_t i : {0u, 31u, 32u, 63u}) {
      auto bad = sig;
      bad[i] ^= 0x01;
      CPPUNIT_ASSERT(!c::xeddsa_verify(pair.public_key, msg, bad));
    }
    CPPUNIT_ASSERT(!c::xeddsa_verify(c::generate_key_pair().public_key, msg, sig));
    CPPUNIT_ASSERT(!c::xeddsa_verify(pair.public_key, msg, std::span<const std::uint8_t>(sig.data(), 63)));
    CPPUNIT_ASSERT(!c::xeddsa_verify(pair.public_key, msg, {}));
    // Empty messages are signable too.
    auto empty_sig = c::xeddsa_sign(pair.private_key, {});
    CPPUNIT_ASSERT(c::xeddsa_verify(pair.public_key, {}, empty_sig));
  }

  void xeddsa_verifies_pairing_vector_signatures() {
    const std::string details = "08d2091080e2cfaa061807";
    const std::string identity_pub = "b7274a46ba1f46f7a9e33a234a25a3042ce9851d709e3d2be583a9b68d3a8c17";
    const std::string account_key = "2b016b62585edc071233f769c5ed1570e6a4ba93826b72821464a3895f12ef2d";
    // The account signature covers 0x06 0x00 ‖ details ‖ identity public key.
    auto account_msg = unhex("0600" + details + identity_pub);
    auto account_sig = unhex(
        "e6013316325abaa03444f93a0d0171694938b9bcfe3ca083724f2f420c15eb7d846e7a6f464fef115414985a7b610b8d862c5c9d6d4786d26dbce049ca572c0d");
    CPPUNIT_ASSERT(c::xeddsa_verify(unhex_array<c::Key32>(account_key), account_msg, account_sig));
    // The device signature covers 0x06 0x01 ‖ details ‖ identity public ‖ account signature key.
    auto device_msg = unhex("0601" + details + identity_pub + account_key);
    auto device_sig = unhex(
        "b3d22221b084a8e4a4ab68538d13032f15a6d86094ee9abcf02caf3dace557a2e3f7f89695ace1bd021df0de182e7224b87425fef4d141a7439c1253dfb5890e");
    CPPUNIT_ASSERT(c::xeddsa_verify(unhex_array<c::Key32>(identity_pub), device_msg, device_sig));
    CPPUNIT_ASSERT(!c::xeddsa_verify(unhex_array<c::Key32>(account_key), device_msg, device_sig));
    // Our own device signature with the vector's identity key verifies under its public key.
    auto own = c::xeddsa_sign(unhex_array<c::Key32>("688da101651017967aff1d887eae39b8d403f739830f35dd8423bb470683095b"), device_msg);
    CPPUNIT_ASSERT(c::xeddsa_verify(unhex_array<c::Key32>(identity_pub), device_msg, own));
  }

  void xeddsa_is_safe_from_many_threads() {
    auto pair = c::generate_key_pair();
    std::vector<std::thread> threads;
    std::vector<int> ok(4, 0);
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 50; ++i) {
          auto msg = c::random_bytes(40);
          if (c::xeddsa_verify(pair.public_key, msg, c::xeddsa_sign(pair.private_key, msg))) ++ok[t];
        }
      });
    }
    for (auto& th : threads) th.join();
    for (int n : ok) CPPUNIT_ASSERT_EQUAL(50, n);
  }

  void random_bytes_fill_and_differ() {
    auto a = c::random_bytes(64);
    auto b = c::random_bytes(64);
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), a.size());
    CPPUNIT_ASSERT(a != b);
    CPPUNIT_ASSERT(c::random_bytes(0).empty());
  }

  void equal_constant_time_compares_lengths_and_bytes() {
    CPPUNIT_ASSERT(c::equal_constant_time(c::view("abc"), c::view("abc")));
    CPPUNIT_ASSERT(!c::equal_constant_time(c::view("abc"), c::view("abd")));
    CPPUNIT_ASSERT(!c::equal_constant_time(c::view("abc"), c::view("abcd")));
    CPPUNIT_ASSERT(c::equal_constant_time({}, {}));
  }

  void streams_match_one_shot_functions_for_any_chunking() {
    auto data = c::random_bytes(5000);
    auto key = c::random_bytes(32);
    auto iv = c::random_bytes(16);
    auto expected_ct = *c::aes256_cbc_encrypt(key, iv, data);
    for (std::size_t chunk : {1u, 7u, 16u, 100u, 4096u, 5000u}) {
      c::Sha256Stream sha;
      c::HmacSha256Stream mac(key);
      auto enc = c::Aes256CbcStream::create(c::Aes256CbcStream::Direction::encrypt, key, iv);
      CPPUNIT_ASSERT(enc);
      c::Bytes ct;
      for (std::size_t at = 0; at < data.size(); at += chunk) {
        std::span<const std::uint8_t> part(data.data() + at, std::min(chunk, data.size() - at));
        sha.update(part);
        mac.update(part);
        auto out = enc->update(part);
        ct.insert(ct.end(), out.begin(), out.end());
      }
      auto last = enc->finish();
      CPPUNIT_ASSERT(last);
      ct.insert(ct.end(), last->begin(), last->end());
      CPPUNIT_ASSERT(sha.finish() == c::sha256(data));
      CPPUNIT_ASSERT(mac.finish() == c::hmac_sha256(key, data));
      CPPUNIT_ASSERT(ct == expected_ct);
      auto dec = c::Aes256CbcStream::create(c::Aes256CbcStream::Direction::decrypt, key, iv);
      c::Bytes pt;
      for (std::size_t at = 0; at < ct.size(); at += chunk) {
        auto out = dec->update(std::span<const std::uint8_t>(ct.data() + at, std::min(chunk, ct.size() - at)));
        pt.insert(pt.end(), out.begin(), out.end());
      }
      auto tail = dec->finish();
      CPPUNIT_ASSERT(tail);
      pt.insert(pt.end(), tail->begin(), tail->end());
      CPPUNIT_ASSERT(pt == data);
    }
  }

  void cbc_stream_refuses_bad_sizes_and_bad_padding() {
    using D = c::Aes256CbcStream::Direction;
    CPPUNIT_ASSERT(!c::Aes256CbcStream::create(D::encrypt, c::random_bytes(16), c::random_bytes(16)));
    CPPUNIT_ASSERT(!c::Aes256CbcStream::create(D::encrypt, c::random_bytes(32), c::random_bytes(12)));
    CPPUNIT_ASSERT(!c::Aes256CbcStream::create(D::unset, c::random_bytes(32), c::random_bytes(16)));
    auto key = c::random_bytes(32), iv = c::random_bytes(16);
    auto ct = *c::aes256_cbc_encrypt(key, iv, c::view("some plaintext"));
    auto partial = c::Aes256CbcStream::create(D::decrypt, key, iv);
    partial->update(std::span<const std::uint8_t>(ct.data(), ct.size() - 1));
    CPPUNIT_ASSERT(!partial->finish());
    // Flipping IV bits flips the same plaintext bits: the padding byte 0x02 becomes 0x57, invalid.
    auto bad_iv = iv;
    bad_iv[15] ^= 0x55;
    auto bad = c::Aes256CbcStream::create(D::decrypt, key, bad_iv);
    bad->update(ct);
    CPPUNIT_ASSERT(!bad->finish());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CryptoPrimitivesTest);
