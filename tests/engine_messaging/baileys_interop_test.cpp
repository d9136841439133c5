// SPDX-License-Identifier: GPL-3.0-or-later
// The messaging layer against the simulator and a real Baileys peer: 1:1 text both ways (pkmsg first,
// then msg), quoted replies and mentions, 200 messages each way, and a host "kill" and restart over
// the same SQLite database that keeps decrypting.
#include <cppunit/extensions/HelperMacros.h>

#include <set>

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
    engine_ = std::make_unique<EngineAgent>(*loop_, db_url_, "agent-1", sim_->ws_url(), sim_->root_key());
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

  void pn_group_both_ways() { group_both_ways("pn"); }
  void lid_group_both_ways() { group_both_ways("lid"); }

 private:
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

    // Engine → group, twice: our sender key reaches Baileys, then the skmsg decrypts.
    for (const std::string& text : {"wabot in group " + mode, "wabot again in group " + mode}) {
      auto sent = engine_->send_text(group, text);
      CPPUNIT_ASSERT_MESSAGE(sent.ok() ? "" : sent.error().message, sent.ok());
      auto got = peer_->call("waitMessage", WaPeerProcess::args({{"text", text}, {"timeout_ms", 30000}}));
      CPPUNIT_ASSERT_EQUAL(group.to_string(), got->getValue<std::string>("chat"));
      auto types = enc_types_to(*sim_, sent->id, peer_jid_.user);
      CPPUNIT_ASSERT_MESSAGE(sim_->get("/relayed?id=" + sent->id).second,
                             std::find(types.begin(), types.end(), "skmsg") != types.end());
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
