// SPDX-License-Identifier: GPL-3.0-or-later
// Engine contact state through the simulator with real Baileys clients: a Baileys client linked as our
// OTHER device sends us a LID_MIGRATION_MAPPING_SYNC peer message, or uploads a history-sync blob and
// announces it; the engine stores the pairs (and the NCT salt) in its database, and after a restart
// over the same SQLite database it knows the contact's LID before any usync and its send to the phone
// number reaches the contact (a second Baileys client) at that LID.
#include <cppunit/extensions/HelperMacros.h>

#include <thread>

#include "engine_harness.hpp"

using namespace wabot::engine;
using namespace wabot::engine::test;
using wabot::test::WaPeerProcess;

namespace {

const char* kEnginePhone = "15551234567";
const char* kContactPhone = "15559876543";

// Polls `check` until it is true or the deadline passes (the stanza is handled on the client's thread).
bool eventually(const std::function<bool()>& check, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (check()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return check();
}

}  // namespace

class ContactStateInteropTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ContactStateInteropTest);
  CPPUNIT_TEST(lid_migration_from_our_other_device_survives_a_restart);
  CPPUNIT_TEST(history_sync_from_our_other_device_is_downloaded_and_stored);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    CPPUNIT_ASSERT_MESSAGE("tests/wa_sim/node_modules is missing: run `npm ci` in tests/wa_sim", WaSimProcess::available());
    sim_ = std::make_unique<WaSimProcess>();
    tmp_ = std::make_unique<TempDir>();
    loop_ = std::make_unique<transport::EventLoop>(2);
    db_url_ = "sqlite://" + tmp_->path("wabot.db");
    contact_ = std::make_unique<WaPeerProcess>(WaSimProcess::sim_dir(), control_url(*sim_), sim_->ws_url(), tmp_->path("contact"));
    auto paired = contact_->call("pair", WaPeerProcess::args({{"phone", std::string(kContactPhone)}}));
    contact_pn_ = Jid::parse(paired->getValue<std::string>("jid")).value().to_non_ad();
    contact_lid_ = Jid::parse(paired->getValue<std::string>("lid")).value().to_non_ad();
    engine_ = std::make_unique<EngineAgent>(*loop_, db_url_, "agent-1", sim_->ws_url(), sim_->root_key(), sim_info(*sim_, "mediaCaFile"));
    engine_->pair(*sim_, kEnginePhone);
    engine_->messenger().send_presence_available();
    // A Baileys client linked to OUR phone: another companion device of the engine's account.
    own_device_ = std::make_unique<WaPeerProcess>(WaSimProcess::sim_dir(), control_url(*sim_), sim_->ws_url(), tmp_->path("own-device"));
    own_device_->call("pair", WaPeerProcess::args({{"phone", std::string(kEnginePhone)}}));
  }

  void tearDown() override {
    engine_.reset();
    own_device_.reset();
    contact_.reset();
    loop_.reset();
    sim_.reset();
    tmp_.reset();
  }

  void lid_migration_from_our_other_device_survives_a_restart() {
    CPPUNIT_ASSERT(contact_pn_.is_pn() && contact_lid_.is_lid());
    CPPUNIT_ASSERT_MESSAGE("the engine knew the contact's LID before the sync", !engine_->messenger().lid_for(contact_pn_));

    auto a = WaPeerProcess::args({{"toDevice", engine_->messenger().own().device_jid.to_string()}});
    a->set("lidMappings", pairs_json());
    own_device_->call("sendProtocol", a);

    auto stored = [&] {
      auto lid = engine_->contacts().lid_for_pn(contact_pn_.user);
      return lid.ok() && lid->value_or("") == contact_lid_.user;
    };
    CPPUNIT_ASSERT_MESSAGE("the pair never reached the database; undecryptable: " + join(engine_->events().undecryptable()), eventually(stored));
    CPPUNIT_ASSERT(engine_->events().undecryptable().empty());

    // Restart over the same database: the mapping is known at once, without a usync.
    engine_.reset();
    restart_engine();
    auto lid = engine_->messenger().lid_for(contact_pn_);
    CPPUNIT_ASSERT_MESSAGE("no mapping after the restart", lid.has_value());
    CPPUNIT_ASSERT_EQUAL(contact_lid_.to_string(), lid->to_string());

    auto sent = engine_->send_text(contact_pn_, "to the migrated lid");
    CPPUNIT_ASSERT_MESSAGE(sent.ok() ? "" : sent.error().message, sent.ok());
    CPPUNIT_ASSERT_EQUAL(contact_lid_.to_string(), sent->chat.to_string());
    contact_->call("waitMessage", WaPeerProcess::args({{"text", std::string("to the migrated lid")}, {"timeout_ms", 30000}}));
  }

  void history_sync_from_our_other_device_is_downloaded_and_stored() {
    CPPUNIT_ASSERT(!engine_->messenger().lid_for(contact_pn_));
    // The blob carries the contact's pair and an NCT salt (01 02 03), zlib-compressed, encrypted as
    // md-msg-hist and uploaded to the simulator's media host by Baileys.
    auto a = WaPeerProcess::args({{"toDevice", engine_->messenger().own().device_jid.to_string()}, {"nctSaltBase64", std::string("AQID")}});
    a->set("lidMappings", pairs_json());
    own_device_->call("sendHistorySync", a);

    auto stored = [&] {
      auto lid = engine_->contacts().lid_for_pn(contact_pn_.user);
      auto salt = engine_->contacts().nct_salt();
      return lid.ok() && lid->value_or("") == contact_lid_.user && salt.ok() && salt->has_value() &&
             **salt == crypto::Bytes{1, 2, 3};
    };
    CPPUNIT_ASSERT_MESSAGE("the blob's pair and salt never reached the database; undecryptable: " + join(engine_->events().undecryptable()),
                           eventually(stored));

    restart_engine();
    auto lid = engine_->messenger().lid_for(contact_pn_);
    CPPUNIT_ASSERT(lid && *lid == contact_lid_);
    // No trusted-contact token is held, so the send carries the <cstoken>; the simulator accepts it.
    auto sent = engine_->send_text(contact_pn_, "after the history sync");
    CPPUNIT_ASSERT_MESSAGE(sent.ok() ? "" : sent.error().message, sent.ok());
    CPPUNIT_ASSERT_EQUAL(contact_lid_.to_string(), sent->chat.to_string());
    contact_->call("waitMessage", WaPeerProcess::args({{"text", std::string("after the history sync")}, {"timeout_ms", 30000}}));
  }

 private:
  void restart_engine() {
    engine_.reset();
    engine_ = std::make_unique<EngineAgent>(*loop_, db_url_, "agent-1", sim_->ws_url(), sim_->root_key(), sim_info(*sim_, "mediaCaFile"));
    CPPUNIT_ASSERT(engine_->wait_connected());
  }

  Poco::JSON::Array::Ptr pairs_json() const {
    Poco::JSON::Array::Ptr pairs = new Poco::JSON::Array;
    Poco::JSON::Object::Ptr pair = new Poco::JSON::Object;
    pair->set("pn", contact_pn_.user);
    pair->set("lid", contact_lid_.user);
    pairs->add(pair);
    return pairs;
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += x + "; ";
    return s;
  }

  std::unique_ptr<WaSimProcess> sim_;
  std::unique_ptr<TempDir> tmp_;
  std::unique_ptr<transport::EventLoop> loop_;
  std::string db_url_;
  std::unique_ptr<WaPeerProcess> contact_;
  std::unique_ptr<WaPeerProcess> own_device_;
  std::unique_ptr<EngineAgent> engine_;
  Jid contact_pn_;
  Jid contact_lid_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ContactStateInteropTest);
