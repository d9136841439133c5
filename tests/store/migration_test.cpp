// SPDX-License-Identifier: GPL-3.0-or-later
// The database handle and migrations on both backends: a fresh database, an idempotent re-run, a
// failing migration that leaves everything as it was, dialect-specific tables, and two hosts migrating
// one PostgreSQL database at once.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "host/store/migration.hpp"
#include "host/store/schema.hpp"
#include "test_database.hpp"

using namespace wabot::store;
using wabot::store::test::Backend;
using wabot::store::test::TestDatabase;

namespace {

std::vector<std::int64_t> versions(Database& db) {
  auto v = applied_migrations(db);
  CPPUNIT_ASSERT_MESSAGE(v ? "" : v.error().message, v.ok());
  return *v;
}

bool table_exists(Database& db, const std::string& table) {
  auto rows = db.with_connection([&](Connection& c) {
    return c.query(db.dialect() == Dialect::sqlite
                       ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name = $1"
                       : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                         " AND table_name = $1",
                   {table});
  });
  CPPUNIT_ASSERT_MESSAGE(rows ? "" : rows.error().message, rows.ok());
  return !rows->empty();
}

Migration make(std::int64_t version, std::string name, std::vector<std::string> sql) {
  return Migration{version, std::move(name), [sql](Dialect) { return sql; }};
}

}  // namespace

class MigrationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MigrationTest);
  CPPUNIT_TEST(fresh_database_gets_every_migration);
  CPPUNIT_TEST(rerun_is_idempotent_and_applies_nothing);
  CPPUNIT_TEST(restart_keeps_data_and_schema);
  CPPUNIT_TEST(activity_counters_are_backfilled_from_existing_logs);
  CPPUNIT_TEST(failing_migration_rolls_back_and_names_itself);
  CPPUNIT_TEST(invalid_migration_list_is_refused);
  CPPUNIT_TEST(api_keys_exists_only_in_sqlite_mode);
  CPPUNIT_TEST(healthy_answers);
  CPPUNIT_TEST(transaction_rolls_back_on_error);
  CPPUNIT_TEST(concurrent_hosts_apply_each_migration_once);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

 protected:
  virtual Backend backend() const = 0;

 public:
  void fresh_database_gets_every_migration() {
    auto t = TestDatabase::create(backend(), false);
    auto report = migrate(t->db());
    CPPUNIT_ASSERT_MESSAGE(report ? "" : report.error().message, report.ok());
    const auto& all = schema_migrations();
    CPPUNIT_ASSERT_EQUAL(all.size(), report->applied.size());
    CPPUNIT_ASSERT_EQUAL(all.back().version, report->current_version);
    CPPUNIT_ASSERT_EQUAL(all.size(), versions(t->db()).size());
    for (const char* table : {"whatsapp_user", "messages", "ai_executions", "engine_device_credentials",
                              "engine_identity_keys", "engine_prekeys", "engine_signed_prekeys",
                              "engine_signal_sessions", "engine_sender_keys", "engine_device_lists",
                              "engine_lid_mappings", "engine_privacy_tokens"})
      CPPUNIT_ASSERT_MESSAGE(table, table_exists(t->db(), table));
    auto names = t->db().with_connection([](Connection& c) {
      return c.query("SELECT name, applied_at_ms FROM schema_migrations WHERE version = 1");
    });
    CPPUNIT_ASSERT(names.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("create_whatsapp_user"), names->front().text(0));
    CPPUNIT_ASSERT(names->front().int64(1) > 1'600'000'000'000);
  }

  void rerun_is_idempotent_and_applies_nothing() {
    auto t = TestDatabase::create(backend());
    auto again = migrate(t->db());
    CPPUNIT_ASSERT_MESSAGE(again ? "" : again.error().message, again.ok());
    CPPUNIT_ASSERT(again->applied.empty());
    CPPUNIT_ASSERT_EQUAL(schema_migrations().size(), versions(t->db()).size());
  }

  // A database from before migration 10 keeps its stats: the counters start from its logs.
  void activity_counters_are_backfilled_from_existing_logs() {
    auto t = TestDatabase::create(backend(), false);
    const auto& all = schema_migrations();
    auto before = std::find_if(all.begin(), all.end(), [](const Migration& m) { return m.name == "create_agent_activity"; });
    CPPUNIT_ASSERT(before != all.end());
    auto old = apply_migrations(t->db(), std::span<const Migration>(all.data(), static_cast<std::size_t>(before - all.begin())));
    CPPUNIT_ASSERT_MESSAGE(old ? "" : old.error().message, old.ok());
    const char* insert_message =
        "INSERT INTO messages (agent_id, message_id, chat_jid, sender_jid, direction, type, timestamp_ms, status,"
        " created_at) VALUES ";
    t->exec(std::string(insert_message) + "('a', 'm1', 'c', 's', 'in', 'text', 100, 'received', 1)");
    t->exec(std::string(insert_message) + "('a', 'm2', 'c', 's', 'in', 'text', 300, 'received', 1)");
    t->exec(std::string(insert_message) + "('a', 'm3', 'c', 's', 'out', 'text', 200, 'sent', 1)");
    t->exec(std::string(insert_message) + "('b', 'm1', 'c', 's', 'out', 'text', 50, 'sent', 1)");
    const char* insert_ai =
        "INSERT INTO ai_executions (agent_id, trace_id, session_id, source, input, status, latency_ms, created_at)"
        " VALUES ";
    t->exec(std::string(insert_ai) + "('a', 't1', 's', 'api', 'x', 'success', 1, 250)");
    t->exec(std::string(insert_ai) + "('c', 't2', 's', 'api', 'x', 'success', 1, 900)");
    auto report = migrate(t->db());
    CPPUNIT_ASSERT_MESSAGE(report ? "" : report.error().message, report.ok());
    auto rows = t->db().with_connection([](Connection& c) {
      return c.query("SELECT agent_id, incoming_messages, outgoing_messages, ai_executions, last_activity_ms"
                     " FROM agent_activity ORDER BY agent_id");
    });
    CPPUNIT_ASSERT_MESSAGE(rows ? "" : rows.error().message, rows.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), rows->size());
    auto expect = [&](std::size_t i, const char* agent, std::int64_t in, std::int64_t out, std::int64_t ai, std::int64_t last) {
      const Row& r = (*rows)[i];
      CPPUNIT_ASSERT_EQUAL(std::string(agent), r.text(0));
      CPPUNIT_ASSERT_EQUAL(in, r.int64(1));
      CPPUNIT_ASSERT_EQUAL(out, r.int64(2));
      CPPUNIT_ASSERT_EQUAL(ai, r.int64(3));
      CPPUNIT_ASSERT_EQUAL(last, r.int64(4));
    };
    expect(0, "a", 2, 1, 1, 300);
    expect(1, "b", 0, 1, 0, 50);
    expect(2, "c", 0, 0, 1, 900);
  }

  void restart_keeps_data_and_schema() {
    auto t = TestDatabase::create(backend());
    t->exec("INSERT INTO messages (agent_id, message_id, chat_jid, sender_jid, direction, type, timestamp_ms,"
            " status, created_at) VALUES ('a', 'm1', 'c', 's', 'in', 'text', 1, 'received', 1)");
    t->close();
    t->reopen();
    auto again = migrate(t->db());
    CPPUNIT_ASSERT(again.ok());
    CPPUNIT_ASSERT(again->applied.empty());
    auto rows = t->db().with_connection([](Connection& c) { return c.query("SELECT message_id FROM messages"); });
    CPPUNIT_ASSERT(rows.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), rows->size());
  }

  void failing_migration_rolls_back_and_names_itself() {
    auto t = TestDatabase::create(backend(), false);
    std::vector<Migration> list = {
        make(1, "create_first", {"CREATE TABLE first_table (id BIGINT PRIMARY KEY)"}),
        make(2, "broken_second",
             {"CREATE TABLE second_table (id BIGINT PRIMARY KEY)", "INSERT INTO second_table (id) VALUES (1)",
              "INSERT INTO no_such_table (id) VALUES (1)"}),
        make(3, "never_reached", {"CREATE TABLE third_table (id BIGINT)"}),
    };
    auto report = apply_migrations(t->db(), list);
    CPPUNIT_ASSERT(!report.ok());
    CPPUNIT_ASSERT(report.error().code == ErrorCode::migration_failed);
    CPPUNIT_ASSERT_MESSAGE(report.error().message,
                           report.error().message.find("migration 2 (broken_second) failed") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(report.error().message, report.error().message.find("statement 3") != std::string::npos);
    CPPUNIT_ASSERT(table_exists(t->db(), "first_table"));
    CPPUNIT_ASSERT(!table_exists(t->db(), "second_table"));  // DDL rolled back too
    CPPUNIT_ASSERT(!table_exists(t->db(), "third_table"));
    CPPUNIT_ASSERT(versions(t->db()) == std::vector<std::int64_t>{1});

    // Fixed and re-run: resumes at 2.
    list[1] = make(2, "fixed_second", {"CREATE TABLE second_table (id BIGINT PRIMARY KEY)"});
    auto fixed = apply_migrations(t->db(), list);
    CPPUNIT_ASSERT_MESSAGE(fixed ? "" : fixed.error().message, fixed.ok());
    CPPUNIT_ASSERT((fixed->applied == std::vector<std::int64_t>{2, 3}));
    CPPUNIT_ASSERT(table_exists(t->db(), "second_table"));
  }

  void invalid_migration_list_is_refused() {
    auto t = TestDatabase::create(backend(), false);
    std::vector<Migration> list = {make(2, "b", {"SELECT 1"}), make(1, "a", {"SELECT 1"})};
    auto report = apply_migrations(t->db(), list);
    CPPUNIT_ASSERT(!report.ok());
    CPPUNIT_ASSERT(versions(t->db()).empty());
  }

  void api_keys_exists_only_in_sqlite_mode() {
    auto t = TestDatabase::create(backend());
    CPPUNIT_ASSERT_EQUAL(backend() == Backend::sqlite, table_exists(t->db(), "api_keys"));
    // The migration is still recorded in PostgreSQL mode (so it is never attempted again).
    auto v = versions(t->db());
    CPPUNIT_ASSERT(std::find(v.begin(), v.end(), 2) != v.end());
  }

  void healthy_answers() {
    auto t = TestDatabase::create(backend(), false);
    auto h = t->db().healthy();
    CPPUNIT_ASSERT_MESSAGE(h ? "" : h.error().message, h.ok());
  }

  void transaction_rolls_back_on_error() {
    auto t = TestDatabase::create(backend(), false);
    t->exec("CREATE TABLE tx_probe (id BIGINT PRIMARY KEY)");
    auto out = t->db().transaction([](Connection& c) -> Result<int> {
      auto a = c.execute("INSERT INTO tx_probe (id) VALUES (1)");
      if (!a) return a.error();
      auto b = c.execute("INSERT INTO tx_probe (id) VALUES (1)");  // duplicate key
      if (!b) return b.error();
      return 0;
    });
    CPPUNIT_ASSERT(!out.ok());
    CPPUNIT_ASSERT(out.error().code == ErrorCode::constraint);
    auto thrown = t->db().transaction([](Connection& c) -> Result<int> {
      auto a = c.execute("INSERT INTO tx_probe (id) VALUES (2)");
      if (!a) return a.error();
      throw std::runtime_error("callback threw");
    });
    CPPUNIT_ASSERT(!thrown.ok());
    CPPUNIT_ASSERT(thrown.error().message.find("callback threw") != std::string::npos);
    auto rows = t->db().with_connection([](Connection& c) { return c.query("SELECT COUNT(*) FROM tx_probe"); });
    CPPUNIT_ASSERT(rows.ok());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(0), rows->front().int64(0));
    // The connection is usable after both rollbacks.
    CPPUNIT_ASSERT(t->db().healthy().ok());
  }

  void concurrent_hosts_apply_each_migration_once() {
    auto t = TestDatabase::create(backend(), false);
    constexpr int kHosts = 4;
    std::vector<std::unique_ptr<Database>> hosts;
    for (int i = 0; i < kHosts; ++i) {
      auto db = Database::open(t->url());
      CPPUNIT_ASSERT_MESSAGE(db ? "" : db.error().message, db.ok());
      hosts.push_back(std::move(db).value());
    }
    std::vector<Result<MigrationReport>> reports(kHosts, Result<MigrationReport>(Error{}));
    std::vector<std::thread> threads;
    for (int i = 0; i < kHosts; ++i)
      threads.emplace_back([&, i] { reports[i] = migrate(*hosts[i]); });
    for (auto& th : threads) th.join();
    std::multiset<std::int64_t> applied;
    for (auto& r : reports) {
      CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().message, r.ok());
      applied.insert(r->applied.begin(), r->applied.end());
    }
    // Every version applied by exactly one host.
    CPPUNIT_ASSERT_EQUAL(schema_migrations().size(), applied.size());
    for (const auto& m : schema_migrations()) CPPUNIT_ASSERT_EQUAL(std::size_t(1), applied.count(m.version));
    CPPUNIT_ASSERT_EQUAL(schema_migrations().size(), versions(t->db()).size());
  }
};

class SqliteMigrationTest : public MigrationTest {
  CPPUNIT_TEST_SUB_SUITE(SqliteMigrationTest, MigrationTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::sqlite; }
};

class PostgresMigrationTest : public MigrationTest {
  CPPUNIT_TEST_SUB_SUITE(PostgresMigrationTest, MigrationTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::postgres; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteMigrationTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresMigrationTest);
