// SPDX-License-Identifier: GPL-3.0-or-later
// Binary XML codec: golden encodings from the protocol vectors, round trips, malformed input, a fuzz loop.
#include <cppunit/extensions/HelperMacros.h>

#include <random>

#include "host/engine/binary/binary_decoder.hpp"
#include "host/engine/binary/binary_encoder.hpp"
#include "test_util.hpp"

using namespace wabot::engine;
using wabot::engine::test::from_hex;
using wabot::engine::test::to_hex;

namespace {

Node iq(std::vector<Attribute> attrs, NodeContent content = {}) { return Node("iq", std::move(attrs), std::move(content)); }

struct Golden {
  const char* name;
  Node node;
  const char* hex;
};

std::vector<Golden> goldens() {
  Jid s = server_jid();
  return {
      {"keepalive", iq({{"id", "1"}, {"to", s}, {"type", "get"}, {"xmlns", "w:p"}}, NodeList{Node("ping")}),
       "00f80a19085511fa000304291657f801f80156"},
      {"passive_active", iq({{"to", s}, {"xmlns", "passive"}, {"type", "set"}, {"id", "abc"}}, NodeList{Node("active")}),
       "00f80a1911fa000316ec18045a08fc03616263f801f801ec01"},
      {"prekey_count", iq({{"id", "2"}, {"xmlns", "encrypt"}, {"type", "get"}, {"to", s}}, NodeList{Node("count")}),
       "00f80a19084516cb042911fa0003f801f80141"},
      {"pair_ack", iq({{"to", s}, {"type", "result"}, {"id", "123.45-6"}}), "00f8071911fa0003041408ff04123b45a6"},
      {"ad_jid", Node("presence", {{"from", Jid("15551234567", server::user, 12)}}), "00f8031f06f7000cff8615551234567f"},
      {"lid_ad_jid", Node("presence", {{"from", Jid("123456789012345", server::lid, 3)}}), "00f8031f06f70103ff88123456789012345f"},
      {"hex_attr", Node("message", {{"id", "3EB0ABCDEF012345"}}), "00f8031308fb083eb0abcdef012345"},
      {"nibble_attr", Node("ack", {{"t", "1700000000.5-1"}}), "00f8031b1aff071700000000b5a1"},
      {"raw_bytes", Node("enc", {{"v", "2"}, {"type", "pkmsg"}}, Bytes{1, 2, 3}), "00f8061d51450453fc03010203"},
      {"raw_string", Node("item", {{"name", "hello world"}}), "00f8033f89fc0b68656c6c6f20776f726c64"},
  };
}

}  // namespace

class BinaryCodecTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BinaryCodecTest);
  CPPUNIT_TEST(encodes_golden_vectors);
  CPPUNIT_TEST(decodes_golden_vectors);
  CPPUNIT_TEST(decodes_pair_success_vector);
  CPPUNIT_TEST(round_trips_every_jid_form);
  CPPUNIT_TEST(round_trips_large_binary_lengths);
  CPPUNIT_TEST(round_trips_double_byte_tokens_and_long_lists);
  CPPUNIT_TEST(inflates_compressed_frames);
  CPPUNIT_TEST(refuses_inflation_over_the_bound);
  CPPUNIT_TEST(rejects_malformed_inputs);
  CPPUNIT_TEST(rejects_excessive_nesting);
  CPPUNIT_TEST(survives_mutated_inputs);
  CPPUNIT_TEST_SUITE_END();

 public:
  void encodes_golden_vectors() {
    for (const auto& g : goldens()) CPPUNIT_ASSERT_EQUAL_MESSAGE(g.name, std::string(g.hex), to_hex(binary::encode_node(g.node)));
  }

  void decodes_golden_vectors() {
    for (const auto& g : goldens()) {
      auto n = binary::decode_frame_plaintext(from_hex(g.hex));
      CPPUNIT_ASSERT_MESSAGE(std::string(g.name) + ": " + (n ? "" : n.error().message), n.ok());
      // Decoding gives the same node, except raw strings in content come back as bytes (the wire can't tell).
      CPPUNIT_ASSERT_EQUAL_MESSAGE(g.name, g.node.to_debug_string(), n->to_debug_string());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(g.name, std::string(g.hex), to_hex(binary::encode_node(*n)));
    }
    auto n = binary::decode_frame_plaintext(from_hex("00f8031f06f7000cff8615551234567f"));
    CPPUNIT_ASSERT_EQUAL(std::string("15551234567:12@s.whatsapp.net"), n->attr("from").value());
    CPPUNIT_ASSERT(n->attr_jid("from")->is_pn());
  }

  void decodes_pair_success_vector() {
    auto bytes = from_hex(
        "00f80a1906fa0003045a08ff841234567f1aff051700000000f801f802fc0c706169722d73756363657373f803f802e6fc950a710a0b08d209"
        "1080e2cfaa06180712202b016b62585edc071233f769c5ed1570e6a4ba93826b72821464a3895f12ef2d1a40e6013316325abaa03444f93a0d"
        "0171694938b9bcfe3ca083724f2f420c15eb7d846e7a6f464fef115414985a7b610b8d862c5c9d6d4786d26dbce049ca572c0d122012c88a96"
        "52f49ceb7943024b50152d2f7e89e5795b879d02e1f59b5db9dc0105f8034a89e4f8053b0cf70007ff8615551234567f76f70107ff88100000"
        "000000001f");
    auto n = binary::decode_frame_plaintext(bytes);
    CPPUNIT_ASSERT_MESSAGE(n ? "" : n.error().message, n.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("iq"), n->tag);
    CPPUNIT_ASSERT_EQUAL(std::string("1234567"), n->attr("id").value());
    CPPUNIT_ASSERT_EQUAL(std::string("1700000000"), n->attr("t").value());
    const Node* ps = n->child("pair-success");
    CPPUNIT_ASSERT(ps);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0x95), ps->child("device-identity")->bytes()->size());
    CPPUNIT_ASSERT_EQUAL(std::string("android"), ps->child("platform")->attr("name").value());
    CPPUNIT_ASSERT_EQUAL(std::string("15551234567:7@s.whatsapp.net"), ps->child("device")->attr("jid").value());
    CPPUNIT_ASSERT_EQUAL(std::string("100000000000001:7@lid"), ps->child("device")->attr("lid").value());
    CPPUNIT_ASSERT_EQUAL(to_hex(bytes), to_hex(binary::encode_node(*n)));
  }

  void round_trips_every_jid_form() {
    std::vector<std::string> forms = {
        "s.whatsapp.net", "15551234567@s.whatsapp.net", "15551234567:3@s.whatsapp.net",
        "123456789012345@lid", "123456789012345:9@lid", "120363025246125486@g.us", "status@broadcast",
        "1234567890@broadcast", "555:2@hosted", "555@hosted.lid", "100012345:4@msgr", "7-1234:5@interop",
        "abc@newsletter", "g.us", "1234-5678@g.us"};
    for (const auto& f : forms) {
      auto j = Jid::parse(f);
      CPPUNIT_ASSERT_MESSAGE(f, j.ok());
      CPPUNIT_ASSERT_EQUAL_MESSAGE("format " + f, f, j->to_string());
      Node n("x", {{"jid", j.value()}}, j.value());
      auto bytes = binary::encode_node(n);
      auto back = binary::decode_frame_plaintext(bytes);
      CPPUNIT_ASSERT_MESSAGE(f + ": " + (back ? "" : back.error().message), back.ok());
      CPPUNIT_ASSERT_MESSAGE(f, back->attr_jid("jid").value() == j.value());
      CPPUNIT_ASSERT_MESSAGE(f, std::get<Jid>(back->content) == j.value());
    }
    CPPUNIT_ASSERT(Jid::parse("15551234567:1@s.whatsapp.net")->is_pn());
    // The agent suffix parses and formats, but the wire has no room for it on PN JIDs (domain 0), as in whatsmeow.
    auto agent = Jid::parse("15551234567.2:3@s.whatsapp.net");
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(2), agent->agent);
    CPPUNIT_ASSERT_EQUAL(std::string("15551234567.2:3@s.whatsapp.net"), agent->to_string());
    CPPUNIT_ASSERT(Jid::parse("1:1@lid")->is_lid());
    CPPUNIT_ASSERT_EQUAL(std::uint16_t(1), Jid::parse("1:1@lid")->device);
    CPPUNIT_ASSERT_EQUAL(std::string("1@lid"), Jid::parse("1:1@lid")->to_non_ad().to_string());
    CPPUNIT_ASSERT(!Jid::parse("").ok());
    CPPUNIT_ASSERT(!Jid::parse("1:x@s.whatsapp.net").ok());
    CPPUNIT_ASSERT(!Jid::parse("1:99999@s.whatsapp.net").ok());
    CPPUNIT_ASSERT(!Jid::parse("a@").ok());
    CPPUNIT_ASSERT(!Jid::parse("a@b@c").ok());
    CPPUNIT_ASSERT(!Jid::parse("1234@interop").ok());
  }

  void round_trips_large_binary_lengths() {
    for (std::size_t len : {0u, 1u, 255u, 256u, 70000u, (1u << 20) - 1, 1u << 20}) {
      Bytes payload(len);
      for (std::size_t i = 0; i < len; ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
      Node n("media", {}, payload);
      auto bytes = binary::encode_node(n);
      auto back = binary::decode_frame_plaintext(bytes);
      CPPUNIT_ASSERT_MESSAGE(std::to_string(len), back.ok());
      if (len == 0) continue;  // FC 00 decodes as empty bytes too
      CPPUNIT_ASSERT_MESSAGE(std::to_string(len), *back->bytes() == payload);
    }
    // Lengths pick the smallest tag.
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0xFD), binary::encode_node(Node("iq", {}, Bytes(256)))[4]);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0xFE), binary::encode_node(Node("iq", {}, Bytes(1u << 20)))[4]);
  }

  void round_trips_double_byte_tokens_and_long_lists() {
    NodeList kids;
    for (int i = 0; i < 300; ++i) kids.push_back(Node("item", {{"name", "k" + std::to_string(i)}}));
    Node n("pair-device", {{"passive", "conflict"}, {"x", ""}}, kids);  // "" attribute skipped
    auto bytes = binary::encode_node(n);
    // N = 1 + 2*1 + 1 (the empty attribute is skipped); tag and attribute key/value are double-byte tokens.
    CPPUNIT_ASSERT_EQUAL(std::string("00f804edeeec18ec0ef9012c"), to_hex(Bytes(bytes.begin(), bytes.begin() + 12)));
    auto back = binary::decode_frame_plaintext(bytes);
    CPPUNIT_ASSERT(back.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t(300), back->children()->size());
    CPPUNIT_ASSERT_EQUAL(std::string("k299"), back->children()->back().attr("name").value());
    CPPUNIT_ASSERT(!back->attr("x"));
    CPPUNIT_ASSERT_EQUAL(std::string("conflict"), back->attr("passive").value());
  }

  void inflates_compressed_frames() {
    // zlib.compress(bytes.fromhex("f80a19085511fa000304291657f801f80156")) from Python.
    auto plain = from_hex("f80a19085511fa000304291657f801f80156");
    auto z = from_hex("789cfbc125c9112af88b819945532cfc07e30fc6300031b90569");
    Bytes frame{0x02};
    frame.insert(frame.end(), z.begin(), z.end());
    auto n = binary::decode_frame_plaintext(frame);
    CPPUNIT_ASSERT_MESSAGE(n ? "" : n.error().message, n.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("00") + to_hex(plain), to_hex(binary::encode_node(*n)));
  }

  void refuses_inflation_over_the_bound() {
    // 1 MiB of zeros compresses to ~1 KB: a decompression bomb in miniature.
    auto z = from_hex(wabot::engine::test::read_file(wabot::engine::test::data_path("zeros_1mib.zlib.hex")));
    Bytes frame{0x02};
    frame.insert(frame.end(), z.begin(), z.end());
    binary::DecodeLimits limits;
    limits.max_inflated_bytes = 64 * 1024;
    auto n = binary::decode_frame_plaintext(frame, limits);
    CPPUNIT_ASSERT(!n.ok());
    CPPUNIT_ASSERT(n.error().code == ErrorCode::too_large);
    auto bad = binary::decode_frame_plaintext(Bytes{0x02, 0x78, 0x9c, 0x01});
    CPPUNIT_ASSERT(!bad.ok());
  }

  void rejects_malformed_inputs() {
    const char* cases[] = {
        "",                    // nothing
        "00",                  // flag only
        "00f8",                // list header cut
        "00f800",              // node with an empty list header
        "00f801",              // no tag
        "00f80119ff",          // trailing bytes after the node
        "00f80219fcff00",      // BINARY_8 length beyond the input
        "00f80219feffffffff",  // BINARY_32 claims 4 GiB
        "00f80219f8ff",        // 255 children claimed, none present
        "00f9ffff19",          // 32767 attributes claimed
        "00f8021aff01cc",      // invalid nibble 12
        "00f80219ff8112",      // odd packed string without the padding nibble
        "00f80219fa",          // JID pair cut
        "00f80219fa0000",      // JID pair with no server
        "00f80219f7",          // AD JID cut
        "00f802f0",            // unused tag 240 where the tag string belongs
        "00f802fc0061",        // empty tag string
        "00f80219ec",          // double-byte token cut
        "00f80219f6fa",        // JID nested in a JID
    };
    for (const char* c : cases) {
      auto n = binary::decode_frame_plaintext(from_hex(c));
      CPPUNIT_ASSERT_MESSAGE(std::string("accepted ") + c, !n.ok());
      CPPUNIT_ASSERT(!n.error().message.empty());
    }
    // Edge cases that are valid: an attribute whose value is LIST_EMPTY reads as "", odd nibble strings.
    auto empty_value = binary::decode_frame_plaintext(from_hex("00f803190800"));
    CPPUNIT_ASSERT(empty_value.ok());
    CPPUNIT_ASSERT_EQUAL(std::string(""), empty_value->attr("id").value());
    auto odd = binary::decode_frame_plaintext(from_hex("00f80219ff811f"));
    CPPUNIT_ASSERT(odd.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("1"), std::get<std::string>(odd->content));
  }

  void rejects_excessive_nesting() {
    Bytes deep{0x00};
    for (int i = 0; i < 200; ++i) {
      deep.insert(deep.end(), {0xF8, 0x02, 0x19, 0xF8, 0x01});
    }
    deep.insert(deep.end(), {0xF8, 0x01, 0x19});
    auto n = binary::decode_frame_plaintext(deep);
    CPPUNIT_ASSERT(!n.ok());
    CPPUNIT_ASSERT(n.error().code == ErrorCode::too_large);
    binary::DecodeLimits roomy;
    roomy.max_depth = 500;
    CPPUNIT_ASSERT(binary::decode_frame_plaintext(deep, roomy).ok());
  }

  // A libFuzzer-style loop: mutate valid frames (bit flips, truncation, splices, length bytes) and
  // decode each; the decoder must return a value or an error, never crash or hang.
  void survives_mutated_inputs() {
    std::vector<Bytes> seeds;
    for (const auto& g : goldens()) seeds.push_back(from_hex(g.hex));
    std::mt19937 rng(1234567);
    int decoded = 0, refused = 0;
    for (int i = 0; i < 200000; ++i) {
      Bytes b = seeds[rng() % seeds.size()];
      int mutations = 1 + rng() % 4;
      for (int m = 0; m < mutations; ++m) {
        switch (rng() % 5) {
          case 0: if (!b.empty()) b[rng() % b.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8)); break;
          case 1: if (!b.empty()) b[rng() % b.size()] = static_cast<std::uint8_t>(rng()); break;
          case 2: if (!b.empty()) b.resize(rng() % b.size()); break;
          case 3: { const Bytes& o = seeds[rng() % seeds.size()]; std::size_t at = b.empty() ? 0 : rng() % b.size();
                    b.insert(b.begin() + at, o.begin() + 1, o.end()); break; }
          case 4: if (b.size() > 1) b[1 + rng() % (b.size() - 1)] = static_cast<std::uint8_t>(0xF5 + rng() % 11); break;
        }
      }
      auto n = binary::decode_frame_plaintext(b);
      if (n.ok()) {
        ++decoded;
        (void)binary::encode_node(*n);
      } else {
        ++refused;
      }
    }
    CPPUNIT_ASSERT(decoded > 0);
    CPPUNIT_ASSERT(refused > 0);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BinaryCodecTest);
