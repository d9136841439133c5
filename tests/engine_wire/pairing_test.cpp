// SPDX-License-Identifier: GPL-3.0-or-later
// Pairing: the golden pair-success vector, refusals, QR text and PNG, ClientPayload and ADV golden encodings.
#include <cppunit/extensions/HelperMacros.h>

#include <png.h>

#include <algorithm>

#include "host/engine/binary/binary_decoder.hpp"
#include "host/engine/binary/binary_encoder.hpp"
#include "host/engine/pairing/client_payload.hpp"
#include "host/engine/pairing/device_credentials.hpp"
#include "host/engine/pairing/pair_device.hpp"
#include "host/engine/pairing/pair_success.hpp"
#include "host/engine/pairing/qr_code.hpp"
#include "test_util.hpp"
#include "wa_transport.pb.h"

using namespace wabot::engine;
using wabot::engine::test::from_hex;
using wabot::engine::test::to_hex;

namespace {

crypto::Key32 key(const std::vector<std::uint8_t>& b) {
  crypto::Key32 k{};
  std::copy(b.begin(), b.end(), k.begin());
  return k;
}

store::Credentials vector_credentials(std::map<std::string, std::vector<std::uint8_t>>& v) {
  store::Credentials c = pairing::generate_credentials();
  c.identity_key = crypto::key_pair_from_private(key(v["identity_priv"]));
  c.adv_secret = key(v["adv_secret"]);
  return c;
}

// The vector stanza with its device-identity replaced.
Node stanza_with_identity(std::map<std::string, std::vector<std::uint8_t>>& v, const std::string& identity) {
  Node n = binary::decode_frame_plaintext(v["stanza"]).value();
  auto& ps = std::get<NodeList>(n.content)[0];
  for (auto& c : std::get<NodeList>(ps.content))
    if (c.tag == "device-identity") c.content = Bytes(identity.begin(), identity.end());
  return n;
}

}  // namespace

class PairingTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PairingTest);
  CPPUNIT_TEST(verifies_and_signs_the_golden_pair_success);
  CPPUNIT_TEST(refuses_a_wrong_adv_secret);
  CPPUNIT_TEST(refuses_a_bad_account_signature);
  CPPUNIT_TEST(parses_pair_device_refs);
  CPPUNIT_TEST(builds_the_qr_text_and_png);
  CPPUNIT_TEST(encodes_protobuf_goldens);
  CPPUNIT_TEST(builds_registration_and_login_payloads);
  CPPUNIT_TEST_SUITE_END();

 public:
  void verifies_and_signs_the_golden_pair_success() {
    auto v = test::read_vector_file("pair_vector.txt");
    auto creds = vector_credentials(v);
    CPPUNIT_ASSERT_EQUAL(to_hex(v["identity_pub"]), to_hex(creds.identity_key.public_key));
    auto iq = binary::decode_frame_plaintext(v["stanza"]);
    CPPUNIT_ASSERT(iq.ok() && pairing::is_pair_success(*iq));
    auto r = pairing::process_pair_success(*iq, creds);
    CPPUNIT_ASSERT_MESSAGE(r.status ? "" : r.status.error().message, r.status.ok());
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(7), r.key_index);
    CPPUNIT_ASSERT_EQUAL(std::string("15551234567:7@s.whatsapp.net"), creds.device_jid->to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("100000000000001:7@lid"), creds.lid->to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("android"), creds.platform);
    CPPUNIT_ASSERT_EQUAL(to_hex(v["account_key"]), to_hex(r.primary_identity_key));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000000), r.server_time_s.value());

    // Reply: <iq to=s.whatsapp.net type=result id=1234567><pair-device-sign><device-identity key-index=7>
    const Node& reply = r.reply;
    CPPUNIT_ASSERT_EQUAL(std::string("result"), reply.attr("type").value());
    CPPUNIT_ASSERT_EQUAL(std::string("1234567"), reply.attr("id").value());
    CPPUNIT_ASSERT_EQUAL(std::string("s.whatsapp.net"), reply.attr("to").value());
    const Node* di = reply.child("pair-device-sign")->child("device-identity");
    CPPUNIT_ASSERT_EQUAL(std::string("7"), di->attr("key-index").value());
    wabot::proto::ADVSignedDeviceIdentity sent;
    CPPUNIT_ASSERT(sent.ParseFromArray(di->bytes()->data(), static_cast<int>(di->bytes()->size())));
    CPPUNIT_ASSERT(!sent.has_account_signature_key());
    CPPUNIT_ASSERT_EQUAL(to_hex(v["device_identity_details"]), to_hex(sent.details()));
    CPPUNIT_ASSERT_EQUAL(to_hex(v["account_signature"]), to_hex(sent.account_signature()));
    // XEdDSA is randomised: verify ours over the vector's message, and that the vector's sample verifies too.
    CPPUNIT_ASSERT(crypto::xeddsa_verify(creds.identity_key.public_key, v["device_signature_message"], crypto::view(sent.device_signature())));
    CPPUNIT_ASSERT(crypto::xeddsa_verify(creds.identity_key.public_key, v["device_signature_message"], v["sample_device_signature"]));
    // Stored account keeps the account key and our signature.
    wabot::proto::ADVSignedDeviceIdentity stored;
    CPPUNIT_ASSERT(stored.ParseFromArray(creds.account.data(), static_cast<int>(creds.account.size())));
    CPPUNIT_ASSERT_EQUAL(to_hex(v["account_key"]), to_hex(stored.account_signature_key()));
    CPPUNIT_ASSERT_EQUAL(sent.device_signature(), stored.device_signature());
    // The reply encodes (round trip through the codec).
    CPPUNIT_ASSERT(binary::decode_frame_plaintext(binary::encode_node(reply)).ok());
  }

  void refuses_a_wrong_adv_secret() {
    auto v = test::read_vector_file("pair_vector.txt");
    auto creds = vector_credentials(v);
    creds.adv_secret[0] ^= 1;
    auto iq = binary::decode_frame_plaintext(v["stanza"]).value();
    auto r = pairing::process_pair_success(iq, creds);
    CPPUNIT_ASSERT(!r.status.ok());
    CPPUNIT_ASSERT(r.status.error().message.find("HMAC") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("error"), r.reply.attr("type").value());
    CPPUNIT_ASSERT_EQUAL(std::string("401"), r.reply.child("error")->attr("code").value());
    CPPUNIT_ASSERT_EQUAL(std::string("hmac-mismatch"), r.reply.child("error")->attr("text").value());
    CPPUNIT_ASSERT(!creds.is_linked());
    CPPUNIT_ASSERT(creds.account.empty());
  }

  void refuses_a_bad_account_signature() {
    auto v = test::read_vector_file("pair_vector.txt");
    auto creds = vector_credentials(v);
    wabot::proto::ADVSignedDeviceIdentity account;
    account.ParseFromArray(v["signed_device_identity"].data(), static_cast<int>(v["signed_device_identity"].size()));
    std::string sig = account.account_signature();
    sig[10] ^= 1;
    account.set_account_signature(sig);
    wabot::proto::ADVSignedDeviceIdentityHMAC container;
    container.set_details(account.SerializeAsString());
    auto mac = crypto::hmac_sha256(creds.adv_secret, crypto::view(container.details()));
    container.set_hmac(mac.data(), mac.size());
    auto r = pairing::process_pair_success(stanza_with_identity(v, container.SerializeAsString()), creds);
    CPPUNIT_ASSERT(!r.status.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("signature-mismatch"), r.reply.child("error")->attr("text").value());
    CPPUNIT_ASSERT(!creds.is_linked());
    // Garbage identity bytes: an internal error reply, no crash.
    auto g = pairing::process_pair_success(stanza_with_identity(v, "\x0a\xff\xff"), creds);
    CPPUNIT_ASSERT(!g.status.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("500"), g.reply.child("error")->attr("code").value());
  }

  void parses_pair_device_refs() {
    Node iq("iq", {{"from", server_jid()}, {"type", "set"}, {"id", "42"}},
            NodeList{Node("pair-device", {}, NodeList{Node("ref", {}, Bytes{'r', '1'}), Node("ref", {}, Bytes{'r', '2'})})});
    auto round = binary::decode_frame_plaintext(binary::encode_node(iq)).value();
    CPPUNIT_ASSERT(pairing::is_pair_device(round));
    auto req = pairing::parse_pair_device(round);
    CPPUNIT_ASSERT(req.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("42"), req->iq_id);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), req->refs.size());
    CPPUNIT_ASSERT_EQUAL(std::string("r2"), req->refs[1]);
    // "42" happens to be a double-byte token (dictionary 2, index 0x52).
    CPPUNIT_ASSERT_EQUAL(std::string("00f8071911fa0003041408ee52"), to_hex(binary::encode_node(pairing::iq_result_for(round))));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(60000), pairing::qr_ref_lifetime_ms(0));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(20000), pairing::qr_ref_lifetime_ms(1));
    Node spoofed = iq;
    spoofed.set_attr("from", Jid("123", server::user));
    CPPUNIT_ASSERT(!pairing::parse_pair_device(spoofed).ok());
    Node empty("iq", {{"type", "set"}, {"id", "1"}}, NodeList{Node("pair-device")});
    CPPUNIT_ASSERT(!pairing::parse_pair_device(empty).ok());
  }

  void builds_the_qr_text_and_png() {
    store::Credentials c;
    for (int i = 0; i < 32; ++i) {
      c.noise_key.public_key[i] = static_cast<std::uint8_t>(i);
      c.identity_key.public_key[i] = static_cast<std::uint8_t>(0xFF - i);
      c.adv_secret[i] = 0xAA;
    }
    auto text = pairing::qr_text("2@abc", c, '1');
    CPPUNIT_ASSERT_EQUAL(std::string("https://wa.me/settings/linked_devices#2@abc,AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=,"
                                     "//79/Pv6+fj39vX08/Lx8O/u7ezr6uno5+bl5OPi4eA=,qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqo=,1"),
                         text);
    CPPUNIT_ASSERT_EQUAL(std::string("YQ=="), pairing::base64(crypto::view("a")));
    CPPUNIT_ASSERT_EQUAL(std::string("YWI="), pairing::base64(crypto::view("ab")));
    auto png = pairing::render_qr_png(text);
    CPPUNIT_ASSERT(png.ok());
    png_image img{};
    img.version = PNG_IMAGE_VERSION;
    CPPUNIT_ASSERT(png_image_begin_read_from_memory(&img, png->data(), png->size()));
    img.format = PNG_FORMAT_GRAY;
    std::vector<std::uint8_t> pixels(PNG_IMAGE_SIZE(img));
    CPPUNIT_ASSERT(png_image_finish_read(&img, nullptr, pixels.data(), 0, nullptr));
    CPPUNIT_ASSERT_EQUAL(img.width, img.height);
    CPPUNIT_ASSERT(img.width % 8 == 0 && img.width >= 8 * (21 + 8));
    // Quiet zone is white; the finder pattern's top-left module (after 4 quiet modules) is dark.
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(255), pixels[0]);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0), pixels[(4 * 8 + 3) * img.width + 4 * 8 + 3]);
    CPPUNIT_ASSERT(!pairing::render_qr_png("").ok());
  }

  void encodes_protobuf_goldens() {
    wabot::proto::ClientPayload p;
    p.set_username(15551234567ull);
    p.set_device(1);
    p.set_passive(true);
    p.set_pull(true);
    CPPUNIT_ASSERT_EQUAL(std::string("088784b4f7391801900101880201"), to_hex(p.SerializeAsString()));
    wabot::proto::ADVDeviceIdentity d;
    d.set_raw_id(1234);
    d.set_timestamp(1700000000);
    d.set_key_index(7);
    CPPUNIT_ASSERT_EQUAL(std::string("08d2091080e2cfaa061807"), to_hex(d.SerializeAsString()));
    auto v = test::read_vector_file("pair_vector.txt");
    wabot::proto::ADVSignedDeviceIdentity s;
    s.set_details(std::string(v["device_identity_details"].begin(), v["device_identity_details"].end()));
    s.set_account_signature_key(std::string(v["account_key"].begin(), v["account_key"].end()));
    s.set_account_signature(std::string(v["account_signature"].begin(), v["account_signature"].end()));
    CPPUNIT_ASSERT_EQUAL(to_hex(v["signed_device_identity"]), to_hex(s.SerializeAsString()));
    wabot::proto::ADVSignedDeviceIdentityHMAC h;
    h.set_details(s.SerializeAsString());
    h.set_hmac(std::string(v["hmac"].begin(), v["hmac"].end()));
    CPPUNIT_ASSERT_EQUAL(to_hex(v["device_identity_hmac"]), to_hex(h.SerializeAsString()));
    wabot::proto::HandshakeMessage hm;
    hm.mutable_client_hello()->set_ephemeral(std::string(32, '\x01'));
    CPPUNIT_ASSERT_EQUAL(std::string("12220a20") + std::string(64, '0').replace(0, 64, to_hex(std::string(32, '\x01'))),
                         to_hex(hm.SerializeAsString()));
  }

  void builds_registration_and_login_payloads() {
    auto creds = pairing::generate_credentials();
    CPPUNIT_ASSERT(creds.registration_id >= 1 && creds.registration_id <= 16380);
    crypto::Bytes spk_msg{0x05};
    spk_msg.insert(spk_msg.end(), creds.signed_pre_key.key_pair.public_key.begin(), creds.signed_pre_key.key_pair.public_key.end());
    CPPUNIT_ASSERT(crypto::xeddsa_verify(creds.identity_key.public_key, spk_msg, creds.signed_pre_key.signature));

    pairing::ClientIdentity id;
    id.push_name = "Bot";
    auto reg = pairing::registration_payload(creds, id);
    wabot::proto::ClientPayload p;
    CPPUNIT_ASSERT(p.ParseFromArray(reg.data(), static_cast<int>(reg.size())));
    CPPUNIT_ASSERT(!p.passive() && p.has_passive() && !p.pull() && p.has_pull());
    CPPUNIT_ASSERT(!p.has_username());
    CPPUNIT_ASSERT_EQUAL(wabot::proto::ClientPayload::UserAgent::WEB, p.user_agent().platform());
    CPPUNIT_ASSERT_EQUAL(1043857760u, p.user_agent().app_version().tertiary());
    CPPUNIT_ASSERT_EQUAL(std::string("Bot"), p.push_name());
    const auto& d = p.device_pairing_data();
    std::uint32_t rid = creds.registration_id;
    CPPUNIT_ASSERT_EQUAL(to_hex(std::vector<std::uint8_t>{std::uint8_t(rid >> 24), std::uint8_t(rid >> 16), std::uint8_t(rid >> 8), std::uint8_t(rid)}),
                         to_hex(d.e_regid()));
    CPPUNIT_ASSERT_EQUAL(std::string("05"), to_hex(d.e_keytype()));
    CPPUNIT_ASSERT_EQUAL(std::string("000001"), to_hex(d.e_skey_id()));
    CPPUNIT_ASSERT_EQUAL(to_hex(creds.identity_key.public_key), to_hex(d.e_ident()));
    // MD5("2.3000.1043857760")
    CPPUNIT_ASSERT_EQUAL(std::string("f6f65c0607a1cdffd8752b051fc95edf"), to_hex(d.build_hash()));
    wabot::proto::DeviceProps props;
    CPPUNIT_ASSERT(props.ParseFromString(d.device_props()));
    CPPUNIT_ASSERT_EQUAL(std::string("Wabot"), props.os());
    CPPUNIT_ASSERT_EQUAL(wabot::proto::DeviceProps::CHROME, props.platform_type());
    CPPUNIT_ASSERT_EQUAL('1', pairing::qr_client_type(id.platform));

    CPPUNIT_ASSERT(!pairing::login_payload(creds, id).ok());
    creds.device_jid = Jid::parse("15551234567:1@s.whatsapp.net").value();
    auto login = pairing::login_payload(creds, id);
    CPPUNIT_ASSERT(login.ok());
    wabot::proto::ClientPayload l;
    CPPUNIT_ASSERT(l.ParseFromArray(login->data(), static_cast<int>(login->size())));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(15551234567ull), l.username());
    CPPUNIT_ASSERT_EQUAL(1u, l.device());
    CPPUNIT_ASSERT(l.passive() && l.pull() && !l.has_device_pairing_data());

    auto ver = pairing::WaVersion::parse("2.3000.1045649367");
    CPPUNIT_ASSERT(ver.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("2.3000.1045649367"), ver->to_string());
    for (const char* bad : {"", "2.3000", "2.3000.x", "2..1", "2.3000.1.", "1.2.3.4"})
      CPPUNIT_ASSERT_MESSAGE(bad, !pairing::WaVersion::parse(bad).ok());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PairingTest);
