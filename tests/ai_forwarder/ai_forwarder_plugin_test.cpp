// SPDX-License-Identifier: GPL-3.0-or-later
// ai_forwarder on the fake host (workers: 0, so AI work runs as posted work on the test's thread)
// against the real test AI backend: payloads, auth header, typing, replies, quotes, alerts, /run.
#include "test_ai_backend.hpp"

#include <wabot/testing/fake_host.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <string>

extern "C" const wabot_plugin_descriptor* wabot_plugin_v1(void);

using wabot::testing::AiScenario;
using wabot::testing::FakeHost;
using wabot::testing::TestAiBackend;

namespace {

const std::string kBot = "628999000111:4@s.whatsapp.net";
const std::string kPeer = "6281234567890@s.whatsapp.net";
const std::string kDev = "6285550001111@s.whatsapp.net";

void setup(FakeHost& host, const TestAiBackend& ai, bool with_endpoint = true) {
  host.set_config("workers", "0");
  host.set_config("developer_jid", "+62 855-5000-1111");
  host.set_shared("ai.backend_url", ai.base_url() + "/");
  host.set_shared("ai.timeout", "2s");
  wabot::testing::FakeSession s;
  s.user_id = "u1";
  s.agent_id = "agent-1";
  s.api_key = "sk-secret-1";
  s.connected = true;
  s.me_jid = kBot;
  s.me_lid = "99887766@lid";
  if (with_endpoint) s.endpoint_url_run = ai.base_url() + "/custom/agent-1/run";
  host.sessions["agent-1"] = s;
}

wabot::testing::TestMessage hello() {
  wabot::testing::TestMessage m;
  m.text = "hello";
  m.chat_jid = m.sender_jid = kPeer;
  m.id = "3EB0AAA";
  m.push_name = "Peer";
  m.trace_id = "trace-in-1";
  return m;
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

class AiForwarderPluginTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AiForwarderPluginTest);
  CPPUNIT_TEST(directMessageGoesToAiAndReplyComesBack);
  CPPUNIT_TEST(fallsBackToBackendUrl);
  CPPUNIT_TEST(eventWithoutTraceIdGetsOne);
  CPPUNIT_TEST(groupNeedsMentionAndReplyIsQuoted);
  CPPUNIT_TEST(ignoredMessagesMakeNoCall);
  CPPUNIT_TEST(timeoutAlertsDeveloper);
  CPPUNIT_TEST(status500AlertsDeveloper);
  CPPUNIT_TEST(malformedJsonAlertsDeveloper);
  CPPUNIT_TEST(runEndpointAnswersAndSends);
  CPPUNIT_TEST(runEndpointRefusals);
  CPPUNIT_TEST(runEndpointMapsAiErrors);
  CPPUNIT_TEST_SUITE_END();

