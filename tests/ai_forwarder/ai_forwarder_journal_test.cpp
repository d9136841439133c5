// SPDX-License-Identifier: GPL-3.0-or-later
// ai_forwarder's inbound journal on the fake host (workers: 0) against the real test AI backend: an
// accepted message is in the SDK store before on_message returns and leaves it once replied or
// alerted; a "restarted" plugin (a new host over the same store) replays the pending ones oldest
// first, drops those older than max_age, and handles a message both replayed by the host and
// journaled once.
#include "inbound_journal.hpp"
#include "test_ai_backend.hpp"

#include <wabot/testing/fake_host.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <string>

extern "C" const wabot_plugin_descriptor* wabot_plugin_v1(void);

using ai_forwarder::InboundJournal;
using ai_forwarder::JournalEntry;
using wabot::testing::AiScenario;
using wabot::testing::FakeHost;
using wabot::testing::TestAiBackend;

namespace {

const std::string kPeer = "6281234567890@s.whatsapp.net";

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void setup(FakeHost& host, const TestAiBackend& ai) {
  host.set_config("workers", "0");
  host.set_config("developer_jid", "+62 855-5000-1111");
  host.set_shared("ai.backend_url", ai.base_url());
  host.set_shared("ai.timeout", "2s");
  wabot::testing::FakeSession s;
  s.user_id = "u1";
  s.agent_id = "agent-1";
  s.api_key = "sk-secret-1";
  s.connected = true;
  s.me_jid = "628999000111:4@s.whatsapp.net";
  host.sessions["agent-1"] = s;
}

wabot::testing::TestMessage text(const std::string& id, const std::string& body) {
  wabot::testing::TestMessage m;
  m.text = body;
  m.chat_jid = m.sender_jid = kPeer;
  m.id = id;
  m.push_name = "Peer";
  m.trace_id = "trace-" + id;
  m.timestamp_ms = wall_ms();
  return m;
}

std::vector<std::string> ai_inputs(const TestAiBackend& ai) {
  std::vector<std::string> out;
  for (const auto& r : ai.requests()) {
    auto at = r.body.find("\"input\":\"");
    out.push_back(at == std::string::npos ? r.body : r.body.substr(at + 9, r.body.find('"', at + 9) - at - 9));
  }
  return out;
}

size_t log_count(const FakeHost& host, const std::string& message) {
  size_t n = 0;
  for (const auto& l : host.logs)
    if (l.message == message) ++n;
  return n;
}

}  // namespace

class AiForwarderJournalTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AiForwarderJournalTest);
  CPPUNIT_TEST(entryCodecRoundTripsAndRefusesGarbage);
  CPPUNIT_TEST(journaledBeforeTheHandlerReturnsAndRemovedAfterTheReply);
  CPPUNIT_TEST(anAlertAlsoRemovesTheEntry);
  CPPUNIT_TEST(restartReplaysPendingInOrderAndDropsOldOnes);
  CPPUNIT_TEST(replayedByTheHostAndJournaledIsHandledOnce);
  CPPUNIT_TEST_SUITE_END();

 public:
  void entryCodecRoundTripsAndRefusesGarbage() {
    JournalEntry e{"agent-1", "3EB0", "trace-1", "halo \"kamu\"\n", kPeer, kPeer, "Budi", true, 1234};
    auto back = ai_forwarder::decode_entry(ai_forwarder::encode_entry(e));
    CPPUNIT_ASSERT(back.has_value());
    CPPUNIT_ASSERT_EQUAL(e.text, back->text);
    CPPUNIT_ASSERT_EQUAL(e.push_name, back->push_name);
    CPPUNIT_ASSERT(back->is_group);
    CPPUNIT_ASSERT_EQUAL(int64_t(1234), back->timestamp_ms);
    for (const char* bad : {"", "[]", "{", "{\"agentId\":\"a\"}", "{\"agentId\":1,\"messageId\":\"x\"}"})
      CPPUNIT_ASSERT_MESSAGE(bad, !ai_forwarder::decode_entry(bad).has_value());
  }

  void journaledBeforeTheHandlerReturnsAndRemovedAfterTheReply() {
    TestAiBackend ai;
    ai.set_default(AiScenario::reply("hi"));
    FakeHost host;
    setup(host, ai);
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_OK, host.deliver(text("M1", "one")));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_OK, host.deliver(text("M2", "two")));
    // Nothing ran yet (the AI work is posted), but both are in the store.
    CPPUNIT_ASSERT(ai.requests().empty());
    CPPUNIT_ASSERT(host.store.count(InboundJournal::entry_key("agent-1", "M1")));
    CPPUNIT_ASSERT(host.store.count(InboundJournal::entry_key("agent-1", "M2")));
    CPPUNIT_ASSERT_EQUAL(std::string("M1\nM2\n"), host.store[InboundJournal::index_key("agent-1")]);
    auto entry = ai_forwarder::decode_entry(host.store[InboundJournal::entry_key("agent-1", "M1")]);
    CPPUNIT_ASSERT(entry.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("one"), entry->text);
    CPPUNIT_ASSERT_EQUAL(std::string("trace-M1"), entry->trace_id);
    CPPUNIT_ASSERT_EQUAL(size_t(2), host.run_posted());
    CPPUNIT_ASSERT_EQUAL(size_t(2), host.sent_texts.size());
    CPPUNIT_ASSERT(host.store.empty());  // entries and index gone once replied
  }

  void anAlertAlsoRemovesTheEntry() {
    TestAiBackend ai;
    ai.set_default(AiScenario::error500());
    FakeHost host;
    setup(host, ai);
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    host.deliver(text("M1", "one"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), host.store.count(InboundJournal::entry_key("agent-1", "M1")));
    host.run_posted();
    CPPUNIT_ASSERT_EQUAL(size_t(1), host.sent_texts.size());  // the developer alert
    CPPUNIT_ASSERT(host.store.empty());
  }

  void restartReplaysPendingInOrderAndDropsOldOnes() {
    TestAiBackend ai;
    ai.set_default(AiScenario::reply("hi"));
    std::map<std::string, std::string> store;
    {
      FakeHost first;
      setup(first, ai);
      CPPUNIT_ASSERT(first.load(wabot_plugin_v1()).is_ok());
      for (int i = 1; i <= 3; ++i) first.deliver(text("M" + std::to_string(i), "msg-" + std::to_string(i)));
      store = first.store;  // the process dies here: nothing posted ran
    }
    CPPUNIT_ASSERT(ai.requests().empty());
    // One more, journaled long ago (older than max_age, 10m): dropped at start, with a log line.
    store[InboundJournal::entry_key("agent-1", "OLD")] =
        ai_forwarder::encode_entry({"agent-1", "OLD", "trace-old", "stale", kPeer, kPeer, "Peer", false, wall_ms() - 11 * 60'000});
    store[InboundJournal::index_key("agent-1")] = "OLD\n" + store[InboundJournal::index_key("agent-1")];

    FakeHost second;
    setup(second, ai);
    second.store = store;
    CPPUNIT_ASSERT(second.load(wabot_plugin_v1()).is_ok());
    CPPUNIT_ASSERT_EQUAL(size_t(3), second.run_posted());
    CPPUNIT_ASSERT((std::vector<std::string>{"msg-1", "msg-2", "msg-3"} == ai_inputs(ai)));
    CPPUNIT_ASSERT_EQUAL(size_t(3), second.sent_texts.size());
    CPPUNIT_ASSERT_EQUAL(size_t(1), log_count(second, "journaled message older than max_age dropped"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), log_count(second, "journal replayed"));
    CPPUNIT_ASSERT(second.store.empty());
    // The replayed calls keep their original trace ids.
    CPPUNIT_ASSERT_EQUAL(std::string("trace-M1"), ai.requests()[0].trace_id);
  }

  void replayedByTheHostAndJournaledIsHandledOnce() {
    TestAiBackend ai;
    ai.set_default(AiScenario::reply("hi"));
    std::map<std::string, std::string> store;
    {
      FakeHost first;
      setup(first, ai);
      CPPUNIT_ASSERT(first.load(wabot_plugin_v1()).is_ok());
      first.deliver(text("M1", "msg-1"));
      store = first.store;
    }
    FakeHost second;
    setup(second, ai);
    second.store = store;
    CPPUNIT_ASSERT(second.load(wabot_plugin_v1()).is_ok());
    // The host publishes M1 again (it was "received" in its log): the journal has it.
    auto again = text("M1", "msg-1");
    again.flags = WABOT_MESSAGE_FLAG_REPLAYED;
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_OK, second.deliver(again));
    CPPUNIT_ASSERT_EQUAL(size_t(1), second.run_posted());
    // Also after the journal's replay finished and removed the entry.
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_OK, second.deliver(again));
    CPPUNIT_ASSERT_EQUAL(size_t(0), second.run_posted());
    // A replayed message the journal never had (the crash came before ai_forwarder took it) is forwarded.
    auto fresh = text("M9", "msg-9");
    fresh.flags = WABOT_MESSAGE_FLAG_REPLAYED;
    second.deliver(fresh);
    CPPUNIT_ASSERT_EQUAL(size_t(1), second.run_posted());
    CPPUNIT_ASSERT((std::vector<std::string>{"msg-1", "msg-9"} == ai_inputs(ai)));
    CPPUNIT_ASSERT_EQUAL(size_t(2), log_count(second, "replayed message already in the journal, handled from there"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AiForwarderJournalTest);
