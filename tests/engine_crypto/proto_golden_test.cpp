// SPDX-License-Identifier: GPL-3.0-or-later
// wa_e2e.proto against golden bytes (data/protobuf_vectors.txt, from messaging.md §9 and our own
// independent encoder): we build each message, compare the bytes, and parse them back.
#include "wa_e2e.pb.h"

#include "hex.hpp"
#include "vector_file.hpp"

#include <cppunit/extensions/HelperMacros.h>

using wabot::test::hex;
using wabot::test::unhex;
namespace pb = wabot::proto;

namespace {
std::string bytes_of(std::string_view hex_text) {
  auto b = unhex(hex_text);
  return std::string(b.begin(), b.end());
}
std::string range_bytes(int from, int to) {
  std::string s;
  for (int i = from; i < to; ++i) s.push_back(static_cast<char>(i));
  return s;
}
std::string hex_of(const google::protobuf::MessageLite& m) {
  std::string out;
  CPPUNIT_ASSERT(m.SerializeToString(&out));
  return hex(out);
}
}  // namespace

class ProtoGoldenTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ProtoGoldenTest);
  CPPUNIT_TEST(text_reply_mention_and_dsm_match_golden_bytes);
  CPPUNIT_TEST(sender_key_distribution_wrapper_matches);
  CPPUNIT_TEST(media_messages_match_golden_bytes);
  CPPUNIT_TEST(wrappers_protocol_message_and_key_match);
  CPPUNIT_TEST(golden_bytes_parse_back_to_the_fields);
  CPPUNIT_TEST(unknown_fields_survive_a_round_trip);
  CPPUNIT_TEST(garbage_is_refused_by_the_parser);
  CPPUNIT_TEST_SUITE_END();

  std::map<std::string, std::string> v = wabot::test::load_vectors("protobuf_vectors.txt");

 public:
  void text_reply_mention_and_dsm_match_golden_bytes() {
    pb::Message hi;
    hi.set_conversation("hi");
    CPPUNIT_ASSERT_EQUAL(v.at("conversation_hi"), hex_of(hi));

    pb::Message reply;
    auto* ext = reply.mutable_extended_text_message();
    ext->set_text("ok");
    auto* ctx = ext->mutable_context_info();
    ctx->set_stanza_id("3EB0AABBCCDDEEFF001122");
    ctx->set_participant("111111111111111@lid");
    ctx->mutable_quoted_message()->set_conversation("hi");
    CPPUNIT_ASSERT_EQUAL(v.at("reply"), hex_of(reply));

    pb::Message mention;
    mention.mutable_extended_text_message()->set_text("@111111111111111 hello");
    mention.mutable_extended_text_message()->mutable_context_info()->add_mentioned_jid("111111111111111@lid");
    CPPUNIT_ASSERT_EQUAL(v.at("mention"), hex_of(mention));

    pb::Message dsm;
    dsm.mutable_device_sent_message()->set_destination_jid("222222222222222@lid");
    dsm.mutable_device_sent_message()->mutable_message()->set_conversation("hi");
    CPPUNIT_ASSERT_EQUAL(v.at("device_sent"), hex_of(dsm));
  }

  void sender_key_distribution_wrapper_matches() {
    pb::Message m;
    m.mutable_sender_key_distribution_message()->set_group_id("120363000000000000@g.us");
    m.mutable_sender_key_distribution_message()->set_axolotl_sender_key_distribution_message(bytes_of("33"));
    CPPUNIT_ASSERT_EQUAL(v.at("skdm_wrapper"), hex_of(m));
  }

  void media_messages_match_golden_bytes() {
    const std::string sha = range_bytes(0, 32), enc = range_bytes(32, 64), key = range_bytes(64, 96);
    pb::Message image;
    auto* img = image.mutable_image_message();
    img->set_url("https://mmg.whatsapp.net/o1/v/t62/x");
    img->set_mimetype("image/jpeg");
    img->set_caption("a caption");
    img->set_file_sha256(sha);
    img->set_file_length(123456);
    img->set_height(480);
    img->set_width(640);
    img->set_media_key(key);
    img->set_file_enc_sha256(enc);
    img->set_direct_path("/o1/v/t62/x?ccb=9-4");
    img->set_media_key_timestamp(1700000000);
    img->set_jpeg_thumbnail(bytes_of("ffd8ffd9"));
    CPPUNIT_ASSERT_EQUAL(v.at("image"), hex_of(image));

    pb::Message video;
    auto* vid = video.mutable_video_message();
    vid->set_mimetype("video/mp4");
    vid->set_file_sha256(sha);
    vid->set_file_length(5000000);
    vid->set_seconds(12);
    vid->set_media_key(key);
    vid->set_caption("clip");
    vid->set_gif_playback(true);
    vid->set_file_enc_sha256(enc);
    vid->set_direct_path("/v/x");
    CPPUNIT_ASSERT_EQUAL(v.at("video"), hex_of(video));

    pb::Message audio;
    auto* aud = audio.mutable_audio_message();
    aud->set_mimetype("audio/ogg; codecs=opus");
    aud->set_file_sha256(sha);
    aud->set_file_length(4096);
    aud->set_seconds(3);
    aud->set_ptt(true);
    aud->set_media_key(key);
    aud->set_file_enc_sha256(enc);
    aud->set_direct_path("/a/x");
    CPPUNIT_ASSERT_EQUAL(v.at("audio"), hex_of(audio));

    pb::Message document;
    auto* doc = document.mutable_document_message();
    doc->set_mimetype("application/pdf");
    doc->set_title("Report");
    doc->set_file_sha256(sha);
    doc->set_file_length(777);
    doc->set_page_count(2);
    doc->set_media_key(key);
    doc->set_file_name("report.pdf");
    doc->set_file_enc_sha256(enc);
    doc->set_direct_path("/d/x");
    doc->set_caption("see attached");
    CPPUNIT_ASSERT_EQUAL(v.at("document"), hex_of(document));
  }

  void wrappers_protocol_message_and_key_match() {
    pb::Message eph;
    eph.mutable_ephemeral_message()->mutable_message()->set_conversation("hi");
    CPPUNIT_ASSERT_EQUAL(v.at("ephemeral_conversation"), hex_of(eph));

    pb::Message proto;
    auto* pm = proto.mutable_protocol_message();
    pm->mutable_key()->set_remote_jid("s.whatsapp.net");
    pm->mutable_key()->set_from_me(true);
    pm->mutable_key()->set_id("ABC");
    pm->set_type(pb::ProtocolMessage::HISTORY_SYNC_NOTIFICATION);
    CPPUNIT_ASSERT_EQUAL(v.at("protocol_history_sync"), hex_of(proto));

    pb::MessageKey key;
    key.set_remote_jid("120363000000000000@g.us");
    key.set_from_me(true);
    key.set_id("3EB0X");
    key.set_participant("1@lid");
    CPPUNIT_ASSERT_EQUAL(v.at("message_key"), hex_of(key));
  }

  void golden_bytes_parse_back_to_the_fields() {
    pb::Message reply;
    CPPUNIT_ASSERT(reply.ParseFromString(bytes_of(v.at("reply"))));
    CPPUNIT_ASSERT_EQUAL(std::string("ok"), reply.extended_text_message().text());
    CPPUNIT_ASSERT_EQUAL(std::string("3EB0AABBCCDDEEFF001122"), reply.extended_text_message().context_info().stanza_id());
    CPPUNIT_ASSERT_EQUAL(std::string("hi"), reply.extended_text_message().context_info().quoted_message().conversation());
    pb::Message dsm;
    CPPUNIT_ASSERT(dsm.ParseFromString(bytes_of(v.at("device_sent"))));
    CPPUNIT_ASSERT_EQUAL(std::string("222222222222222@lid"), dsm.device_sent_message().destination_jid());
    CPPUNIT_ASSERT_EQUAL(std::string("hi"), dsm.device_sent_message().message().conversation());
    pb::Message image;
    CPPUNIT_ASSERT(image.ParseFromString(bytes_of(v.at("image"))));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(123456), image.image_message().file_length());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000000), image.image_message().media_key_timestamp());
    CPPUNIT_ASSERT_EQUAL(std::string("/o1/v/t62/x?ccb=9-4"), image.image_message().direct_path());
    pb::Message proto;
    CPPUNIT_ASSERT(proto.ParseFromString(bytes_of(v.at("protocol_history_sync"))));
    CPPUNIT_ASSERT(proto.protocol_message().has_type());
    CPPUNIT_ASSERT_EQUAL(5u, proto.protocol_message().type());
  }

  void unknown_fields_survive_a_round_trip() {
    // A Message with a pollCreationMessage (49) and a future ProtocolMessage type 99 we do not model.
    std::string wire = bytes_of("8a0303" "0a0171") + bytes_of("6202" "1063");
    pb::Message m;
    CPPUNIT_ASSERT(m.ParseFromString(wire));
    CPPUNIT_ASSERT_EQUAL(99u, m.protocol_message().type());  // kept: the field is uint32, not a closed enum
    std::string again;
    CPPUNIT_ASSERT(m.SerializeToString(&again));
    pb::Message m2;
    CPPUNIT_ASSERT(m2.ParseFromString(again));
    CPPUNIT_ASSERT_EQUAL(hex(m.SerializeAsString()), hex(m2.SerializeAsString()));
    CPPUNIT_ASSERT(again.find(bytes_of("8a0303")) != std::string::npos);
  }

  void garbage_is_refused_by_the_parser() {
    pb::Message m;
    CPPUNIT_ASSERT(!m.ParseFromString(bytes_of("0a05")));            // length beyond the end
    CPPUNIT_ASSERT(!m.ParseFromString(bytes_of("32ffffffff0f00")));  // absurd nested length
    CPPUNIT_ASSERT(!m.ParseFromString(bytes_of("07")));              // wire type 7 does not exist
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProtoGoldenTest);
