// SPDX-License-Identifier: GPL-3.0-or-later
// Issue #6's proof on the real executable: every send of the REST API reaches a real Baileys peer
// with its context. Plain text, a quote of the peer's message and of our own (quotedMessageId, raw
// and in whatsapp-web.js form) and a mention arrive as such; media by base64 and by URL from a
// loopback server (media.allow_private_urls) arrive byte-identical with caption and file name.
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Array.h>

#include <random>
#include <sstream>

#include "host/engine/media/jpeg_thumbnail.hpp"
#include "sha256_hex.hpp"
#include "static_http_server.hpp"
#include "wabot_system.hpp"

using wabot::test::HttpReply;
using wabot::test::WabotSystem;
using wabot::test::WaPeerProcess;

namespace {

constexpr const char* kBotPhone = "15558881001";
constexpr const char* kPeerPhone = "15558881002";
constexpr const char* kApiKey = "sk-rest-to-peer-key";

std::string json(const Poco::JSON::Object& o) {
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  std::mt19937 rng(seed);
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

std::string jpeg(std::uint32_t width, std::uint32_t height) {
  wabot::engine::media::RgbImage img;
  img.width = width, img.height = height;
  for (std::uint32_t i = 0; i < width * height; ++i) {
    img.pixels.push_back(static_cast<std::uint8_t>(i));
    img.pixels.push_back(static_cast<std::uint8_t>(i * 7));
    img.pixels.push_back(0x40);
  }
  auto encoded = wabot::engine::media::encode_jpeg(img, 85);
  CPPUNIT_ASSERT(encoded.ok());
  return std::string(encoded->begin(), encoded->end());
}

}  // namespace

class RestToPeerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RestToPeerTest);
  CPPUNIT_TEST(texts_quotes_mentions_and_media_reach_the_peer);
  CPPUNIT_TEST_SUITE_END();

  std::unique_ptr<WabotSystem> system_;
  std::unique_ptr<WaPeerProcess> peer_;

  HttpReply send(const std::string& path, const Poco::JSON::Object& body, const std::string& key = kApiKey) {
    return system_->agent_call("POST", "/agents/rico/" + path, json(body), key);
  }

  // The peer's message event for a send that answered 200.
  WaPeerProcess::Object arrived(const HttpReply& sent) {
    CPPUNIT_ASSERT_EQUAL_MESSAGE(sent.body, 200, sent.status);
    CPPUNIT_ASSERT(sent.data()->getValue<bool>("delivered"));
    const std::string id = sent.data()->getValue<std::string>("messageId");
    return peer_->call("waitMessage", WaPeerProcess::args({{"messageId", id}, {"timeout_ms", 30000}}));
  }

  // A media send must reach the peer as `type`, with caption and file name, and download to the same bytes.
  void expect_media(const HttpReply& sent, const std::string& bytes, const std::string& type, const std::string& caption,
                    const std::string& file_name) {
    auto got = arrived(sent);
    CPPUNIT_ASSERT_EQUAL(type, got->getValue<std::string>("type"));
    CPPUNIT_ASSERT_EQUAL(caption, got->optValue<std::string>("text", ""));  // the peer reports a caption as text
    if (!file_name.empty()) CPPUNIT_ASSERT_EQUAL(file_name, got->optValue<std::string>("fileName", ""));
    CPPUNIT_ASSERT_EQUAL(static_cast<long>(bytes.size()), got->optValue<long>("fileLength", -1));
    auto download = peer_->call("download", WaPeerProcess::args({{"messageId", got->getValue<std::string>("id")}}));
    CPPUNIT_ASSERT_EQUAL(wabot::test::sha256_hex(bytes), download->getValue<std::string>("sha256"));
  }

 public:
  void setUp() override {
    if (!WabotSystem::simulator_usable()) return;
    system_ = std::make_unique<WabotSystem>();
    system_->start();
    peer_ = system_->paired_peer("peer", kPeerPhone);
    system_->link_agent("rico", kBotPhone, kApiKey);
  }
  void tearDown() override {
    peer_.reset();
    system_.reset();
  }

  void texts_quotes_mentions_and_media_reach_the_peer() {
    if (!system_) return;  // WABOT_SKIP_SIM_TESTS=1
    const std::string peer_jid = std::string(kPeerPhone) + "@s.whatsapp.net";

    // Plain text, with emoji, quotes and a newline, to a formatted phone number.
    const std::string text = "halo \xF0\x9F\x91\x8B \"kutip\" \\ baris\nbaru";
    Poco::JSON::Object plain;
    plain.set("to", std::string("+1 555 888-1002"));
    plain.set("message", text);
    CPPUNIT_ASSERT_EQUAL(401, send("messages", plain, "not-the-key").status);
    auto first = arrived(send("messages", plain));
    CPPUNIT_ASSERT_EQUAL(text, first->getValue<std::string>("text"));
    CPPUNIT_ASSERT_EQUAL(std::string("text"), first->getValue<std::string>("type"));
    const std::string first_id = first->getValue<std::string>("id");

    // A quote of the peer's own message (raw stanza id), as a reply to what the peer asked.
    auto asked = peer_->call("sendText", WaPeerProcess::args({{"to", std::string(kBotPhone) + "@s.whatsapp.net"},
                                                              {"text", std::string("pertanyaan dari peer?")}}));
    const std::string asked_id = asked->getValue<std::string>("id");
    Poco::JSON::Object quoting;
    quoting.set("to", std::string(kPeerPhone));
    quoting.set("message", std::string("jawaban"));
    quoting.set("quotedMessageId", asked_id);
    // api.md: an id not (yet) in the message log is quoted by id only, so this holds however fast the
    // peer's message was logged.
    auto answer = arrived(send("messages", quoting));
    CPPUNIT_ASSERT_EQUAL(asked_id, answer->optValue<std::string>("quotedId", ""));
    CPPUNIT_ASSERT_EQUAL(std::string("jawaban"), answer->getValue<std::string>("text"));

    // A quote of our own earlier message in whatsapp-web.js form: quoted with its content.
    Poco::JSON::Object self_quote;
    self_quote.set("to", peer_jid);
    self_quote.set("message", std::string("lihat di atas"));
    self_quote.set("quotedMessageId", "true_" + std::string(kPeerPhone) + "@c.us_" + first_id);
    auto follow_up = arrived(send("messages", self_quote));
    CPPUNIT_ASSERT_EQUAL(first_id, follow_up->optValue<std::string>("quotedId", ""));
    CPPUNIT_ASSERT_EQUAL(text, follow_up->optValue<std::string>("quotedText", ""));

    // A mention of the peer, given as a c.us JID: the peer sees its own JID in mentionedJid.
    Poco::JSON::Object mention;
    mention.set("to", std::string(kPeerPhone) + "@c.us");
    mention.set("message", "hai @" + std::string(kPeerPhone));
    Poco::JSON::Array::Ptr mentions = new Poco::JSON::Array;
    mentions->add(std::string(kPeerPhone) + "@c.us");
    mention.set("mentions", mentions);
    auto mentioned = arrived(send("messages", mention));
    auto seen_mentions = mentioned->getArray("mentions");
    CPPUNIT_ASSERT_MESSAGE("no mentions at the peer", seen_mentions && seen_mentions->size() == 1);
    CPPUNIT_ASSERT_EQUAL(peer_jid, seen_mentions->getElement<std::string>(0));

    // Media by base64: a document with file name and caption, an image with caption.
    const std::string doc = random_bytes(70'001, 11);
    Poco::JSON::Object doc_body;
    doc_body.set("to", std::string(kPeerPhone));
    doc_body.set("data", wabot::test::base64(doc));
    doc_body.set("mimeType", std::string("application/pdf"));
    doc_body.set("filename", std::string("laporan.pdf"));
    doc_body.set("caption", std::string("Laporan \xe2\x9c\x85"));
    CPPUNIT_ASSERT_EQUAL(401, send("media", doc_body, "not-the-key").status);
    expect_media(send("media", doc_body), doc, "document", "Laporan \xe2\x9c\x85", "laporan.pdf");

    const std::string photo = jpeg(64, 48);
    Poco::JSON::Object img_body;
    img_body.set("to", std::string(kPeerPhone));
    img_body.set("data", wabot::test::base64(photo));
    img_body.set("mimeType", std::string("image/jpeg"));
    img_body.set("caption", std::string("foto base64"));
    img_body.set("save_to_temp", false);
    expect_media(send("media", img_body), photo, "image", "foto base64", "");

    // Media by URL from a loopback server: the type from Content-Type, the file name from
    // Content-Disposition (document) and from the body (second document).
    const std::string url_photo = jpeg(80, 60);
    const std::string url_doc = random_bytes(123'457, 5);
    wabot::test::StaticHttpServer media({
        {"/photo.jpg", {"image/jpeg", url_photo, {}}},
        {"/download/42", {"application/octet-stream", url_doc, {{"Content-Disposition", "attachment; filename=\"kontrak.pdf\""}}}},
    });
    Poco::JSON::Object url_img;
    url_img.set("to", std::string(kPeerPhone));
    url_img.set("url", media.url("/photo.jpg"));
    url_img.set("caption", std::string("foto dari URL"));
    expect_media(send("media", url_img), url_photo, "image", "foto dari URL", "");

    Poco::JSON::Object url_doc_body;
    url_doc_body.set("to", std::string(kPeerPhone));
    url_doc_body.set("url", media.url("/download/42"));
    url_doc_body.set("caption", std::string("kontrak dari URL"));
    expect_media(send("media", url_doc_body), url_doc, "document", "kontrak dari URL", "kontrak.pdf");

    url_doc_body.set("filename", std::string("nama-lain.bin"));
    url_doc_body.set("mimeType", std::string("application/zip"));
    auto renamed = arrived(send("media", url_doc_body));
    CPPUNIT_ASSERT_EQUAL(std::string("nama-lain.bin"), renamed->optValue<std::string>("fileName", ""));
    CPPUNIT_ASSERT_EQUAL(std::string("application/zip"), renamed->optValue<std::string>("mimetype", ""));
    CPPUNIT_ASSERT(media.gets() >= 3);

    // Bad input is refused with a clear error, and nothing reaches the peer for it.
    Poco::JSON::Object bad;
    bad.set("to", std::string(kPeerPhone));
    bad.set("data", std::string("@@not base64@@"));
    HttpReply refused = send("media", bad);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.body, 400, refused.status);
    bad.remove("data");
    bad.set("url", media.url("/missing"));
    HttpReply missing = send("media", bad);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(missing.body, 502, missing.status);
    CPPUNIT_ASSERT_EQUAL(std::string("BAD_GATEWAY"), missing.error_code());

    CPPUNIT_ASSERT_EQUAL(0, system_->wabot().terminate());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RestToPeerTest);
