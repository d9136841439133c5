// SPDX-License-Identifier: GPL-3.0-or-later
// AgentLeaseRepository on both backends: one holder at a time, renewal, expiry takeover, release,
// and hosts racing for the same agents.
#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "host/store/agent_lease_repository.hpp"
#include "test_database.hpp"

using namespace wabot::store;
using wabot::store::test::Backend;
using wabot::store::test::TestDatabase;

namespace {

template <class T>
const T& ok(const Result<T>& r) {
  CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().message, r.ok());
  return r.value();
}

}  // namespace

class AgentLeaseRepositoryTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AgentLeaseRepositoryTest);
  CPPUNIT_TEST(one_holder_until_expiry_then_takeover);
  CPPUNIT_TEST(renewal_extends_and_release_frees);
  CPPUNIT_TEST(racing_hosts_split_agents_without_overlap);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

 protected:
  virtual Backend backend() const = 0;
  std::unique_ptr<TestDatabase> t_;
  std::int64_t now_ms_ = 1'000'000;

 public:
  void setUp() override { t_ = TestDatabase::create(backend()); }
  void tearDown() override { t_.reset(); }
  AgentLeaseRepository repo() { return AgentLeaseRepository(t_->db(), [this] { return now_ms_; }); }

  void one_holder_until_expiry_then_takeover() {
    auto r = repo();
    CPPUNIT_ASSERT(ok(r.acquire("bot", "host-a", 30'000)));
    CPPUNIT_ASSERT(!ok(r.acquire("bot", "host-b", 30'000)));
    CPPUNIT_ASSERT_EQUAL(std::string("host-a"), ok(r.get("bot"))->holder);
    now_ms_ += 29'999;
    CPPUNIT_ASSERT(!ok(r.acquire("bot", "host-b", 30'000)));
    now_ms_ += 1;  // host-a missed its renewal: the lease is up for grabs
    CPPUNIT_ASSERT(ok(r.acquire("bot", "host-b", 30'000)));
    auto lease = ok(r.get("bot"));
    CPPUNIT_ASSERT_EQUAL(std::string("host-b"), lease->holder);
    CPPUNIT_ASSERT_EQUAL(now_ms_, lease->acquired_at_ms);
    CPPUNIT_ASSERT(ok(r.held_by("host-a")).empty());
    CPPUNIT_ASSERT((ok(r.held_by("host-b")) == std::vector<std::string>{"bot"}));
    CPPUNIT_ASSERT(!r.acquire("bot", "host-b", 0).ok());
  }

  void renewal_extends_and_release_frees() {
    auto r = repo();
    CPPUNIT_ASSERT(ok(r.acquire("bot", "host-a", 10'000)));
    const std::int64_t acquired = now_ms_;
    now_ms_ += 9'000;
    CPPUNIT_ASSERT(ok(r.acquire("bot", "host-a", 10'000)));  // renewal
    auto lease = ok(r.get("bot"));
    CPPUNIT_ASSERT_EQUAL(now_ms_ + 10'000, lease->expires_at_ms);
    CPPUNIT_ASSERT_EQUAL(acquired, lease->acquired_at_ms);
    CPPUNIT_ASSERT(!ok(r.release("bot", "host-b")));
    CPPUNIT_ASSERT(ok(r.release("bot", "host-a")));
    CPPUNIT_ASSERT(!ok(r.get("bot")).has_value());
    CPPUNIT_ASSERT(ok(r.acquire("bot", "host-b", 10'000)));
  }

  void racing_hosts_split_agents_without_overlap() {
    constexpr int kHosts = 4;
    constexpr int kAgents = 20;
    std::vector<std::unique_ptr<Database>> handles;
    for (int h = 0; h < kHosts; ++h) handles.push_back(std::move(Database::open(t_->url())).value());
    std::vector<std::vector<std::string>> won(kHosts);
    std::vector<std::thread> threads;
    for (int h = 0; h < kHosts; ++h) {
      threads.emplace_back([&, h] {
        AgentLeaseRepository r(*handles[h], [] { return std::int64_t(5'000); });
        for (int a = 0; a < kAgents; ++a) {
          auto got = r.acquire("agent-" + std::to_string(a), "host-" + std::to_string(h), 60'000);
          if (got.ok() && *got) won[h].push_back("agent-" + std::to_string(a));
        }
      });
    }
    for (auto& th : threads) th.join();
    std::map<std::string, int> holders;
    for (auto& list : won)
      for (auto& agent : list) ++holders[agent];
    CPPUNIT_ASSERT_EQUAL(std::size_t(kAgents), holders.size());
    for (auto& [agent, n] : holders) CPPUNIT_ASSERT_EQUAL_MESSAGE(agent, 1, n);
  }
};

class SqliteAgentLeaseRepositoryTest : public AgentLeaseRepositoryTest {
  CPPUNIT_TEST_SUB_SUITE(SqliteAgentLeaseRepositoryTest, AgentLeaseRepositoryTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::sqlite; }
};

class PostgresAgentLeaseRepositoryTest : public AgentLeaseRepositoryTest {
  CPPUNIT_TEST_SUB_SUITE(PostgresAgentLeaseRepositoryTest, AgentLeaseRepositoryTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::postgres; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteAgentLeaseRepositoryTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresAgentLeaseRepositoryTest);
