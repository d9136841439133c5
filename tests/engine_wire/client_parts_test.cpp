// SPDX-License-Identifier: GPL-3.0-or-later
// Client building blocks: backoff, stream-error/failure verdicts, prekey stanzas.
#include <cppunit/extensions/HelperMacros.h>

#include "host/engine/binary/binary_decoder.hpp"
#include "host/engine/binary/binary_encoder.hpp"
#include "host/engine/client/backoff.hpp"
#include "host/engine/client/connection_verdict.hpp"
#include "host/engine/client/prekey_upload.hpp"
#include "host/engine/pairing/device_credentials.hpp"
#include "host/engine/transport/websocket_connection.hpp"
#include "test_util.hpp"

using namespace wabot::engine;
using namespace wabot::engine::client;
using wabot::engine::test::to_hex;

class ClientPartsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ClientPartsTest);
  CPPUNIT_TEST(backoff_grows_exponentially_with_jitter_and_caps);
  CPPUNIT_TEST(classifies_stream_errors);
  CPPUNIT_TEST(classifies_failures);
  CPPUNIT_TEST(builds_prekey_stanzas);
  CPPUNIT_TEST(parses_websocket_urls);
  CPPUNIT_TEST_SUITE_END();

 public:
  void backoff_grows_exponentially_with_jitter_and_caps() {
    Backoff exact(1000, 30000, 0.0, 1);
    std::vector<std::int64_t> got;
    for (int i = 0; i < 7; ++i) got.push_back(exact.next_delay_ms());
    CPPUNIT_ASSERT(got == (std::vector<std::int64_t>{1000, 2000, 4000, 8000, 16000, 30000, 30000}));
    exact.reset();
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1000), exact.next_delay_ms());
    Backoff a(1000, 60000, 0.25, 1), b(1000, 60000, 0.25, 2);
    bool differ = false;
    for (int i = 0; i < 10; ++i) {
      auto x = a.next_delay_ms(), y = b.next_delay_ms();
      differ |= x != y;
      std::int64_t base = std::min<std::int64_t>(60000, 1000LL << i);
      CPPUNIT_ASSERT(x >= base * 0.75 - 1 && x <= base * 1.25 + 1);
    }
    CPPUNIT_ASSERT(differ);  // jitter spreads agents apart
  }

  void classifies_stream_errors() {
    auto se = [](std::vector<Attribute> a, NodeList kids = {}) {
      return classify_stream_error(Node("stream:error", std::move(a), kids.empty() ? NodeContent{} : NodeContent{kids}));
    };
    CPPUNIT_ASSERT(se({{"code", "515"}}).action == VerdictAction::restart_now);
    CPPUNIT_ASSERT(se({{"code", "401"}}, {Node("conflict", {{"type", "device_removed"}})}).action == VerdictAction::logged_out);
    auto replaced = se({}, {Node("conflict", {{"type", "replaced"}})});
    CPPUNIT_ASSERT(replaced.action == VerdictAction::stop && replaced.reason == DisconnectReason::conflict);
    CPPUNIT_ASSERT(se({{"code", "503"}}).action == VerdictAction::reconnect_backoff);
    CPPUNIT_ASSERT(se({}, {Node("xmlstreamend")}).action == VerdictAction::reconnect_backoff);
  }

  void classifies_failures() {
    auto f = [](const char* r) { return classify_failure(Node("failure", {{"reason", r}})); };
    CPPUNIT_ASSERT(f("401").action == VerdictAction::auth_failed);
    CPPUNIT_ASSERT(f("403").action == VerdictAction::auth_failed);
    CPPUNIT_ASSERT(f("406").action == VerdictAction::auth_failed);
    auto outdated = f("405");
    CPPUNIT_ASSERT(outdated.action == VerdictAction::stop && outdated.reason == DisconnectReason::client_outdated);
    CPPUNIT_ASSERT(f("503").action == VerdictAction::reconnect_backoff);
    CPPUNIT_ASSERT(f("500").action == VerdictAction::reconnect_backoff);
    CPPUNIT_ASSERT(f("402").action == VerdictAction::stop);
  }

  void builds_prekey_stanzas() {
    CPPUNIT_ASSERT_EQUAL(std::string("00f80a19084516cb042911fa0003f801f80141"), to_hex(binary::encode_node(prekey_count_iq("2"))));
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(17), parse_prekey_count(Node("iq", {}, NodeList{Node("count", {{"value", "17"}})})).value());
    CPPUNIT_ASSERT(!parse_prekey_count(Node("iq", {}, NodeList{Node("count", {{"value", "x"}})})));
    auto creds = pairing::generate_credentials();
    creds.registration_id = 0x01020304;
    std::vector<PreKey> keys{{0x010203, crypto::generate_key_pair()}, {0x010204, crypto::generate_key_pair()}};
    Node iq = prekey_upload_iq("9", creds, keys);
    auto round = binary::decode_frame_plaintext(binary::encode_node(iq));
    CPPUNIT_ASSERT(round.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("01020304"), to_hex(*round->child("registration")->bytes()));
    CPPUNIT_ASSERT_EQUAL(std::string("05"), to_hex(*round->child("type")->bytes()));
    CPPUNIT_ASSERT_EQUAL(to_hex(creds.identity_key.public_key), to_hex(*round->child("identity")->bytes()));
    auto list = round->child("list")->children_named("key");
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), list.size());
    CPPUNIT_ASSERT_EQUAL(std::string("010204"), to_hex(*list[1]->child("id")->bytes()));
    CPPUNIT_ASSERT_EQUAL(to_hex(keys[1].key_pair.public_key), to_hex(*list[1]->child("value")->bytes()));
    const Node* skey = round->child("skey");
    CPPUNIT_ASSERT_EQUAL(std::string("000001"), to_hex(*skey->child("id")->bytes()));
    CPPUNIT_ASSERT_EQUAL(std::size_t(64), skey->child("signature")->bytes()->size());
  }

  void parses_websocket_urls() {
    auto wa = transport::WebSocketUrl::parse("wss://web.whatsapp.com/ws/chat");
    CPPUNIT_ASSERT(wa.ok() && wa->tls);
    CPPUNIT_ASSERT_EQUAL(std::string("web.whatsapp.com"), wa->host);
    CPPUNIT_ASSERT_EQUAL(std::string("443"), wa->port);
    CPPUNIT_ASSERT_EQUAL(std::string("/ws/chat"), wa->target);
    auto sim = transport::WebSocketUrl::parse("ws://127.0.0.1:38205/ws/chat?x=1");
    CPPUNIT_ASSERT(sim.ok() && !sim->tls);
    CPPUNIT_ASSERT_EQUAL(std::string("38205"), sim->port);
    CPPUNIT_ASSERT_EQUAL(std::string("/ws/chat?x=1"), sim->target);
    CPPUNIT_ASSERT_EQUAL(std::string("/"), transport::WebSocketUrl::parse("ws://h")->target);
    for (const char* bad : {"http://h/ws", "ws://", "ws://:80/x", "ws://h:abc/", "ws://h:1234567/", "web.whatsapp.com"})
      CPPUNIT_ASSERT_MESSAGE(bad, !transport::WebSocketUrl::parse(bad).ok());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ClientPartsTest);
