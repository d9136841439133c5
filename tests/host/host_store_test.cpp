// SPDX-License-Identifier: GPL-3.0-or-later
// HostStore: the SDK store service's backend on a migrated SQLite file: agent stats from the message
// and AI logs, AI executions recorded with their outcome, plugin key/value rows, and plain refusals
// after close.
#include "host/app/host_store.hpp"
#include "host/store/ai_execution_repository.hpp"
#include "host/store/message_log_repository.hpp"
#include "host/store/schema.hpp"

#include <Poco/TemporaryFile.h>
#include <cppunit/extensions/HelperMacros.h>

using namespace wabot;

class HostStoreTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HostStoreTest);
  CPPUNIT_TEST(stats_count_messages_and_ai_executions);
  CPPUNIT_TEST(unknown_agent_has_zero_stats);
  CPPUNIT_TEST(ai_execution_outcome_is_recorded);
  CPPUNIT_TEST(key_values_are_kept_per_plugin);
  CPPUNIT_TEST(key_value_limits_are_enforced);
  CPPUNIT_TEST(closed_store_refuses_calls);
  CPPUNIT_TEST_SUITE_END();

  std::shared_ptr<store::Database> db_;

  void log_message(const std::string& id, store::MessageDirection direction, std::int64_t timestamp_ms) {
    store::LoggedMessage m;
    m.agent_id = "bot-1";
    m.message_id = id;
    m.chat_jid = "6281@s.whatsapp.net";
    m.sender_jid = "6281@s.whatsapp.net";
    m.direction = direction;
    m.type = "text";
    m.text = "hi";
    m.timestamp_ms = timestamp_ms;
    m.status = direction == store::MessageDirection::incoming ? "received" : "sent";
    auto appended = store::MessageLogRepository(*db_).append(m);
    CPPUNIT_ASSERT_MESSAGE(appended.ok() ? "" : appended.error().message, appended.ok());
  }

 public:
  void setUp() override {
    std::string path = Poco::TemporaryFile::tempName() + ".db";
    Poco::TemporaryFile::registerForDeletion(path);
    auto opened = store::Database::open("sqlite://" + path);
    CPPUNIT_ASSERT(opened.ok());
    db_ = std::move(opened.value());
    CPPUNIT_ASSERT(store::migrate(*db_).ok());
  }
  void tearDown() override { db_.reset(); }

  void stats_count_messages_and_ai_executions() {
    log_message("A1", store::MessageDirection::incoming, 1000);
    log_message("A2", store::MessageDirection::incoming, 2000);
    log_message("B1", store::MessageDirection::outgoing, 3000);
    app::HostStore host_store(db_);
    plugins::AiExecutionRecord r;
    r.agent_id = "bot-1";
    r.trace_id = "t1";
    r.source = "api";
    r.session_id = "6281@s.whatsapp.net";
    r.latency_ms = 12;
    r.http_status = 200;
    CPPUNIT_ASSERT(host_store.record_ai_execution(r).is_ok());
    auto stats = host_store.agent_stats("bot-1");
    CPPUNIT_ASSERT(stats.is_ok());
    CPPUNIT_ASSERT_EQUAL(uint64_t{2}, stats.value().incoming_messages);
    CPPUNIT_ASSERT_EQUAL(uint64_t{1}, stats.value().outgoing_messages);
    CPPUNIT_ASSERT_EQUAL(uint64_t{1}, stats.value().ai_executions);
    CPPUNIT_ASSERT(stats.value().last_activity_ms >= 3000);  // the AI call was logged now, after the messages
  }

  void unknown_agent_has_zero_stats() {
    app::HostStore host_store(db_);
    auto stats = host_store.agent_stats("nobody");
    CPPUNIT_ASSERT(stats.is_ok());
    CPPUNIT_ASSERT_EQUAL(uint64_t{0}, stats.value().incoming_messages);
    CPPUNIT_ASSERT_EQUAL(uint64_t{0}, stats.value().ai_executions);
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, stats.value().last_activity_ms);
  }

  void ai_execution_outcome_is_recorded() {
    app::HostStore host_store(db_);
    plugins::AiExecutionRecord timeout;
    timeout.agent_id = "bot-1";
    timeout.trace_id = "t-timeout";
    timeout.source = "whatsapp";
    timeout.session_id = "6281@s.whatsapp.net";
    timeout.latency_ms = 60000;
    timeout.error_code = "AI_TIMEOUT";
    timeout.error_message = "no answer within 60s";
    CPPUNIT_ASSERT(host_store.record_ai_execution(timeout).is_ok());
    plugins::AiExecutionRecord failed = timeout;
    failed.trace_id = "t-error";
    failed.error_code = "AI_DOWNSTREAM_ERROR";
    failed.error_message = "";
    failed.http_status = 502;
    CPPUNIT_ASSERT(host_store.record_ai_execution(failed).is_ok());
    auto latest = store::AiExecutionRepository(*db_).latest("bot-1", 10);
    CPPUNIT_ASSERT(latest.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, latest->size());
    for (const auto& e : *latest) {
      if (e.trace_id == "t-timeout") {
        CPPUNIT_ASSERT_EQUAL(std::string("timeout"), e.status);
        CPPUNIT_ASSERT_EQUAL(std::string("AI_TIMEOUT: no answer within 60s"), e.error.value_or(""));
        CPPUNIT_ASSERT(!e.http_status.has_value());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{60000}, e.latency_ms);
        CPPUNIT_ASSERT_EQUAL(std::string("whatsapp"), e.source);
      } else {
        CPPUNIT_ASSERT_EQUAL(std::string("t-error"), e.trace_id);
        CPPUNIT_ASSERT_EQUAL(std::string("error"), e.status);
        CPPUNIT_ASSERT_EQUAL(std::string("AI_DOWNSTREAM_ERROR"), e.error.value_or(""));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{502}, e.http_status.value_or(0));
      }
    }
  }

  void key_values_are_kept_per_plugin() {
    app::HostStore host_store(db_);
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(WABOT_ERR_NOT_FOUND), static_cast<int>(host_store.get("p", "k").status().code()));
    CPPUNIT_ASSERT(host_store.put("p", "k", "v1").is_ok());
    CPPUNIT_ASSERT(host_store.put("q", "k", std::string("\0bin", 4)).is_ok());
    CPPUNIT_ASSERT(host_store.put("p", "k", "v2").is_ok());  // overwrite
    auto p = host_store.get("p", "k");
    CPPUNIT_ASSERT(p.is_ok());
    CPPUNIT_ASSERT_EQUAL(std::string("v2"), p.value());
    auto q = host_store.get("q", "k");
    CPPUNIT_ASSERT(q.is_ok());
    CPPUNIT_ASSERT_EQUAL(std::string("\0bin", 4), q.value());
    // A second HostStore over the same database sees the rows (they are in the database, not memory).
    app::HostStore reopened(db_);
    CPPUNIT_ASSERT(reopened.remove("p", "k").is_ok());
    CPPUNIT_ASSERT(reopened.remove("p", "k").is_ok());  // absent: still fine
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(WABOT_ERR_NOT_FOUND), static_cast<int>(host_store.get("p", "k").status().code()));
    CPPUNIT_ASSERT(host_store.get("q", "k").is_ok());
  }

  void key_value_limits_are_enforced() {
    app::HostStore host_store(db_);
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(WABOT_ERR_INVALID_ARGUMENT),
                         static_cast<int>(host_store.put("p", std::string(257, 'k'), "v").code()));
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(WABOT_ERR_INVALID_ARGUMENT),
                         static_cast<int>(host_store.put("p", "k", std::string((1u << 20) + 1, 'v')).code()));
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(WABOT_ERR_INVALID_ARGUMENT), static_cast<int>(host_store.put("p", "", "v").code()));
  }

  void closed_store_refuses_calls() {
    app::HostStore host_store(db_);
    host_store.close();
    CPPUNIT_ASSERT(!host_store.agent_stats("bot-1").is_ok());
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(WABOT_ERR_UNSUPPORTED), static_cast<int>(host_store.put("p", "k", "v").code()));
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(WABOT_ERR_UNSUPPORTED), static_cast<int>(host_store.get("p", "k").status().code()));
    plugins::AiExecutionRecord r;
    r.agent_id = "bot-1";
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(WABOT_ERR_UNSUPPORTED), static_cast<int>(host_store.record_ai_execution(r).code()));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HostStoreTest);
