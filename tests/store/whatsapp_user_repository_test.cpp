// SPDX-License-Identifier: GPL-3.0-or-later
// WhatsappUserRepository on both backends: api.md's upsert rules, agent_id ownership, status stamps,
// filters with keyset pagination, delete.
#include <cppunit/extensions/HelperMacros.h>

#include <set>
#include <string>

#include "host/store/schema.hpp"
#include "host/store/whatsapp_user_repository.hpp"
#include "test_database.hpp"

using namespace wabot::store;
using wabot::store::test::Backend;
using wabot::store::test::FakeClock;
using wabot::store::test::TestDatabase;

namespace {

WhatsappUserUpsert request(std::string user, std::string agent, std::string name = "Support Bot",
                           std::optional<std::string> key = std::nullopt) {
  return WhatsappUserUpsert{std::move(user), std::move(agent), std::move(name), std::move(key),
                            "https://ai.example/agents/" + std::string("x") + "/execute"};
}

template <class T>
const T& ok(const Result<T>& r) {
  CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().message, r.ok());
  return r.value();
}

}  // namespace

class WhatsappUserRepositoryTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(WhatsappUserRepositoryTest);
  CPPUNIT_TEST(insert_creates_awaiting_qr_row_with_seeded_endpoint);
  CPPUNIT_TEST(update_keeps_endpoint_and_status_and_reports_existing);
  CPPUNIT_TEST(update_seeds_endpoint_when_empty);
  CPPUNIT_TEST(update_without_key_keeps_stored_key);
  CPPUNIT_TEST(agent_id_of_another_user_is_agent_id_taken);
  CPPUNIT_TEST(upsert_requires_fields);
  CPPUNIT_TEST(status_updates_stamp_connect_and_disconnect_times);
  CPPUNIT_TEST(get_unknown_is_empty);
  CPPUNIT_TEST(list_filters_and_pages_with_cursor);
  CPPUNIT_TEST(list_rejects_bad_limits);
  CPPUNIT_TEST(remove_reports_whether_deleted);
  CPPUNIT_TEST(update_api_key_replaces_key);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

 protected:
  virtual Backend backend() const = 0;
  std::unique_ptr<TestDatabase> t_;
  FakeClock clock_;

 public:
  void setUp() override { t_ = TestDatabase::create(backend()); }
  void tearDown() override { t_.reset(); }

  WhatsappUserRepository repo() { return WhatsappUserRepository(t_->db(), clock_.fn()); }

  void insert_creates_awaiting_qr_row_with_seeded_endpoint() {
    auto r = repo();
    auto out = ok(r.upsert(request("user-1", "support-bot", "Support Bot", "key-1")));
    CPPUNIT_ASSERT(out.created);
    CPPUNIT_ASSERT_EQUAL(std::string("user-1"), out.user.user_id);
    CPPUNIT_ASSERT_EQUAL(std::string("support-bot"), out.user.agent_id);
    CPPUNIT_ASSERT_EQUAL(std::string("Support Bot"), out.user.agent_name);
    CPPUNIT_ASSERT(out.user.status == SessionStatus::awaiting_qr);
    CPPUNIT_ASSERT_EQUAL(std::string("https://ai.example/agents/x/execute"), out.user.endpoint_url_run.value());
    CPPUNIT_ASSERT_EQUAL(std::string("key-1"), out.user.api_key.value());
    CPPUNIT_ASSERT(!out.user.last_connected_at_ms);
    CPPUNIT_ASSERT(!out.user.last_disconnected_at_ms);
    CPPUNIT_ASSERT(out.user.created_at_ms > 0);
    CPPUNIT_ASSERT_EQUAL(out.user.created_at_ms, out.user.updated_at_ms);
    auto got = ok(r.get("support-bot"));
    CPPUNIT_ASSERT(got.has_value());
    CPPUNIT_ASSERT_EQUAL(out.user.created_at_ms, got->created_at_ms);
  }

  void update_keeps_endpoint_and_status_and_reports_existing() {
    auto r = repo();
    ok(r.upsert(request("user-1", "bot", "Old", "key-1")));
    t_->exec("UPDATE whatsapp_user SET endpoint_url_run = 'https://custom/run' WHERE agent_id = 'bot'");
    ok(r.update_status("bot", SessionStatus::connected));
    auto again = request("user-1", "bot", "New Name", "key-2");
    again.default_endpoint_url_run = "https://other/default";
    auto out = ok(r.upsert(again));
    CPPUNIT_ASSERT(!out.created);
    CPPUNIT_ASSERT_EQUAL(std::string("New Name"), out.user.agent_name);
    CPPUNIT_ASSERT_EQUAL(std::string("key-2"), out.user.api_key.value());
    CPPUNIT_ASSERT_EQUAL(std::string("https://custom/run"), out.user.endpoint_url_run.value());
    CPPUNIT_ASSERT(out.user.status == SessionStatus::connected);
    CPPUNIT_ASSERT(out.user.updated_at_ms > out.user.created_at_ms);
  }

  void update_seeds_endpoint_when_empty() {
    auto r = repo();
    ok(r.upsert(request("u", "bot")));
    t_->exec("UPDATE whatsapp_user SET endpoint_url_run = NULL WHERE agent_id = 'bot'");
    auto again = request("u", "bot");
    again.default_endpoint_url_run = "https://seeded/run";
    auto out = ok(r.upsert(again));
    CPPUNIT_ASSERT_EQUAL(std::string("https://seeded/run"), out.user.endpoint_url_run.value());
  }

  void update_without_key_keeps_stored_key() {
    auto r = repo();
    ok(r.upsert(request("u", "bot", "n", "key-1")));
    auto out = ok(r.upsert(request("u", "bot", "n", std::nullopt)));
    CPPUNIT_ASSERT_EQUAL(std::string("key-1"), out.user.api_key.value());
    auto fresh = ok(r.upsert(request("u", "other", "n", std::nullopt)));
    CPPUNIT_ASSERT(!fresh.user.api_key.has_value());
  }

  void agent_id_of_another_user_is_agent_id_taken() {
    auto r = repo();
    ok(r.upsert(request("alice", "shared-bot", "A", "secret-key-of-alice")));
    auto out = r.upsert(request("bob", "shared-bot", "B", "bobs-key"));
    CPPUNIT_ASSERT(!out.ok());
    CPPUNIT_ASSERT(out.error().code == ErrorCode::agent_id_taken);
    CPPUNIT_ASSERT(out.error().message.find("secret-key-of-alice") == std::string::npos);
    auto row = ok(r.get("shared-bot"));
    CPPUNIT_ASSERT_EQUAL(std::string("alice"), row->user_id);
    CPPUNIT_ASSERT_EQUAL(std::string("A"), row->agent_name);
  }

  void upsert_requires_fields() {
    auto r = repo();
    auto out = r.upsert(request("", "bot"));
    CPPUNIT_ASSERT(!out.ok());
    CPPUNIT_ASSERT(out.error().code == ErrorCode::invalid_argument);
  }

  void status_updates_stamp_connect_and_disconnect_times() {
    auto r = repo();
    ok(r.upsert(request("u", "bot")));
    CPPUNIT_ASSERT(ok(r.update_status("bot", SessionStatus::connected)));
    auto connected = ok(r.get("bot"));
    CPPUNIT_ASSERT(connected->status == SessionStatus::connected);
    CPPUNIT_ASSERT(connected->last_connected_at_ms.has_value());
    CPPUNIT_ASSERT(!connected->last_disconnected_at_ms.has_value());
    CPPUNIT_ASSERT(ok(r.update_status("bot", SessionStatus::disconnected)));
    auto gone = ok(r.get("bot"));
    CPPUNIT_ASSERT(gone->status == SessionStatus::disconnected);
    CPPUNIT_ASSERT_EQUAL(*connected->last_connected_at_ms, *gone->last_connected_at_ms);
    CPPUNIT_ASSERT(*gone->last_disconnected_at_ms > *gone->last_connected_at_ms);
    CPPUNIT_ASSERT(ok(r.update_status("bot", SessionStatus::auth_failed)));
    CPPUNIT_ASSERT(ok(r.get("bot"))->status == SessionStatus::auth_failed);
    CPPUNIT_ASSERT(!ok(r.update_status("nobody", SessionStatus::connected)));
    CPPUNIT_ASSERT(!r.update_status("bot", SessionStatus::unset).ok());
  }

  void get_unknown_is_empty() {
    auto r = repo();
    CPPUNIT_ASSERT(!ok(r.get("missing")).has_value());
    // Hostile input is just data.
    CPPUNIT_ASSERT(!ok(r.get("x'; DROP TABLE whatsapp_user; --")).has_value());
    CPPUNIT_ASSERT(!ok(r.get("missing")).has_value());
  }

  void list_filters_and_pages_with_cursor() {
    auto r = repo();
    for (int i = 0; i < 7; ++i) ok(r.upsert(request(i % 2 ? "odd" : "even", "agent-" + std::to_string(i))));
    ok(r.update_status("agent-2", SessionStatus::connected));
    ok(r.update_status("agent-4", SessionStatus::connected));

    // All, 3 per page: 3 + 3 + 1 in agent_id order, no duplicates.
    std::vector<std::string> seen;
    std::optional<std::string> cursor;
    int pages = 0;
    do {
      auto page = ok(r.list({}, cursor, 3));
      for (auto& u : page.users) seen.push_back(u.agent_id);
      cursor = page.next_cursor;
      ++pages;
    } while (cursor && pages < 10);
    CPPUNIT_ASSERT_EQUAL(3, pages);
    CPPUNIT_ASSERT_EQUAL(std::size_t(7), seen.size());
    CPPUNIT_ASSERT(std::is_sorted(seen.begin(), seen.end()));
    CPPUNIT_ASSERT_EQUAL(std::size_t(7), std::set<std::string>(seen.begin(), seen.end()).size());

    // An exact fit has no next page.
    auto exact = ok(r.list({}, std::nullopt, 7));
    CPPUNIT_ASSERT_EQUAL(std::size_t(7), exact.users.size());
    CPPUNIT_ASSERT(!exact.next_cursor);

    auto even = ok(r.list({std::string("even"), std::nullopt}, std::nullopt, 50));
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), even.users.size());
    for (auto& u : even.users) CPPUNIT_ASSERT_EQUAL(std::string("even"), u.user_id);

    auto connected = ok(r.list({std::nullopt, SessionStatus::connected}, std::nullopt, 50));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), connected.users.size());
    auto even_connected_page = ok(r.list({std::string("even"), SessionStatus::connected}, std::nullopt, 1));
    CPPUNIT_ASSERT_EQUAL(std::string("agent-2"), even_connected_page.users.at(0).agent_id);
    CPPUNIT_ASSERT(even_connected_page.next_cursor.has_value());
    auto second = ok(r.list({std::string("even"), SessionStatus::connected}, even_connected_page.next_cursor, 1));
    CPPUNIT_ASSERT_EQUAL(std::string("agent-4"), second.users.at(0).agent_id);
    CPPUNIT_ASSERT(!second.next_cursor);
  }

  void list_rejects_bad_limits() {
    auto r = repo();
    CPPUNIT_ASSERT(r.list({}, std::nullopt, 0).error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(r.list({}, std::nullopt, 501).error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(r.list({}, std::nullopt, 500).ok());
  }

  void remove_reports_whether_deleted() {
    auto r = repo();
    ok(r.upsert(request("u", "bot")));
    CPPUNIT_ASSERT(ok(r.remove("bot")));
    CPPUNIT_ASSERT(!ok(r.remove("bot")));
    CPPUNIT_ASSERT(!ok(r.get("bot")).has_value());
  }

  void update_api_key_replaces_key() {
    auto r = repo();
    ok(r.upsert(request("u", "bot", "n", "old")));
    CPPUNIT_ASSERT(ok(r.update_api_key("bot", std::string("rotated"))));
    CPPUNIT_ASSERT_EQUAL(std::string("rotated"), ok(r.get("bot"))->api_key.value());
    CPPUNIT_ASSERT(!ok(r.update_api_key("nobody", std::string("x"))));
  }
};

class SqliteWhatsappUserRepositoryTest : public WhatsappUserRepositoryTest {
  CPPUNIT_TEST_SUB_SUITE(SqliteWhatsappUserRepositoryTest, WhatsappUserRepositoryTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::sqlite; }
};

class PostgresWhatsappUserRepositoryTest : public WhatsappUserRepositoryTest {
  CPPUNIT_TEST_SUB_SUITE(PostgresWhatsappUserRepositoryTest, WhatsappUserRepositoryTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::postgres; }
};

// A PostgreSQL database where the Node.js service already created whatsapp_user (UUID user ids,
// VARCHAR, TIMESTAMP WITHOUT TIME ZONE): wabot adopts the table and its rows as they are.
class PostgresLegacyWhatsappUserTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PostgresLegacyWhatsappUserTest);
  CPPUNIT_TEST(existing_node_table_is_adopted_with_its_rows);
  CPPUNIT_TEST_SUITE_END();

 public:
  void existing_node_table_is_adopted_with_its_rows() {
    auto t = TestDatabase::create(Backend::postgres, false);
    t->exec("CREATE TABLE whatsapp_user (user_id UUID NOT NULL, agent_id VARCHAR(255) NOT NULL,"
            " agent_name VARCHAR(255), api_key VARCHAR(255), endpoint_url_run TEXT,"
            " status VARCHAR(32) DEFAULT 'awaiting_qr', last_connected_at TIMESTAMP, last_disconnected_at TIMESTAMP,"
            " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,"
            " PRIMARY KEY (user_id, agent_id))");
    t->exec("INSERT INTO whatsapp_user VALUES ('ff2c9e4b-1c2d-4e5f-8a9b-0c1d2e3f4a5b', 'legacy-bot', 'Legacy',"
            " 'old-key', 'https://old/run', 'connected', '2026-01-15 10:30:00.123', NULL, '2026-01-01 00:00:00',"
            " '2026-01-15 10:30:00.123')");
    auto migrated = migrate(t->db());
    CPPUNIT_ASSERT_MESSAGE(migrated ? "" : migrated.error().message, migrated.ok());

    std::int64_t now_ms = 1'768'500'000'456;
    WhatsappUserRepository repo(t->db(), [&] { return now_ms; });
    auto legacy = ok(repo.get("legacy-bot"));
    CPPUNIT_ASSERT(legacy.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("ff2c9e4b-1c2d-4e5f-8a9b-0c1d2e3f4a5b"), legacy->user_id);
    CPPUNIT_ASSERT(legacy->status == SessionStatus::connected);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1'768'473'000'123), legacy->last_connected_at_ms.value());
    CPPUNIT_ASSERT(!legacy->last_disconnected_at_ms.has_value());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1'767'225'600'000), legacy->created_at_ms);

    auto again = ok(repo.upsert({legacy->user_id, "legacy-bot", "Renamed", std::nullopt, "https://new/default"}));
    CPPUNIT_ASSERT(!again.created);
    CPPUNIT_ASSERT_EQUAL(std::string("https://old/run"), again.user.endpoint_url_run.value());
    CPPUNIT_ASSERT_EQUAL(std::string("old-key"), again.user.api_key.value());
    CPPUNIT_ASSERT_EQUAL(now_ms, again.user.updated_at_ms);  // milliseconds survive the TIMESTAMP column

    now_ms += 1;
    CPPUNIT_ASSERT(ok(repo.update_status("legacy-bot", SessionStatus::disconnected)));
    CPPUNIT_ASSERT_EQUAL(now_ms, ok(repo.get("legacy-bot"))->last_disconnected_at_ms.value());

    auto fresh = ok(repo.upsert({"0b9a3c1e-0000-4000-8000-000000000001", "new-bot", "New", std::string("k"), "https://x"}));
    CPPUNIT_ASSERT(fresh.created);
    CPPUNIT_ASSERT(fresh.user.status == SessionStatus::awaiting_qr);
    auto page = ok(repo.list({std::string("ff2c9e4b-1c2d-4e5f-8a9b-0c1d2e3f4a5b"), std::nullopt}, std::nullopt, 10));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), page.users.size());
    CPPUNIT_ASSERT(ok(repo.list({std::string("not-a-uuid"), std::nullopt}, std::nullopt, 10)).users.empty());
    // The adopted table now refuses one agent_id under two users, like ours.
    auto taken = repo.upsert({"0b9a3c1e-0000-4000-8000-000000000001", "legacy-bot", "X", std::nullopt, "https://x"});
    CPPUNIT_ASSERT(taken.error().code == ErrorCode::agent_id_taken);
    // A user id the legacy UUID column cannot hold is a clean error, not a crash.
    auto bad = repo.upsert({"not-a-uuid", "another-bot", "X", std::nullopt, "https://x"});
    CPPUNIT_ASSERT(!bad.ok());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteWhatsappUserRepositoryTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresLegacyWhatsappUserTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresWhatsappUserRepositoryTest);
