// SPDX-License-Identifier: GPL-3.0-or-later
// Framing: the intro once, 3-byte lengths, several frames per message, frames split across messages, limits.
#include <cppunit/extensions/HelperMacros.h>

#include "host/engine/transport/frame_codec.hpp"
#include "test_util.hpp"

using namespace wabot::engine;
using wabot::engine::test::from_hex;
using wabot::engine::test::to_hex;

class FrameCodecTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FrameCodecTest);
  CPPUNIT_TEST(sends_the_intro_only_once);
  CPPUNIT_TEST(splits_several_frames_in_one_message);
  CPPUNIT_TEST(reassembles_frames_split_across_messages);
  CPPUNIT_TEST(refuses_frames_over_the_limit);
  CPPUNIT_TEST_SUITE_END();

 public:
  void sends_the_intro_only_once() {
    transport::FrameCodec c({'W', 'A', 6, 3});
    CPPUNIT_ASSERT_EQUAL(std::string("57410603000002aabb"), to_hex(*c.encode(from_hex("aabb"))));
    CPPUNIT_ASSERT_EQUAL(std::string("000001cc"), to_hex(*c.encode(from_hex("cc"))));
    CPPUNIT_ASSERT_EQUAL(std::string("000000"), to_hex(*c.encode({})));
    c.reset();
    CPPUNIT_ASSERT_EQUAL(std::string("57410603000001dd"), to_hex(*c.encode(from_hex("dd"))));
    CPPUNIT_ASSERT(!c.encode(std::vector<std::uint8_t>(1u << 24)).ok());
  }

  void splits_several_frames_in_one_message() {
    transport::FrameCodec c({});
    CPPUNIT_ASSERT(c.feed(from_hex("000002aabb000001cc000000000003010203")).ok());
    std::vector<std::string> got;
    while (c.has_frame()) got.push_back(to_hex(c.next_frame()));
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), got.size());
    CPPUNIT_ASSERT_EQUAL(std::string("aabb"), got[0]);
    CPPUNIT_ASSERT_EQUAL(std::string("cc"), got[1]);
    CPPUNIT_ASSERT_EQUAL(std::string(""), got[2]);
    CPPUNIT_ASSERT_EQUAL(std::string("010203"), got[3]);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), c.buffered_bytes());
  }

  void reassembles_frames_split_across_messages() {
    auto stream = from_hex("0000050102030405000003aabbcc");
    // Every split point, byte by byte included.
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
      transport::FrameCodec c({});
      CPPUNIT_ASSERT(c.feed(std::span(stream).first(cut)).ok());
      CPPUNIT_ASSERT(c.feed(std::span(stream).subspan(cut)).ok());
      CPPUNIT_ASSERT(c.has_frame());
      CPPUNIT_ASSERT_EQUAL(std::string("0102030405"), to_hex(c.next_frame()));
      CPPUNIT_ASSERT_EQUAL(std::string("aabbcc"), to_hex(c.next_frame()));
      CPPUNIT_ASSERT(!c.has_frame());
    }
    transport::FrameCodec c({});
    for (auto b : stream) CPPUNIT_ASSERT(c.feed(std::vector<std::uint8_t>{b}).ok());
    CPPUNIT_ASSERT_EQUAL(std::string("0102030405"), to_hex(c.next_frame()));
  }

  void refuses_frames_over_the_limit() {
    transport::FrameCodec c({});
    c.set_max_frame_bytes(1024);
    // A length of 1 MiB is refused as soon as the 3 length bytes are in: nothing is buffered for it.
    auto s = c.feed(from_hex("100000"));
    CPPUNIT_ASSERT(!s.ok());
    CPPUNIT_ASSERT(s.error().code == ErrorCode::too_large);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), c.buffered_bytes());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FrameCodecTest);
