// SPDX-License-Identifier: GPL-3.0-or-later
// Media crypto against data/media_vectors.txt (messaging.md §9 inputs, recomputed by our script):
// key expansion per type, whole-file and streaming encrypt/decrypt, and refusal of tampering.
#include "host/engine/media/media_decryptor.hpp"
#include "host/engine/media/media_encryptor.hpp"

#include "hex.hpp"
#include "vector_file.hpp"

#include <cppunit/extensions/HelperMacros.h>

namespace c = wabot::engine::crypto;
namespace m = wabot::engine::media;
using wabot::test::hex;
using wabot::test::unhex;
using wabot::test::unhex_array;

namespace {
c::Bytes media_key() {
  c::Bytes k(32);
  for (int i = 0; i < 32; ++i) k[i] = static_cast<std::uint8_t>(i);
  return k;
}
c::Bytes long_plaintext() {
  c::Bytes p(100000);
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>(i % 251);
  return p;
}
struct Case {
  const char* name;
  m::MediaType type;
};
const Case kCases[] = {{"image", m::MediaType::image}, {"video", m::MediaType::video}, {"audio", m::MediaType::audio},
                       {"document", m::MediaType::document}};
}  // namespace

class MediaCryptoTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MediaCryptoTest);
  CPPUNIT_TEST(key_expansion_matches_vectors_for_each_type);
  CPPUNIT_TEST(encrypt_media_matches_golden_body_and_digests);
  CPPUNIT_TEST(decrypt_media_returns_the_plaintext_of_golden_bodies);
  CPPUNIT_TEST(streaming_matches_whole_file_for_any_chunking);
  CPPUNIT_TEST(tampered_mac_ciphertext_or_hashes_are_refused);
  CPPUNIT_TEST(streaming_decryptor_refuses_tampering_and_truncation);
  CPPUNIT_TEST(bad_keys_and_types_are_refused);
  CPPUNIT_TEST(type_tables_and_upload_token);
  CPPUNIT_TEST_SUITE_END();

  std::map<std::string, std::string> v = wabot::test::load_vectors("media_vectors.txt");

  std::string at(const std::string& name, const char* field) { return v.at(name + "." + field); }

 public:
  void key_expansion_matches_vectors_for_each_type() {
    for (const auto& k : kCases) {
      auto keys = m::expand_media_key(media_key(), k.type);
      CPPUNIT_ASSERT(keys.ok());
      CPPUNIT_ASSERT_EQUAL(at(k.name, "iv"), hex(keys->iv));
      CPPUNIT_ASSERT_EQUAL(at(k.name, "cipher_key"), hex(keys->cipher_key));
      CPPUNIT_ASSERT_EQUAL(at(k.name, "mac_key"), hex(keys->mac_key));
      CPPUNIT_ASSERT_EQUAL(at(k.name, "ref_key"), hex(keys->ref_key));
    }
    // Sticker shares image keys, gif video keys, ptt audio keys.
    CPPUNIT_ASSERT_EQUAL(at("image", "iv"), hex(m::expand_media_key(media_key(), m::MediaType::sticker)->iv));
    CPPUNIT_ASSERT_EQUAL(at("video", "iv"), hex(m::expand_media_key(media_key(), m::MediaType::gif)->iv));
    CPPUNIT_ASSERT_EQUAL(at("audio", "iv"), hex(m::expand_media_key(media_key(), m::MediaType::ptt)->iv));
    // messaging.md §9 values, as a cross-check of our data file.
    CPPUNIT_ASSERT_EQUAL(std::string("a39053ffd537d9608969"), at("video", "mac10"));
  }

  void encrypt_media_matches_golden_body_and_digests() {
    for (const auto& k : kCases) {
      auto enc = m::encrypt_media(media_key(), k.type, unhex(at(k.name, "plaintext")));
      CPPUNIT_ASSERT(enc.ok());
      CPPUNIT_ASSERT_EQUAL(at(k.name, "ciphertext") + at(k.name, "mac10"), hex(enc->body));
      CPPUNIT_ASSERT_EQUAL(at(k.name, "file_sha256"), hex(enc->digests.file_sha256));
      CPPUNIT_ASSERT_EQUAL(at(k.name, "file_enc_sha256"), hex(enc->digests.file_enc_sha256));
      CPPUNIT_ASSERT_EQUAL(std::uint64_t(22), enc->digests.file_length);
      CPPUNIT_ASSERT_EQUAL(std::uint64_t(enc->body.size()), enc->digests.body_length);
    }
    auto big = m::encrypt_media(media_key(), m::MediaType::document, long_plaintext());
    CPPUNIT_ASSERT_EQUAL(v.at("long.mac10"), hex(c::Bytes(big->body.end() - 10, big->body.end())));
    CPPUNIT_ASSERT_EQUAL(v.at("long.file_sha256"), hex(big->digests.file_sha256));
    CPPUNIT_ASSERT_EQUAL(v.at("long.file_enc_sha256"), hex(big->digests.file_enc_sha256));
    CPPUNIT_ASSERT_EQUAL(v.at("long.encrypted_length"), std::to_string(big->body.size()));
  }

  void decrypt_media_returns_the_plaintext_of_golden_bodies() {
    for (const auto& k : kCases) {
      auto body = unhex(at(k.name, "ciphertext") + at(k.name, "mac10"));
      auto pt = m::decrypt_media(media_key(), k.type, body, unhex_array<c::Key32>(at(k.name, "file_enc_sha256")),
                                 unhex_array<c::Key32>(at(k.name, "file_sha256")));
      CPPUNIT_ASSERT_MESSAGE(pt.error().message, pt.ok());
      CPPUNIT_ASSERT_EQUAL(std::string("Hello, WhatsApp media!"), std::string(pt->begin(), pt->end()));
      CPPUNIT_ASSERT(m::verify_media(media_key(), k.type, body, std::nullopt).ok());
    }
  }

  void streaming_matches_whole_file_for_any_chunking() {
    const auto plain = long_plaintext();
    const auto whole = m::encrypt_media(media_key(), m::MediaType::document, plain);
    for (std::size_t chunk : {1u, 9u, 10u, 11u, 16u, 4095u, 65536u, 200000u}) {
      auto enc = m::MediaEncryptor::create(media_key(), m::MediaType::document);
      CPPUNIT_ASSERT(enc.ok());
      c::Bytes body;
      for (std::size_t i = 0; i < plain.size(); i += chunk) {
        auto out = enc.value()->update(c::ByteView(plain.data() + i, std::min(chunk, plain.size() - i)));
        body.insert(body.end(), out.begin(), out.end());
      }
      m::MediaDigests digests;
      auto tail = enc.value()->finish(digests);
      body.insert(body.end(), tail.begin(), tail.end());
      CPPUNIT_ASSERT(body == whole->body);
      CPPUNIT_ASSERT(digests.file_enc_sha256 == whole->digests.file_enc_sha256);
      CPPUNIT_ASSERT_EQUAL(std::uint64_t(plain.size()), digests.file_length);

      auto dec = m::MediaDecryptor::create(media_key(), m::MediaType::document);
      c::Bytes back;
      for (std::size_t i = 0; i < body.size(); i += chunk) {
        auto out = dec.value()->update(c::ByteView(body.data() + i, std::min(chunk, body.size() - i)));
        back.insert(back.end(), out.begin(), out.end());
      }
      auto last = dec.value()->finish(whole->digests.file_enc_sha256, whole->digests.file_sha256);
      CPPUNIT_ASSERT_MESSAGE(last.error().message, last.ok());
      back.insert(back.end(), last->begin(), last->end());
      CPPUNIT_ASSERT(back == plain);
    }
  }

  void tampered_mac_ciphertext_or_hashes_are_refused() {
    const auto& k = kCases[0];
    auto body = unhex(at(k.name, "ciphertext") + at(k.name, "mac10"));
    auto enc_sha = unhex_array<c::Key32>(at(k.name, "file_enc_sha256"));
    auto sha = unhex_array<c::Key32>(at(k.name, "file_sha256"));
    auto code = [&](const c::Bytes& b, std::optional<c::Key32> es, std::optional<c::Key32> s) {
      return std::string(m::to_string(m::decrypt_media(media_key(), k.type, b, es, s).error().code));
    };
    auto mac_flip = body;
    mac_flip.back() ^= 1;
    CPPUNIT_ASSERT_EQUAL(std::string("mac_mismatch"), code(mac_flip, std::nullopt, sha));
    CPPUNIT_ASSERT_EQUAL(std::string("enc_hash_mismatch"), code(mac_flip, enc_sha, sha));
    auto ct_flip = body;
    ct_flip[3] ^= 0x80;
    CPPUNIT_ASSERT_EQUAL(std::string("mac_mismatch"), code(ct_flip, std::nullopt, std::nullopt));
    auto wrong_sha = sha;
    wrong_sha[0] ^= 1;
    CPPUNIT_ASSERT_EQUAL(std::string("file_hash_mismatch"), code(body, enc_sha, wrong_sha));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_input"), code(c::Bytes(body.begin(), body.end() - 1), std::nullopt, std::nullopt));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_input"), code(c::Bytes(body.begin(), body.begin() + 20), std::nullopt, std::nullopt));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_input"), code({}, std::nullopt, std::nullopt));
    // The wrong media type means other keys: the MAC refuses it.
    CPPUNIT_ASSERT(!m::decrypt_media(media_key(), m::MediaType::video, body, std::nullopt, std::nullopt).ok());
    // A valid MAC over a body whose padding is wrong (we hold the keys, so we can forge that).
    auto keys = m::expand_media_key(media_key(), k.type);
    c::Bytes raw(16, 0x41);
    raw[15] = 0x00;  // padding byte 0: invalid
    // Encrypt a single block without padding by taking the first block of a padded encryption.
    auto ct_full = *c::aes256_cbc_encrypt(keys->cipher_key, keys->iv, raw);
    c::Bytes forged(ct_full.begin(), ct_full.begin() + 16);
    c::HmacSha256Stream mac(keys->mac_key);
    mac.update(keys->iv);
    mac.update(forged);
    auto tag = mac.finish();
    forged.insert(forged.end(), tag.begin(), tag.begin() + 10);
    CPPUNIT_ASSERT_EQUAL(std::string("bad_padding"), code(forged, std::nullopt, std::nullopt));
  }

  void streaming_decryptor_refuses_tampering_and_truncation() {
    auto enc = m::encrypt_media(media_key(), m::MediaType::image, long_plaintext());
    auto body = enc->body;
    body[5000] ^= 4;
    auto dec = m::MediaDecryptor::create(media_key(), m::MediaType::image);
    dec.value()->update(body);
    auto r = dec.value()->finish(std::nullopt, std::nullopt);
    CPPUNIT_ASSERT_EQUAL(std::string("mac_mismatch"), std::string(m::to_string(r.error().code)));
    auto dec2 = m::MediaDecryptor::create(media_key(), m::MediaType::image);
    dec2.value()->update(c::ByteView(enc->body.data(), 30));
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_input"),
                         std::string(m::to_string(dec2.value()->finish(std::nullopt, std::nullopt).error().code)));
    auto dec3 = m::MediaDecryptor::create(media_key(), m::MediaType::image);
    dec3.value()->update(enc->body);
    auto wrong = enc->digests.file_enc_sha256;
    wrong[31] ^= 1;
    CPPUNIT_ASSERT_EQUAL(std::string("enc_hash_mismatch"), std::string(m::to_string(dec3.value()->finish(wrong, std::nullopt).error().code)));
  }

  void bad_keys_and_types_are_refused() {
    CPPUNIT_ASSERT(!m::expand_media_key(c::Bytes(31, 0), m::MediaType::image).ok());
    CPPUNIT_ASSERT(!m::expand_media_key(media_key(), m::MediaType::unset).ok());
    CPPUNIT_ASSERT(!m::encrypt_media(c::Bytes(33, 0), m::MediaType::image, c::Bytes(5, 0)).ok());
    CPPUNIT_ASSERT(!m::MediaDecryptor::create(c::Bytes(), m::MediaType::image).ok());
    CPPUNIT_ASSERT(!m::verify_media(media_key(), m::MediaType::unset, c::Bytes(26, 0), std::nullopt).ok());
  }

  void type_tables_and_upload_token() {
    CPPUNIT_ASSERT_EQUAL(std::string("WhatsApp History Keys"), std::string(m::hkdf_info(m::MediaType::history)));
    CPPUNIT_ASSERT_EQUAL(std::string("md-msg-hist"), std::string(m::mms_type(m::MediaType::history)));
    CPPUNIT_ASSERT_EQUAL(std::string("image"), std::string(m::mms_type(m::MediaType::sticker)));
    CPPUNIT_ASSERT_EQUAL(std::string("audio"), std::string(m::mms_type(m::MediaType::ptt)));
    CPPUNIT_ASSERT_EQUAL(v.at("image.token"), m::upload_token(unhex_array<c::Key32>(at("image", "file_enc_sha256"))));
    CPPUNIT_ASSERT(m::generate_media_key() != m::generate_media_key());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MediaCryptoTest);
