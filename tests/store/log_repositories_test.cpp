// SPDX-License-Identifier: GPL-3.0-or-later
// ApiKeyRepository, MessageLogRepository and AiExecutionRepository on both backends. In PostgreSQL
// api_keys is created here the way its owning service would (UUID user ids, BOOLEAN, TIMESTAMPTZ).
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "host/store/agent_activity_repository.hpp"
#include "host/store/ai_execution_repository.hpp"
#include "host/store/api_key_repository.hpp"
#include "host/store/message_log_repository.hpp"
#include "host/store/plugin_kv_repository.hpp"
#include "test_database.hpp"

using namespace wabot::store;
using wabot::store::test::Backend;
using wabot::store::test::FakeClock;
using wabot::store::test::TestDatabase;

namespace {

template <class T>
const T& ok(const Result<T>& r) {
  CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().message, r.ok());
  return r.value();
}

void ok(const Status& s) { CPPUNIT_ASSERT_MESSAGE(s ? "" : s.error().message, s.ok()); }

LoggedMessage message(std::string id, MessageDirection direction, std::int64_t ts) {
  LoggedMessage m;
  m.agent_id = "bot";
  m.message_id = std::move(id);
  m.chat_jid = "6281234567890@s.whatsapp.net";
  m.sender_jid = direction == MessageDirection::incoming ? m.chat_jid : "6289999999999@s.whatsapp.net";
  m.direction = direction;
  m.type = "text";
  m.text = "halo";
  m.timestamp_ms = ts;
  m.status = direction == MessageDirection::incoming ? "received" : "sent";
  return m;
}

const char* kUser = "ff2c9e4b-1c2d-4e5f-8a9b-0c1d2e3f4a5b";

}  // namespace

class LogRepositoriesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LogRepositoriesTest);
  CPPUNIT_TEST(newest_active_api_key_wins);
  CPPUNIT_TEST(no_active_api_key_is_empty);
  CPPUNIT_TEST(message_append_find_and_redelivery);
  CPPUNIT_TEST(message_stats_count_directions_and_last_activity);
  CPPUNIT_TEST(message_status_update);
  CPPUNIT_TEST(message_append_rejects_incomplete);
  CPPUNIT_TEST(message_replay_fields_and_received_window);
  CPPUNIT_TEST(ai_executions_append_count_and_latest);
  CPPUNIT_TEST(activity_counters_follow_both_logs);
  CPPUNIT_TEST(plugin_kv_put_get_remove_with_any_bytes);
  CPPUNIT_TEST(plugin_kv_enforces_sdk_limits);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

 protected:
  virtual Backend backend() const = 0;
  std::unique_ptr<TestDatabase> t_;
  FakeClock clock_;

 public:
  void setUp() override {
    t_ = TestDatabase::create(backend());
    if (backend() == Backend::postgres) {
      // Another service owns this table in PostgreSQL deployments; wabot only reads it.
      t_->exec("CREATE TABLE api_keys (id BIGSERIAL PRIMARY KEY, user_id UUID NOT NULL, access_token TEXT NOT NULL,"
               " is_active BOOLEAN NOT NULL DEFAULT TRUE, created_at TIMESTAMPTZ DEFAULT now())");
    }
  }
  void tearDown() override { t_.reset(); }

  void insert_key(const std::string& token, bool active, int age_s) {
    if (backend() == Backend::postgres) {
      t_->exec("INSERT INTO api_keys (user_id, access_token, is_active, created_at) VALUES ('" + std::string(kUser) +
               "', '" + token + "', " + (active ? "TRUE" : "FALSE") + ", now() - interval '" + std::to_string(age_s) +
               " seconds')");
    } else {
      t_->exec("INSERT INTO api_keys (user_id, access_token, is_active, created_at) VALUES ('" + std::string(kUser) +
               "', '" + token + "', " + (active ? "1" : "0") + ", " + std::to_string(1'700'000'000'000 - age_s * 1000) +
               ")");
    }
  }

  void newest_active_api_key_wins() {
    insert_key("old-active", true, 300);
    insert_key("newest-active", true, 10);
    insert_key("newer-but-revoked", false, 1);
    if (backend() == Backend::postgres)
      t_->exec("INSERT INTO api_keys (user_id, access_token, is_active, created_at) VALUES ('" + std::string(kUser) +
               "', 'undated', TRUE, NULL)");
    ApiKeyRepository keys(t_->db());
    auto token = ok(keys.newest_active_token(kUser));
    CPPUNIT_ASSERT_EQUAL(std::string("newest-active"), token.value());
  }

  void no_active_api_key_is_empty() {
    insert_key("revoked", false, 1);
    ApiKeyRepository keys(t_->db());
    CPPUNIT_ASSERT(!ok(keys.newest_active_token(kUser)).has_value());
    // A user id that is not a UUID is simply unknown, not an error (PostgreSQL declares user_id UUID).
    CPPUNIT_ASSERT(!ok(keys.newest_active_token("not-a-uuid")).has_value());
  }

  void message_append_find_and_redelivery() {
    MessageLogRepository log(t_->db(), clock_.fn());
    auto in = message("3EB0A1", MessageDirection::incoming, 1000);
    in.quoted_id = "3EB0PREV";
    CPPUNIT_ASSERT(ok(log.append(in)));
    CPPUNIT_ASSERT(!ok(log.append(in)));  // the same stanza delivered twice is logged once
    auto found = ok(log.find("bot", "3EB0A1"));
    CPPUNIT_ASSERT(found.has_value());
    CPPUNIT_ASSERT(found->direction == MessageDirection::incoming);
    CPPUNIT_ASSERT_EQUAL(std::string("halo"), found->text.value());
    CPPUNIT_ASSERT_EQUAL(std::string("3EB0PREV"), found->quoted_id.value());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1000), found->timestamp_ms);
    CPPUNIT_ASSERT_EQUAL(in.chat_jid, found->chat_jid);
    auto media = message("3EB0IMG", MessageDirection::outgoing, 2000);
    media.type = "image";
    media.text.reset();
    CPPUNIT_ASSERT(ok(log.append(media)));
    auto img = ok(log.find("bot", "3EB0IMG"));
    CPPUNIT_ASSERT(!img->text.has_value());
    CPPUNIT_ASSERT(!img->quoted_id.has_value());
    CPPUNIT_ASSERT(!ok(log.find("other-bot", "3EB0A1")).has_value());
  }

  void message_stats_count_directions_and_last_activity() {
    MessageLogRepository log(t_->db(), clock_.fn());
    auto empty = ok(log.stats("bot"));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(0), empty.incoming);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(0), empty.outgoing);
    CPPUNIT_ASSERT(!empty.last_activity_ms.has_value());
    ok(log.append(message("a", MessageDirection::incoming, 5000)));
    ok(log.append(message("b", MessageDirection::incoming, 7000)));
    ok(log.append(message("c", MessageDirection::outgoing, 6000)));
    auto other = message("d", MessageDirection::outgoing, 9000);
    other.agent_id = "other";
    ok(log.append(other));
    auto s = ok(log.stats("bot"));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(2), s.incoming);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1), s.outgoing);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(7000), s.last_activity_ms.value());
  }

  void message_status_update() {
    MessageLogRepository log(t_->db(), clock_.fn());
    ok(log.append(message("m", MessageDirection::outgoing, 1)));
    CPPUNIT_ASSERT(ok(log.update_status("bot", "m", "read")));
    CPPUNIT_ASSERT_EQUAL(std::string("read"), ok(log.find("bot", "m"))->status);
    CPPUNIT_ASSERT(!ok(log.update_status("bot", "missing", "read")));
  }

  // Migration 12: what a replayed MESSAGE_RECEIVED needs is stored, and received_between returns the
  // agent's rows still "received", logged in the window, oldest first, bounded by the limit.
  void message_replay_fields_and_received_window() {
    MessageLogRepository log(t_->db(), clock_.fn());
    auto in = message("R1", MessageDirection::incoming, 1000);
    in.push_name = "Budi";
    in.mentions = {"15550001@s.whatsapp.net", "123456@lid"};
    in.media_mime_type = "image/jpeg";
    in.type = "image";
    in.is_group = true;
    const std::int64_t first_at = clock_.peek() + 1;  // append reads the clock once
    CPPUNIT_ASSERT(ok(log.append(in)));
    auto found = ok(log.find("bot", "R1"));
    CPPUNIT_ASSERT_EQUAL(std::string("Budi"), found->push_name);
    CPPUNIT_ASSERT(found->mentions == in.mentions);
    CPPUNIT_ASSERT_EQUAL(std::string("image/jpeg"), found->media_mime_type);
    CPPUNIT_ASSERT(found->is_group);
    CPPUNIT_ASSERT_EQUAL(first_at, found->created_at_ms);
    ok(log.append(message("R2", MessageDirection::incoming, 900)));   // older sender time, logged later
    ok(log.append(message("R3", MessageDirection::incoming, 1100)));
    ok(log.append(message("S1", MessageDirection::outgoing, 1200)));  // "sent": never replayed
    auto other = message("R4", MessageDirection::incoming, 1300);
    other.agent_id = "other";
    ok(log.append(other));
    CPPUNIT_ASSERT(ok(log.update_status("bot", "R3", "dispatched")));
    const std::int64_t end = clock_.peek() + 1;
    auto rows = ok(log.received_between("bot", first_at, end, 100));
    CPPUNIT_ASSERT_EQUAL(size_t(2), rows.size());
    CPPUNIT_ASSERT_EQUAL(std::string("R1"), rows[0].message_id);  // by log time, not sender time
    CPPUNIT_ASSERT_EQUAL(std::string("R2"), rows[1].message_id);
    CPPUNIT_ASSERT(rows[1].mentions.empty());
    CPPUNIT_ASSERT(!rows[1].is_group);
    CPPUNIT_ASSERT_EQUAL(std::string(), rows[1].push_name);
    CPPUNIT_ASSERT_EQUAL(size_t(1), ok(log.received_between("bot", first_at, end, 1)).size());
    CPPUNIT_ASSERT_EQUAL(std::string("R2"), ok(log.received_between("bot", first_at + 1, end, 100))[0].message_id);
    CPPUNIT_ASSERT(ok(log.received_between("bot", first_at, first_at, 100)).empty());  // before is exclusive
  }

  void message_append_rejects_incomplete() {
    MessageLogRepository log(t_->db(), clock_.fn());
    auto m = message("x", MessageDirection::unset, 1);
    CPPUNIT_ASSERT(log.append(m).error().code == ErrorCode::invalid_argument);
  }

  void ai_executions_append_count_and_latest() {
    AiExecutionRepository ai(t_->db(), clock_.fn());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(0), ok(ai.count("bot")));
    AiExecution ok_run{"bot", "trace-1", "6281@s.whatsapp.net", "api", "hi", std::string("hello"), "success",
                       std::int64_t(200), std::nullopt, 120, 0};
    AiExecution failed{"bot", "trace-2", "6281@s.whatsapp.net", "whatsapp", "hi", std::nullopt, "error",
                       std::int64_t(502), std::string("downstream answered 502"), 30, 0};
    ok(ai.append(ok_run));
    ok(ai.append(failed));
    AiExecution other = ok_run;
    other.agent_id = "other";
    ok(ai.append(other));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(2), ok(ai.count("bot")));
    auto latest = ok(ai.latest("bot", 10));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), latest.size());
    CPPUNIT_ASSERT_EQUAL(std::string("trace-2"), latest[0].trace_id);
    CPPUNIT_ASSERT(!latest[0].reply.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("downstream answered 502"), latest[0].error.value());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(502), latest[0].http_status.value());
    CPPUNIT_ASSERT_EQUAL(std::string("hello"), latest[1].reply.value());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(120), latest[1].latency_ms);
    CPPUNIT_ASSERT(latest[0].created_at_ms > latest[1].created_at_ms);
    CPPUNIT_ASSERT(!ai.latest("bot", 0).ok());
  }

  // The counters GET /sessions/{id} reads must equal what a full scan of the logs says.
  void activity_counters_follow_both_logs() {
    MessageLogRepository log(t_->db(), clock_.fn());
    AiExecutionRepository ai(t_->db(), clock_.fn());
    AgentActivityRepository activity(t_->db());
    CPPUNIT_ASSERT(!ok(activity.get("bot")).has_value());
    ok(log.append(message("a", MessageDirection::incoming, 5000)));
    ok(log.append(message("b", MessageDirection::incoming, 7000)));
    ok(log.append(message("c", MessageDirection::outgoing, 6000)));
    CPPUNIT_ASSERT(!ok(log.append(message("a", MessageDirection::incoming, 9999))));  // a redelivery adds nothing
    auto other = message("d", MessageDirection::outgoing, 9000);
    other.agent_id = "other";
    ok(log.append(other));
    auto a = ok(activity.get("bot")).value();
    auto scanned = ok(log.stats("bot"));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(2), a.incoming_messages);
    CPPUNIT_ASSERT_EQUAL(scanned.incoming, a.incoming_messages);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1), a.outgoing_messages);
    CPPUNIT_ASSERT_EQUAL(scanned.outgoing, a.outgoing_messages);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(0), a.ai_executions);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(7000), a.last_activity_ms.value());  // not the redelivery's 9999

    ok(ai.append(AiExecution{"bot", "trace-1", "6281@s.whatsapp.net", "api", "hi", std::nullopt, "success",
                             std::nullopt, std::nullopt, 10, 0}));
    a = ok(activity.get("bot")).value();
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1), a.ai_executions);
    CPPUNIT_ASSERT_EQUAL(ok(ai.count("bot")), a.ai_executions);
    const std::int64_t ai_at_ms = clock_.peek();  // the AI call is the newest activity
    CPPUNIT_ASSERT_EQUAL(ai_at_ms, a.last_activity_ms.value());
    ok(log.append(message("e", MessageDirection::outgoing, 4000)));  // older than the newest activity
    a = ok(activity.get("bot")).value();
    CPPUNIT_ASSERT_EQUAL(std::int64_t(2), a.outgoing_messages);
    CPPUNIT_ASSERT_EQUAL(ai_at_ms, a.last_activity_ms.value());
    auto o = ok(activity.get("other")).value();
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1), o.outgoing_messages);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(0), o.incoming_messages);
  }

  void plugin_kv_put_get_remove_with_any_bytes() {
    PluginKvRepository kv(t_->db(), clock_.fn());
    const std::string key("k\0\xff\xfe", 4);  // NUL and invalid UTF-8 are fine in keys and values
    const std::string value("v\0\x80 payload", 11);
    CPPUNIT_ASSERT(!ok(kv.get("cleanup", key)).has_value());
    ok(kv.put("cleanup", key, value));
    CPPUNIT_ASSERT_EQUAL(value, ok(kv.get("cleanup", key)).value());
    ok(kv.put("cleanup", key, "second"));
    CPPUNIT_ASSERT_EQUAL(std::string("second"), ok(kv.get("cleanup", key)).value());
    CPPUNIT_ASSERT(!ok(kv.get("metrics", key)).has_value());  // namespaced by plugin
    ok(kv.put("cleanup", "empty", ""));
    auto empty = ok(kv.get("cleanup", "empty"));
    CPPUNIT_ASSERT(empty.has_value());
    CPPUNIT_ASSERT(empty->empty());
    CPPUNIT_ASSERT(ok(kv.remove("cleanup", key)));
    CPPUNIT_ASSERT(!ok(kv.remove("cleanup", key)));
    CPPUNIT_ASSERT(!ok(kv.get("cleanup", key)).has_value());
  }

  void plugin_kv_enforces_sdk_limits() {
    PluginKvRepository kv(t_->db(), clock_.fn());
    CPPUNIT_ASSERT(kv.put("p", "", "v").error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(kv.put("p", std::string(257, 'k'), "v").error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(kv.put("p", "k", std::string((1u << 20) + 1, 'v')).error().code == ErrorCode::invalid_argument);
    const std::string big((1u << 20), '\x01');
    ok(kv.put("p", std::string(256, 'k'), big));
    CPPUNIT_ASSERT(big == ok(kv.get("p", std::string(256, 'k'))).value());
  }
};

class SqliteLogRepositoriesTest : public LogRepositoriesTest {
  CPPUNIT_TEST_SUB_SUITE(SqliteLogRepositoriesTest, LogRepositoriesTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::sqlite; }
};

class PostgresLogRepositoriesTest : public LogRepositoriesTest {
  CPPUNIT_TEST_SUB_SUITE(PostgresLogRepositoriesTest, LogRepositoriesTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::postgres; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteLogRepositoriesTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresLogRepositoriesTest);
