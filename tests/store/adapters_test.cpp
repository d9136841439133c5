// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's store interfaces on the database, on both backends: credentials round trip (unlinked
// and linked), clear, prekey generation, and the real Signal protocol (libsignal via the engine's
// SignalProtocol) running two agents' sessions over DatabaseSignalStore, across a restart.
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "host/engine/crypto/crypto.hpp"
#include "host/engine/signal/signal_keys.hpp"
#include "host/engine/signal/signal_protocol.hpp"
#include "host/store/adapters/database_credentials_store.hpp"
#include "host/store/adapters/database_prekey_store.hpp"
#include "host/store/adapters/database_signal_store.hpp"
#include "host/store/device_credentials_repository.hpp"
#include "host/store/signal_repository.hpp"
#include "test_database.hpp"

using namespace wabot::store;
using wabot::store::test::Backend;
using wabot::store::test::TestDatabase;
namespace eng = wabot::engine;
namespace es = wabot::engine::store;
namespace sig = wabot::engine::signal;
namespace crypto = wabot::engine::crypto;

namespace {

es::Credentials fresh_credentials() {
  es::Credentials c;
  c.noise_key = crypto::generate_key_pair();
  c.identity_key = crypto::generate_key_pair();
  c.registration_id = 0x3FFF;
  c.signed_pre_key.id = sig::SignalProtocol::kSignedPreKeyId;
  c.signed_pre_key.key_pair = crypto::generate_key_pair();
  c.signed_pre_key.signature = crypto::xeddsa_sign(c.identity_key.private_key,
                                                   sig::signed_pre_key_message(c.signed_pre_key.key_pair.public_key));
  crypto::random_bytes(c.adv_secret);
  return c;
}

crypto::Bytes bytes(const std::string& text) { return crypto::Bytes(text.begin(), text.end()); }
std::string text(const crypto::Bytes& b) { return std::string(b.begin(), b.end()); }

}  // namespace

class AdaptersTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AdaptersTest);
  CPPUNIT_TEST(credentials_round_trip_unlinked_then_linked);
  CPPUNIT_TEST(credentials_clear_forgets_all_engine_state);
  CPPUNIT_TEST(corrupt_stored_key_is_an_error_not_a_wrong_key);
  CPPUNIT_TEST(prekeys_are_generated_persisted_and_marked_uploaded);
  CPPUNIT_TEST(local_identity_is_the_credentials_identity);
  CPPUNIT_TEST(signal_sessions_between_two_agents_survive_restart);
  CPPUNIT_TEST_SUITE_END_ABSTRACT();

 protected:
  virtual Backend backend() const = 0;
  std::unique_ptr<TestDatabase> t_;

 public:
  void setUp() override { t_ = TestDatabase::create(backend()); }
  void tearDown() override { t_.reset(); }

  void credentials_round_trip_unlinked_then_linked() {
    DatabaseCredentialsStore store(t_->db());
    auto none = store.load("bot");
    CPPUNIT_ASSERT_MESSAGE(none ? "" : none.error().message, none.ok());
    CPPUNIT_ASSERT(!none->has_value());

    auto c = fresh_credentials();
    auto saved = store.save("bot", c);
    CPPUNIT_ASSERT_MESSAGE(saved ? "" : saved.error().message, saved.ok());
    auto loaded = store.load("bot");
    CPPUNIT_ASSERT(loaded.ok() && loaded->has_value());
    const es::Credentials& l = **loaded;
    CPPUNIT_ASSERT(!l.is_linked());
    CPPUNIT_ASSERT(c.noise_key.private_key == l.noise_key.private_key);
    CPPUNIT_ASSERT(c.noise_key.public_key == l.noise_key.public_key);
    CPPUNIT_ASSERT(c.identity_key.private_key == l.identity_key.private_key);
    CPPUNIT_ASSERT(c.signed_pre_key.signature == l.signed_pre_key.signature);
    CPPUNIT_ASSERT(c.adv_secret == l.adv_secret);
    CPPUNIT_ASSERT_EQUAL(c.registration_id, l.registration_id);

    auto jid = eng::Jid::parse("15551234567:7@s.whatsapp.net");
    auto lid = eng::Jid::parse("123456789012345:7@lid");
    CPPUNIT_ASSERT(jid.ok() && lid.ok());
    c.device_jid = *jid;
    c.lid = *lid;
    c.account = bytes(std::string("\x0a\x10signed-identity\x00\xff", 19));
    c.push_name = "Support";
    c.platform = "android";
    c.business_name = "Toko";
    CPPUNIT_ASSERT(store.save("bot", c).ok());
    auto linked = store.load("bot");
    CPPUNIT_ASSERT(linked.ok() && linked->has_value());
    CPPUNIT_ASSERT((*linked)->is_linked());
    CPPUNIT_ASSERT((*linked)->device_jid == c.device_jid);
    CPPUNIT_ASSERT((*linked)->lid == c.lid);
    CPPUNIT_ASSERT((*linked)->account == c.account);
    CPPUNIT_ASSERT_EQUAL(std::string("Toko"), (*linked)->business_name);
  }

  void credentials_clear_forgets_all_engine_state() {
    DatabaseCredentialsStore store(t_->db());
    CPPUNIT_ASSERT(store.save("bot", fresh_credentials()).ok());
    DatabaseSignalStore signal(t_->db(), "bot");
    CPPUNIT_ASSERT(signal.save_session(es::SignalAddress{"155", 0}, bytes("record")).ok());
    CPPUNIT_ASSERT(store.clear("bot").ok());
    CPPUNIT_ASSERT(!store.load("bot")->has_value());
    std::optional<crypto::Bytes> session;
    CPPUNIT_ASSERT(signal.load_session(es::SignalAddress{"155", 0}, session).ok());
    CPPUNIT_ASSERT(!session.has_value());
  }

  void corrupt_stored_key_is_an_error_not_a_wrong_key() {
    DatabaseCredentialsStore store(t_->db());
    CPPUNIT_ASSERT(store.save("bot", fresh_credentials()).ok());
    auto c = DeviceCredentialsRepository(t_->db()).load("bot");
    auto row = **c;
    row.identity_private_key.resize(31);
    CPPUNIT_ASSERT(DeviceCredentialsRepository(t_->db()).save(row).ok());
    auto loaded = store.load("bot");
    CPPUNIT_ASSERT(!loaded.ok());
    CPPUNIT_ASSERT(loaded.error().code == eng::ErrorCode::store);
    CPPUNIT_ASSERT(loaded.error().message.find("wrong length") != std::string::npos);
  }

  void prekeys_are_generated_persisted_and_marked_uploaded() {
    DatabasePreKeyStore prekeys(t_->db());
    auto no_creds = prekeys.generate_pre_keys("bot", 5);
    CPPUNIT_ASSERT(!no_creds.ok());  // ids come from the credentials' counter
    DatabaseCredentialsStore creds(t_->db());
    CPPUNIT_ASSERT(creds.save("bot", fresh_credentials()).ok());
    auto first = prekeys.generate_pre_keys("bot", 30);
    CPPUNIT_ASSERT_MESSAGE(first ? "" : first.error().message, first.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t(30), first->size());
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(1), first->front().id);
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(30), first->back().id);
    auto second = prekeys.generate_pre_keys("bot", 10);
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(31), second->front().id);
    // Saving the credentials again (e.g. after pairing) must not move the id counter back.
    CPPUNIT_ASSERT(creds.save("bot", **creds.load("bot")).ok());
    CPPUNIT_ASSERT(creds.save("bot", fresh_credentials()).ok());
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(41), prekeys.generate_pre_keys("bot", 1)->front().id);
    // The private halves are persisted: the Signal store finds them.
    DatabaseSignalStore signal(t_->db(), "bot");
    std::optional<es::PreKeyRecord> k;
    CPPUNIT_ASSERT(signal.load_pre_key(17, k).ok());
    CPPUNIT_ASSERT(k.has_value());
    CPPUNIT_ASSERT((*first)[16].key_pair.private_key == k->key_pair.private_key);
    CPPUNIT_ASSERT(prekeys.mark_uploaded("bot", 30).ok());
    auto count = SignalRepository(t_->db()).count_uploaded_prekeys("bot");
    CPPUNIT_ASSERT_EQUAL(std::int64_t(30), *count);
    CPPUNIT_ASSERT(!prekeys.generate_pre_keys("bot", 0).ok());
    CPPUNIT_ASSERT(!prekeys.generate_pre_keys("bot", 1'000'000).ok());
  }

  void local_identity_is_the_credentials_identity() {
    DatabaseSignalStore signal(t_->db(), "bot");
    std::optional<es::LocalIdentity> identity;
    CPPUNIT_ASSERT(signal.load_local_identity(identity).ok());
    CPPUNIT_ASSERT(!identity.has_value());
    es::LocalIdentity generated{crypto::generate_key_pair(), 5};
    auto refused = signal.save_local_identity(generated);
    CPPUNIT_ASSERT(!refused.ok());
    CPPUNIT_ASSERT(refused.error.find("no device credentials") != std::string::npos);

    auto c = fresh_credentials();
    c.signed_pre_key.signature.fill(0);  // not signed by the identity: initialize() must renew it
    CPPUNIT_ASSERT(DatabaseCredentialsStore(t_->db()).save("bot", c).ok());
    auto keys = sig::SignalProtocol::initialize(signal);
    CPPUNIT_ASSERT_MESSAGE(keys.error().message, keys.ok());
    CPPUNIT_ASSERT(c.identity_key.public_key == keys->identity_public);
    CPPUNIT_ASSERT_EQUAL(c.registration_id, keys->registration_id);
    // The renewed signed prekey reached the credentials too (what the next pairing/upload uses).
    auto stored = DatabaseCredentialsStore(t_->db()).load("bot");
    CPPUNIT_ASSERT((*stored)->signed_pre_key.key_pair.public_key == keys->signed_pre_key_public);
    CPPUNIT_ASSERT((*stored)->signed_pre_key.signature == keys->signed_pre_key_signature);
    CPPUNIT_ASSERT(crypto::xeddsa_verify(c.identity_key.public_key,
                                         sig::signed_pre_key_message((*stored)->signed_pre_key.key_pair.public_key),
                                         (*stored)->signed_pre_key.signature));
  }

  struct Party {
    std::string agent;
    std::shared_ptr<DatabaseSignalStore> store;
    std::unique_ptr<sig::SignalProtocol> signal;
    sig::SignalAddress address;
    sig::LocalKeys keys;
  };

  Party party(const std::string& agent, const std::string& jid) {
    Party p;
    p.agent = agent;
    CPPUNIT_ASSERT(DatabaseCredentialsStore(t_->db()).save(agent, fresh_credentials()).ok());
    auto a = sig::signal_address_from_jid(jid);
    CPPUNIT_ASSERT(a.ok());
    p.address = a.value();
    p.store = std::make_shared<DatabaseSignalStore>(t_->db(), agent);
    auto k = sig::SignalProtocol::initialize(*p.store);
    CPPUNIT_ASSERT_MESSAGE(k.error().message, k.ok());
    p.keys = k.value();
    reopen(p);
    return p;
  }

  void reopen(Party& p) {
    p.store = std::make_shared<DatabaseSignalStore>(t_->db(), p.agent);
    auto opened = sig::SignalProtocol::open(p.store);
    CPPUNIT_ASSERT_MESSAGE(opened.error().message, opened.ok());
    p.signal = std::move(opened.value());
  }

  std::string send(Party& from, Party& to, const std::string& message) {
    auto ct = from.signal->encrypt(to.address, bytes(message));
    CPPUNIT_ASSERT_MESSAGE(ct.error().message, ct.ok());
    auto pt = ct->type == sig::CiphertextType::pkmsg ? to.signal->decrypt_pkmsg(from.address, ct->data)
                                                     : to.signal->decrypt_msg(from.address, ct->data);
    CPPUNIT_ASSERT_MESSAGE(pt.error().message, pt.ok());
    return text(pt->plaintext);
  }

  void signal_sessions_between_two_agents_survive_restart() {
    Party alice = party("alice", "100000000000001:0@lid");
    Party bob = party("bob", "100000000000002:3@lid");
    // Bob's bundle with a one-time prekey from the database.
    auto otk = DatabasePreKeyStore(t_->db()).generate_pre_keys("bob", 1);
    CPPUNIT_ASSERT(otk.ok());
    sig::PreKeyBundle b;
    b.registration_id = bob.keys.registration_id;
    b.device_id = bob.address.device_id;
    b.pre_key = sig::PreKeyBundle::OneTimePreKey{otk->front().id, otk->front().key_pair.public_key};
    b.signed_pre_key_id = bob.keys.signed_pre_key_id;
    b.signed_pre_key = bob.keys.signed_pre_key_public;
    b.signed_pre_key_signature = bob.keys.signed_pre_key_signature;
    b.identity_key = bob.keys.identity_public;
    auto processed = alice.signal->process_prekey_bundle(bob.address, b);
    CPPUNIT_ASSERT_MESSAGE(processed.error().message, processed.ok());

    CPPUNIT_ASSERT_EQUAL(std::string("hello bob"), send(alice, bob, "hello bob"));
    // The pkmsg consumed Bob's one-time prekey in the database.
    CPPUNIT_ASSERT(!SignalRepository(t_->db()).load_prekey("bob", otk->front().id)->has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("hi alice"), send(bob, alice, "hi alice"));
    auto pending = alice.signal->encrypt(bob.address, bytes("in flight"));
    CPPUNIT_ASSERT(pending.ok());

    // Restart: every object dropped, the database closed and reopened.
    alice.signal.reset();
    bob.signal.reset();
    alice.store.reset();
    bob.store.reset();
    t_->close();
    t_->reopen();
    reopen(alice);
    reopen(bob);
    auto got = pending->type == sig::CiphertextType::pkmsg ? bob.signal->decrypt_pkmsg(alice.address, pending->data)
                                                           : bob.signal->decrypt_msg(alice.address, pending->data);
    CPPUNIT_ASSERT_MESSAGE(got.error().message, got.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("in flight"), text(got->plaintext));
    for (int i = 0; i < 3; ++i) {
      CPPUNIT_ASSERT_EQUAL(std::string("ping"), send(alice, bob, "ping"));
      CPPUNIT_ASSERT_EQUAL(std::string("pong"), send(bob, alice, "pong"));
    }
    auto devices = SignalRepository(t_->db()).session_device_ids("alice", bob.address.name);
    CPPUNIT_ASSERT((*devices == std::vector<std::int32_t>{bob.address.device_id}));
  }
};

class SqliteAdaptersTest : public AdaptersTest {
  CPPUNIT_TEST_SUB_SUITE(SqliteAdaptersTest, AdaptersTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::sqlite; }
};

class PostgresAdaptersTest : public AdaptersTest {
  CPPUNIT_TEST_SUB_SUITE(PostgresAdaptersTest, AdaptersTest);
  CPPUNIT_TEST_SUITE_END();
  Backend backend() const override { return Backend::postgres; }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteAdaptersTest);
CPPUNIT_TEST_SUITE_REGISTRATION(PostgresAdaptersTest);
