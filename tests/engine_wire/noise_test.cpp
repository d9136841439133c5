// SPDX-License-Identifier: GPL-3.0-or-later
// Noise XX: the golden transcript byte for byte, transport frames both ways, and the certificate checks.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>

#include "host/engine/noise/client_handshake.hpp"
#include "host/engine/noise/server_cert_verifier.hpp"
#include "host/engine/transport/frame_codec.hpp"
#include "test_util.hpp"
#include "wa_transport.pb.h"

using namespace wabot::engine;
using wabot::engine::test::to_hex;

namespace {

crypto::Key32 key(const std::vector<std::uint8_t>& b) {
  crypto::Key32 k{};
  std::copy(b.begin(), b.end(), k.begin());
  return k;
}

std::string hex(const crypto::Key32& k) { return to_hex(k); }

struct Chain {
  crypto::KeyPair root = crypto::generate_key_pair();
  crypto::KeyPair inter = crypto::generate_key_pair();
  crypto::KeyPair leaf = crypto::generate_key_pair();
  std::uint32_t inter_serial = 7, inter_issuer = 0, leaf_issuer = 7;
  std::uint64_t inter_from = 1000, inter_to = 3000, leaf_from = 1500, leaf_to = 2500;
  bool corrupt_leaf_signature = false;

  std::string build() const {
    wabot::proto::CertChain::NoiseCertificate::Details id, ld;
    id.set_serial(inter_serial);
    id.set_issuer_serial(inter_issuer);
    id.set_key(inter.public_key.data(), 32);
    id.set_not_before(inter_from);
    id.set_not_after(inter_to);
    ld.set_serial(99);
    ld.set_issuer_serial(leaf_issuer);
    ld.set_key(leaf.public_key.data(), 32);
    ld.set_not_before(leaf_from);
    ld.set_not_after(leaf_to);
    wabot::proto::CertChain chain;
    std::string ids = id.SerializeAsString(), lds = ld.SerializeAsString();
    auto isig = crypto::xeddsa_sign(root.private_key, crypto::view(ids));
    auto lsig = crypto::xeddsa_sign(inter.private_key, crypto::view(lds));
    if (corrupt_leaf_signature) lsig[5] ^= 1;
    chain.mutable_intermediate()->set_details(ids);
    chain.mutable_intermediate()->set_signature(isig.data(), 64);
    chain.mutable_leaf()->set_details(lds);
    chain.mutable_leaf()->set_signature(lsig.data(), 64);
    return chain.SerializeAsString();
  }

  Status verify(std::uint64_t now = 2000) const {
    return noise::ServerCertVerifier(root.public_key).verify(crypto::view(build()), leaf.public_key, now);
  }
};

bool refused_with(const Status& s, const std::string& fragment) {
  return !s.ok() && s.error().code == ErrorCode::certificate && s.error().message.find(fragment) != std::string::npos;
}

}  // namespace

class NoiseTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NoiseTest);
  CPPUNIT_TEST(reproduces_the_golden_transcript);
  CPPUNIT_TEST(refuses_a_corrupted_server_hello);
  CPPUNIT_TEST(accepts_a_valid_certificate_chain);
  CPPUNIT_TEST(refuses_a_wrong_root_key);
  CPPUNIT_TEST(refuses_each_broken_certificate_rule);
  CPPUNIT_TEST(transport_cipher_drops_a_bad_frame_and_continues);
  CPPUNIT_TEST_SUITE_END();

 public:
  void reproduces_the_golden_transcript() {
    auto v = test::read_vector_file("noise_vector.txt");
    crypto::KeyPair ce = crypto::key_pair_from_private(key(v["ce_priv"]));
    crypto::KeyPair cs = crypto::key_pair_from_private(key(v["cs_priv"]));
    CPPUNIT_ASSERT_EQUAL(to_hex(v["ce_pub"]), hex(ce.public_key));
    CPPUNIT_ASSERT_EQUAL(to_hex(v["cs_pub"]), hex(cs.public_key));

    std::string seen_cert;
    crypto::Key32 seen_static{};
    noise::ClientHandshake hs(cs, ce, [&](crypto::ByteView cert, const crypto::Key32& server_static) -> Status {
      seen_cert.assign(cert.begin(), cert.end());
      seen_static = server_static;
      return Ok{};  // the vector's cert is the fake string "fake-cert-chain-bytes"
    });
    CPPUNIT_ASSERT_EQUAL(to_hex(v["h_prologue"]), hex(hs.state().hash()));

    transport::FrameCodec codec({noise::kWaIntroHeader.begin(), noise::kWaIntroHeader.end()});
    auto msg1 = codec.encode(hs.client_hello());
    CPPUNIT_ASSERT_EQUAL(to_hex(v["h_ce"]), hex(hs.state().hash()));
    CPPUNIT_ASSERT_EQUAL(to_hex(v["ws_msg_1"]), to_hex(*msg1));

    auto finish = hs.process_server_hello(v["server_frame"], v["client_payload"]);
    CPPUNIT_ASSERT_MESSAGE(finish ? "" : finish.error().message, finish.ok());
    CPPUNIT_ASSERT_EQUAL(to_hex(v["cert_plaintext"]), to_hex(seen_cert));
    CPPUNIT_ASSERT_EQUAL(to_hex(v["ss_pub"]), hex(seen_static));
    CPPUNIT_ASSERT_EQUAL(to_hex(v["ws_msg_2"]), to_hex(*codec.encode(*finish)));  // no intro the second time
    CPPUNIT_ASSERT_EQUAL(to_hex(v["h_final"]), hex(hs.state().hash()));
    CPPUNIT_ASSERT_EQUAL(to_hex(v["ck_final"]), hex(hs.state().chaining_key()));

    auto cipher = hs.take_cipher();
    CPPUNIT_ASSERT(cipher.has_value());
    auto f0 = cipher->encrypt(v["keepalive_plain"]);
    auto f1 = cipher->encrypt(v["keepalive_plain"]);
    CPPUNIT_ASSERT_EQUAL(to_hex(v["c2s_ctr0"]), to_hex(*codec.encode(*f0)));
    CPPUNIT_ASSERT_EQUAL(to_hex(v["c2s_ctr1"]), to_hex(*codec.encode(*f1)));

    transport::FrameCodec in({});
    CPPUNIT_ASSERT(in.feed(v["s2c_ctr0"]).ok());
    CPPUNIT_ASSERT(in.has_frame());
    auto plain = cipher->decrypt(in.next_frame());
    CPPUNIT_ASSERT(plain.ok());
    CPPUNIT_ASSERT_EQUAL(to_hex(v["s2c_plain"]), to_hex(*plain));
  }

  void refuses_a_corrupted_server_hello() {
    auto v = test::read_vector_file("noise_vector.txt");
    auto ce = crypto::key_pair_from_private(key(v["ce_priv"]));
    auto cs = crypto::key_pair_from_private(key(v["cs_priv"]));
    auto accept = [](crypto::ByteView, const crypto::Key32&) -> Status { return Ok{}; };
    for (std::size_t i : {5u, 40u, 100u, 120u}) {
      noise::ClientHandshake hs(cs, ce, accept);
      (void)hs.client_hello();
      auto frame = v["server_frame"];
      frame[i] ^= 0x40;
      auto r = hs.process_server_hello(frame, v["client_payload"]);
      CPPUNIT_ASSERT_MESSAGE(std::to_string(i), !r.ok());
      CPPUNIT_ASSERT(!hs.take_cipher().has_value());
    }
    noise::ClientHandshake hs(cs, ce, accept);
    (void)hs.client_hello();
    CPPUNIT_ASSERT(!hs.process_server_hello(std::vector<std::uint8_t>{0xff, 0x01}, v["client_payload"]).ok());
    // A certificate refusal stops the handshake.
    noise::ClientHandshake refusing(cs, ce, [](crypto::ByteView, const crypto::Key32&) -> Status {
      return Error(ErrorCode::certificate, "server certificate refused: test");
    });
    (void)refusing.client_hello();
    auto r = refusing.process_server_hello(v["server_frame"], v["client_payload"]);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == ErrorCode::certificate);
  }

  void accepts_a_valid_certificate_chain() {
    Chain c;
    auto s = c.verify();
    CPPUNIT_ASSERT_MESSAGE(s ? "" : s.error().message, s.ok());
  }

  void refuses_a_wrong_root_key() {
    Chain c;
    auto other = crypto::generate_key_pair();
    auto s = noise::ServerCertVerifier(other.public_key).verify(crypto::view(c.build()), c.leaf.public_key, 2000);
    CPPUNIT_ASSERT(refused_with(s, "not signed by the configured root key"));
    // And the real WhatsApp root refuses our test chain by default.
    auto d = noise::ServerCertVerifier().verify(crypto::view(c.build()), c.leaf.public_key, 2000);
    CPPUNIT_ASSERT(refused_with(d, "root"));
  }

  void refuses_each_broken_certificate_rule() {
    { Chain c; c.inter_issuer = 3; CPPUNIT_ASSERT(refused_with(c.verify(), "intermediate issuer serial")); }
    { Chain c; c.corrupt_leaf_signature = true; CPPUNIT_ASSERT(refused_with(c.verify(), "leaf is not signed")); }
    { Chain c; CPPUNIT_ASSERT(refused_with(c.verify(999), "intermediate is not valid yet")); }
    { Chain c; CPPUNIT_ASSERT(refused_with(c.verify(3001), "intermediate expired")); }
    { Chain c; c.leaf_issuer = 8; CPPUNIT_ASSERT(refused_with(c.verify(), "leaf issuer serial")); }
    { Chain c; CPPUNIT_ASSERT(refused_with(c.verify(1200), "leaf is not valid yet")); }
    { Chain c; CPPUNIT_ASSERT(refused_with(c.verify(2600), "leaf expired")); }
    {
      Chain c;
      auto other = crypto::generate_key_pair();
      auto s = noise::ServerCertVerifier(c.root.public_key).verify(crypto::view(c.build()), other.public_key, 2000);
      CPPUNIT_ASSERT(refused_with(s, "leaf key does not equal the server static"));
    }
    {
      Chain c;
      wabot::proto::CertChain chain;
      chain.ParseFromString(c.build());
      chain.clear_leaf();
      auto s = noise::ServerCertVerifier(c.root.public_key).verify(crypto::view(chain.SerializeAsString()), c.leaf.public_key, 2000);
      CPPUNIT_ASSERT(refused_with(s, "missing"));
      chain.ParseFromString(c.build());
      chain.mutable_leaf()->set_signature("short");
      s = noise::ServerCertVerifier(c.root.public_key).verify(crypto::view(chain.SerializeAsString()), c.leaf.public_key, 2000);
      CPPUNIT_ASSERT(refused_with(s, "64 bytes"));
    }
    {
      Chain c;
      std::string garbage = "\xff\xff\xff";
      auto s = noise::ServerCertVerifier(c.root.public_key).verify(crypto::view(garbage), c.leaf.public_key, 2000);
      CPPUNIT_ASSERT(refused_with(s, "not a valid CertChain"));
    }
  }

  void transport_cipher_drops_a_bad_frame_and_continues() {
    crypto::Key32 a{}, b{};
    a[0] = 1;
    b[0] = 2;
    noise::NoiseCipher client(a, b), server(b, a);
    std::vector<std::uint8_t> m1{1, 2, 3}, m2{4, 5};
    auto c1 = server.encrypt(m1), c2 = server.encrypt(m2);
    c1->back() ^= 1;
    CPPUNIT_ASSERT(!client.decrypt(*c1).ok());
    auto p2 = client.decrypt(*c2);
    CPPUNIT_ASSERT(p2.ok());
    CPPUNIT_ASSERT(*p2 == m2);
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(2), client.read_counter());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NoiseTest);
