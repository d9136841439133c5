// SPDX-License-Identifier: GPL-3.0-or-later
// Concurrency smoke tests on both backends: many threads writing one agent's tables through one
// Database (PostgreSQL with a pool smaller than the thread count, so callers must wait for a
// connection), and racing first upserts of one agent.
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "host/store/agent_activity_repository.hpp"
#include "host/store/message_log_repository.hpp"
#include "host/store/signal_repository.hpp"
#include "host/store/whatsapp_user_repository.hpp"
#include "test_database.hpp"

using namespace wabot::store;
using wabot::store::test::Backend;
using wabot::store::test::TestDatabase;

class ConcurrencyTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ConcurrencyTest);
  CPPUNIT_TEST(threads_writing_one_agent_all_succeed);
  CPPUNIT_TEST(racing_first_upserts_create_one_row);
  CPPUNIT_TEST(database_options_and_pragmas);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

 protected:
  virtual Backend backend() const = 0;

 public:
  void threads_writing_one_agent_all_succeed() {
    auto t = TestDatabase::create(backend());
    DatabaseOptions options;
    options.postgres_pool_max_sessions = 3;  // fewer than the threads below
    auto opened = Database::open(t->url(), options);
    CPPUNIT_ASSERT_MESSAGE(opened ? "" : opened.error().message, opened.ok());
    Database& db = **opened;

    constexpr int kThreads = 8;
    constexpr int kOpsPerThread = 40;
    std::atomic<int> failures{0};
    std::string first_error;
    std::mutex error_mutex;
    auto fail = [&](const Error& e) {
      if (failures.fetch_add(1) == 0) {
        std::lock_guard lock(error_mutex);
        first_error = e.message;
      }
    };
    std::vector<std::thread> threads;
    for (int w = 0; w < kThreads; ++w) {
      threads.emplace_back([&, w] {
        SignalRepository signal(db);
        MessageLogRepository log(db);
        for (int i = 0; i < kOpsPerThread; ++i) {
          SignalAddress addr{"628" + std::to_string(w), i};
          if (auto s = signal.store_session("bot", addr, Bytes(64, static_cast<std::uint8_t>(i))); !s) fail(s.error());
          if (auto s = signal.save_identity("bot", addr, Bytes(32, static_cast<std::uint8_t>(w))); !s) fail(s.error());
          std::vector<PreKey> keys = {PreKey{static_cast<std::uint32_t>(w * 1000 + i), Bytes(32, 1), Bytes(32, 2), false}};
          if (auto s = signal.store_prekeys("bot", keys); !s) fail(s.error());
          LoggedMessage m;
          m.agent_id = "bot";
          m.message_id = "m-" + std::to_string(w) + "-" + std::to_string(i);
          m.chat_jid = m.sender_jid = "628@s.whatsapp.net";
          m.direction = i % 2 ? MessageDirection::incoming : MessageDirection::outgoing;
          m.type = "text";
          m.timestamp_ms = i;
          m.status = "sent";
          if (auto r = log.append(m); !r) fail(r.error());
          // Readers interleave with the writers.
          if (auto r = signal.load_session("bot", addr); !r || !r->has_value()) fail(r ? Error{ErrorCode::internal, "session missing"} : r.error());
        }
      });
    }
    for (auto& th : threads) th.join();
    CPPUNIT_ASSERT_MESSAGE(first_error, failures.load() == 0);

    auto count = [&](const std::string& table) {
      auto rows = db.with_connection([&](Connection& c) {
        return c.query("SELECT COUNT(*) FROM " + table + " WHERE agent_id = $1", {std::string("bot")});
      });
      CPPUNIT_ASSERT_MESSAGE(rows ? "" : rows.error().message, rows.ok());
      return rows->front().int64(0);
    };
    const std::int64_t expected = kThreads * kOpsPerThread;
    CPPUNIT_ASSERT_EQUAL(expected, count("engine_signal_sessions"));
    CPPUNIT_ASSERT_EQUAL(expected, count("engine_identity_keys"));
    CPPUNIT_ASSERT_EQUAL(expected, count("engine_prekeys"));
    CPPUNIT_ASSERT_EQUAL(expected, count("messages"));
    auto stats = MessageLogRepository(db).stats("bot");
    CPPUNIT_ASSERT(stats.ok());
    CPPUNIT_ASSERT_EQUAL(expected / 2, stats->incoming);
    // The activity counters were updated by the same racing appends and agree with the scan.
    auto activity = AgentActivityRepository(db).get("bot");
    CPPUNIT_ASSERT_MESSAGE(activity ? "" : activity.error().message, activity.ok() && activity->has_value());
    CPPUNIT_ASSERT_EQUAL(stats->incoming, (*activity)->incoming_messages);
    CPPUNIT_ASSERT_EQUAL(stats->outgoing, (*activity)->outgoing_messages);
  }

  void racing_first_upserts_create_one_row() {
    auto t = TestDatabase::create(backend());
    constexpr int kThreads = 6;
    // Separate handles act like separate hosts/pools racing on the same new agent.
    std::vector<std::unique_ptr<Database>> handles;
    for (int i = 0; i < kThreads; ++i) handles.push_back(std::move(Database::open(t->url())).value());
    std::vector<Result<UpsertOutcome>> results(kThreads, Result<UpsertOutcome>(Error{}));
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        WhatsappUserRepository repo(*handles[i]);
        results[i] = repo.upsert(WhatsappUserUpsert{"u", "racy-bot", "Bot " + std::to_string(i), std::nullopt, "https://x"});
      });
    }
    for (auto& th : threads) th.join();
    int created = 0;
    for (auto& r : results) {
      CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().message, r.ok());
      created += r->created ? 1 : 0;
    }
    CPPUNIT_ASSERT_EQUAL(1, created);
  }

  void database_options_and_pragmas() {
    auto t = TestDatabase::create(backend(), false);
    if (backend() == Backend::sqlite) {
      auto mode = t->db().with_connection([](Connection& c) { return c.query("PRAGMA journal_mode"); });
      CPPUNIT_ASSERT(mode.ok());
      CPPUNIT_ASSERT_EQUAL(std::string("wal"), mode->front().text(0));
      auto fk = t->db().with_connection([](Connection& c) { return c.query("PRAGMA foreign_keys"); });
      CPPUNIT_ASSERT_EQUAL(std::int64_t(1), fk->front().int64(0));
      auto busy = t->db().with_connection([](Connection& c) { return c.query("PRAGMA busy_timeout"); });
      CPPUNIT_ASSERT_EQUAL(std::int64_t(5000), busy->front().int64(0));
      // A path below a regular file cannot be created: a clear error, no crash.
      // A nested call from inside a callback is refused instead of deadlocking on the one connection.
      auto outer = t->db().transaction([&](Connection&) -> Result<int> {
        auto inner = t->db().healthy();
        CPPUNIT_ASSERT(!inner.ok());
        CPPUNIT_ASSERT(inner.error().message.find("nested database call") != std::string::npos);
        return 0;
      });
      CPPUNIT_ASSERT(outer.ok());
      CPPUNIT_ASSERT(t->db().healthy().ok());
      auto blocked = Database::open("sqlite:///proc/version/sub/wabot.db");
      CPPUNIT_ASSERT(!blocked.ok());
      CPPUNIT_ASSERT(blocked.error().code == ErrorCode::unavailable);
    } else {
      // A pool of one, held by a transaction, makes a second caller wait and then fail with a clear error.
      DatabaseOptions options;
      options.postgres_pool_max_sessions = 1;
      options.postgres_acquire_timeout_ms = 100;
      auto db = std::move(Database::open(t->url(), options)).value();
      auto outer = db->transaction([&](Connection&) -> Result<int> {
        auto inner = db->healthy();
        CPPUNIT_ASSERT(!inner.ok());
        CPPUNIT_ASSERT(inner.error().code == ErrorCode::unavailable);
        CPPUNIT_ASSERT_MESSAGE(inner.error().message, inner.error().message.find("100 ms") != std::string::npos);
        return 0;
      });
      CPPUNIT_ASSERT(outer.ok());
      CPPUNIT_ASSERT(db->healthy().ok());
    }
  }
};

class SqliteConcurrencyTest : public ConcurrencyTest {
  CPPUNIT_TEST_SUB_SUITE(SqliteConcurrencyTest, ConcurrencyTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::sqlite; }
};

class PostgresConcurrencyTest : public ConcurrencyTest {
  CPPUNIT_TEST_SUB_SUITE(PostgresConcurrencyTest, ConcurrencyTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::postgres; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteConcurrencyTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresConcurrencyTest);
