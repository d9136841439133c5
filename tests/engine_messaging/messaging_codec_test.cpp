// SPDX-License-Identifier: GPL-3.0-or-later
// Golden bytes and parsing of the messaging layer's wire pieces: message ids, text/reply/mention/DSM
// Message encodings (docs/protocol/messaging.md §9), unwrapping, usync and prekey bundle replies.
#include <cppunit/extensions/HelperMacros.h>

#include "host/engine/messaging/device_list.hpp"
#include "host/engine/messaging/message_content.hpp"
#include "host/engine/messaging/message_id.hpp"
#include "host/engine/messaging/prekey_bundle.hpp"

using namespace wabot::engine;
using namespace wabot::engine::messaging;

namespace {

std::string hex(const std::string& s) {
  static const char* h = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) out += h[c >> 4], out += h[c & 15];
  return out;
}

Bytes filled(std::size_t n, std::uint8_t v) { return Bytes(n, v); }

}  // namespace

class MessagingCodecTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MessagingCodecTest);
  CPPUNIT_TEST(message_id_matches_the_reference_vector);
  CPPUNIT_TEST(text_reply_mention_and_dsm_golden_bytes);
  CPPUNIT_TEST(unwraps_nested_wrappers);
  CPPUNIT_TEST(parses_a_usync_device_reply);
  CPPUNIT_TEST(refuses_malformed_replies);
  CPPUNIT_TEST(parses_a_prekey_bundle_reply);
  CPPUNIT_TEST_SUITE_END();

 public:
  void message_id_matches_the_reference_vector() {
    std::array<std::uint8_t, 16> zero{};
    CPPUNIT_ASSERT_EQUAL(std::string("3EB048B1DF323573D1783B"), make_message_id(1700000000, "15551234567", zero));
    auto a = generate_message_id("15551234567"), b = generate_message_id("15551234567");
    CPPUNIT_ASSERT_EQUAL(std::size_t(22), a.size());
    CPPUNIT_ASSERT(a != b);
  }

  void text_reply_mention_and_dsm_golden_bytes() {
    CPPUNIT_ASSERT_EQUAL(std::string("0a026869"), hex(make_text_message("hi", {}, nullptr).SerializeAsString()));
    QuotedMessage q{"3EB0AABBCCDDEEFF001122", "111111111111111@lid", "hi", ""};
    CPPUNIT_ASSERT_EQUAL(std::string("323a0a026f6b8a01330a16334542304141424243434444454546463030313132321213313131313131313131313131313131406c69641a040a026869"),
                         hex(make_text_message("ok", {}, &q).SerializeAsString()));
    CPPUNIT_ASSERT_EQUAL(std::string("32300a16403131313131313131313131313131312068656c6c6f8a01157a13313131313131313131313131313131406c6964"),
                         hex(make_text_message("@111111111111111 hello", {"111111111111111@lid"}, nullptr).SerializeAsString()));
    wabot::proto::Message dsm;
    dsm.mutable_device_sent_message()->set_destination_jid("222222222222222@lid");
    *dsm.mutable_device_sent_message()->mutable_message() = make_text_message("hi", {}, nullptr);
    CPPUNIT_ASSERT_EQUAL(std::string("fa011b0a13323232323232323232323232323232406c696412040a026869"), hex(dsm.SerializeAsString()));
  }

  void unwraps_nested_wrappers() {
    wabot::proto::Message m;
    auto* inner = m.mutable_device_sent_message()->mutable_message()->mutable_ephemeral_message()->mutable_message()
                      ->mutable_view_once_message_v2()->mutable_message();
    inner->mutable_document_with_caption_message()->mutable_message()->mutable_document_message()->set_caption("doc");
    InboundMessage out;
    CPPUNIT_ASSERT(describe_content(unwrap_message(m), out));
    CPPUNIT_ASSERT_EQUAL(std::string("doc"), out.text);
    CPPUNIT_ASSERT(out.media && out.media->kind == MediaKind::document);
    // A message with only a sender key distribution is not reported.
    wabot::proto::Message skdm;
    skdm.mutable_sender_key_distribution_message()->set_group_id("1@g.us");
    InboundMessage none;
    CPPUNIT_ASSERT(!describe_content(unwrap_message(skdm), none));
  }

  void parses_a_usync_device_reply() {
    Node list("list", {}, NodeList{Node("user", {{"jid", Jid("15550001111", server::user)}},
        NodeList{Node("devices", {}, NodeList{Node("device-list", {}, NodeList{
                     Node("device", {{"id", "0"}}), Node("device", {{"id", "3"}, {"key-index", "2"}}),
                     Node("device", {{"id", "5"}}),  // unsigned companion: dropped
                     Node("device", {{"id", "99"}, {"key-index", "4"}, {"is_hosted", "true"}})})}),
                 Node("lid", {{"val", Jid("222222222222222", server::lid)}})})});
    Node reply("iq", {{"type", "result"}}, NodeList{Node("usync", {}, NodeList{list})});
    auto parsed = parse_device_reply(reply);
    CPPUNIT_ASSERT(parsed.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), parsed->size());
    const auto& u = parsed->front();
    CPPUNIT_ASSERT_EQUAL(std::string("15550001111@s.whatsapp.net"), u.user.to_string());
    CPPUNIT_ASSERT((u.devices == std::vector<std::uint16_t>{0, 3}));
    CPPUNIT_ASSERT_EQUAL(std::string("222222222222222@lid"), u.lid->to_string());

    DeviceListCache cache(std::chrono::milliseconds(1000));
    auto t0 = std::chrono::steady_clock::now();
    cache.put(u, t0);
    CPPUNIT_ASSERT(cache.get(Jid("15550001111", server::user, 4), t0 + std::chrono::milliseconds(10)));
    CPPUNIT_ASSERT(!cache.get(u.user, t0 + std::chrono::milliseconds(1001)));
    cache.invalidate(u.user);
    CPPUNIT_ASSERT(!cache.get(u.user, t0));

    auto q = make_device_query({Jid("15550001111", server::user, 3)}, "sid-1");
    CPPUNIT_ASSERT(q.to_debug_string().find("15550001111@s.whatsapp.net") != std::string::npos);
    CPPUNIT_ASSERT(q.child("usync")->child("query")->child("lid") != nullptr);
  }

  void refuses_malformed_replies() {
    CPPUNIT_ASSERT(!parse_device_reply(Node("iq", {{"type", "result"}})).ok());
    auto err = parse_device_reply(Node("iq", {{"type", "error"}}, NodeList{Node("error", {{"code", "500"}, {"text", "x"}})}));
    CPPUNIT_ASSERT(!err.ok() && err.error().message.find("500") != std::string::npos);
    // A bundle with a short identity key is an error for that user, not a crash.
    Node user("user", {{"jid", Jid("1", server::lid, 2)}},
              NodeList{Node("registration", {}, filled(4, 1)), Node("identity", {}, filled(31, 2))});
    auto r = parse_bundle_reply(Node("iq", {{"type", "result"}}, NodeList{Node("list", {}, NodeList{user})}));
    CPPUNIT_ASSERT(r.ok());
    CPPUNIT_ASSERT(!r->front().bundle);
    CPPUNIT_ASSERT(r->front().error.find("identity") != std::string::npos);
  }

  void parses_a_prekey_bundle_reply() {
    Node user("user", {{"jid", Jid("222222222222222", server::lid, 7)}},
              NodeList{Node("registration", {}, Bytes{0, 0, 0x30, 0x39}), Node("type", {}, Bytes{5}),
                       Node("identity", {}, filled(32, 0xAA)),
                       Node("skey", {}, NodeList{Node("id", {}, Bytes{0, 0, 1}), Node("value", {}, filled(32, 0xBB)),
                                                 Node("signature", {}, filled(64, 0xCC))}),
                       Node("key", {}, NodeList{Node("id", {}, Bytes{0, 1, 2}), Node("value", {}, filled(32, 0xDD))})});
    auto r = parse_bundle_reply(Node("iq", {{"type", "result"}}, NodeList{Node("list", {}, NodeList{user})}));
    CPPUNIT_ASSERT(r.ok());
    const auto& b = *r->front().bundle;
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(12345), b.registration_id);
    CPPUNIT_ASSERT_EQUAL(std::int32_t(7), b.device_id);
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(1), b.signed_pre_key_id);
    CPPUNIT_ASSERT(b.pre_key && b.pre_key->id == 0x102 && b.pre_key->public_key[0] == 0xDD);
    CPPUNIT_ASSERT(b.identity_key[31] == 0xAA && b.signed_pre_key_signature[63] == 0xCC);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MessagingCodecTest);
