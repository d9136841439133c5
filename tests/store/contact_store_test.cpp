// SPDX-License-Identifier: GPL-3.0-or-later
// DatabaseContactStore (the engine's ContactStore on the database) on both backends: LID mappings in
// batches (one-to-one on both sides, later pairs win, all or nothing), privacy tokens (bytes and
// timestamp round trip, replace), per-agent isolation, and everything still there after a reopen.
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "host/store/adapters/database_contact_store.hpp"
#include "test_database.hpp"

using namespace wabot::store;
using wabot::store::test::Backend;
using wabot::store::test::TestDatabase;
namespace es = wabot::engine::store;

namespace {

std::string lid_of(DatabaseContactStore& s, const std::string& pn) {
  auto r = s.lid_for_pn(pn);
  CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().message, r.ok());
  return r->value_or("<none>");
}

std::string pn_of(DatabaseContactStore& s, const std::string& lid) {
  auto r = s.pn_for_lid(lid);
  CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().message, r.ok());
  return r->value_or("<none>");
}

}  // namespace

class ContactStoreTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ContactStoreTest);
  CPPUNIT_TEST(mappings_round_trip_both_ways_and_survive_a_reopen);
  CPPUNIT_TEST(a_new_pair_replaces_older_pairs_sharing_a_side);
  CPPUNIT_TEST(a_batch_with_a_bad_pair_stores_nothing);
  CPPUNIT_TEST(privacy_tokens_round_trip_replace_and_survive_a_reopen);
  CPPUNIT_TEST(agents_do_not_see_each_others_state);
  CPPUNIT_TEST(nct_salt_round_trips_and_is_replaced);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

 protected:
  virtual Backend backend() const = 0;
  std::unique_ptr<TestDatabase> t_;

 public:
  void setUp() override { t_ = TestDatabase::create(backend()); }
  void tearDown() override { t_.reset(); }

  void mappings_round_trip_both_ways_and_survive_a_reopen() {
    {
      DatabaseContactStore s(t_->db(), "bot");
      CPPUNIT_ASSERT_EQUAL(std::string("<none>"), lid_of(s, "15551234567"));
      std::vector<es::LidMapping> batch;
      for (int i = 0; i < 500; ++i) batch.push_back({std::to_string(15550000000LL + i), std::to_string(100000000000000LL + i)});
      auto put = s.put_lid_mappings(batch);
      CPPUNIT_ASSERT_MESSAGE(put ? "" : put.error().message, put.ok());
      CPPUNIT_ASSERT(s.put_lid_mappings({}).ok());  // an empty batch is fine
    }
    t_->reopen();
    DatabaseContactStore s(t_->db(), "bot");
    CPPUNIT_ASSERT_EQUAL(std::string("100000000000000"), lid_of(s, "15550000000"));
    CPPUNIT_ASSERT_EQUAL(std::string("100000000000499"), lid_of(s, "15550000499"));
    CPPUNIT_ASSERT_EQUAL(std::string("15550000321"), pn_of(s, "100000000000321"));
    CPPUNIT_ASSERT_EQUAL(std::string("<none>"), pn_of(s, "15550000321"));  // a PN is no LID
  }

  void a_new_pair_replaces_older_pairs_sharing_a_side() {
    DatabaseContactStore s(t_->db(), "bot");
    CPPUNIT_ASSERT(s.put_lid_mappings({{"111", "901"}, {"222", "902"}, {"555", "905"}}).ok());
    // The contact got a new LID; another number took over LID 902; within one batch the later pair wins.
    auto put = s.put_lid_mappings({{"111", "903"}, {"333", "902"}, {"444", "905"}, {"444", "906"}});
    CPPUNIT_ASSERT_MESSAGE(put ? "" : put.error().message, put.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("903"), lid_of(s, "111"));
    CPPUNIT_ASSERT_EQUAL(std::string("<none>"), pn_of(s, "901"));
    CPPUNIT_ASSERT_EQUAL(std::string("333"), pn_of(s, "902"));
    CPPUNIT_ASSERT_EQUAL(std::string("<none>"), lid_of(s, "222"));
    CPPUNIT_ASSERT_EQUAL(std::string("906"), lid_of(s, "444"));
    CPPUNIT_ASSERT_EQUAL(std::string("<none>"), pn_of(s, "905"));
    // 444 -> 905 was applied (dropping 555 -> 905) before 444 -> 906 replaced it, as one by one would.
    CPPUNIT_ASSERT_EQUAL(std::string("<none>"), lid_of(s, "555"));
  }

  void a_batch_with_a_bad_pair_stores_nothing() {
    DatabaseContactStore s(t_->db(), "bot");
    auto put = s.put_lid_mappings({{"111", "901"}, {"", "902"}});
    CPPUNIT_ASSERT(!put.ok());
    CPPUNIT_ASSERT_EQUAL(wabot::engine::ErrorCode::store, put.error().code);
    CPPUNIT_ASSERT_MESSAGE(put.error().message, put.error().message.find("needs both") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("<none>"), lid_of(s, "111"));
  }

  void privacy_tokens_round_trip_replace_and_survive_a_reopen() {
    {
      DatabaseContactStore s(t_->db(), "bot");
      auto none = s.privacy_token("222@lid");
      CPPUNIT_ASSERT(none.ok() && !none->has_value());
      CPPUNIT_ASSERT(s.put_privacy_token("222@lid", {{0, 1, 2, 0xff}, 1'700'000'000}).ok());
      CPPUNIT_ASSERT(s.put_privacy_token("333@lid", {{7}, 1'700'000'001}).ok());
      CPPUNIT_ASSERT(s.put_privacy_token("333@lid", {{8, 8}, 1'700'000'002}).ok());  // replaced
    }
    t_->reopen();
    DatabaseContactStore s(t_->db(), "bot");
    auto a = s.privacy_token("222@lid");
    CPPUNIT_ASSERT_MESSAGE(a ? "" : a.error().message, a.ok() && a->has_value());
    CPPUNIT_ASSERT(((*a)->token == wabot::engine::crypto::Bytes{0, 1, 2, 0xff}));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1'700'000'000), (*a)->timestamp_s);
    auto b = s.privacy_token("333@lid");
    CPPUNIT_ASSERT(b.ok() && b->has_value());
    CPPUNIT_ASSERT(((*b)->token == wabot::engine::crypto::Bytes{8, 8}));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1'700'000'002), (*b)->timestamp_s);
  }

  void agents_do_not_see_each_others_state() {
    DatabaseContactStore a(t_->db(), "a");
    DatabaseContactStore b(t_->db(), "b");
    CPPUNIT_ASSERT(a.put_lid_mappings({{"111", "901"}}).ok());
    CPPUNIT_ASSERT(b.put_lid_mappings({{"111", "902"}}).ok());  // the same contact, seen by another bot
    CPPUNIT_ASSERT(a.put_privacy_token("901@lid", {{1}, 1}).ok());
    CPPUNIT_ASSERT_EQUAL(std::string("901"), lid_of(a, "111"));
    CPPUNIT_ASSERT_EQUAL(std::string("902"), lid_of(b, "111"));
    auto none = b.privacy_token("901@lid");
    CPPUNIT_ASSERT(none.ok() && !none->has_value());
  }

  void nct_salt_round_trips_and_is_replaced() {
    {
      DatabaseContactStore s(t_->db(), "bot");
      auto none = s.nct_salt();
      CPPUNIT_ASSERT(none.ok() && !none->has_value());
      CPPUNIT_ASSERT(!s.put_nct_salt({}).ok());  // empty is refused
      CPPUNIT_ASSERT(s.put_nct_salt({1, 2, 3}).ok());
      CPPUNIT_ASSERT(s.put_nct_salt({4, 5, 6, 0}).ok());
    }
    t_->reopen();
    DatabaseContactStore s(t_->db(), "bot");
    auto salt = s.nct_salt();
    CPPUNIT_ASSERT_MESSAGE(salt ? "" : salt.error().message, salt.ok() && salt->has_value());
    CPPUNIT_ASSERT((**salt == wabot::engine::crypto::Bytes{4, 5, 6, 0}));
    auto other = DatabaseContactStore(t_->db(), "other").nct_salt();
    CPPUNIT_ASSERT(other.ok() && !other->has_value());
  }
};

class SqliteContactStoreTest : public ContactStoreTest {
  CPPUNIT_TEST_SUB_SUITE(SqliteContactStoreTest, ContactStoreTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::sqlite; }
};

class PostgresContactStoreTest : public ContactStoreTest {
  CPPUNIT_TEST_SUB_SUITE(PostgresContactStoreTest, ContactStoreTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::postgres; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteContactStoreTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresContactStoreTest);
