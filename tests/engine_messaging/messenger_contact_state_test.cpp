// SPDX-License-Identifier: GPL-3.0-or-later
// Engine state that survives a restart: privacy tokens and PN->LID mappings go to the ContactStore,
// and a new Messenger over the same store attaches the token / addresses the LID without relearning.
// Also the LID_MIGRATION_MAPPING_SYNC payload codec (golden bytes, gzip, bounds) and who may send it.
#include <cppunit/extensions/HelperMacros.h>

#include <ctime>

#include "host/engine/binary/binary_decoder.hpp"
#include "host/engine/messaging/history_sync.hpp"
#include "host/engine/messaging/lid_migration.hpp"
#include "host/engine/messaging/messenger.hpp"
#include "host/engine/signal/message_padding.hpp"
#include "memory_contact_store.hpp"
#include "scripted_channel.hpp"
#include "signal_party.hpp"

using namespace wabot::engine;
using namespace wabot::engine::messaging;
using wabot::test::MemoryContactStore;
using wabot::test::ScriptedChannel;
using namespace wabot::test;

namespace {

Bytes from_hex(const std::string& hex) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

const std::string kMigratedLid = "333333333333333";

// Golden: LidMigrationMappingSyncPayload{ {pn 15559876543, assigned 333333333333333},
// {pn 15550001111, assigned 444, latest 555}, {pn 0, assigned 777}, chat_db_migration_timestamp 1700000000 }.
const char* kPayloadHex = "0a0e08bfbfc3fb3910d5aab3b7a3e54b0a0c08d7dfe8f63910bc0318ab040a0508001089061080e2cfaa06";
// The same payload gzip-wrapped (Python gzip.compress(mtime=0)).
const char* kPayloadGzipHex =
    "1f8b0800000000000203012b00d4ff0a0e08bfbfc3fb3910d5aab3b7a3e54b0a0c08d7dfe8f63910bc0318ab040a0508001089061080e2cfaa06ba36bf842b000000";
// Message{protocolMessage{type 22, lidMigrationMappingSyncMessage{payload with the first pair only}}}.
const char* kMessageHex = "62171016ba01120a100a0e08bfbfc3fb3910d5aab3b7a3e54b";

std::string as_string(const Bytes& b) { return std::string(b.begin(), b.end()); }

// Golden: zlib(HistorySync{syncType RECENT, phoneNumberToLidMappings [15559876543@s.whatsapp.net ->
// 333333333333333@lid, bad -> 9@lid, 1@c.us -> 2@lid, 4@s.whatsapp.net -> 5@s.whatsapp.net],
// nctSalt 010203}) (Python zlib.compress level 9).
const char* kHistoryBlobHex =
    "78dae360ae32e49232343535b5b430373335317628d62bcf482c294e2c28d0cb4b2d11123646050e399929553c5ccc49892942ac96601e3f179ba143"
    "b25e69b110ab115840854bc004dd1c01533491598ccc8c4ccc00531822a9";
// HMAC-SHA256(010203, "333333333333333@lid") and (010203, "222222222222222@lid") (Python hmac).
const char* kCsToken333Hex = "ce936a1c16eabe31bfb1eba172c5a0a911f0f34e295bd521b5bb9c1e4972e6dd";
const char* kCsToken222Hex = "cea6a1d2afb5b21ed39d9ce9f04cc88859ff0eefc7ef3fc2978a380dc8acbebc";

}  // namespace

class LidMigrationCodecTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LidMigrationCodecTest);
  CPPUNIT_TEST(payload_golden_bytes_parse_latest_lid_wins_zero_skipped);
  CPPUNIT_TEST(gzip_wrapped_payload_parses_the_same);
  CPPUNIT_TEST(built_message_matches_golden_bytes_and_round_trips);
  CPPUNIT_TEST(bad_payloads_are_errors);
  CPPUNIT_TEST(inflate_is_bounded);
  CPPUNIT_TEST(history_sync_blob_golden_bytes);
  CPPUNIT_TEST(cs_token_golden_bytes);
  CPPUNIT_TEST_SUITE_END();

 public:
  void payload_golden_bytes_parse_latest_lid_wins_zero_skipped() {
    auto pairs = parse_lid_migration_payload(as_string(from_hex(kPayloadHex)));
    CPPUNIT_ASSERT_MESSAGE(pairs ? "" : pairs.error().message, pairs.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), pairs->size());
    CPPUNIT_ASSERT((pairs->at(0) == store::LidMapping{"15559876543", "333333333333333"}));
    CPPUNIT_ASSERT((pairs->at(1) == store::LidMapping{"15550001111", "555"}));
  }

  void gzip_wrapped_payload_parses_the_same() {
    auto plain = parse_lid_migration_payload(as_string(from_hex(kPayloadHex)));
    auto gz = parse_lid_migration_payload(as_string(from_hex(kPayloadGzipHex)));
    CPPUNIT_ASSERT_MESSAGE(gz ? "" : gz.error().message, gz.ok() && plain.ok());
    CPPUNIT_ASSERT(plain.value() == gz.value());
  }

  void built_message_matches_golden_bytes_and_round_trips() {
    auto m = make_lid_migration_message({{"15559876543", kMigratedLid}, {"not-a-number", "1"}});
    const std::string wire = m.SerializeAsString();
    CPPUNIT_ASSERT(Bytes(wire.begin(), wire.end()) == from_hex(kMessageHex));
    auto pairs = lid_migration_pairs(m);
    CPPUNIT_ASSERT(pairs.has_value() && pairs->ok());
    CPPUNIT_ASSERT((pairs->value() == std::vector<store::LidMapping>{{"15559876543", kMigratedLid}}));
    // Other messages are not LID migrations.
    wabot::proto::Message text;
    text.set_conversation("hi");
    CPPUNIT_ASSERT(!lid_migration_pairs(text).has_value());
    wabot::proto::Message revoke;
    revoke.mutable_protocol_message()->set_type(0);
    CPPUNIT_ASSERT(!lid_migration_pairs(revoke).has_value());
  }

  void bad_payloads_are_errors() {
    CPPUNIT_ASSERT_EQUAL(ErrorCode::malformed, parse_lid_migration_payload("").error().code);
    CPPUNIT_ASSERT_EQUAL(ErrorCode::malformed, parse_lid_migration_payload("\x0a\x05\x08").error().code);  // truncated
    CPPUNIT_ASSERT_EQUAL(ErrorCode::malformed, parse_lid_migration_payload("\x1f\x8b\x08\x00garbage").error().code);
    CPPUNIT_ASSERT_EQUAL(ErrorCode::too_large, parse_lid_migration_payload(std::string(kMaxLidMigrationPayloadBytes + 1, '\0')).error().code);
  }

  void inflate_is_bounded() {
    constexpr auto kAny = binary::CompressionWrapper::zlib_or_gzip;
    // 1 MiB of zeros compresses to ~1 KiB; a 64 KiB bound refuses it instead of allocating it.
    const Bytes gz = from_hex(kPayloadGzipHex);
    auto ok = binary::inflate_bounded(gz, 1024, kAny);
    CPPUNIT_ASSERT(ok.ok() && ok->size() == 43);
    CPPUNIT_ASSERT_EQUAL(ErrorCode::too_large, binary::inflate_bounded(gz, 42, kAny).error().code);
    CPPUNIT_ASSERT_EQUAL(ErrorCode::malformed, binary::inflate_bounded(Bytes(gz.begin(), gz.begin() + 20), 1024, kAny).error().code);
  }

  void history_sync_blob_golden_bytes() {
    auto parsed = parse_history_sync_blob(from_hex(kHistoryBlobHex));
    CPPUNIT_ASSERT_MESSAGE(parsed ? "" : parsed.error().message, parsed.ok());
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(3), parsed->sync_type);
    // "bad" is no JID and 5@s.whatsapp.net is no LID: skipped; c.us is a phone number.
    CPPUNIT_ASSERT((parsed->mappings == std::vector<store::LidMapping>{{"15559876543", "333333333333333"}, {"1", "2"}}));
    CPPUNIT_ASSERT((parsed->nct_salt == Bytes{1, 2, 3}));
    // Bounded: the same blob with a 50-byte inflate limit is refused; garbage is malformed.
    CPPUNIT_ASSERT_EQUAL(ErrorCode::too_large, parse_history_sync_blob(from_hex(kHistoryBlobHex), 50).error().code);
    CPPUNIT_ASSERT_EQUAL(ErrorCode::malformed, parse_history_sync_blob(Bytes{1, 2, 3, 4}).error().code);
  }

  void cs_token_golden_bytes() {
    CPPUNIT_ASSERT(make_cs_token(Bytes{1, 2, 3}, "333333333333333") == from_hex(kCsToken333Hex));
  }
};

class MessengerContactStateTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MessengerContactStateTest);
  CPPUNIT_TEST(privacy_token_survives_a_restart);
  CPPUNIT_TEST(privacy_token_from_the_pn_is_used_for_the_lid_and_expires);
  CPPUNIT_TEST(store_failure_keeps_the_token_for_this_run);
  CPPUNIT_TEST(lid_migration_from_our_phone_is_stored_and_used_after_a_restart);
  CPPUNIT_TEST(lid_migration_from_someone_else_is_ignored);
  CPPUNIT_TEST(usync_mapping_survives_a_restart);
  CPPUNIT_TEST(cs_token_from_the_stored_salt_when_no_tc_token);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    channel_ = std::make_shared<ScriptedChannel>();
    peer_ = std::make_unique<Party>();
    own_store_ = std::make_shared<wabot::test::MemorySignalStore>();
    (void)signal::SignalProtocol::initialize(*own_store_);
    contacts_ = std::make_shared<MemoryContactStore>();
    listener_ = std::make_shared<Recorder>();
  }

  void privacy_token_survives_a_restart() {
    auto m1 = make_messenger(contacts_);
    m1->handle_node(token_notification(kPeerLid, now_s(), Bytes{9, 8, 7}));
    m1.reset();  // the host restarts: a new Messenger over the same stores

    auto m2 = make_messenger(contacts_);
    auto result = start_send(m2, kPeerPn);
    auto msg = answer_usync_and_bundle(kPeerLid.user);
    const Node* tc = msg.node.child("tctoken");
    CPPUNIT_ASSERT_MESSAGE("no <tctoken> after the restart", tc != nullptr);
    CPPUNIT_ASSERT(*tc->bytes() == (Bytes{9, 8, 7}));
    msg.callback(Node("ack", {{"class", "message"}, {"id", msg.node.attr_or("id")}, {"t", "1"}}));
    CPPUNIT_ASSERT(result->done && result->value.ok());

    // Control: a Messenger over an empty store has no token to attach.
    setUp();
    auto m3 = make_messenger(contacts_);
    start_send(m3, kPeerPn);
    CPPUNIT_ASSERT(answer_usync_and_bundle(kPeerLid.user).node.child("tctoken") == nullptr);
  }

  void privacy_token_from_the_pn_is_used_for_the_lid_and_expires() {
    auto m1 = make_messenger(contacts_);
    // From the PN before the LID is known: stored under the PN, found for the LID chat.
    m1->handle_node(token_notification(kPeerPn, now_s(), Bytes{5}));
    start_send(m1, kPeerPn);
    auto msg = answer_usync_and_bundle(kPeerLid.user);
    CPPUNIT_ASSERT_EQUAL(kPeerLid.to_string(), msg.node.attr_or("to"));
    CPPUNIT_ASSERT(msg.node.child("tctoken") && *msg.node.child("tctoken")->bytes() == Bytes{5});
    // An older token arriving late does not replace the newer one.
    m1->handle_node(token_notification(kPeerPn, now_s() - 100, Bytes{4}));
    auto stored = contacts_->privacy_token(kPeerPn.to_string());
    CPPUNIT_ASSERT(stored.ok() && stored->has_value() && (*stored)->token == Bytes{5});
    // 28 days old: no longer attached.
    setUp();
    auto m2 = make_messenger(contacts_);
    m2->handle_node(token_notification(kPeerLid, now_s() - 28 * 24 * 3600 - 10, Bytes{6}));
    start_send(m2, kPeerPn);
    CPPUNIT_ASSERT(answer_usync_and_bundle(kPeerLid.user).node.child("tctoken") == nullptr);
  }

  void store_failure_keeps_the_token_for_this_run() {
    contacts_->fail_all = true;
    auto m1 = make_messenger(contacts_);
    m1->handle_node(token_notification(kPeerLid, now_s(), Bytes{7, 7}));
    start_send(m1, kPeerPn);
    auto msg = answer_usync_and_bundle(kPeerLid.user);
    CPPUNIT_ASSERT_EQUAL(kPeerLid.to_string(), msg.node.attr_or("to"));
    CPPUNIT_ASSERT(msg.node.child("tctoken") && *msg.node.child("tctoken")->bytes() == (Bytes{7, 7}));
    contacts_->fail_all = false;
    auto stored = contacts_->privacy_token(kPeerLid.to_string());
    CPPUNIT_ASSERT(stored.ok() && !stored->has_value());  // nothing reached the failing store
  }

  void lid_migration_from_our_phone_is_stored_and_used_after_a_restart() {
    auto m1 = make_messenger(contacts_);
    CPPUNIT_ASSERT(!m1->lid_for(kPeerPn).has_value());
    // Our phone (device 0 of our account) sends the peer protocol message to us.
    Party phone;
    Node sync = encrypted_from(phone, Jid(kOwnPn.user, server::user, 0), "PEER1",
                               make_lid_migration_message({{kPeerPn.user, kMigratedLid}, {"15550001111", "444"}}));
    m1->handle_node(sync);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), listener_->undecryptable);
    auto receipt = channel_->sent().back();
    CPPUNIT_ASSERT_EQUAL(std::string("receipt"), receipt.tag);
    CPPUNIT_ASSERT_EQUAL(std::string("peer_msg"), receipt.attr_or("type"));
    auto stored = contacts_->lid_for_pn(kPeerPn.user);
    CPPUNIT_ASSERT(stored.ok() && stored->value_or("") == kMigratedLid);
    auto second = contacts_->pn_for_lid("444");
    CPPUNIT_ASSERT(second.ok() && second->value_or("") == "15550001111");
    m1.reset();

    // After a restart the mapping is known before any usync, and the send goes to the LID, encrypted
    // per LID device, although the usync answer carries no <lid>.
    auto m2 = make_messenger(contacts_);
    auto lid = m2->lid_for(kPeerPn);
    CPPUNIT_ASSERT(lid && lid->user == kMigratedLid);
    auto result = start_send(m2, kPeerPn);
    auto msg = answer_usync_and_bundle(std::nullopt);
    CPPUNIT_ASSERT_EQUAL(Jid(kMigratedLid, server::lid).to_string(), msg.node.attr_or("to"));
    std::size_t peer_copies = 0;
    for (const Node* to : msg.node.child("participants")->children_named("to")) {
      auto jid = to->attr_jid("jid");
      CPPUNIT_ASSERT(jid.has_value());
      if (jid->user == kOwnLid.user) continue;
      CPPUNIT_ASSERT_EQUAL(kMigratedLid, jid->user);
      CPPUNIT_ASSERT(jid->is_lid());
      ++peer_copies;
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), peer_copies);
    msg.callback(Node("ack", {{"class", "message"}, {"id", msg.node.attr_or("id")}, {"t", "1"}}));
    CPPUNIT_ASSERT(result->done && result->value.ok());
    CPPUNIT_ASSERT_EQUAL(kMigratedLid, result->value->chat.user);
  }

  void lid_migration_from_someone_else_is_ignored() {
    auto m1 = make_messenger(contacts_);
    Node sync = encrypted_from(*peer_, Jid(kPeerLid.user, server::lid, 0), "EVIL1",
                               make_lid_migration_message({{"15550009999", "666"}}));
    m1->handle_node(sync);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), listener_->undecryptable);  // decrypted, receipted, not acted on
    auto stored = contacts_->lid_for_pn("15550009999");
    CPPUNIT_ASSERT(stored.ok() && !stored->has_value());
    CPPUNIT_ASSERT(!m1->lid_for(Jid("15550009999", server::user)).has_value());
  }

  void usync_mapping_survives_a_restart() {
    auto m1 = make_messenger(contacts_);
    start_send(m1, kPeerPn);
    answer_usync_and_bundle(kPeerLid.user);
    m1.reset();
    const int writes_before = contacts_->writes;
    auto m2 = make_messenger(contacts_);
    auto lid = m2->lid_for(kPeerPn);
    CPPUNIT_ASSERT(lid && *lid == kPeerLid);
    // Looking it up again is served from the cache: no second store read.
    const int reads = contacts_->reads;
    CPPUNIT_ASSERT(m2->lid_for(kPeerPn).has_value());
    CPPUNIT_ASSERT_EQUAL(reads, static_cast<int>(contacts_->reads));
    // Only our own pair (known at start) may be written again; the peer's pair is not.
    CPPUNIT_ASSERT(contacts_->writes - writes_before <= 1);
  }

  void cs_token_from_the_stored_salt_when_no_tc_token() {
    // No salt: neither token.
    auto m1 = make_messenger(contacts_);
    start_send(m1, kPeerPn);
    auto plain = answer_usync_and_bundle(kPeerLid.user);
    CPPUNIT_ASSERT(plain.node.child("tctoken") == nullptr && plain.node.child("cstoken") == nullptr);
    m1.reset();

    // A salt in the store (history sync of an earlier run): a restarted Messenger sends the cstoken.
    CPPUNIT_ASSERT(contacts_->put_nct_salt(Bytes{1, 2, 3}).ok());
    auto m2 = make_messenger(contacts_);
    start_send(m2, kPeerPn);
    auto msg = answer_usync_and_bundle(kPeerLid.user);
    const Node* cs = msg.node.child("cstoken");
    CPPUNIT_ASSERT_MESSAGE("no <cstoken>", cs != nullptr);
    CPPUNIT_ASSERT(*cs->bytes() == from_hex(kCsToken222Hex));
    CPPUNIT_ASSERT(msg.node.child("tctoken") == nullptr);

    // A trusted-contact token wins over the cstoken.
    m2->handle_node(token_notification(kPeerLid, now_s(), Bytes{3, 3}));
    start_send(m2, kPeerPn);
    auto again = channel_->take();  // devices and sessions are known now: straight to the message
    CPPUNIT_ASSERT_EQUAL(std::string("message"), again.node.tag);
    CPPUNIT_ASSERT(again.node.child("tctoken") && *again.node.child("tctoken")->bytes() == (Bytes{3, 3}));
    CPPUNIT_ASSERT(again.node.child("cstoken") == nullptr);
  }

 private:
  struct Recorder : MessagingListener {
    std::vector<InboundMessage> messages;
    std::size_t undecryptable = 0;
    void on_message(const InboundMessage& m) override { messages.push_back(m); }
    void on_undecryptable(const std::string&, const Jid&, const std::string&) override { ++undecryptable; }
  };
  struct SendResult {
    bool done = false;
    Result<SentMessage> value = Error(ErrorCode::unset, "pending");
  };

  static std::int64_t now_s() { return static_cast<std::int64_t>(std::time(nullptr)); }

  std::shared_ptr<Messenger> make_messenger(std::shared_ptr<store::ContactStore> contacts) {
    OwnIdentity own{kOwnPn, kOwnLid, Bytes{1, 2, 3}, 4242};
    MessengerConfig cfg;
    cfg.agent_id = "t";
    return Messenger::create(cfg, own, channel_, std::move(signal::SignalProtocol::open(own_store_).value()), listener_,
                             std::move(contacts));
  }

  static Node token_notification(const Jid& from, std::int64_t t, Bytes token) {
    Node tokens("tokens", {}, NodeList{Node("token", {{"jid", kOwnLid.to_non_ad()}, {"t", std::to_string(t)}, {"type", "trusted_contact"}}, std::move(token))});
    return Node("notification", {{"from", from}, {"id", "n" + std::to_string(t)}, {"type", "privacy_token"}}, NodeList{tokens});
  }

  // A pkmsg from `sender` (a party that built its session from our keys) carrying `message`.
  Node encrypted_from(Party& sender, const Jid& from, const std::string& id, const wabot::proto::Message& message) {
    auto ours = std::move(signal::SignalProtocol::open(own_store_).value());
    auto keys = ours->local_keys().value();
    auto pre = ours->create_pre_keys(next_own_pre_key_++, 1).value();
    signal::PreKeyBundle b;
    b.registration_id = keys.registration_id;
    b.device_id = 2;
    b.pre_key = signal::PreKeyBundle::OneTimePreKey{pre[0].id, pre[0].key_pair.public_key};
    b.signed_pre_key_id = keys.signed_pre_key_id;
    b.signed_pre_key = keys.signed_pre_key_public;
    b.signed_pre_key_signature = keys.signed_pre_key_signature;
    b.identity_key = keys.identity_public;
    store::SignalAddress us{kOwnLid.user + "_1", 2};
    CPPUNIT_ASSERT(sender.signal->process_prekey_bundle(us, b).ok());
    std::string plain = message.SerializeAsString();
    auto ct = sender.signal->encrypt(us, signal::pad_message(Bytes(plain.begin(), plain.end())));
    CPPUNIT_ASSERT(ct.ok());
    return Node("message", {{"from", from}, {"id", id}, {"t", "1700000001"}, {"type", "text"}, {"category", "peer"}},
                NodeList{Node("enc", {{"v", "2"}, {"type", "pkmsg"}}, ct->data)});
  }

  std::shared_ptr<SendResult> start_send(const std::shared_ptr<Messenger>& m, const Jid& to) {
    auto r = std::make_shared<SendResult>();
    m->send_text({to, "hello", {}, std::nullopt}, [r](Result<SentMessage> v) {
      r->done = true;
      r->value = std::move(v);
    });
    return r;
  }

  // Answers the usync (peer: devices 0 and 1, with <lid> when given; us: 0 and 2) and the bundle
  // fetch; returns the message stanza's pending request.
  ScriptedChannel::Pending answer_usync_and_bundle(std::optional<std::string> peer_lid) {
    auto usync = channel_->take();
    CPPUNIT_ASSERT_EQUAL(std::string("usync"), usync.node.attr_or("xmlns"));
    auto devices = [](std::vector<std::uint16_t> ids) {
      NodeList l;
      for (auto id : ids) l.push_back(id == 0 ? Node("device", {{"id", "0"}}) : Node("device", {{"id", std::to_string(id)}, {"key-index", "1"}}));
      return Node("devices", {}, NodeList{Node("device-list", {}, std::move(l))});
    };
    NodeList peer_children{devices({0, 1})};
    if (peer_lid) peer_children.push_back(Node("lid", {{"val", Jid(*peer_lid, server::lid)}}));
    NodeList users{Node("user", {{"jid", kPeerPn}}, std::move(peer_children)),
                   Node("user", {{"jid", kOwnPn.to_non_ad()}}, NodeList{devices({0, 2}), Node("lid", {{"val", kOwnLid.to_non_ad()}})})};
    usync.callback(Node("iq", {{"type", "result"}}, NodeList{Node("usync", {}, NodeList{Node("list", {}, std::move(users))})}));
    auto fetch = channel_->take();
    if (fetch.node.tag == "message") return fetch;
    CPPUNIT_ASSERT_EQUAL(std::string("encrypt"), fetch.node.attr_or("xmlns"));
    NodeList list;
    for (const Node* u : fetch.node.child("key")->children_named("user")) {
      auto keys = peer_->signal->local_keys().value();
      auto pre = peer_->signal->create_pre_keys(next_pre_key_++, 1).value();
      list.push_back(Node("user", {{"jid", *u->attr_jid("jid")}},
                          NodeList{Node("registration", {}, be(keys.registration_id, 4)), Node("type", {}, Bytes{5}),
                                   Node("identity", {}, Bytes(keys.identity_public.begin(), keys.identity_public.end())),
                                   Node("skey", {}, NodeList{Node("id", {}, be(keys.signed_pre_key_id, 3)),
                                                             Node("value", {}, Bytes(keys.signed_pre_key_public.begin(), keys.signed_pre_key_public.end())),
                                                             Node("signature", {}, Bytes(keys.signed_pre_key_signature.begin(), keys.signed_pre_key_signature.end()))}),
                                   Node("key", {}, NodeList{Node("id", {}, be(pre[0].id, 3)),
                                                            Node("value", {}, Bytes(pre[0].key_pair.public_key.begin(), pre[0].key_pair.public_key.end()))})}));
    }
    fetch.callback(Node("iq", {{"type", "result"}}, NodeList{Node("list", {}, std::move(list))}));
    return channel_->take();
  }

  std::shared_ptr<ScriptedChannel> channel_;
  std::unique_ptr<Party> peer_;
  std::shared_ptr<wabot::test::MemorySignalStore> own_store_;
  std::shared_ptr<MemoryContactStore> contacts_;
  std::shared_ptr<Recorder> listener_;
  std::uint32_t next_pre_key_ = 100;
  std::uint32_t next_own_pre_key_ = 50;
};

CPPUNIT_TEST_SUITE_REGISTRATION(LidMigrationCodecTest);
CPPUNIT_TEST_SUITE_REGISTRATION(MessengerContactStateTest);