 public:
  void directMessageGoesToAiAndReplyComesBack() {
    TestAiBackend ai;
    ai.set_scenario("agent-1", AiScenario::reply("hi there", "output"));
    FakeHost host;
    setup(host, ai);
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_OK, host.deliver(hello()));
    CPPUNIT_ASSERT_EQUAL(size_t(1), host.run_posted());
    auto reqs = ai.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), reqs.size());
    CPPUNIT_ASSERT_EQUAL(std::string("POST"), reqs[0].method);
    CPPUNIT_ASSERT_EQUAL(std::string("/custom/agent-1/run"), reqs[0].uri);
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer sk-secret-1"), reqs[0].authorization);
    CPPUNIT_ASSERT_EQUAL(std::string("trace-in-1"), reqs[0].trace_id);
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), reqs[0].content_type);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"input":"hello","session_id":"6281234567890@s.whatsapp.net","parameters":{"max_steps":5},)"
                                     R"("metadata":{"agentId":"agent-1","traceId":"trace-in-1","source":"whatsapp",)"
                                     R"("chatId":"6281234567890@s.whatsapp.net","isGroup":false,"messageId":"3EB0AAA","pushName":"Peer"}})"),
                         reqs[0].body);
    CPPUNIT_ASSERT_EQUAL(size_t(2), host.typing.size());
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_TYPING_COMPOSING, host.typing[0].state);
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_TYPING_PAUSED, host.typing[1].state);
    CPPUNIT_ASSERT_EQUAL(kPeer, host.typing[0].chat_jid);
    CPPUNIT_ASSERT_EQUAL(size_t(1), host.sent_texts.size());
    CPPUNIT_ASSERT_EQUAL(std::string("hi there"), host.sent_texts[0].text);
    CPPUNIT_ASSERT_EQUAL(kPeer, host.sent_texts[0].to);
    CPPUNIT_ASSERT(host.sent_texts[0].quoted_message_id.empty());
    CPPUNIT_ASSERT_EQUAL(size_t(1), host.ai_executions.size());
    for (const auto& l : host.logs)
      for (const auto& [k, v] : l.fields) CPPUNIT_ASSERT(!contains(v, "sk-secret-1"));
  }

  void fallsBackToBackendUrl() {
    TestAiBackend ai;
    ai.set_default(AiScenario::plain("plain answer"));
    FakeHost host;
    setup(host, ai, false);
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    host.deliver(hello());
    host.run_posted();
    CPPUNIT_ASSERT_EQUAL(size_t(1), ai.requests().size());
    CPPUNIT_ASSERT_EQUAL(std::string("/agents/agent-1/execute"), ai.requests()[0].uri);
    CPPUNIT_ASSERT_EQUAL(std::string("plain answer"), host.sent_texts.at(0).text);
  }

  void eventWithoutTraceIdGetsOne() {
    TestAiBackend ai;
    FakeHost host;
    setup(host, ai);
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    auto m = hello();
    m.trace_id = "";
    host.deliver(m);
    host.run_posted();
    auto reqs = ai.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), reqs.size());
    CPPUNIT_ASSERT_EQUAL(size_t(35), reqs[0].trace_id.size());  // "wa-" + 32 hex
    CPPUNIT_ASSERT(contains(reqs[0].body, "\"traceId\":\"" + reqs[0].trace_id + "\""));
    CPPUNIT_ASSERT_EQUAL(reqs[0].trace_id, host.sent_texts.at(0).trace_id);
  }

  void groupNeedsMentionAndReplyIsQuoted() {
    TestAiBackend ai;
    ai.set_scenario("agent-1", AiScenario::under_data("group answer", "message"));
    FakeHost host;
    setup(host, ai, false);
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    auto g = hello();
    g.chat_jid = "120363000@g.us";
    g.is_group = true;
    host.deliver(g);
    CPPUNIT_ASSERT_EQUAL(size_t(0), host.run_posted());
    auto pn = g;
    pn.id = "3EB0PN";
    pn.mentioned_jids = {"628999000111@s.whatsapp.net"};
    host.deliver(pn);
    auto lid = g;
    lid.id = "3EB0LID";
    lid.mentioned_jids = {"99887766@lid"};
    host.deliver(lid);
    CPPUNIT_ASSERT_EQUAL(size_t(2), host.run_posted());
    CPPUNIT_ASSERT_EQUAL(size_t(2), ai.requests().size());
    CPPUNIT_ASSERT(contains(ai.requests()[0].body, R"("chatId":"120363000@g.us","isGroup":true,"messageId":"3EB0PN")"));
    CPPUNIT_ASSERT_EQUAL(size_t(2), host.sent_texts.size());
    CPPUNIT_ASSERT_EQUAL(std::string("120363000@g.us"), host.sent_texts[0].to);
    CPPUNIT_ASSERT_EQUAL(std::string("3EB0PN"), host.sent_texts[0].quoted_message_id);
    CPPUNIT_ASSERT_EQUAL(std::string("3EB0LID"), host.sent_texts[1].quoted_message_id);
    CPPUNIT_ASSERT_EQUAL(std::string("group answer"), host.sent_texts[1].text);
  }

  void ignoredMessagesMakeNoCall() {
    TestAiBackend ai;
    FakeHost host;
    setup(host, ai);
    host.set_config("max_age", "10m");
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    host.advance_ms(3'600'000);  // the fake clock is the host's "now" for max_age
    auto status = hello();
    status.chat_jid = "status@broadcast";
    auto mine = hello();
    mine.is_from_me = true;
    auto old = hello();
    old.timestamp_ms = host.now_ms() - 11 * 60'000;
    auto image = hello();
    image.type = WABOT_MESSAGE_IMAGE;
    auto news = hello();
    news.chat_jid = "1203630@newsletter";
    for (const auto& m : {status, mine, old, image, news}) host.deliver(m);
    CPPUNIT_ASSERT_EQUAL(size_t(0), host.run_posted());
    auto recent = hello();
    recent.timestamp_ms = host.now_ms() - 9 * 60'000;
    host.deliver(recent);
    CPPUNIT_ASSERT_EQUAL(size_t(1), host.run_posted());
    CPPUNIT_ASSERT_EQUAL(size_t(1), ai.requests().size());
  }

  void expectAlert(AiScenario scenario, const std::string& reason) {
    TestAiBackend ai;
    ai.set_scenario("agent-1", scenario);
    FakeHost host;
    setup(host, ai);
    host.set_shared("ai.timeout", "300ms");
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    host.deliver(hello());
    host.run_posted();
    CPPUNIT_ASSERT_EQUAL(size_t(1), host.sent_texts.size());
    const auto& alert = host.sent_texts[0];
    CPPUNIT_ASSERT_EQUAL(kDev, alert.to);
    CPPUNIT_ASSERT_EQUAL(std::string("agent-1"), alert.agent_id);
    CPPUNIT_ASSERT(contains(alert.text, "agent: agent-1"));
    CPPUNIT_ASSERT(contains(alert.text, "sender: " + kPeer));
    CPPUNIT_ASSERT(contains(alert.text, "reason: " + reason));
    CPPUNIT_ASSERT(contains(alert.text, "traceId: trace-in-1"));
    CPPUNIT_ASSERT(!contains(alert.text, "sk-secret-1"));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_TYPING_PAUSED, host.typing.back().state);
    CPPUNIT_ASSERT_EQUAL(size_t(1), host.ai_executions.size());
  }
  void timeoutAlertsDeveloper() { expectAlert(AiScenario::reply("late").slow(3000), "AI_TIMEOUT"); }
  void status500AlertsDeveloper() { expectAlert(AiScenario::error500(), "AI_DOWNSTREAM_ERROR"); }
  void malformedJsonAlertsDeveloper() { expectAlert(AiScenario::malformed(), "AI_DOWNSTREAM_ERROR"); }

  wabot::testing::HttpResult run(FakeHost& host, const std::string& body, const std::string& bearer = "sk-secret-1",
                                 const std::string& agent = "agent-1") {
    wabot::testing::HttpCall c;
    c.method = "POST";
    c.path = "/agents/" + agent + "/run";
    c.body = body;
    c.trace_id = "trace-run-1";
    if (!bearer.empty()) c.headers["authorization"] = "Bearer " + bearer;
    return host.call(c);
  }

  void runEndpointAnswersAndSends() {
    TestAiBackend ai;
    ai.set_scenario("agent-1", AiScenario::reply("run reply", "response"));
    FakeHost host;
    setup(host, ai);
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    auto r = run(host, R"({"message":"what is up","session_id":"+62 812-3456-7890","parameters":{"max_steps":2}})");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"data":{"reply":"run reply","replySent":true},"traceId":"trace-run-1"})"), r.body);
    auto reqs = ai.requests();
    CPPUNIT_ASSERT_EQUAL(size_t(1), reqs.size());
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"input":"what is up","parameters":{"max_steps":2},"session_id":"6281234567890@s.whatsapp.net",)"
                                     R"("metadata":{"agentId":"agent-1","traceId":"trace-run-1","source":"api"}})"),
                         reqs[0].body);
    CPPUNIT_ASSERT_EQUAL(std::string("trace-run-1"), reqs[0].trace_id);
    CPPUNIT_ASSERT_EQUAL(size_t(1), host.sent_texts.size());
    CPPUNIT_ASSERT_EQUAL(kPeer, host.sent_texts[0].to);
    CPPUNIT_ASSERT_EQUAL(std::string("run reply"), host.sent_texts[0].text);

    ai.set_scenario("agent-1", AiScenario::no_reply());
    auto none = run(host, R"({"input":"x","session_id":"6281234567890"})");
    CPPUNIT_ASSERT_EQUAL(200, none.status);
    CPPUNIT_ASSERT(contains(none.body, R"("reply":null,"replySent":false)"));
    CPPUNIT_ASSERT(contains(ai.requests()[1].body, R"("parameters":{"max_steps":5})"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), host.sent_texts.size());
    CPPUNIT_ASSERT_EQUAL(size_t(2), host.ai_executions.size());
  }

  void runEndpointRefusals() {
    TestAiBackend ai;
    FakeHost host;
    setup(host, ai);
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    const std::string ok = R"({"input":"x","session_id":"6281234567890"})";
    auto unauth = run(host, ok, "");
    CPPUNIT_ASSERT_EQUAL(401, unauth.status);
    CPPUNIT_ASSERT(contains(unauth.body, "\"UNAUTHORIZED\""));
    CPPUNIT_ASSERT_EQUAL(401, run(host, ok, "sk-secret-").status);
    CPPUNIT_ASSERT_EQUAL(401, run(host, ok, "sk-secret-12").status);
    CPPUNIT_ASSERT_EQUAL(404, run(host, ok, "sk-secret-1", "nobody").status);
    CPPUNIT_ASSERT_EQUAL(400, run(host, ok, "sk-secret-1", "bad%20id").status);
    CPPUNIT_ASSERT_EQUAL(400, run(host, "not json").status);
    CPPUNIT_ASSERT_EQUAL(400, run(host, R"({"session_id":"6281234567890"})").status);
    CPPUNIT_ASSERT_EQUAL(400, run(host, R"({"input":"x","session_id":"hello"})").status);
    CPPUNIT_ASSERT_EQUAL(400, run(host, R"({"input":"x","session_id":"6281234567890","parameters":3})").status);
    host.sessions["agent-1"].connected = false;
    auto not_ready = run(host, ok);
    CPPUNIT_ASSERT_EQUAL(409, not_ready.status);
    CPPUNIT_ASSERT(contains(not_ready.body, "\"SESSION_NOT_READY\""));
    CPPUNIT_ASSERT_EQUAL(size_t(0), ai.requests().size());  // no AI call for any refusal
    for (const auto& l : host.logs)
      for (const auto& [k, v] : l.fields) CPPUNIT_ASSERT(!contains(v, "sk-secret"));
  }

  void runEndpointMapsAiErrors() {
    TestAiBackend ai;
    FakeHost host;
    setup(host, ai);
    host.set_shared("ai.timeout", "300ms");
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    const std::string ok = R"({"input":"x","session_id":"6281234567890"})";
    ai.set_scenario("agent-1", AiScenario::reply("late").slow(3000));
    auto slow = run(host, ok);
    CPPUNIT_ASSERT_EQUAL(504, slow.status);
    CPPUNIT_ASSERT(contains(slow.body, "\"AI_TIMEOUT\""));
    ai.set_scenario("agent-1", AiScenario::error500());
    auto e500 = run(host, ok);
    CPPUNIT_ASSERT_EQUAL(502, e500.status);
    CPPUNIT_ASSERT(contains(e500.body, "\"AI_DOWNSTREAM_ERROR\""));
    ai.set_scenario("agent-1", AiScenario::malformed());
    CPPUNIT_ASSERT_EQUAL(502, run(host, ok).status);
    CPPUNIT_ASSERT_EQUAL(size_t(0), host.sent_texts.size());
    CPPUNIT_ASSERT_EQUAL(size_t(3), host.ai_executions.size());
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(AiForwarderPluginTest);
