// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's repositories on both backends: device credentials saved all-or-nothing, Signal CRUD,
// device-list cache, LID mapping, privacy tokens, and clear_agent removing exactly one agent's rows.
#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

#include "host/store/clear_agent.hpp"
#include "host/store/device_cache.hpp"
#include "host/store/device_credentials_repository.hpp"
#include "host/store/lid_mapping_repository.hpp"
#include "host/store/nct_salt_repository.hpp"
#include "host/store/privacy_token_repository.hpp"
#include "host/store/signal_repository.hpp"
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

// Distinct recognisable bytes, including 0x00 and 0xFF (blobs must round-trip byte-exact).
Bytes bytes(std::uint8_t seed, std::size_t n = 32) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 37);
  b[0] = 0x00;
  b[n - 1] = 0xFF;
  return b;
}

DeviceCredentials credentials(const std::string& agent) {
  DeviceCredentials d;
  d.agent_id = agent;
  d.registration_id = 0xFFFFFFF0u;  // above INT32_MAX: must survive as unsigned
  d.noise_private_key = bytes(1);
  d.noise_public_key = bytes(2);
  d.identity_private_key = bytes(3);
  d.identity_public_key = bytes(4);
  d.signed_prekey_id = 1;
  d.signed_prekey_private_key = bytes(5);
  d.signed_prekey_public_key = bytes(6);
  d.signed_prekey_signature = bytes(7, 64);
  d.adv_secret_key = bytes(8);
  return d;
}

PreKey prekey(std::uint32_t id) { return PreKey{id, bytes(static_cast<std::uint8_t>(id)), bytes(static_cast<std::uint8_t>(id + 100)), false}; }

}  // namespace

class EngineRepositoriesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(EngineRepositoriesTest);
  CPPUNIT_TEST(credentials_round_trip_before_and_after_pairing);
  CPPUNIT_TEST(credentials_save_with_prekeys_is_all_or_nothing);
  CPPUNIT_TEST(credentials_and_signed_prekey_table_agree);
  CPPUNIT_TEST(credentials_survive_restart);
  CPPUNIT_TEST(identity_keys_crud);
  CPPUNIT_TEST(prekeys_store_mark_uploaded_and_remove);
  CPPUNIT_TEST(signed_prekeys_crud);
  CPPUNIT_TEST(sessions_crud_and_per_user_operations);
  CPPUNIT_TEST(sender_keys_crud);
  CPPUNIT_TEST(device_cache_round_trip);
  CPPUNIT_TEST(lid_mapping_is_one_to_one);
  CPPUNIT_TEST(privacy_tokens_crud);
  CPPUNIT_TEST(clear_agent_removes_every_engine_row_of_one_agent_only);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

 protected:
  virtual Backend backend() const = 0;
  std::unique_ptr<TestDatabase> t_;
  FakeClock clock_;

 public:
  void setUp() override { t_ = TestDatabase::create(backend()); }
  void tearDown() override { t_.reset(); }

  void credentials_round_trip_before_and_after_pairing() {
    DeviceCredentialsRepository repo(t_->db(), clock_.fn());
    CPPUNIT_ASSERT(!ok(repo.load("bot")).has_value());
    auto d = credentials("bot");
    ok(repo.save(d));
    auto loaded = ok(repo.load("bot"));
    CPPUNIT_ASSERT(loaded.has_value());
    CPPUNIT_ASSERT(!loaded->paired());
    CPPUNIT_ASSERT_EQUAL(d.registration_id, loaded->registration_id);
    CPPUNIT_ASSERT(d.noise_private_key == loaded->noise_private_key);
    CPPUNIT_ASSERT(d.signed_prekey_signature == loaded->signed_prekey_signature);
    CPPUNIT_ASSERT(d.adv_secret_key == loaded->adv_secret_key);
    CPPUNIT_ASSERT(loaded->account.empty());
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(1), loaded->next_prekey_id);
    const std::int64_t created = loaded->created_at_ms;

    // Pair success: the same row gains the identity.
    d.jid = "6281234567890:3@s.whatsapp.net";
    d.lid = "123456789012345:3@lid";
    d.push_name = "Support";
    d.platform = "android";
    d.account = bytes(9, 200);
    d.next_prekey_id = 812;
    ok(repo.save(d));
    auto paired = ok(repo.load("bot"));
    CPPUNIT_ASSERT(paired->paired());
    CPPUNIT_ASSERT_EQUAL(d.jid, paired->jid);
    CPPUNIT_ASSERT_EQUAL(d.lid, paired->lid);
    CPPUNIT_ASSERT_EQUAL(std::string("Support"), paired->push_name);
    CPPUNIT_ASSERT(d.account == paired->account);
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(812), paired->next_prekey_id);
    CPPUNIT_ASSERT_EQUAL(created, paired->created_at_ms);
    CPPUNIT_ASSERT(paired->updated_at_ms > created);
    CPPUNIT_ASSERT((ok(repo.agents()) == std::vector<std::string>{"bot"}));
  }

  void credentials_save_with_prekeys_is_all_or_nothing() {
    DeviceCredentialsRepository repo(t_->db(), clock_.fn());
    SignalRepository signal(t_->db(), clock_.fn());
    // Prekey 3 already exists: the save below writes the credentials row and prekeys 1 and 2 first,
    // then fails on 3, half-way through the transaction.
    std::vector<PreKey> existing = {prekey(3)};
    ok(signal.store_prekeys("bot", existing));
    std::vector<PreKey> batch = {prekey(1), prekey(2), prekey(3), prekey(4)};
    auto saved = repo.save(credentials("bot"), batch);
    CPPUNIT_ASSERT(!saved.ok());
    CPPUNIT_ASSERT(saved.error().code == ErrorCode::constraint);
    CPPUNIT_ASSERT_MESSAGE(saved.error().message, saved.error().message.find("prekey 3") != std::string::npos);
    CPPUNIT_ASSERT(!ok(repo.load("bot")).has_value());
    CPPUNIT_ASSERT(!ok(signal.load_prekey("bot", 1)).has_value());
    CPPUNIT_ASSERT(!ok(signal.load_prekey("bot", 2)).has_value());
    CPPUNIT_ASSERT(ok(signal.load_prekey("bot", 3)).has_value());
    CPPUNIT_ASSERT(!ok(signal.load_signed_prekey("bot", 1)).has_value());  // the mirrored copy rolled back too

    // Without the clash the same call stores everything.
    std::vector<PreKey> good = {prekey(1), prekey(2)};
    ok(repo.save(credentials("bot"), good));
    CPPUNIT_ASSERT(ok(repo.load("bot")).has_value());
    CPPUNIT_ASSERT(ok(signal.load_prekey("bot", 2)).has_value());
  }

  void credentials_and_signed_prekey_table_agree() {
    DeviceCredentialsRepository repo(t_->db(), clock_.fn());
    SignalRepository signal(t_->db(), clock_.fn());
    auto d = credentials("bot");
    ok(repo.save(d));
    auto mirrored = ok(signal.load_signed_prekey("bot", d.signed_prekey_id));
    CPPUNIT_ASSERT(mirrored.has_value());
    CPPUNIT_ASSERT(d.signed_prekey_signature == mirrored->signature);
    // A renewed signed prekey with the credentials' id updates their copy as well.
    ok(signal.store_signed_prekey("bot", SignedPreKey{d.signed_prekey_id, bytes(50), bytes(51), bytes(52, 64), 0}));
    auto loaded = ok(repo.load("bot"));
    CPPUNIT_ASSERT(bytes(51) == loaded->signed_prekey_public_key);
    CPPUNIT_ASSERT(bytes(52, 64) == loaded->signed_prekey_signature);
    // Another id leaves the credentials alone.
    ok(signal.store_signed_prekey("bot", SignedPreKey{d.signed_prekey_id + 1, bytes(60), bytes(61), bytes(62, 64), 0}));
    CPPUNIT_ASSERT(bytes(51) == ok(repo.load("bot"))->signed_prekey_public_key);
    // The local identity lives in the credentials.
    CPPUNIT_ASSERT(ok(repo.update_local_identity("bot", 77, bytes(70), bytes(71))));
    loaded = ok(repo.load("bot"));
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(77), loaded->registration_id);
    CPPUNIT_ASSERT(bytes(71) == loaded->identity_public_key);
    CPPUNIT_ASSERT(!ok(repo.update_local_identity("nobody", 1, bytes(1), bytes(2))));
  }

  void credentials_survive_restart() {
    ok(DeviceCredentialsRepository(t_->db(), clock_.fn()).save(credentials("bot")));
    t_->close();
    t_->reopen();
    auto loaded = ok(DeviceCredentialsRepository(t_->db()).load("bot"));
    CPPUNIT_ASSERT(loaded.has_value());
    CPPUNIT_ASSERT(credentials("bot").identity_private_key == loaded->identity_private_key);
  }

  void identity_keys_crud() {
    SignalRepository s(t_->db(), clock_.fn());
    SignalAddress addr{"6281234567890", 3};
    CPPUNIT_ASSERT(!ok(s.load_identity("bot", addr)).has_value());
    ok(s.save_identity("bot", addr, bytes(1, 33)));
    CPPUNIT_ASSERT(bytes(1, 33) == ok(s.load_identity("bot", addr)).value());
    ok(s.save_identity("bot", addr, bytes(2, 33)));  // changed identity replaces
    CPPUNIT_ASSERT(bytes(2, 33) == ok(s.load_identity("bot", addr)).value());
    CPPUNIT_ASSERT(!ok(s.load_identity("bot", SignalAddress{"6281234567890", 4})).has_value());
    CPPUNIT_ASSERT(!ok(s.load_identity("other", addr)).has_value());
    CPPUNIT_ASSERT(ok(s.remove_identity("bot", addr)));
    CPPUNIT_ASSERT(!ok(s.remove_identity("bot", addr)));
    for (std::int32_t device : {0, 1, 5}) ok(s.save_identity("bot", SignalAddress{"62899", device}, bytes(3)));
    ok(s.save_identity("bot", SignalAddress{"62800", 0}, bytes(3)));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), ok(s.remove_all_identities("bot", "62899")));
    CPPUNIT_ASSERT(ok(s.load_identity("bot", SignalAddress{"62800", 0})).has_value());
  }

  void prekeys_store_mark_uploaded_and_remove() {
    SignalRepository s(t_->db(), clock_.fn());
    CPPUNIT_ASSERT(!ok(s.max_prekey_id("bot")).has_value());
    std::vector<PreKey> keys;
    for (std::uint32_t id = 1; id <= 30; ++id) keys.push_back(prekey(id));
    keys.push_back(prekey(0xFFFFFF));  // the largest 24-bit id
    ok(s.store_prekeys("bot", keys));
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(0xFFFFFF), ok(s.max_prekey_id("bot")).value());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(0), ok(s.count_uploaded_prekeys("bot")));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(20), ok(s.mark_prekeys_uploaded("bot", 20)));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), ok(s.mark_prekeys_uploaded("bot", 20)));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(20), ok(s.count_uploaded_prekeys("bot")));
    auto pending = ok(s.unuploaded_prekeys("bot", 5));
    CPPUNIT_ASSERT_EQUAL(std::size_t(5), pending.size());
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(21), pending.front().key_id);
    CPPUNIT_ASSERT(!pending.front().uploaded);
    auto k7 = ok(s.load_prekey("bot", 7));
    CPPUNIT_ASSERT(k7.has_value());
    CPPUNIT_ASSERT(k7->uploaded);
    CPPUNIT_ASSERT(prekey(7).private_key == k7->private_key);
    CPPUNIT_ASSERT(prekey(7).public_key == k7->public_key);
    // A peer used prekey 7: it is removed and cannot be used twice.
    CPPUNIT_ASSERT(ok(s.remove_prekey("bot", 7)));
    CPPUNIT_ASSERT(!ok(s.remove_prekey("bot", 7)));
    CPPUNIT_ASSERT(!ok(s.load_prekey("bot", 7)).has_value());
    CPPUNIT_ASSERT(!s.unuploaded_prekeys("bot", 0).ok());
  }

  void signed_prekeys_crud() {
    SignalRepository s(t_->db(), clock_.fn());
    ok(s.store_signed_prekey("bot", SignedPreKey{1, bytes(1), bytes(2), bytes(3, 64), 0}));
    ok(s.store_signed_prekey("bot", SignedPreKey{2, bytes(4), bytes(5), bytes(6, 64), 1234}));
    auto one = ok(s.load_signed_prekey("bot", 1));
    CPPUNIT_ASSERT(one.has_value());
    CPPUNIT_ASSERT(bytes(3, 64) == one->signature);
    CPPUNIT_ASSERT(one->created_at_ms > 0);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1234), ok(s.load_signed_prekey("bot", 2))->created_at_ms);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), ok(s.list_signed_prekeys("bot")).size());
    CPPUNIT_ASSERT(ok(s.remove_signed_prekey("bot", 1)));
    CPPUNIT_ASSERT(!ok(s.load_signed_prekey("bot", 1)).has_value());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), ok(s.list_signed_prekeys("bot")).size());
  }

  void sessions_crud_and_per_user_operations() {
    SignalRepository s(t_->db(), clock_.fn());
    const std::string user = "6281234567890";
    for (std::int32_t device : {0, 3, 12}) ok(s.store_session("bot", SignalAddress{user, device}, bytes(device, 200)));
    ok(s.store_session("bot", SignalAddress{"6289999999999", 0}, bytes(99, 10)));
    CPPUNIT_ASSERT(ok(s.contains_session("bot", SignalAddress{user, 3})));
    CPPUNIT_ASSERT(!ok(s.contains_session("bot", SignalAddress{user, 4})));
    CPPUNIT_ASSERT(bytes(3, 200) == ok(s.load_session("bot", SignalAddress{user, 3})).value());
    ok(s.store_session("bot", SignalAddress{user, 3}, bytes(42, 300)));  // ratchet step replaces
    CPPUNIT_ASSERT(bytes(42, 300) == ok(s.load_session("bot", SignalAddress{user, 3})).value());
    CPPUNIT_ASSERT((ok(s.session_device_ids("bot", user)) == std::vector<std::int32_t>{0, 3, 12}));
    CPPUNIT_ASSERT(ok(s.remove_session("bot", SignalAddress{user, 0})));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), ok(s.remove_all_sessions("bot", user)));
    CPPUNIT_ASSERT(ok(s.session_device_ids("bot", user)).empty());
    CPPUNIT_ASSERT(ok(s.contains_session("bot", SignalAddress{"6289999999999", 0})));
  }

  void sender_keys_crud() {
    SignalRepository s(t_->db(), clock_.fn());
    SenderKeyName name{"120363000000000000@g.us", SignalAddress{"6281234567890", 2}};
    CPPUNIT_ASSERT(!ok(s.load_sender_key("bot", name)).has_value());
    ok(s.store_sender_key("bot", name, bytes(1, 100)));
    ok(s.store_sender_key("bot", name, bytes(2, 100)));
    CPPUNIT_ASSERT(bytes(2, 100) == ok(s.load_sender_key("bot", name)).value());
    SenderKeyName other_device = name;
    other_device.sender.device_id = 3;
    CPPUNIT_ASSERT(!ok(s.load_sender_key("bot", other_device)).has_value());
    CPPUNIT_ASSERT(ok(s.remove_sender_key("bot", name)));
    CPPUNIT_ASSERT(!ok(s.load_sender_key("bot", name)).has_value());
  }

  void device_cache_round_trip() {
    DeviceCache cache(t_->db(), clock_.fn());
    const std::string user = "6281234567890@s.whatsapp.net";
    CPPUNIT_ASSERT(!ok(cache.get("bot", user)).has_value());
    ok(cache.put("bot", user, {12, 0, 3, 3}));
    auto list = ok(cache.get("bot", user));
    CPPUNIT_ASSERT((list->device_ids == std::vector<std::uint32_t>{0, 3, 12}));
    CPPUNIT_ASSERT(list->updated_at_ms > 0);
    ok(cache.put("bot", user, {}));  // a user with no devices is a valid cached answer
    auto none = ok(cache.get("bot", user));
    CPPUNIT_ASSERT(none.has_value());
    CPPUNIT_ASSERT(none->device_ids.empty());
    CPPUNIT_ASSERT(none->updated_at_ms > list->updated_at_ms);
    CPPUNIT_ASSERT(!cache.put("bot", user, std::vector<std::uint32_t>(DeviceCache::kMaxDevices + 1)).ok());
    CPPUNIT_ASSERT(ok(cache.remove("bot", user)));
    CPPUNIT_ASSERT(!ok(cache.get("bot", user)).has_value());
  }

  void lid_mapping_is_one_to_one() {
    LidMappingRepository map(t_->db(), clock_.fn());
    ok(map.put("bot", "111@lid", "6281@s.whatsapp.net"));
    CPPUNIT_ASSERT_EQUAL(std::string("6281@s.whatsapp.net"), ok(map.pn_for_lid("bot", "111@lid")).value());
    CPPUNIT_ASSERT_EQUAL(std::string("111@lid"), ok(map.lid_for_pn("bot", "6281@s.whatsapp.net")).value());
    // The number moved to a new LID: the old LID no longer maps to it.
    ok(map.put("bot", "222@lid", "6281@s.whatsapp.net"));
    CPPUNIT_ASSERT_EQUAL(std::string("222@lid"), ok(map.lid_for_pn("bot", "6281@s.whatsapp.net")).value());
    CPPUNIT_ASSERT(!ok(map.pn_for_lid("bot", "111@lid")).has_value());
    ok(map.put("bot", "222@lid", "6282@s.whatsapp.net"));
    CPPUNIT_ASSERT(!ok(map.lid_for_pn("bot", "6281@s.whatsapp.net")).has_value());
    CPPUNIT_ASSERT(!ok(map.pn_for_lid("other", "222@lid")).has_value());
    CPPUNIT_ASSERT(!map.put("bot", "", "x").ok());
  }

  void privacy_tokens_crud() {
    PrivacyTokenRepository tokens(t_->db(), clock_.fn());
    const std::string jid = "6281@s.whatsapp.net";
    CPPUNIT_ASSERT(!ok(tokens.get("bot", jid)).has_value());
    ok(tokens.put("bot", jid, PrivacyToken{bytes(1, 24), 1700000000}));
    ok(tokens.put("bot", jid, PrivacyToken{bytes(2, 24), 1700000500}));
    auto got = ok(tokens.get("bot", jid));
    CPPUNIT_ASSERT(bytes(2, 24) == got->token);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000500), got->timestamp_ms);
    CPPUNIT_ASSERT(ok(tokens.remove("bot", jid)));
    CPPUNIT_ASSERT(!ok(tokens.get("bot", jid)).has_value());
  }

  void fill_agent(const std::string& agent) {
    ok(DeviceCredentialsRepository(t_->db(), clock_.fn()).save(credentials(agent), std::vector<PreKey>{prekey(1)}));
    SignalRepository s(t_->db(), clock_.fn());
    ok(s.save_identity(agent, SignalAddress{"62811", 0}, bytes(1)));
    ok(s.store_signed_prekey(agent, SignedPreKey{1, bytes(1), bytes(2), bytes(3, 64), 0}));
    ok(s.store_session(agent, SignalAddress{"62811", 0}, bytes(4)));
    ok(s.store_sender_key(agent, SenderKeyName{"g@g.us", SignalAddress{"62811", 0}}, bytes(5)));
    ok(DeviceCache(t_->db(), clock_.fn()).put(agent, "62811@s.whatsapp.net", {0, 1}));
    ok(LidMappingRepository(t_->db(), clock_.fn()).put(agent, "1@lid", "62811@s.whatsapp.net"));
    ok(PrivacyTokenRepository(t_->db(), clock_.fn()).put(agent, "62811@s.whatsapp.net", PrivacyToken{bytes(6), 1}));
    ok(NctSaltRepository(t_->db(), clock_.fn()).put(agent, bytes(7)));
  }

  std::int64_t engine_rows(const std::string& agent) {
    std::int64_t total = 0;
    for (const char* table : engine_tables()) {
      auto rows = t_->db().with_connection([&](Connection& c) {
        return c.query(std::string("SELECT COUNT(*) FROM ") + table + " WHERE agent_id = $1", {agent});
      });
      total += ok(rows).front().int64(0);
    }
    return total;
  }

  void clear_agent_removes_every_engine_row_of_one_agent_only() {
    fill_agent("bot");
    fill_agent("keep");
    CPPUNIT_ASSERT_EQUAL(std::int64_t(10), engine_rows("bot"));  // one row in every engine table
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(10), ok(DeviceCredentialsRepository(t_->db()).clear("bot")));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(0), engine_rows("bot"));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(10), engine_rows("keep"));
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), ok(clear_agent(t_->db(), "bot")));
    CPPUNIT_ASSERT((ok(DeviceCredentialsRepository(t_->db()).agents()) == std::vector<std::string>{"keep"}));
  }
};

class SqliteEngineRepositoriesTest : public EngineRepositoriesTest {
  CPPUNIT_TEST_SUB_SUITE(SqliteEngineRepositoriesTest, EngineRepositoriesTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::sqlite; }
};

class PostgresEngineRepositoriesTest : public EngineRepositoriesTest {
  CPPUNIT_TEST_SUB_SUITE(PostgresEngineRepositoriesTest, EngineRepositoriesTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::postgres; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteEngineRepositoriesTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresEngineRepositoriesTest);
