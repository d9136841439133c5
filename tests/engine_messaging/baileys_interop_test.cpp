// SPDX-License-Identifier: GPL-3.0-or-later
// The messaging layer against the simulator and a real Baileys peer: 1:1 text both ways (pkmsg first,
// then msg), quoted replies and mentions, 200 messages each way, and a host "kill" and restart over
// the same SQLite database that keeps decrypting.
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Base64Encoder.h>

#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <set>
#include <sstream>

#include "host/engine/media/jpeg_thumbnail.hpp"

#include "engine_harness.hpp"

using namespace wabot::engine;
using namespace wabot::engine::test;
using wabot::test::WaPeerProcess;

namespace {

const char* kEnginePhone = "15551234567";
const char* kPeerPhone = "15559876543";

std::vector<std::string> enc_types_to(WaSimProcess& sim, const std::string& id, const std::string& to_user) {
  auto r = sim.get("/relayed?id=" + id);
  auto obj = Poco::JSON::Parser().parse(r.second).extract<Poco::JSON::Object::Ptr>();
  auto arr = obj->getArray("relayed");
  std::vector<std::string> out;
  for (std::size_t i = 0; arr && i < arr->size(); ++i) {
    auto e = arr->getObject(static_cast<unsigned>(i));
    if (e->getValue<std::string>("to").find(to_user) == std::string::npos) continue;
    auto types = e->getArray("encTypes");
    for (std::size_t j = 0; types && j < types->size(); ++j) out.push_back(types->getElement<std::string>(static_cast<unsigned>(j)));
  }
  return out;
}

}  // namespace

class BaileysInteropTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BaileysInteropTest);
  CPPUNIT_TEST(text_both_ways_pkmsg_then_msg);
  CPPUNIT_TEST(quoted_reply_and_mentions_both_ways);
  CPPUNIT_TEST(two_hundred_messages_each_way);
  CPPUNIT_TEST(keeps_decrypting_after_a_host_kill);
  CPPUNIT_TEST(baileys_peer_recovers_a_lost_session);
  CPPUNIT_TEST(engine_recovers_a_lost_session);
  CPPUNIT_TEST(typing_is_seen_by_baileys);
  CPPUNIT_TEST(pn_group_both_ways);
  CPPUNIT_TEST(lid_group_both_ways);
  CPPUNIT_TEST(image_and_document_both_ways_byte_identical);
  CPPUNIT_TEST(our_other_device_gets_a_device_sent_copy);
  CPPUNIT_TEST(send_media_from_a_listener_callback);
  CPPUNIT_TEST(pn_group_retry_carries_the_sender_key);
  CPPUNIT_TEST(lid_group_retry_carries_the_sender_key);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    CPPUNIT_ASSERT_MESSAGE("tests/wa_sim/node_modules is missing: run `npm ci` in tests/wa_sim", WaSimProcess::available());
    sim_ = std::make_unique<WaSimProcess>();
    tmp_ = std::make_unique<TempDir>();
    loop_ = std::make_unique<transport::EventLoop>(2);
    db_url_ = "sqlite://" + tmp_->path("wabot.db");
    peer_ = std::make_unique<WaPeerProcess>(WaSimProcess::sim_dir(), control_url(*sim_), sim_->ws_url(), tmp_->path("peer"));
    auto paired = peer_->call("pair", WaPeerProcess::args({{"phone", std::string(kPeerPhone)}}));
    peer_jid_ = Jid::parse(paired->getValue<std::string>("jid")).value().to_non_ad();
    engine_ = std::make_unique<EngineAgent>(*loop_, db_url_, "agent-1", sim_->ws_url(), sim_->root_key(),
                                            sim_info(*sim_, "mediaCaFile"));
    engine_->pair(*sim_, kEnginePhone);
    engine_->messenger().send_presence_available();
  }

  void tearDown() override {
    engine_.reset();
    peer_.reset();
    loop_.reset();
    sim_.reset();
    tmp_.reset();
  }

  void text_both_ways_pkmsg_then_msg() {
    auto first = engine_->send_text(peer_jid_, "hello from wabot");
    CPPUNIT_ASSERT_MESSAGE(first.ok() ? "" : first.error().message, first.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t(22), first->id.size());
    CPPUNIT_ASSERT_EQUAL(std::string("3EB0"), first->id.substr(0, 4));
    auto got = peer_->call("waitMessage", WaPeerProcess::args({{"text", std::string("hello from wabot")}, {"timeout_ms", 30000}}));
    CPPUNIT_ASSERT_EQUAL(first->id, got->getValue<std::string>("id"));

    // Baileys answers; the engine decrypts (its first message to us is a pkmsg too).
    peer_->call("sendText", WaPeerProcess::args({{"to", engine_->pn_user().to_string()}, {"text", std::string("hi back")}}));
    CPPUNIT_ASSERT_MESSAGE(join(engine_->events().undecryptable()),
                           engine_->events().wait_message([](const auto& m) { return m.text == "hi back"; }));
    auto inbound = find_text("hi back");
    CPPUNIT_ASSERT(!inbound.from_me && !inbound.is_group);
    CPPUNIT_ASSERT(inbound.timestamp_s > 0);
    CPPUNIT_ASSERT(!inbound.push_name.empty());

    // Now the session is established on both sides: our next message is a plain msg.
    auto second = engine_->send_text(peer_jid_, "second from wabot");
    CPPUNIT_ASSERT_MESSAGE(second.ok() ? "" : second.error().message, second.ok());
    peer_->call("waitMessage", WaPeerProcess::args({{"text", std::string("second from wabot")}, {"timeout_ms", 30000}}));
    const std::string peer_lid = peer_jid_.user;
    auto t1 = enc_types_to(*sim_, first->id, peer_lid);
    auto t2 = enc_types_to(*sim_, second->id, peer_lid);
    CPPUNIT_ASSERT_MESSAGE(sim_->get("/relayed?id=" + first->id).second, !t1.empty() && t1.front() == "pkmsg");
    CPPUNIT_ASSERT_MESSAGE(sim_->get("/relayed?id=" + second->id).second, !t2.empty() && t2.front() == "msg");
    CPPUNIT_ASSERT(engine_->events().undecryptable().empty());
  }

  void quoted_reply_and_mentions_both_ways() {
    // Baileys → engine: a message that mentions us and quotes our earlier message.
    auto ours = engine_->send_text(peer_jid_, "quote me");
    CPPUNIT_ASSERT(ours.ok());
    peer_->call("waitMessage", WaPeerProcess::args({{"text", std::string("quote me")}, {"timeout_ms", 30000}}));
    Poco::JSON::Array::Ptr mentions = new Poco::JSON::Array;
    mentions->add(engine_->pn_user().to_string());
    auto a = WaPeerProcess::args({{"to", engine_->pn_user().to_string()},
                                  {"text", "@" + engine_->pn_user().user + " replying"},
                                  {"quotedId", ours->id}});
    a->set("mentions", mentions);
    peer_->call("sendText", a);
    CPPUNIT_ASSERT(engine_->events().wait_message([](const auto& m) { return m.text.find("replying") != std::string::npos; }));
    auto in = find_text("@" + engine_->pn_user().user + " replying");
    CPPUNIT_ASSERT_EQUAL(ours->id, in.quoted_id);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), in.mentions.size());
    CPPUNIT_ASSERT(in.mentions[0].find(engine_->pn_user().user) != std::string::npos ||
                   in.mentions[0].find(engine_->lid_user().user) != std::string::npos);

    // Engine → Baileys: reply to that message, mentioning the peer.
    messaging::QuotedMessage q{in.id, in.sender.to_non_ad().to_string(), in.text, ""};
    auto reply = engine_->send_text(peer_jid_, "@" + peer_jid_.user + " got it", {peer_jid_.to_string()}, q);
    CPPUNIT_ASSERT_MESSAGE(reply.ok() ? "" : reply.error().message, reply.ok());
    auto got = peer_->call("waitMessage", WaPeerProcess::args({{"messageId", reply->id}, {"timeout_ms", 30000}}));
    CPPUNIT_ASSERT_EQUAL(in.id, got->getValue<std::string>("quotedId"));
    auto m = got->getArray("mentions");
    CPPUNIT_ASSERT(m && m->size() == 1);
    CPPUNIT_ASSERT_EQUAL(peer_jid_.to_string(), m->getElement<std::string>(0));
  }

  void two_hundred_messages_each_way() {
    const int n = 200;
    for (int i = 0; i < n; ++i) {
      auto r = engine_->send_text(peer_jid_, "e2b-" + std::to_string(i));
      CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    }
    for (int i = 0; i < n; ++i)
      peer_->call("waitMessage", WaPeerProcess::args({{"text", "e2b-" + std::to_string(i)}, {"timeout_ms", 60000}}));
    std::set<std::string> seen;
    std::size_t total = 0;
    for (const auto& e : peer_->events()) {
      if (e->getValue<std::string>("event") != "message") continue;
      auto text = e->optValue<std::string>("text", "");
      if (text.rfind("e2b-", 0) != 0) continue;
      seen.insert(text);
      ++total;
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t(n), seen.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(n), total);

    for (int i = 0; i < n; ++i)
      peer_->call("sendText", WaPeerProcess::args({{"to", engine_->pn_user().to_string()}, {"text", "b2e-" + std::to_string(i)}}));
    auto is_b2e = [](const messaging::InboundMessage& m) { return m.text.rfind("b2e-", 0) == 0; };
    CPPUNIT_ASSERT_MESSAGE(join(engine_->events().undecryptable()), engine_->events().wait_count(is_b2e, n, std::chrono::seconds(120)));
    std::set<std::string> got;
    std::size_t count = 0;
    for (const auto& m : engine_->events().messages())
      if (is_b2e(m)) got.insert(m.text), ++count;
    CPPUNIT_ASSERT_EQUAL(std::size_t(n), got.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t(n), count);
    CPPUNIT_ASSERT(engine_->events().undecryptable().empty());
  }

  void keeps_decrypting_after_a_host_kill() {
    CPPUNIT_ASSERT(engine_->send_text(peer_jid_, "before kill").ok());
    peer_->call("waitMessage", WaPeerProcess::args({{"text", std::string("before kill")}, {"timeout_ms", 30000}}));
    peer_->call("sendText", WaPeerProcess::args({{"to", engine_->pn_user().to_string()}, {"text", std::string("before kill, reply")}}));
    CPPUNIT_ASSERT(engine_->events().wait_message([](const auto& m) { return m.text == "before kill, reply"; }));
    const Jid own = engine_->pn_user();

    // Every engine object goes (the loop too), only the SQLite file stays.
    engine_.reset();
    loop_.reset();
    // The peer keeps writing while we are down (offline queue).
    peer_->call("sendText", WaPeerProcess::args({{"to", own.to_string()}, {"text", std::string("while down")}}));
    loop_ = std::make_unique<transport::EventLoop>(2);
    engine_ = std::make_unique<EngineAgent>(*loop_, db_url_, "agent-1", sim_->ws_url(), sim_->root_key());
    CPPUNIT_ASSERT(engine_->wait_connected());
    CPPUNIT_ASSERT_MESSAGE(join(engine_->events().undecryptable()),
                           engine_->events().wait_message([](const auto& m) { return m.text == "while down"; }));
    peer_->call("sendText", WaPeerProcess::args({{"to", own.to_string()}, {"text", std::string("after restart")}}));
    CPPUNIT_ASSERT(engine_->events().wait_message([](const auto& m) { return m.text == "after restart"; }));
    auto sent = engine_->send_text(peer_jid_, "after restart, from wabot");
    CPPUNIT_ASSERT_MESSAGE(sent.ok() ? "" : sent.error().message, sent.ok());
    peer_->call("waitMessage", WaPeerProcess::args({{"text", std::string("after restart, from wabot")}, {"timeout_ms", 30000}}));
    CPPUNIT_ASSERT(engine_->events().undecryptable().empty());
    // The session survived: no new prekey message was needed.
    auto types = enc_types_to(*sim_, sent->id, peer_jid_.user);
    CPPUNIT_ASSERT(!types.empty() && types.front() == "msg");
  }

  void baileys_peer_recovers_a_lost_session() {
    establish();
    auto deleted = peer_->call("forgetSession", WaPeerProcess::args({{"jid", engine_->pn_user().to_string()}}));
    // Baileys cannot decrypt the next msg, asks for a retry (count 2 carries its new keys), and our
    // answer from the recent-sends cache rebuilds the session.
    auto sent = engine_->send_text(peer_jid_, "after your session loss");
    CPPUNIT_ASSERT(sent.ok());
    auto got = peer_->call("waitMessage", WaPeerProcess::args({{"text", std::string("after your session loss")}, {"timeout_ms", 60000}}));
    CPPUNIT_ASSERT_EQUAL(sent->id, got->getValue<std::string>("id"));
    auto stats = sim_->get("/stats").second;
    CPPUNIT_ASSERT_MESSAGE(stats, stats.find("\"retry\"") != std::string::npos);
  }

  void engine_recovers_a_lost_session() {
    establish();
    engine_->forget_sessions(*engine_->messenger().lid_for(peer_jid_));
    peer_->call("sendText", WaPeerProcess::args({{"to", engine_->pn_user().to_string()}, {"text", std::string("after our session loss")}}));
    // Our retry receipt makes Baileys fetch our prekeys and resend as a pkmsg.
    CPPUNIT_ASSERT_MESSAGE(join(engine_->events().undecryptable()),
                           engine_->events().wait_message([](const auto& m) { return m.text == "after our session loss"; },
                                                          std::chrono::seconds(60)));
    CPPUNIT_ASSERT(!engine_->events().undecryptable().empty());  // the first attempt failed, visibly
  }

  void typing_is_seen_by_baileys() {
    establish();
    peer_->call("subscribePresence", WaPeerProcess::args({{"to", engine_->pn_user().to_string()}}));
    engine_->messenger().send_chatstate(peer_jid_, true);
    CPPUNIT_ASSERT(peer_->wait_event([](const WaPeerProcess::Object& e) {
      return e->optValue<std::string>("event", "") == "presence" && e->optValue<std::string>("state", "") == "composing";
    }, std::chrono::seconds(30)));
    long composing_seq = 0;
    for (const auto& e : peer_->events())
      if (e->optValue<std::string>("state", "") == "composing") composing_seq = e->getValue<long>("seq");
    engine_->messenger().send_chatstate(peer_jid_, false);
    // Baileys reports <paused/> as "available"; it must come after the composing event.
    CPPUNIT_ASSERT(peer_->wait_event([&](const WaPeerProcess::Object& e) {
      return e->optValue<std::string>("event", "") == "presence" && e->optValue<std::string>("state", "") == "available" &&
             e->getValue<long>("seq") > composing_seq;
    }, std::chrono::seconds(30)));
  }

  void image_and_document_both_ways_byte_identical() {
    establish();
    media::RgbImage img;
    img.width = 64, img.height = 48;
    for (std::uint32_t i = 0; i < img.width * img.height; ++i)
      img.pixels.push_back(static_cast<std::uint8_t>(i)), img.pixels.push_back(static_cast<std::uint8_t>(i * 3)), img.pixels.push_back(0x80);
    auto jpeg = media::encode_jpeg(img, 85);
    CPPUNIT_ASSERT(jpeg.ok());
    Bytes doc = crypto::random_bytes(70'001);  // not a multiple of the AES block

    struct Case { messaging::MediaKind kind; std::string peer_kind; Bytes data; std::string mimetype, file_name; };
    for (const Case& c : {Case{messaging::MediaKind::image, "image", jpeg.value(), "image/jpeg", ""},
                          Case{messaging::MediaKind::document, "document", doc, "application/pdf", "report.pdf"}}) {
      // Engine → Baileys: upload, send, Baileys downloads the same bytes.
      messaging::OutgoingMedia out{c.kind, c.data, c.mimetype, c.file_name, "caption " + c.peer_kind};
      auto sent = engine_->send_media(peer_jid_, out);
      CPPUNIT_ASSERT_MESSAGE(sent.ok() ? "" : sent.error().message, sent.ok());
      auto got = peer_->call("waitMessage", WaPeerProcess::args({{"messageId", sent->id}, {"timeout_ms", 30000}}));
      CPPUNIT_ASSERT_EQUAL(c.peer_kind, got->getValue<std::string>("type"));
      auto dl = peer_->call("download", WaPeerProcess::args({{"messageId", sent->id}}));
      CPPUNIT_ASSERT_EQUAL(hex(crypto::sha256(c.data)), dl->getValue<std::string>("sha256"));
      if (!c.file_name.empty()) CPPUNIT_ASSERT_EQUAL(c.file_name, got->getValue<std::string>("fileName"));

      // Baileys → engine: the descriptor arrives, download_media verifies and decrypts.
      const std::string caption = "from baileys " + c.peer_kind;
      auto a = WaPeerProcess::args({{"to", engine_->pn_user().to_string()}, {"kind", c.peer_kind}, {"dataBase64", base64(c.data)},
                                    {"mimetype", c.mimetype}, {"caption", caption}});
      if (!c.file_name.empty()) a->set("fileName", c.file_name);
      auto peer_sent = peer_->call("sendMedia", a);
      const std::string id = peer_sent->getValue<std::string>("id");
      CPPUNIT_ASSERT(engine_->events().wait_message([&](const auto& m) { return m.id == id; }));
      messaging::InboundMessage in;
      for (const auto& m : engine_->events().messages())
        if (m.id == id) in = m;
      CPPUNIT_ASSERT(in.media && in.media->kind == c.kind);
      CPPUNIT_ASSERT_EQUAL(c.mimetype, in.media->mimetype);
      CPPUNIT_ASSERT_EQUAL(std::uint64_t(c.data.size()), in.media->file_length);
      auto body = engine_->download_media(*in.media);
      CPPUNIT_ASSERT_MESSAGE(body.ok() ? "" : body.error().message, body.ok());
      CPPUNIT_ASSERT(body.value() == c.data);
    }
    // A tampered descriptor is refused, never returned as plaintext.
    messaging::InboundMessage last = engine_->events().messages().back();
    CPPUNIT_ASSERT(last.media);
    last.media->media_key[0] ^= 1;
    CPPUNIT_ASSERT(!engine_->download_media(*last.media).ok());
  }

  void our_other_device_gets_a_device_sent_copy() {
    // A second wabot agent linked to the same phone (device 2) sees what the first one sends as a
    // fromMe DeviceSentMessage in the peer's chat, and what the peer sends as an ordinary message.
    EngineAgent second(*loop_, "sqlite://" + tmp_->path("second.db"), "agent-2", sim_->ws_url(), sim_->root_key());
    second.pair(*sim_, kEnginePhone);
    CPPUNIT_ASSERT(second.messenger().own().device_jid.device != engine_->messenger().own().device_jid.device);
    auto sent = engine_->send_text(peer_jid_, "copy for my other device");
    CPPUNIT_ASSERT_MESSAGE(sent.ok() ? "" : sent.error().message, sent.ok());
    peer_->call("waitMessage", WaPeerProcess::args({{"text", std::string("copy for my other device")}, {"timeout_ms", 30000}}));
    CPPUNIT_ASSERT_MESSAGE(join(second.events().undecryptable()),
                           second.events().wait_message([](const auto& m) { return m.text == "copy for my other device"; }));
    messaging::InboundMessage copy;
    for (const auto& m : second.events().messages())
      if (m.text == "copy for my other device") copy = m;
    CPPUNIT_ASSERT(copy.from_me);
    CPPUNIT_ASSERT_EQUAL(sent->id, copy.id);
    CPPUNIT_ASSERT_EQUAL(sent->chat.to_string(), copy.chat.to_string());  // the peer's chat, not ours
  }

  void send_media_from_a_listener_callback() {
    // The listener runs on the connection's thread; send_media returns at once and its upload runs
    // on the media workers, so this neither deadlocks nor stalls the connection.
    establish();
    media::RgbImage img;
    img.width = 32, img.height = 32;
    img.pixels.assign(32 * 32 * 3, 0x40);
    auto jpeg = media::encode_jpeg(img, 80);
    CPPUNIT_ASSERT(jpeg.ok());
    auto result = std::make_shared<std::promise<Result<messaging::SentMessage>>>();
    auto fut = result->get_future();
    auto messenger = engine_->messenger().shared_from_this();
    auto once = std::make_shared<std::once_flag>();
    engine_->events().set_on_message([=](const messaging::InboundMessage& m) {
      if (m.text != "send me a picture") return;
      std::call_once(*once, [&] {
        messenger->send_media(m.chat, {messaging::MediaKind::image, jpeg.value(), "image/jpeg", "", "from the callback"},
                              [result](Result<messaging::SentMessage> r) { result->set_value(std::move(r)); });
      });
    });
    peer_->call("sendText", WaPeerProcess::args({{"to", engine_->pn_user().to_string()}, {"text", std::string("send me a picture")}}));
    CPPUNIT_ASSERT_MESSAGE("send_media from the listener never completed", fut.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
    auto sent = fut.get();
    engine_->events().set_on_message(nullptr);
    CPPUNIT_ASSERT_MESSAGE(sent.ok() ? "" : sent.error().message, sent.ok());
    auto got = peer_->call("waitMessage", WaPeerProcess::args({{"messageId", sent->id}, {"timeout_ms", 30000}}));
    CPPUNIT_ASSERT_EQUAL(std::string("image"), got->getValue<std::string>("type"));
    auto dl = peer_->call("download", WaPeerProcess::args({{"messageId", sent->id}}));
    CPPUNIT_ASSERT_EQUAL(hex(crypto::sha256(jpeg.value())), dl->getValue<std::string>("sha256"));
    // The connection kept working meanwhile: a text still goes both ways.
    establish();
  }

  void pn_group_retry_carries_the_sender_key() { group_retry("pn"); }
  void lid_group_retry_carries_the_sender_key() { group_retry("lid"); }

  void pn_group_both_ways() { group_both_ways("pn"); }
  void lid_group_both_ways() { group_both_ways("lid"); }

 private:
  void group_retry(const std::string& mode) {
    const Jid group = create_group(mode);
    auto first = engine_->send_text(group, "before the loss " + mode);
    CPPUNIT_ASSERT_MESSAGE(first.ok() ? "" : first.error().message, first.ok());
    peer_->call("waitMessage", WaPeerProcess::args({{"text", "before the loss " + mode}, {"timeout_ms", 30000}}));

    // The peer loses its 1:1 sessions with us AND our sender key: our next group message cannot be
    // decrypted there, the peer sends retry receipts (the second with fresh keys), and we answer each
    // with a pkmsg/msg carrying the message and our sender key distribution, addressed to the group
    // with the device as participant. Without our sender key the peer can read this message only from
    // a retry answer, and our later skmsgs only with the key that answer carried.
    peer_->call("forgetSession", WaPeerProcess::args({{"jid", engine_->pn_user().to_string()}}));
    auto forgotten = peer_->call("forgetSenderKey", WaPeerProcess::args({{"group", group.to_string()},
                                                                         {"jid", engine_->pn_user().to_string()}}));
    CPPUNIT_ASSERT(forgotten->getArray("deleted")->size() > 0);
    const std::string text = "after your session loss in group " + mode;
    auto sent = engine_->send_text(group, text);
    CPPUNIT_ASSERT_MESSAGE(sent.ok() ? "" : sent.error().message, sent.ok());
    auto got = peer_->call("waitMessage", WaPeerProcess::args({{"text", text}, {"timeout_ms", 60000}}));
    CPPUNIT_ASSERT_EQUAL(sent->id, got->getValue<std::string>("id"));
    CPPUNIT_ASSERT_EQUAL(group.to_string(), got->getValue<std::string>("chat"));
    auto stats = sim_->get("/stats").second;
    CPPUNIT_ASSERT_MESSAGE(stats, stats.find("\"retry\"") != std::string::npos);
    // The resends reach the peer as 1:1 Signal messages (no skmsg): the answers to its retry receipts,
    // the last one on the session rebuilt from the keys the peer sent with its second retry.
    CPPUNIT_ASSERT_MESSAGE(sim_->get("/relayed?id=" + sent->id).second, poll_until([&] { return retry_answers(sent->id) >= 2; }));
    const long retries_before = retry_receipts();

    // A following group message is one skmsg, and the peer decrypts it with the key from the retry.
    const std::string after = "and the next one in group " + mode;
    auto next = engine_->send_text(group, after);
    CPPUNIT_ASSERT_MESSAGE(next.ok() ? "" : next.error().message, next.ok());
    auto got_next = peer_->call("waitMessage", WaPeerProcess::args({{"text", after}, {"timeout_ms", 30000}}));
    CPPUNIT_ASSERT_EQUAL(next->id, got_next->getValue<std::string>("id"));
    auto next_types = enc_types_to(*sim_, next->id, peer_jid_.user);
    // Only the skmsg went to the peer (it holds our key since the retry), so the key it decrypted with
    // came from the retry answer.
    CPPUNIT_ASSERT_MESSAGE(sim_->get("/relayed?id=" + next->id).second,
                           next_types == std::vector<std::string>{"skmsg"});
    // ... and its key share decrypted on the rebuilt session: no retry was asked for it.
    CPPUNIT_ASSERT_EQUAL_MESSAGE(sim_->get("/stats").second, retries_before, retry_receipts());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), retry_answers(next->id));
  }

  // Relays of `id` to the peer without an skmsg: our answers to its retry receipts.
  std::size_t retry_answers(const std::string& id) {
    auto r = sim_->get("/relayed?id=" + id);
    auto obj = Poco::JSON::Parser().parse(r.second).extract<Poco::JSON::Object::Ptr>();
    auto arr = obj->getArray("relayed");
    std::size_t n = 0;
    for (std::size_t i = 0; arr && i < arr->size(); ++i) {
      auto e = arr->getObject(static_cast<unsigned>(i));
      if (e->getValue<std::string>("to").find(peer_jid_.user) == std::string::npos) continue;
      auto types = e->getArray("encTypes");
      bool sk = false;
      for (std::size_t j = 0; types && j < types->size(); ++j) sk = sk || types->getElement<std::string>(static_cast<unsigned>(j)) == "skmsg";
      n += !sk;
    }
    return n;
  }

  // Retry receipts the simulator relayed so far.
  long retry_receipts() {
    auto obj = Poco::JSON::Parser().parse(sim_->get("/stats").second).extract<Poco::JSON::Object::Ptr>();
    auto receipts = obj->getObject("receipts");
    return receipts && receipts->has("retry") ? receipts->getValue<long>("retry") : 0;
  }

  // Polls the simulator's HTTP view until `pred` holds or 30 s pass.
  bool poll_until(const std::function<bool()>& pred) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::mutex mu;
    std::condition_variable cv;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::unique_lock lock(mu);
      cv.wait_for(lock, std::chrono::milliseconds(50));
    }
    return pred();
  }

  Jid create_group(const std::string& mode) {
    auto set = sim_->post("/settings", "{\"groupAddressingMode\":\"" + mode + "\"}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(set.second, 200, set.first);
    Poco::JSON::Array::Ptr members = new Poco::JSON::Array;
    members->add(engine_->pn_user().to_string());
    auto a = WaPeerProcess::args({{"subject", "group " + mode}});
    a->set("participants", members);
    auto created = peer_->call("createGroup", a);
    CPPUNIT_ASSERT_EQUAL(mode, created->getValue<std::string>("addressingMode"));
    return Jid::parse(created->getValue<std::string>("jid")).value();
  }

  void group_both_ways(const std::string& mode) {
    auto set = sim_->post("/settings", "{\"groupAddressingMode\":\"" + mode + "\"}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(set.second, 200, set.first);
    Poco::JSON::Array::Ptr members = new Poco::JSON::Array;
    members->add(engine_->pn_user().to_string());
    auto a = WaPeerProcess::args({{"subject", "group " + mode}});
    a->set("participants", members);
    auto created = peer_->call("createGroup", a);
    CPPUNIT_ASSERT_EQUAL(mode, created->getValue<std::string>("addressingMode"));
    const Jid group = Jid::parse(created->getValue<std::string>("jid")).value();

    // Baileys → group: pkmsg (SKDM) + skmsg; the engine decrypts the skmsg.
    peer_->call("sendText", WaPeerProcess::args({{"to", group.to_string()}, {"text", "hello group " + mode}}));
    CPPUNIT_ASSERT_MESSAGE(join(engine_->events().undecryptable()),
                           engine_->events().wait_message([&](const auto& m) { return m.text == "hello group " + mode; }));
    auto in = find_text("hello group " + mode);
    CPPUNIT_ASSERT(in.is_group);
    CPPUNIT_ASSERT_EQUAL(group.to_string(), in.chat.to_string());
    peer_->call("sendText", WaPeerProcess::args({{"to", group.to_string()}, {"text", "second to group " + mode}}));
    CPPUNIT_ASSERT(engine_->events().wait_message([&](const auto& m) { return m.text == "second to group " + mode; }));

    // Engine → group, twice: the first carries our sender key to Baileys (a pkmsg beside the skmsg);
    // the second is the skmsg alone, which Baileys decrypts with the key it already holds.
    bool first = true;
    for (const std::string& text : {"wabot in group " + mode, "wabot again in group " + mode}) {
      auto sent = engine_->send_text(group, text);
      CPPUNIT_ASSERT_MESSAGE(sent.ok() ? "" : sent.error().message, sent.ok());
      auto got = peer_->call("waitMessage", WaPeerProcess::args({{"text", text}, {"timeout_ms", 30000}}));
      CPPUNIT_ASSERT_EQUAL(group.to_string(), got->getValue<std::string>("chat"));
      auto types = enc_types_to(*sim_, sent->id, peer_jid_.user);
      const std::string relayed = sim_->get("/relayed?id=" + sent->id).second;
      CPPUNIT_ASSERT_MESSAGE(relayed, std::find(types.begin(), types.end(), "skmsg") != types.end());
      CPPUNIT_ASSERT_MESSAGE(relayed, first ? types.size() == 2 : types == std::vector<std::string>{"skmsg"});
      first = false;
    }
    CPPUNIT_ASSERT(engine_->events().undecryptable().empty());
  }

  // One message each way, so both sides hold a session.
  void establish() {
    CPPUNIT_ASSERT(engine_->send_text(peer_jid_, "establish").ok());
    peer_->call("waitMessage", WaPeerProcess::args({{"text", std::string("establish")}, {"timeout_ms", 30000}}));
    peer_->call("sendText", WaPeerProcess::args({{"to", engine_->pn_user().to_string()}, {"text", std::string("established")}}));
    CPPUNIT_ASSERT(engine_->events().wait_message([](const auto& m) { return m.text == "established"; }));
  }

  messaging::InboundMessage find_text(const std::string& text) {
    for (const auto& m : engine_->events().messages())
      if (m.text == text) return m;
    CPPUNIT_FAIL("no inbound message with text " + text);
    return {};
  }
  static std::string hex(const crypto::Key32& k) {
    static const char* h = "0123456789abcdef";
    std::string s;
    for (auto b : k) s += h[b >> 4], s += h[b & 15];
    return s;
  }
  static std::string base64(const Bytes& data) {
    std::ostringstream out;
    Poco::Base64Encoder enc(out);
    enc.rdbuf()->setLineLength(0);  // one line: the peer driver reads JSON lines
    enc.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    enc.close();
    return out.str();
  }
  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += x + "\n";
    return s;
  }

  std::unique_ptr<WaSimProcess> sim_;
  std::unique_ptr<TempDir> tmp_;
  std::unique_ptr<transport::EventLoop> loop_;
  std::string db_url_;
  std::unique_ptr<WaPeerProcess> peer_;
  std::unique_ptr<EngineAgent> engine_;
  Jid peer_jid_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(BaileysInteropTest);
