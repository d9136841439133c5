// SPDX-License-Identifier: GPL-3.0-or-later
// The Signal facade end to end: in-process parties over in-memory stores establish sessions from
// bundles, exchange pkmsg/msg both ways, survive restarts, handle identity changes and group keys.
#include "host/engine/signal/signal_keys.hpp"
#include "host/engine/signal/signal_protocol.hpp"

#include "memory_signal_store.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace c = wabot::engine::crypto;
namespace s = wabot::engine::signal;
using wabot::test::MemorySignalStore;

namespace {

c::Bytes bytes(const std::string& text) { return c::Bytes(text.begin(), text.end()); }
std::string text(const c::Bytes& b) { return std::string(b.begin(), b.end()); }

// One device of one user: its store, its facade, and the address others use for it.
struct Party {
  std::shared_ptr<MemorySignalStore> store = std::make_shared<MemorySignalStore>();
  std::unique_ptr<s::SignalProtocol> signal;
  s::SignalAddress address;
  s::LocalKeys keys;
  std::uint32_t next_pre_key = 1;

  explicit Party(std::string jid) {
    auto a = s::signal_address_from_jid(jid);
    CPPUNIT_ASSERT_MESSAGE(a.error().message, a.ok());
    address = a.value();
    auto k = s::SignalProtocol::initialize(*store);
    CPPUNIT_ASSERT_MESSAGE(k.error().message, k.ok());
    keys = k.value();
    open();
  }
  void open() {
    auto opened = s::SignalProtocol::open(store);
    CPPUNIT_ASSERT_MESSAGE(opened.error().message, opened.ok());
    signal = std::move(opened.value());
  }
  // The "restart": new facade objects over a copy of the stored state, as after a process restart.
  void restart() {
    signal.reset();
    store = store->clone();
    open();
  }
  s::PreKeyBundle bundle(bool with_one_time_key = true) {
    s::PreKeyBundle b;
    b.registration_id = keys.registration_id;
    b.device_id = address.device_id;
    if (with_one_time_key) {
      auto created = signal->create_pre_keys(next_pre_key, 1);
      CPPUNIT_ASSERT(created.ok());
      next_pre_key++;
      b.pre_key = s::PreKeyBundle::OneTimePreKey{created.value()[0].id, created.value()[0].key_pair.public_key};
    }
    b.signed_pre_key_id = keys.signed_pre_key_id;
    b.signed_pre_key = keys.signed_pre_key_public;
    b.signed_pre_key_signature = keys.signed_pre_key_signature;
    b.identity_key = keys.identity_public;
    return b;
  }
};

void connect(Party& from, Party& to, bool with_one_time_key = true) {
  auto r = from.signal->process_prekey_bundle(to.address, to.bundle(with_one_time_key));
  CPPUNIT_ASSERT_MESSAGE(r.error().message, r.ok());
}

std::string send(Party& from, Party& to, const std::string& message, s::CiphertextType expected) {
  auto ct = from.signal->encrypt(to.address, bytes(message));
  CPPUNIT_ASSERT_MESSAGE(ct.error().message, ct.ok());
  CPPUNIT_ASSERT_EQUAL(std::string(s::to_string(expected)), std::string(s::to_string(ct->type)));
  auto pt = ct->type == s::CiphertextType::pkmsg ? to.signal->decrypt_pkmsg(from.address, ct->data)
                                                 : to.signal->decrypt_msg(from.address, ct->data);
  CPPUNIT_ASSERT_MESSAGE(pt.error().message, pt.ok());
  return text(pt->plaintext);
}

s::SenderKeyName group_name(const Party& p) { return s::SenderKeyName{"120363000000000000@g.us", p.address}; }

}  // namespace

class SignalProtocolTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SignalProtocolTest);
  CPPUNIT_TEST(addresses_follow_the_reference_naming);
  CPPUNIT_TEST(initialize_creates_signed_identity_once);
  CPPUNIT_TEST(pre_key_ids_are_consecutive_and_wrap_at_three_bytes);
  CPPUNIT_TEST(session_from_bundle_exchanges_pkmsg_then_msg_both_ways);
  CPPUNIT_TEST(pkmsg_consumes_the_one_time_prekey);
  CPPUNIT_TEST(bundle_without_one_time_prekey_still_builds_a_session);
  CPPUNIT_TEST(sessions_survive_a_restart_without_bad_mac);
  CPPUNIT_TEST(bundle_with_bad_signature_is_refused);
  CPPUNIT_TEST(changed_identity_in_pkmsg_drops_old_session_and_trusts_new_key);
  CPPUNIT_TEST(changed_identity_in_bundle_is_reported_and_trusted);
  CPPUNIT_TEST(failed_pkmsg_or_bundle_with_new_identity_keeps_the_old_session);
  CPPUNIT_TEST(tampered_garbage_and_replayed_messages_are_refused);
  CPPUNIT_TEST(every_single_byte_corruption_is_survived);
  CPPUNIT_TEST(no_session_is_an_error_value);
  CPPUNIT_TEST(store_failures_surface_with_their_cause);
  CPPUNIT_TEST(forget_identity_removes_sessions_and_identities);
  CPPUNIT_TEST(sessions_migrate_from_pn_to_lid_and_keep_working);
  CPPUNIT_TEST(group_sender_keys_round_trip_with_three_members);
  CPPUNIT_TEST(group_messages_need_the_distribution_and_refuse_tampering);
  CPPUNIT_TEST(concurrent_sends_and_receives_of_one_agent_stay_consistent);
  CPPUNIT_TEST_SUITE_END();

 public:
  void addresses_follow_the_reference_naming() {
    auto pn = s::signal_address_from_jid("15551234567@s.whatsapp.net");
    CPPUNIT_ASSERT(pn.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("15551234567"), pn->name);
    CPPUNIT_ASSERT_EQUAL(0, pn->device_id);
    auto lid = s::signal_address_from_jid("123456789012345:7@lid");
    CPPUNIT_ASSERT(lid.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("123456789012345_1"), lid->name);
    CPPUNIT_ASSERT_EQUAL(7, lid->device_id);
    CPPUNIT_ASSERT_EQUAL(std::string("123456789012345_1.7"), lid->to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("1_128"), s::signal_address_from_jid("1:99@hosted")->name);
    CPPUNIT_ASSERT_EQUAL(std::string("1_129"), s::signal_address_from_jid("1:99@hosted.lid")->name);
    CPPUNIT_ASSERT_EQUAL(std::string("15551234567"), s::signal_address_from_jid("15551234567.0:3@s.whatsapp.net")->name);
    CPPUNIT_ASSERT(!s::signal_address_from_jid("120363000000000000@g.us").ok());
    CPPUNIT_ASSERT(!s::signal_address_from_jid("status@broadcast").ok());
    CPPUNIT_ASSERT(!s::signal_address_from_jid("123:x@lid").ok());
    CPPUNIT_ASSERT(!s::signal_address_from_jid("123:@lid").ok());
    CPPUNIT_ASSERT(!s::signal_address_from_jid("no-at-sign").ok());
    CPPUNIT_ASSERT(!s::signal_address_from_jid("@lid").ok());
    CPPUNIT_ASSERT_EQUAL(s::SignalErrorCode::invalid_input, s::signal_address_from_jid("abc@lid").error().code);
  }

  void initialize_creates_signed_identity_once() {
    MemorySignalStore store;
    auto first = s::SignalProtocol::initialize(store);
    CPPUNIT_ASSERT(first.ok());
    CPPUNIT_ASSERT(first->registration_id >= 1 && first->registration_id <= 16380);
    CPPUNIT_ASSERT_EQUAL(1u, first->signed_pre_key_id);
    CPPUNIT_ASSERT(c::xeddsa_verify(first->identity_public, s::signed_pre_key_message(first->signed_pre_key_public),
                                    first->signed_pre_key_signature));
    auto second = s::SignalProtocol::initialize(store);
    CPPUNIT_ASSERT(second.ok());
    CPPUNIT_ASSERT(first->identity_public == second->identity_public);
    CPPUNIT_ASSERT(first->signed_pre_key_public == second->signed_pre_key_public);
    CPPUNIT_ASSERT_EQUAL(first->registration_id, second->registration_id);
  }

  void pre_key_ids_are_consecutive_and_wrap_at_three_bytes() {
    auto keys = s::generate_pre_keys(s::kMaxPreKeyId - 1, 4);
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), keys.size());
    CPPUNIT_ASSERT_EQUAL(s::kMaxPreKeyId - 1, keys[0].id);
    CPPUNIT_ASSERT_EQUAL(s::kMaxPreKeyId, keys[1].id);
    CPPUNIT_ASSERT_EQUAL(1u, keys[2].id);
    CPPUNIT_ASSERT_EQUAL(2u, keys[3].id);
    CPPUNIT_ASSERT(keys[0].key_pair.public_key != keys[1].key_pair.public_key);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1000), s::generate_pre_keys(1, 5000).size());
    CPPUNIT_ASSERT_EQUAL(1u, s::generate_pre_keys(0, 1)[0].id);
  }

  void session_from_bundle_exchanges_pkmsg_then_msg_both_ways() {
    Party alice("100000000000001:0@lid"), bob("100000000000002:3@lid");
    connect(alice, bob);
    CPPUNIT_ASSERT(alice.signal->has_session(bob.address).value());
    CPPUNIT_ASSERT(!bob.signal->has_session(alice.address).value());
    // Until Bob answers, Alice's messages carry the prekey header.
    CPPUNIT_ASSERT_EQUAL(std::string("hello bob"), send(alice, bob, "hello bob", s::CiphertextType::pkmsg));
    CPPUNIT_ASSERT_EQUAL(std::string("again"), send(alice, bob, "again", s::CiphertextType::pkmsg));
    CPPUNIT_ASSERT(bob.signal->has_session(alice.address).value());
    CPPUNIT_ASSERT_EQUAL(std::string("hi alice"), send(bob, alice, "hi alice", s::CiphertextType::msg));
    CPPUNIT_ASSERT_EQUAL(std::string("now a msg"), send(alice, bob, "now a msg", s::CiphertextType::msg));
    for (int i = 0; i < 5; ++i) {
      CPPUNIT_ASSERT_EQUAL(std::string("ping") + std::to_string(i), send(bob, alice, "ping" + std::to_string(i), s::CiphertextType::msg));
      CPPUNIT_ASSERT_EQUAL(std::string("pong") + std::to_string(i), send(alice, bob, "pong" + std::to_string(i), s::CiphertextType::msg));
    }
    // Out-of-order delivery within a chain.
    auto m1 = alice.signal->encrypt(bob.address, bytes("first"));
    auto m2 = alice.signal->encrypt(bob.address, bytes("second"));
    CPPUNIT_ASSERT_EQUAL(std::string("second"), text(bob.signal->decrypt_msg(alice.address, m2->data)->plaintext));
    CPPUNIT_ASSERT_EQUAL(std::string("first"), text(bob.signal->decrypt_msg(alice.address, m1->data)->plaintext));
  }

  void pkmsg_consumes_the_one_time_prekey() {
    Party alice("15550000001@s.whatsapp.net"), bob("15550000002@s.whatsapp.net");
    connect(alice, bob);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), bob.store->pre_key_count());
    send(alice, bob, "x", s::CiphertextType::pkmsg);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), bob.store->pre_key_count());
  }

  void bundle_without_one_time_prekey_still_builds_a_session() {
    Party alice("100000000000001@lid"), bob("100000000000002@lid");
    connect(alice, bob, false);
    CPPUNIT_ASSERT_EQUAL(std::string("no otk"), send(alice, bob, "no otk", s::CiphertextType::pkmsg));
    CPPUNIT_ASSERT_EQUAL(std::string("reply"), send(bob, alice, "reply", s::CiphertextType::msg));
  }

  void sessions_survive_a_restart_without_bad_mac() {
    Party alice("100000000000001@lid"), bob("100000000000002:5@lid");
    connect(alice, bob);
    send(alice, bob, "before", s::CiphertextType::pkmsg);
    send(bob, alice, "before reply", s::CiphertextType::msg);
    alice.restart();
    bob.restart();
    CPPUNIT_ASSERT_EQUAL(std::string("after"), send(alice, bob, "after", s::CiphertextType::msg));
    CPPUNIT_ASSERT_EQUAL(std::string("after reply"), send(bob, alice, "after reply", s::CiphertextType::msg));
    // A message encrypted before a restart and delivered after it.
    auto pending = alice.signal->encrypt(bob.address, bytes("in flight"));
    CPPUNIT_ASSERT(pending.ok());
    alice.restart();
    bob.restart();
    auto got = bob.signal->decrypt_msg(alice.address, pending->data);
    CPPUNIT_ASSERT_MESSAGE(got.error().message, got.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("in flight"), text(got->plaintext));
    CPPUNIT_ASSERT_EQUAL(std::string("still fine"), send(alice, bob, "still fine", s::CiphertextType::msg));
  }

  void bundle_with_bad_signature_is_refused() {
    Party alice("100000000000001@lid"), bob("100000000000002@lid");
    auto b = bob.bundle();
    b.signed_pre_key_signature[5] ^= 1;
    auto r = alice.signal->process_prekey_bundle(bob.address, b);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_key"), std::string(s::to_string(r.error().code)));
    CPPUNIT_ASSERT(!alice.signal->has_session(bob.address).value());
  }

  void changed_identity_in_pkmsg_drops_old_session_and_trusts_new_key() {
    Party alice("100000000000001@lid"), bob("100000000000002@lid");
    connect(alice, bob);
    send(alice, bob, "hi", s::CiphertextType::pkmsg);
    send(bob, alice, "hi back", s::CiphertextType::msg);
    auto old_key = alice.store->identity_of(bob.address);
    CPPUNIT_ASSERT(old_key && *old_key == bob.keys.identity_public);
    // Bob reinstalls: a new identity on the same address; he fetches Alice's bundle and writes first.
    Party new_bob("100000000000002@lid");
    connect(new_bob, alice);
    auto ct = new_bob.signal->encrypt(alice.address, bytes("new phone who dis"));
    CPPUNIT_ASSERT(ct.ok() && ct->type == s::CiphertextType::pkmsg);
    auto pt = alice.signal->decrypt_pkmsg(new_bob.address, ct->data);
    CPPUNIT_ASSERT_MESSAGE(pt.error().message, pt.ok());
    CPPUNIT_ASSERT(pt->identity_changed);
    CPPUNIT_ASSERT_EQUAL(std::string("new phone who dis"), text(pt->plaintext));
    CPPUNIT_ASSERT(*alice.store->identity_of(bob.address) == new_bob.keys.identity_public);
    CPPUNIT_ASSERT_EQUAL(std::string("welcome back"), send(alice, new_bob, "welcome back", s::CiphertextType::msg));
    // The old Bob's session is gone: what he sends now no longer decrypts.
    auto stale = bob.signal->encrypt(alice.address, bytes("old"));
    CPPUNIT_ASSERT(stale.ok());
    CPPUNIT_ASSERT(!alice.signal->decrypt_msg(bob.address, stale->data).ok());
  }

  void changed_identity_in_bundle_is_reported_and_trusted() {
    Party alice("100000000000001@lid"), bob("100000000000002@lid");
    connect(alice, bob);
    send(alice, bob, "hi", s::CiphertextType::pkmsg);
    Party new_bob("100000000000002@lid");
    auto r = alice.signal->process_prekey_bundle(new_bob.address, new_bob.bundle());
    CPPUNIT_ASSERT_MESSAGE(r.error().message, r.ok());
    CPPUNIT_ASSERT(r->identity_changed);
    CPPUNIT_ASSERT(*alice.store->identity_of(bob.address) == new_bob.keys.identity_public);
    CPPUNIT_ASSERT_EQUAL(std::string("to the new key"), send(alice, new_bob, "to the new key", s::CiphertextType::pkmsg));
    // Same identity again: no change reported.
    auto again = alice.signal->process_prekey_bundle(new_bob.address, new_bob.bundle());
    CPPUNIT_ASSERT(again.ok() && !again->identity_changed);
  }

  void failed_pkmsg_or_bundle_with_new_identity_keeps_the_old_session() {
    Party alice("100000000000001@lid"), bob("100000000000002@lid");
    connect(alice, bob);
    send(alice, bob, "hi", s::CiphertextType::pkmsg);
    send(bob, alice, "hi back", s::CiphertextType::msg);
    // Someone else, claiming Bob's address, sends a pkmsg that does not verify.
    Party mallory("100000000000002@lid");
    connect(mallory, alice);
    auto forged = mallory.signal->encrypt(alice.address, bytes("let me in"));
    auto tampered = forged->data;
    tampered[tampered.size() / 2] ^= 0x01;
    auto r = alice.signal->decrypt_pkmsg(bob.address, tampered);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(*alice.store->identity_of(bob.address) == bob.keys.identity_public);
    // A bundle with a new identity but a bad signature is refused the same way.
    auto bad_bundle = mallory.bundle();
    bad_bundle.signed_pre_key_signature[0] ^= 1;
    CPPUNIT_ASSERT(!alice.signal->process_prekey_bundle(bob.address, bad_bundle).ok());
    CPPUNIT_ASSERT(*alice.store->identity_of(bob.address) == bob.keys.identity_public);
    // The real session still works in both directions.
    CPPUNIT_ASSERT_EQUAL(std::string("still us"), send(alice, bob, "still us", s::CiphertextType::msg));
    CPPUNIT_ASSERT_EQUAL(std::string("yes"), send(bob, alice, "yes", s::CiphertextType::msg));
    // First contact: a pkmsg that fails leaves no identity behind either.
    Party carol("100000000000003@lid");
    connect(carol, alice);
    auto c1 = carol.signal->encrypt(alice.address, bytes("x"));
    auto broken = c1->data;
    broken[broken.size() / 2] ^= 0x01;
    CPPUNIT_ASSERT(!alice.signal->decrypt_pkmsg(carol.address, broken).ok());
    CPPUNIT_ASSERT(!alice.store->identity_of(carol.address));
  }

  void tampered_garbage_and_replayed_messages_are_refused() {
    Party alice("100000000000001@lid"), bob("100000000000002@lid");
    connect(alice, bob);
    auto first = alice.signal->encrypt(bob.address, bytes("first"));
    auto flipped = first->data;
    // The middle lies in the keys or the inner message, which the MAC covers. (The trailing
    // registration id is not authenticated by the protocol, so flipping it proves nothing.)
    flipped[flipped.size() / 2] ^= 0x40;
    auto bad = bob.signal->decrypt_pkmsg(alice.address, flipped);
    CPPUNIT_ASSERT(!bad.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("invalid_message"), std::string(s::to_string(bad.error().code)));
    auto ok = bob.signal->decrypt_pkmsg(alice.address, first->data);
    CPPUNIT_ASSERT_MESSAGE(ok.error().message, ok.ok());
    send(bob, alice, "reply", s::CiphertextType::msg);
    auto m = alice.signal->encrypt(bob.address, bytes("counted"));
    CPPUNIT_ASSERT(bob.signal->decrypt_msg(alice.address, m->data).ok());
    auto replay = bob.signal->decrypt_msg(alice.address, m->data);
    CPPUNIT_ASSERT_EQUAL(std::string("duplicate_message"), std::string(s::to_string(replay.error().code)));
    auto m2 = alice.signal->encrypt(bob.address, bytes("tamper me"));
    auto t2 = m2->data;
    t2[t2.size() / 2] ^= 0x01;
    CPPUNIT_ASSERT(!bob.signal->decrypt_msg(alice.address, t2).ok());
    CPPUNIT_ASSERT(bob.signal->decrypt_msg(alice.address, m2->data).ok());  // the original still decrypts
    // Garbage of every small length, and empty input, give errors rather than crashes.
    for (std::size_t n = 0; n < 80; ++n) {
      auto junk = c::random_bytes(n);
      if (n > 0) junk[0] = 0x33;  // a plausible version byte
      CPPUNIT_ASSERT(!bob.signal->decrypt_msg(alice.address, junk).ok());
      CPPUNIT_ASSERT(!bob.signal->decrypt_pkmsg(alice.address, junk).ok());
      CPPUNIT_ASSERT(!bob.signal->group_decrypt(group_name(alice), junk).ok());
      CPPUNIT_ASSERT(!bob.signal->process_sender_key_distribution(group_name(alice), junk).ok());
    }
    CPPUNIT_ASSERT(!bob.signal->decrypt_msg(alice.address, c::Bytes((4u << 20) + 1, 0x33)).ok());
    CPPUNIT_ASSERT(!alice.signal->encrypt(bob.address, {}).ok());
  }

  void every_single_byte_corruption_is_survived() {
    // Flip each byte of a real pkmsg, msg, SKDM and skmsg in turn: every call must return (an
    // error, or for the few unauthenticated bytes a plaintext), never crash; run under ASan in CI.
    Party alice("100000000000001@lid"), bob("100000000000002@lid");
    connect(alice, bob);
    auto pk = alice.signal->encrypt(bob.address, bytes("first"))->data;
    for (std::size_t i = 0; i < pk.size(); ++i) {
      auto mutated = pk;
      mutated[i] ^= 0xA5;
      auto r = bob.signal->decrypt_pkmsg(alice.address, mutated);
      if (r.ok()) (void)bob.signal->delete_session(alice.address);  // a registration-id byte: start over
    }
    CPPUNIT_ASSERT(bob.signal->decrypt_pkmsg(alice.address, pk).ok());
    send(bob, alice, "reply", s::CiphertextType::msg);
    auto msg = alice.signal->encrypt(bob.address, bytes("second"))->data;
    for (std::size_t i = 0; i < msg.size(); ++i) {
      auto mutated = msg;
      mutated[i] ^= 0xA5;
      CPPUNIT_ASSERT(!bob.signal->decrypt_msg(alice.address, mutated).ok());
    }
    CPPUNIT_ASSERT_EQUAL(std::string("second"), text(bob.signal->decrypt_msg(alice.address, msg)->plaintext));
    auto skdm = alice.signal->create_sender_key_distribution(group_name(alice)).value();
    auto sk = alice.signal->group_encrypt(group_name(alice), bytes("group")).value();
    for (std::size_t i = 0; i < skdm.size(); ++i) {
      auto mutated = skdm;
      mutated[i] ^= 0xA5;
      Party carol("100000000000003@lid");
      if (carol.signal->process_sender_key_distribution(group_name(alice), mutated).ok())
        (void)carol.signal->group_decrypt(group_name(alice), sk);  // a corrupted key must not decrypt into a crash
    }
    CPPUNIT_ASSERT(bob.signal->process_sender_key_distribution(group_name(alice), skdm).ok());
    for (std::size_t i = 0; i < sk.size(); ++i) {
      auto mutated = sk;
      mutated[i] ^= 0xA5;
      CPPUNIT_ASSERT(!bob.signal->group_decrypt(group_name(alice), mutated).ok());
    }
    CPPUNIT_ASSERT_EQUAL(std::string("group"), text(bob.signal->group_decrypt(group_name(alice), sk).value()));
  }

  void no_session_is_an_error_value() {
    Party alice("100000000000001@lid"), bob("100000000000002@lid");
    auto e = alice.signal->encrypt(bob.address, bytes("x"));
    CPPUNIT_ASSERT(!e.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("no_session"), std::string(s::to_string(e.error().code)));
    CPPUNIT_ASSERT(e.error().message.find("100000000000002_1.0") != std::string::npos);
    connect(bob, alice);
    send(bob, alice, "hi", s::CiphertextType::pkmsg);
    // A msg from a device we have no session with.
    Party carol("100000000000003@lid");
    connect(carol, bob);
    auto ct = carol.signal->encrypt(bob.address, bytes("hey"));
    auto wrong = alice.signal->decrypt_msg(carol.address, ct->data);
    CPPUNIT_ASSERT(!wrong.ok());
  }

  void store_failures_surface_with_their_cause() {
    Party alice("100000000000001@lid"), bob("100000000000002@lid");
    connect(alice, bob);
    alice.store->fail_all = true;
    auto e = alice.signal->encrypt(bob.address, bytes("x"));
    CPPUNIT_ASSERT(!e.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("store_failed"), std::string(s::to_string(e.error().code)));
    CPPUNIT_ASSERT(e.error().message.find("injected failure") != std::string::npos);
    auto b = alice.signal->process_prekey_bundle(bob.address, bob.bundle());
    CPPUNIT_ASSERT_EQUAL(std::string("store_failed"), std::string(s::to_string(b.error().code)));
    alice.store->fail_all = false;
    // A store that throws: the exception stops at the facade (and never unwinds through libsignal).
    alice.store->throw_all = true;
    auto thrown = alice.signal->encrypt(bob.address, bytes("x"));
    CPPUNIT_ASSERT_EQUAL(std::string("store_failed"), std::string(s::to_string(thrown.error().code)));
    CPPUNIT_ASSERT(thrown.error().message.find("driver exploded") != std::string::npos);
    CPPUNIT_ASSERT(!alice.signal->decrypt_msg(bob.address, c::Bytes(40, 0x33)).ok());
    CPPUNIT_ASSERT(!alice.signal->group_encrypt(group_name(alice), bytes("x")).ok());
    CPPUNIT_ASSERT(!alice.signal->create_pre_keys(1, 2).ok());
    alice.store->throw_all = false;
    CPPUNIT_ASSERT_EQUAL(std::string("ok"), send(alice, bob, "ok", s::CiphertextType::pkmsg));
  }

  void forget_identity_removes_sessions_and_identities() {
    Party alice("100000000000001@lid"), bob("100000000000002@lid"), bob2("100000000000002:2@lid");
    connect(alice, bob);
    connect(alice, bob2);
    send(alice, bob, "a", s::CiphertextType::pkmsg);
    send(alice, bob2, "b", s::CiphertextType::pkmsg);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), alice.store->session_count());
    CPPUNIT_ASSERT(alice.signal->forget_identity(bob.address.name).ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), alice.store->session_count());
    CPPUNIT_ASSERT(!alice.store->identity_of(bob.address));
    CPPUNIT_ASSERT(!alice.store->identity_of(bob2.address));
  }

  void sessions_migrate_from_pn_to_lid_and_keep_working() {
    Party alice("100000000000001@lid"), bob("15550000002:4@s.whatsapp.net");
    connect(alice, bob);
    send(alice, bob, "via pn", s::CiphertextType::pkmsg);
    send(bob, alice, "pn reply", s::CiphertextType::msg);
    auto lid = s::signal_address_from_jid("100000000000002:4@lid").value();
    auto moved = alice.signal->migrate_sessions(bob.address.name, lid.name);
    CPPUNIT_ASSERT_MESSAGE(moved.error().message, moved.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), moved.value());
    CPPUNIT_ASSERT(!alice.signal->has_session(bob.address).value());
    CPPUNIT_ASSERT(alice.signal->has_session(lid).value());
    CPPUNIT_ASSERT(*alice.store->identity_of(lid) == bob.keys.identity_public);
    // The same ratchet continues under the new address.
    auto ct = alice.signal->encrypt(lid, bytes("via lid"));
    CPPUNIT_ASSERT(ct.ok() && ct->type == s::CiphertextType::msg);
    CPPUNIT_ASSERT_EQUAL(std::string("via lid"), text(bob.signal->decrypt_msg(alice.address, ct->data)->plaintext));
    auto back = bob.signal->encrypt(alice.address, bytes("lid reply"));
    CPPUNIT_ASSERT_EQUAL(std::string("lid reply"), text(alice.signal->decrypt_msg(lid, back->data)->plaintext));
    // Nothing left to move the second time.
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), alice.signal->migrate_sessions(bob.address.name, lid.name).value());
  }

  void group_sender_keys_round_trip_with_three_members() {
    Party alice("100000000000001@lid"), bob("100000000000002@lid"), carol("100000000000003:4@lid");
    std::vector<Party*> members{&alice, &bob, &carol};
    // Every member distributes its SKDM to the others over their pairwise sessions, as on the wire.
    for (Party* from : members) {
      auto skdm = from->signal->create_sender_key_distribution(group_name(*from));
      CPPUNIT_ASSERT_MESSAGE(skdm.error().message, skdm.ok());
      // Asking again returns a distribution of the same key (no re-keying per send).
      CPPUNIT_ASSERT(from->signal->create_sender_key_distribution(group_name(*from)).ok());
      for (Party* to : members) {
        if (to == from) continue;
        if (!from->signal->has_session(to->address).value()) connect(*from, *to);
        auto ct = from->signal->encrypt(to->address, skdm.value());
        auto pt = ct->type == s::CiphertextType::pkmsg ? to->signal->decrypt_pkmsg(from->address, ct->data)
                                                       : to->signal->decrypt_msg(from->address, ct->data);
        CPPUNIT_ASSERT_MESSAGE(pt.error().message, pt.ok());
        auto processed = to->signal->process_sender_key_distribution(group_name(*from), pt->plaintext);
        CPPUNIT_ASSERT_MESSAGE(processed.error().message, processed.ok());
      }
    }
    for (int round = 0; round < 3; ++round) {
      for (Party* from : members) {
        std::string message = "round " + std::to_string(round) + " from " + from->address.to_string();
        auto sk = from->signal->group_encrypt(group_name(*from), bytes(message));
        CPPUNIT_ASSERT_MESSAGE(sk.error().message, sk.ok());
        for (Party* to : members) {
          if (to == from) continue;
          auto pt = to->signal->group_decrypt(group_name(*from), sk.value());
          CPPUNIT_ASSERT_MESSAGE(pt.error().message, pt.ok());
          CPPUNIT_ASSERT_EQUAL(message, text(pt.value()));
        }
      }
      for (Party* p : members) p->restart();  // sender keys persist across restarts
    }
  }

  void group_messages_need_the_distribution_and_refuse_tampering() {
    Party alice("100000000000001@lid"), bob("100000000000002@lid");
    CPPUNIT_ASSERT_EQUAL(std::string("no_session"),
                         std::string(s::to_string(alice.signal->group_encrypt(group_name(alice), bytes("x")).error().code)));
    auto skdm = alice.signal->create_sender_key_distribution(group_name(alice));
    auto sk = alice.signal->group_encrypt(group_name(alice), bytes("secret"));
    CPPUNIT_ASSERT(sk.ok());
    auto before = bob.signal->group_decrypt(group_name(alice), sk.value());
    CPPUNIT_ASSERT_EQUAL(std::string("no_session"), std::string(s::to_string(before.error().code)));
    CPPUNIT_ASSERT(bob.signal->process_sender_key_distribution(group_name(alice), skdm.value()).ok());
    auto tampered = sk.value();
    tampered[tampered.size() - 70] ^= 1;  // inside the ciphertext, before the 64-byte signature
    CPPUNIT_ASSERT(!bob.signal->group_decrypt(group_name(alice), tampered).ok());
    auto bad_sig = sk.value();
    bad_sig.back() ^= 1;
    CPPUNIT_ASSERT(!bob.signal->group_decrypt(group_name(alice), bad_sig).ok());
    auto good = bob.signal->group_decrypt(group_name(alice), sk.value());
    CPPUNIT_ASSERT_MESSAGE(good.error().message, good.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("secret"), text(good.value()));
    // The key is per (group, sender): another group name does not decrypt it.
    s::SenderKeyName other{"120363999999999999@g.us", alice.address};
    CPPUNIT_ASSERT(!bob.signal->group_decrypt(other, sk.value()).ok());
  }

  void concurrent_sends_and_receives_of_one_agent_stay_consistent() {
    Party alice("100000000000001@lid"), bob("100000000000002@lid");
    connect(alice, bob);
    send(alice, bob, "open", s::CiphertextType::pkmsg);
    send(bob, alice, "opened", s::CiphertextType::msg);
    constexpr int kCount = 60;
    std::vector<c::Bytes> from_bob;
    for (int i = 0; i < kCount; ++i) from_bob.push_back(bob.signal->encrypt(alice.address, bytes("b" + std::to_string(i)))->data);
    std::mutex out_mutex;
    std::vector<c::Bytes> from_alice;
    int received = 0;
    std::thread sender1([&] {
      for (int i = 0; i < kCount / 2; ++i) {
        auto ct = alice.signal->encrypt(bob.address, bytes("a" + std::to_string(i)));
        std::lock_guard lock(out_mutex);
        if (ct.ok()) from_alice.push_back(ct->data);
      }
    });
    std::thread sender2([&] {
      for (int i = kCount / 2; i < kCount; ++i) {
        auto ct = alice.signal->encrypt(bob.address, bytes("a" + std::to_string(i)));
        std::lock_guard lock(out_mutex);
        if (ct.ok()) from_alice.push_back(ct->data);
      }
    });
    std::thread receiver([&] {
      for (const auto& ct : from_bob) {
        if (alice.signal->decrypt_msg(bob.address, ct).ok()) ++received;
      }
    });
    sender1.join();
    sender2.join();
    receiver.join();
    CPPUNIT_ASSERT_EQUAL(kCount, received);
    CPPUNIT_ASSERT_EQUAL(std::size_t(kCount), from_alice.size());
    int decrypted = 0;
    for (const auto& ct : from_alice) {
      auto pt = bob.signal->decrypt_msg(alice.address, ct);
      if (pt.ok()) ++decrypted;
    }
    CPPUNIT_ASSERT_EQUAL(kCount, decrypted);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SignalProtocolTest);
