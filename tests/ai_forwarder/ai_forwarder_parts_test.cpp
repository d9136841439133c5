// SPDX-License-Identifier: GPL-3.0-or-later
// ai_forwarder's parts: reply parsing order, JID normalisation, the inbound rules, payload bytes and
// the per-agent executor (order within an agent, concurrency across agents).
#include "agent_executor.hpp"
#include "ai_payload.hpp"
#include "ai_reply.hpp"
#include "inbound_filter.hpp"
#include "jid.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <vector>

using namespace ai_forwarder;

class AiForwarderPartsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AiForwarderPartsTest);
  CPPUNIT_TEST(replyOrder);
  CPPUNIT_TEST(replyBadBodies);
  CPPUNIT_TEST(jidNormalisation);
  CPPUNIT_TEST(inboundRules);
  CPPUNIT_TEST(groupMentionRules);
  CPPUNIT_TEST(payloadGoldenBytes);
  CPPUNIT_TEST(executorKeepsAgentOrderAndRunsAgentsConcurrently);
  CPPUNIT_TEST(executorBoundsEachAgentQueue);
  CPPUNIT_TEST_SUITE_END();

 public:
  void replyOrder() {
    CPPUNIT_ASSERT_EQUAL(std::string("plain words"), *parse_ai_reply("  plain words\n").reply);
    CPPUNIT_ASSERT_EQUAL(std::string("json string"), *parse_ai_reply("\"json string\"").reply);
    for (const char* key : {"reply", "output", "response", "text", "message"}) {
      AiReply r = parse_ai_reply(std::string("{\"") + key + "\":\"v\"}");
      CPPUNIT_ASSERT(r.usable && r.reply && *r.reply == "v");
      AiReply d = parse_ai_reply(std::string("{\"data\":{\"") + key + "\":\"w\"}}");
      CPPUNIT_ASSERT(d.usable && d.reply && *d.reply == "w");
    }
    // Order: reply before output before ... and top level before data; empty strings are skipped.
    CPPUNIT_ASSERT_EQUAL(std::string("o"), *parse_ai_reply(R"({"message":"m","output":"o","reply":""})").reply);
    CPPUNIT_ASSERT_EQUAL(std::string("t"), *parse_ai_reply(R"({"data":{"reply":"d"},"text":"t"})").reply);
    CPPUNIT_ASSERT_EQUAL(std::string("d"), *parse_ai_reply(R"({"reply":5,"data":{"response":"d"}})").reply);
    AiReply none = parse_ai_reply(R"({"status":"ok"})");
    CPPUNIT_ASSERT(none.usable && !none.reply);
    AiReply empty = parse_ai_reply("");
    CPPUNIT_ASSERT(empty.usable && !empty.reply);
  }
  void replyBadBodies() {
    AiReply bad = parse_ai_reply("{\"reply\": \"unterminated");
    CPPUNIT_ASSERT(!bad.usable);
    CPPUNIT_ASSERT(bad.problem.find("malformed JSON") != std::string::npos);
    CPPUNIT_ASSERT(!parse_ai_reply("[1,2]").usable);
    CPPUNIT_ASSERT(!parse_ai_reply(std::string(100000, '[')).usable);  // deep nesting: an error, not a crash
  }
  void jidNormalisation() {
    CPPUNIT_ASSERT_EQUAL(std::string("6281234567890@s.whatsapp.net"), *jid::normalize("+62 812-3456-7890"));
    CPPUNIT_ASSERT_EQUAL(std::string("6281234567890@s.whatsapp.net"), *jid::normalize("6281234567890@c.us"));
    CPPUNIT_ASSERT_EQUAL(std::string("120363@g.us"), *jid::normalize("120363@g.us"));
    CPPUNIT_ASSERT_EQUAL(std::string("555@lid"), *jid::normalize("555@lid"));
    CPPUNIT_ASSERT(!jid::normalize("abc"));
    CPPUNIT_ASSERT(!jid::normalize("62x@s.whatsapp.net"));
    CPPUNIT_ASSERT(!jid::normalize("1@example.com"));
    CPPUNIT_ASSERT(!jid::normalize(""));
    CPPUNIT_ASSERT_EQUAL(std::string("6281"), std::string(jid::user("6281:12@s.whatsapp.net")));
  }
  void inboundRules() {
    BotIdentity bot{"628999:3@s.whatsapp.net", "777@lid"};
    InboundMessage m;
    m.chat_jid = m.sender_jid = "6281@s.whatsapp.net";
    m.text = "hello";
    m.is_text = true;
    m.timestamp_ms = 1'000'000;
    CPPUNIT_ASSERT(classify_inbound(m, bot, 1'000'000, 600'000) == SkipReason::kUnset);
    CPPUNIT_ASSERT(classify_inbound(m, bot, 1'000'000 + 600'001, 600'000) == SkipReason::kTooOld);
    InboundMessage s = m;
    s.chat_jid = "status@broadcast";
    CPPUNIT_ASSERT(classify_inbound(s, bot, 1'000'000, 600'000) == SkipReason::kStatusBroadcast);
    InboundMessage n = m;
    n.chat_jid = "1203@newsletter";
    CPPUNIT_ASSERT(classify_inbound(n, bot, 1'000'000, 600'000) == SkipReason::kNewsletter);
    InboundMessage me = m;
    me.is_from_me = true;
    CPPUNIT_ASSERT(classify_inbound(me, bot, 1'000'000, 600'000) == SkipReason::kFromMe);
    InboundMessage me2 = m;
    me2.sender_jid = "628999:7@s.whatsapp.net";
    CPPUNIT_ASSERT(classify_inbound(me2, bot, 1'000'000, 600'000) == SkipReason::kFromMe);
    InboundMessage img = m;
    img.is_text = false;
    CPPUNIT_ASSERT(classify_inbound(img, bot, 1'000'000, 600'000) == SkipReason::kNotText);
  }
  void groupMentionRules() {
    BotIdentity bot{"628999:3@s.whatsapp.net", "777@lid"};
    InboundMessage g;
    g.chat_jid = "120363@g.us";
    g.sender_jid = "6281@s.whatsapp.net";
    g.text = "hi all";
    g.is_text = g.is_group = true;
    CPPUNIT_ASSERT(classify_inbound(g, bot, 0, 600'000) == SkipReason::kNotMentioned);
    InboundMessage pn = g;
    pn.mentioned_jids = {"628999@s.whatsapp.net"};
    CPPUNIT_ASSERT(classify_inbound(pn, bot, 0, 600'000) == SkipReason::kUnset);
    InboundMessage lid = g;
    lid.mentioned_jids = {"777@lid"};
    CPPUNIT_ASSERT(classify_inbound(lid, bot, 0, 600'000) == SkipReason::kUnset);
    InboundMessage other = g;
    other.mentioned_jids = {"777@s.whatsapp.net", "628999@lid"};  // right users, wrong servers
    CPPUNIT_ASSERT(classify_inbound(other, bot, 0, 600'000) == SkipReason::kNotMentioned);
    InboundMessage text = g;
    text.text = "ask @628999 please";
    CPPUNIT_ASSERT(classify_inbound(text, bot, 0, 600'000) == SkipReason::kUnset);
    InboundMessage unpaired = pn;
    CPPUNIT_ASSERT(classify_inbound(unpaired, BotIdentity{}, 0, 600'000) == SkipReason::kNotMentioned);
  }
  void payloadGoldenBytes() {
    CPPUNIT_ASSERT_EQUAL(
        std::string(R"({"input":"hi \"x\"\n","session_id":"6281@s.whatsapp.net","parameters":{"max_steps":5},)"
                    R"("metadata":{"agentId":"a1","traceId":"t1","source":"whatsapp","chatId":"120@g.us","isGroup":true,)"
                    R"("messageId":"M1","pushName":"Ana"}})"),
        inbound_payload_json({"a1", "t1", "hi \"x\"\n", "6281@s.whatsapp.net", "120@g.us", "M1", "Ana", true}));
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"input":"q","parameters":{"max_steps":2},"session_id":"6281@s.whatsapp.net",)"
                                     R"("metadata":{"agentId":"a1","traceId":"t1","source":"api"}})"),
                         run_payload_json("a1", "t1", "q", "6281@s.whatsapp.net", R"({"max_steps":2})"));
    CPPUNIT_ASSERT_EQUAL(std::string("\"\\u0001\""), json_string("\x01"));
  }
  void executorKeepsAgentOrderAndRunsAgentsConcurrently() {
    AgentExecutor ex(2, 100);
    std::mutex m;
    std::condition_variable cv;
    bool release_a = false, b_done = false;
    std::vector<int> a_order;
    ex.submit("a", [&] {
      std::unique_lock l(m);
      cv.wait(l, [&] { return release_a; });  // agent a is "slow" until b has finished
      a_order.push_back(1);
    });
    for (int i = 2; i <= 5; ++i)
      ex.submit("a", [&, i] {
        std::lock_guard l(m);
        a_order.push_back(i);
      });
    ex.submit("b", [&] {
      std::lock_guard l(m);
      b_done = true;
      release_a = true;
      cv.notify_all();
    });
    CPPUNIT_ASSERT(ex.wait_idle(5000));
    CPPUNIT_ASSERT(b_done);
    CPPUNIT_ASSERT((a_order == std::vector<int>{1, 2, 3, 4, 5}));
    CPPUNIT_ASSERT_EQUAL(uint64_t(0), ex.dropped());
  }
  void executorBoundsEachAgentQueue() {
    AgentExecutor ex(1, 2);
    std::mutex m;
    std::condition_variable cv;
    bool started = false, release = false;
    ex.submit("a", [&] {
      std::unique_lock l(m);
      started = true;
      cv.notify_all();
      cv.wait(l, [&] { return release; });
    });
    {
      std::unique_lock l(m);
      cv.wait(l, [&] { return started; });
    }
    CPPUNIT_ASSERT(ex.submit("a", [] {}));
    CPPUNIT_ASSERT(ex.submit("a", [] {}));
    CPPUNIT_ASSERT(!ex.submit("a", [] {}));  // two waiting is the limit
    CPPUNIT_ASSERT(ex.submit("b", [] {}));   // another agent has its own queue
    {
      std::lock_guard l(m);
      release = true;
    }
    cv.notify_all();
    CPPUNIT_ASSERT(ex.wait_idle(5000));
    CPPUNIT_ASSERT_EQUAL(uint64_t(1), ex.dropped());
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(AiForwarderPartsTest);
