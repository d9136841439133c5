// SPDX-License-Identifier: GPL-3.0-or-later
// The Messenger against a scripted server (a StanzaChannel test double answering usync, prekey and
// ack requests by hand) and a second Signal party: stanza shape of a first send, server ack error
// codes and timeouts as errors, privacy tokens attached, receipts vs nack/retry on receive, phash hash,
// and the answer to a group retry (a direct pkmsg/msg with our sender key, to the group + participant).
#include <cppunit/extensions/HelperMacros.h>

#include "scripted_channel.hpp"
#include "signal_party.hpp"
#include "host/engine/messaging/device_list.hpp"
#include "host/engine/messaging/messenger.hpp"
#include "host/engine/messaging/prekey_bundle.hpp"
#include "host/engine/signal/message_padding.hpp"

using namespace wabot::engine;
using namespace wabot::engine::messaging;
using namespace wabot::test;

class MessengerFakeServerTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MessengerFakeServerTest);
  CPPUNIT_TEST(first_send_has_pkmsg_device_identity_and_completes_on_ack);
  CPPUNIT_TEST(server_error_codes_become_clear_errors);
  CPPUNIT_TEST(ack_timeout_is_an_error);
  CPPUNIT_TEST(privacy_token_is_attached);
  CPPUNIT_TEST(receives_then_receipts_or_asks_for_a_retry);
  CPPUNIT_TEST(participant_hash_matches_the_reference);
  CPPUNIT_TEST(group_retry_is_a_direct_message_carrying_the_sender_key);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    channel_ = std::make_shared<ScriptedChannel>();
    peer_ = std::make_unique<Party>();
    auto own_keys = std::make_shared<wabot::test::MemorySignalStore>();
    (void)signal::SignalProtocol::initialize(*own_keys);
    own_store_ = own_keys;
    OwnIdentity own{kOwnPn, kOwnLid, Bytes{1, 2, 3}, 4242};
    MessengerConfig cfg;
    cfg.agent_id = "t";
    messenger_ = Messenger::create(cfg, own, channel_, std::move(signal::SignalProtocol::open(own_keys).value()), listener_);
  }

  void first_send_has_pkmsg_device_identity_and_completes_on_ack() {
    auto result = start_send("hi");
    auto ack_req = answer_usync_and_bundle();
    const Node& msg = ack_req.node;
    CPPUNIT_ASSERT_EQUAL(std::string("message"), msg.tag);
    CPPUNIT_ASSERT_EQUAL(kPeerLid.to_string(), msg.attr_or("to"));  // LID learned from usync
    CPPUNIT_ASSERT_EQUAL(std::string("text"), msg.attr_or("type"));
    CPPUNIT_ASSERT_EQUAL(std::string("3EB0"), msg.attr_or("id").substr(0, 4));
    auto tos = msg.child("participants")->children_named("to");
    // The peer's devices 0 and 1 and our phone (device 0) get a pkmsg; our own device (2) never.
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), tos.size());
    for (const Node* to : tos) {
      CPPUNIT_ASSERT_EQUAL(std::string("pkmsg"), to->child("enc")->attr_or("type"));
      CPPUNIT_ASSERT(to->attr_or("jid") != Jid(kOwnLid.user, server::lid, 2).to_string());
    }
    CPPUNIT_ASSERT(msg.child("device-identity") && *msg.child("device-identity")->bytes() == (Bytes{1, 2, 3}));
    // The peer decrypts its copy: padded Message{conversation:"hi"}.
    for (const Node* to : tos)
      if (to->attr_or("jid") == Jid(kPeerLid.user, server::lid, 1).to_string()) {
        auto addr = store::SignalAddress{kOwnLid.user + "_1", 2};
        auto pt = peer_->signal->decrypt_pkmsg(addr, *to->child("enc")->bytes());
        CPPUNIT_ASSERT_MESSAGE(pt.ok() ? "" : pt.error().message, pt.ok());
        auto unpadded = signal::unpad_message(pt->plaintext);
        CPPUNIT_ASSERT(unpadded.ok());
        CPPUNIT_ASSERT((unpadded.value() == Bytes{0x0a, 0x02, 'h', 'i'}));
      }
    CPPUNIT_ASSERT(!result->done);
    ack_req.callback(Node("ack", {{"class", "message"}, {"id", msg.attr_or("id")}, {"t", "1700000000"}}));
    CPPUNIT_ASSERT(result->done && result->value.ok());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1700000000), result->value->server_timestamp_s);
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), result->value->prekey_messages);
  }

  void server_error_codes_become_clear_errors() {
    for (std::string code : {"463", "479"}) {
      setUp();
      auto result = start_send("x");
      auto ack_req = answer_usync_and_bundle();
      ack_req.callback(Node("ack", {{"class", "message"}, {"id", ack_req.node.attr_or("id")}, {"error", code}}));
      CPPUNIT_ASSERT(result->done && !result->value.ok());
      const auto& m = result->value.error().message;
      CPPUNIT_ASSERT_MESSAGE(m, m.find("error " + code) != std::string::npos);
      CPPUNIT_ASSERT_MESSAGE(m, m.find(code == "463" ? "privacy token" : "smax-invalid") != std::string::npos);
    }
  }

  void ack_timeout_is_an_error() {
    auto result = start_send("x");
    auto ack_req = answer_usync_and_bundle();
    ack_req.callback(Error(ErrorCode::timeout, "iq timed out"));
    CPPUNIT_ASSERT(result->done && !result->value.ok());
    CPPUNIT_ASSERT_EQUAL(ErrorCode::timeout, result->value.error().code);
    CPPUNIT_ASSERT(result->value.error().message.find("not acknowledged") != std::string::npos);
  }

  void privacy_token_is_attached() {
    Node tokens("tokens", {}, NodeList{Node("token", {{"jid", kOwnLid}, {"t", std::to_string(std::time(nullptr))}, {"type", "trusted_contact"}},
                                            Bytes{9, 9, 9})});
    messenger_->handle_node(Node("notification", {{"from", kPeerLid}, {"id", "n1"}, {"type", "privacy_token"}}, NodeList{tokens}));
    // The notification is acked.
    auto acks = channel_->sent();
    CPPUNIT_ASSERT(!acks.empty() && acks.back().tag == "ack" && acks.back().attr_or("class") == "notification");
    auto result = start_send("with token");
    auto ack_req = answer_usync_and_bundle();
    const Node* tc = ack_req.node.child("tctoken");
    CPPUNIT_ASSERT(tc && *tc->bytes() == (Bytes{9, 9, 9}));
  }

  void receives_then_receipts_or_asks_for_a_retry() {
    // The peer builds a session from our bundle and sends a pkmsg.
    auto own = signal::SignalProtocol::open(own_store_).value()->local_keys().value();
    auto pre = signal::SignalProtocol::open(own_store_).value()->create_pre_keys(7, 1).value();
    signal::PreKeyBundle b;
    b.registration_id = own.registration_id;
    b.device_id = 2;
    b.pre_key = signal::PreKeyBundle::OneTimePreKey{7, pre[0].key_pair.public_key};
    b.signed_pre_key_id = own.signed_pre_key_id;
    b.signed_pre_key = own.signed_pre_key_public;
    b.signed_pre_key_signature = own.signed_pre_key_signature;
    b.identity_key = own.identity_public;
    store::SignalAddress us{kOwnLid.user + "_1", 2};
    CPPUNIT_ASSERT(peer_->signal->process_prekey_bundle(us, b).ok());
    auto ct = peer_->signal->encrypt(us, signal::pad_message(Bytes{0x0a, 0x02, 'y', 'o'}));
    CPPUNIT_ASSERT(ct.ok());
    Node msg("message", {{"from", Jid(kPeerLid.user, server::lid, 1)}, {"id", "M1"}, {"t", "1700000001"}, {"notify", "Peer"}, {"type", "text"}},
             NodeList{Node("enc", {{"v", "2"}, {"type", "pkmsg"}}, ct->data)});
    messenger_->handle_node(msg);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), listener_->messages.size());
    const auto& in = listener_->messages[0];
    CPPUNIT_ASSERT_EQUAL(std::string("yo"), in.text);
    CPPUNIT_ASSERT_EQUAL(std::string("Peer"), in.push_name);
    CPPUNIT_ASSERT_EQUAL(kPeerLid.to_string(), in.chat.to_string());
    auto receipt = channel_->sent().back();
    CPPUNIT_ASSERT_EQUAL(std::string("receipt"), receipt.tag);
    CPPUNIT_ASSERT_EQUAL(std::string("inactive"), receipt.attr_or("type"));  // no presence sent yet
    // The same stanza again (a redelivery): a receipt, but no second event.
    messenger_->handle_node(msg);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), listener_->messages.size());
    // Garbage: a retry receipt with our registration id, and an undecryptable event.
    Node bad("message", {{"from", Jid(kPeerLid.user, server::lid, 1)}, {"id", "M2"}, {"t", "1"}, {"type", "text"}},
             NodeList{Node("enc", {{"v", "2"}, {"type", "msg"}}, Bytes{1, 2, 3})});
    messenger_->handle_node(bad);
    auto retry = channel_->sent().back();
    CPPUNIT_ASSERT_EQUAL(std::string("retry"), retry.attr_or("type"));
    CPPUNIT_ASSERT_EQUAL(std::string("1"), retry.child("retry")->attr_or("count"));
    CPPUNIT_ASSERT(*retry.child("registration")->bytes() == be(4242, 4));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), listener_->undecryptable);
    CPPUNIT_ASSERT(retry.child("keys") == nullptr);  // the first retry carries no keys
    // The second failure of the same id: keys with a fresh, stored one-time prekey that parse as a bundle.
    messenger_->handle_node(bad);
    auto retry2 = channel_->sent().back();
    CPPUNIT_ASSERT_EQUAL(std::string("2"), retry2.child("retry")->attr_or("count"));
    const Node* keys = retry2.child("keys");
    CPPUNIT_ASSERT(keys != nullptr);
    auto bundle = parse_bundle_keys(*keys, retry2.child("registration"));
    CPPUNIT_ASSERT_MESSAGE(bundle.ok() ? "" : bundle.error().message, bundle.ok());
    CPPUNIT_ASSERT(bundle->pre_key.has_value());
    std::optional<store::PreKeyRecord> stored;
    CPPUNIT_ASSERT(own_store_->load_pre_key(bundle->pre_key->id, stored).ok() && stored.has_value());
    CPPUNIT_ASSERT(keys->child("device-identity") != nullptr);
    // After five retries the message is nacked instead.
    for (int i = 0; i < 4; ++i) messenger_->handle_node(bad);
    auto last = channel_->sent().back();
    CPPUNIT_ASSERT_EQUAL(std::string("ack"), last.tag);
    CPPUNIT_ASSERT_EQUAL(std::string("500"), last.attr_or("error"));
  }

  void group_retry_is_a_direct_message_carrying_the_sender_key() {
    const Jid group("120363000000000001", server::group);
    const Jid peer_device(kPeerLid.user, server::lid, 1);
    auto first = start_group_send(group, "hi group");
    // Group metadata (LID group: the peer and us), then the members' devices, then the peer's bundle.
    auto meta = channel_->take();
    CPPUNIT_ASSERT_EQUAL(std::string("w:g2"), meta.node.attr_or("xmlns"));
    meta.callback(Node("iq", {{"type", "result"}},
                       NodeList{Node("group", {{"id", group.user}, {"subject", "g"}, {"addressing_mode", "lid"}},
                                     NodeList{Node("participant", {{"jid", kPeerLid}, {"phone_number", kPeerPn}}),
                                              Node("participant", {{"jid", kOwnLid.to_non_ad()}, {"phone_number", kOwnPn.to_non_ad()}})})}));
    auto usync = channel_->take();
    auto devices = [](std::uint16_t id) {
      return Node("devices", {}, NodeList{Node("device-list", {}, NodeList{Node("device", {{"id", std::to_string(id)}, {"key-index", "1"}})})});
    };
    usync.callback(Node("iq", {{"type", "result"}},
                        NodeList{Node("usync", {}, NodeList{Node("list", {}, NodeList{Node("user", {{"jid", kPeerLid}}, NodeList{devices(1)}),
                                                                                      Node("user", {{"jid", kOwnLid.to_non_ad()}}, NodeList{devices(2)})})})}));
    answer_bundle_fetch();
    auto original = channel_->take();
    CPPUNIT_ASSERT_EQUAL(std::string("message"), original.node.tag);
    const std::string id = original.node.attr_or("id");
    original.callback(Node("ack", {{"class", "message"}, {"id", id}, {"t", "1700000000"}}));
    CPPUNIT_ASSERT(first->done && first->value.ok());
    // The peer opens its session from the key share's pkmsg, but never saw our sender key (its
    // sender-key store was lost): it asks for a retry of the group message.
    const Node* share = original.node.child("participants")->child("to");
    const auto our_address = store::SignalAddress{kOwnLid.user + "_1", 2};
    CPPUNIT_ASSERT(peer_->signal->decrypt_pkmsg(our_address, *share->child("enc")->bytes()).ok());
    messenger_->handle_node(Node("receipt", {{"from", group}, {"participant", peer_device}, {"id", id}, {"type", "retry"}, {"t", "1700000001"}},
                                 NodeList{Node("retry", {{"count", "1"}, {"id", id}, {"t", "1700000000"}, {"v", "1"}}),
                                          Node("registration", {}, be(77, 4))}));
    auto resend = channel_->take();
    // whatsmeow's shape: to = the group, participant = the device, t, no device_fanout, one direct <enc count>.
    CPPUNIT_ASSERT_EQUAL(std::string("message"), resend.node.tag);
    CPPUNIT_ASSERT_EQUAL(id, resend.node.attr_or("id"));
    CPPUNIT_ASSERT_EQUAL(group.to_string(), resend.node.attr_or("to"));
    CPPUNIT_ASSERT_EQUAL(peer_device.to_string(), resend.node.attr_or("participant"));
    CPPUNIT_ASSERT_EQUAL(std::string("1700000000"), resend.node.attr_or("t"));
    CPPUNIT_ASSERT(!resend.node.attr("device_fanout"));
    CPPUNIT_ASSERT(!resend.node.child("participants"));
    const Node* enc = resend.node.child("enc");
    CPPUNIT_ASSERT(enc);
    // Still a pkmsg: the peer has not answered on this session yet, so it carries our device identity.
    CPPUNIT_ASSERT_EQUAL(std::string("pkmsg"), enc->attr_or("type"));
    CPPUNIT_ASSERT_EQUAL(std::string("1"), enc->attr_or("count"));
    CPPUNIT_ASSERT(resend.node.child("device-identity"));
    auto plain = peer_->signal->decrypt_pkmsg(our_address, *enc->bytes());
    CPPUNIT_ASSERT_MESSAGE(plain.ok() ? "" : plain.error().message, plain.ok());
    auto unpadded = signal::unpad_message(plain->plaintext);
    CPPUNIT_ASSERT(unpadded.ok());
    wabot::proto::Message m;
    CPPUNIT_ASSERT(m.ParseFromArray(unpadded->data(), static_cast<int>(unpadded->size())));
    CPPUNIT_ASSERT_EQUAL(std::string("hi group"), m.conversation());
    CPPUNIT_ASSERT(m.has_sender_key_distribution_message());
    CPPUNIT_ASSERT_EQUAL(group.to_string(), m.sender_key_distribution_message().group_id());
    const auto& raw = m.sender_key_distribution_message().axolotl_sender_key_distribution_message();
    const signal::SenderKeyName our_key{group.to_string(), our_address};
    CPPUNIT_ASSERT(peer_->signal->process_sender_key_distribution(
                                     our_key, crypto::ByteView(reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()))
                       .ok());
    resend.callback(Node("ack", {{"class", "message"}, {"id", id}, {"t", "1700000002"}}));
    // With that key the peer decrypts our next group message, a plain skmsg.
    auto second = start_group_send(group, "next in group");
    auto next = channel_->take();
    const Node* sk = nullptr;
    for (const Node& c : *next.node.children())
      if (c.tag == "enc" && c.attr_or("type") == "skmsg") sk = &c;
    CPPUNIT_ASSERT(sk);
    auto group_plain = peer_->signal->group_decrypt(our_key, *sk->bytes());
    CPPUNIT_ASSERT_MESSAGE(group_plain.ok() ? "" : group_plain.error().message, group_plain.ok());
    auto text = signal::unpad_message(group_plain.value());
    CPPUNIT_ASSERT(text.ok());
    wabot::proto::Message m2;
    CPPUNIT_ASSERT(m2.ParseFromArray(text->data(), static_cast<int>(text->size())));
    CPPUNIT_ASSERT_EQUAL(std::string("next in group"), m2.conversation());
    next.callback(Node("ack", {{"class", "message"}, {"id", next.node.attr_or("id")}}));
    CPPUNIT_ASSERT(second->done && second->value.ok());
  }

  void participant_hash_matches_the_reference() {
    std::vector<Jid> d{Jid("111111111111111", server::lid, 0), Jid("111111111111111", server::lid, 3),
                       Jid("222222222222222", server::lid, 0), Jid("222222222222222", server::lid, 7)};
    CPPUNIT_ASSERT_EQUAL(std::string("2:j46hK7hY"), participant_list_hash(d));
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

  std::shared_ptr<SendResult> start_send(const std::string& text) {
    auto r = std::make_shared<SendResult>();
    messenger_->send_text({kPeerPn, text, {}, std::nullopt}, [r](Result<SentMessage> v) {
      r->done = true;
      r->value = std::move(v);
    });
    return r;
  }

  std::shared_ptr<SendResult> start_group_send(const Jid& group, const std::string& text) {
    auto r = std::make_shared<SendResult>();
    messenger_->send_text({group, text, {}, std::nullopt}, [r](Result<SentMessage> v) {
      r->done = true;
      r->value = std::move(v);
    });
    return r;
  }

  // Answers the usync (peer: devices 0 and 1 + LID; us: 0 and 2) and the bundle fetch; returns the
  // message stanza's pending request.
  ScriptedChannel::Pending answer_usync_and_bundle() {
    auto usync = channel_->take();
    CPPUNIT_ASSERT_EQUAL(std::string("usync"), usync.node.attr_or("xmlns"));
    auto devices = [](std::vector<std::uint16_t> ids) {
      NodeList l;
      for (auto id : ids) l.push_back(id == 0 ? Node("device", {{"id", "0"}}) : Node("device", {{"id", std::to_string(id)}, {"key-index", "1"}}));
      return Node("devices", {}, NodeList{Node("device-list", {}, std::move(l))});
    };
    NodeList users{Node("user", {{"jid", kPeerPn}}, NodeList{devices({0, 1}), Node("lid", {{"val", kPeerLid}})}),
                   Node("user", {{"jid", kOwnPn.to_non_ad()}}, NodeList{devices({0, 2}), Node("lid", {{"val", kOwnLid.to_non_ad()}})})};
    usync.callback(Node("iq", {{"type", "result"}}, NodeList{Node("usync", {}, NodeList{Node("list", {}, std::move(users))})}));
    if (channel_->pending() == 1 && peek_tag() == "message") return channel_->take();  // sessions existed already
    answer_bundle_fetch();
    return channel_->take();
  }

  std::string peek_tag() {
    auto p = channel_->take();
    std::string tag = p.node.tag;
    channel_->push_front(std::move(p));
    return tag;
  }

  // Answers the pending prekey fetch: every device asked for gets a bundle of the peer party.
  void answer_bundle_fetch() {
    auto fetch = channel_->take();
    CPPUNIT_ASSERT_EQUAL(std::string("encrypt"), fetch.node.attr_or("xmlns"));
    NodeList list;
    for (const Node* u : fetch.node.child("key")->children_named("user")) {
      // Every device gets the peer party's bundle (one identity stands in for each device here).
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
  }

  std::shared_ptr<ScriptedChannel> channel_;
  std::unique_ptr<Party> peer_;
  std::shared_ptr<wabot::test::MemorySignalStore> own_store_;
  std::shared_ptr<Recorder> listener_ = std::make_shared<Recorder>();
  std::shared_ptr<Messenger> messenger_;
  std::uint32_t next_pre_key_ = 100;
};

CPPUNIT_TEST_SUITE_REGISTRATION(MessengerFakeServerTest);
