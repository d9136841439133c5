// SPDX-License-Identifier: GPL-3.0-or-later
// Message padding: golden bytes from messaging.md §9, the random range, and strict unpadding.
#include "host/engine/signal/message_padding.hpp"

#include "hex.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <set>

namespace c = wabot::engine::crypto;
namespace s = wabot::engine::signal;
using wabot::test::hex;
using wabot::test::unhex;

class MessagePaddingTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MessagePaddingTest);
  CPPUNIT_TEST(padding_three_matches_golden_bytes);
  CPPUNIT_TEST(random_padding_uses_one_to_fifteen_and_round_trips);
  CPPUNIT_TEST(unpad_accepts_baileys_sixteen);
  CPPUNIT_TEST(unpad_refuses_bad_padding);
  CPPUNIT_TEST(pad_with_refuses_out_of_range_lengths);
  CPPUNIT_TEST_SUITE_END();

 public:
  void padding_three_matches_golden_bytes() {
    auto padded = s::pad_message_with(unhex("0a026869"), 3);
    CPPUNIT_ASSERT(padded.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("0a026869030303"), hex(padded.value()));
    auto back = s::unpad_message(padded.value());
    CPPUNIT_ASSERT(back.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("0a026869"), hex(back.value()));
  }

  void random_padding_uses_one_to_fifteen_and_round_trips() {
    std::set<int> seen;
    auto message = unhex("0a026869");
    for (int i = 0; i < 2000; ++i) {
      auto padded = s::pad_message(message);
      int n = padded.back();
      CPPUNIT_ASSERT(n >= 1 && n <= 15);
      CPPUNIT_ASSERT_EQUAL(message.size() + n, padded.size());
      seen.insert(n);
      auto back = s::unpad_message(padded);
      CPPUNIT_ASSERT(back.ok() && back.value() == message);
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t(15), seen.size());  // 2000 draws cover all 15 values
    // An empty message pads and unpads too.
    auto empty = s::unpad_message(s::pad_message({}));
    CPPUNIT_ASSERT(empty.ok() && empty.value().empty());
  }

  void unpad_accepts_baileys_sixteen() {
    auto padded = unhex("0a026869" + std::string(32, '0'));
    for (std::size_t i = 4; i < padded.size(); ++i) padded[i] = 16;
    auto back = s::unpad_message(padded);
    CPPUNIT_ASSERT(back.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("0a026869"), hex(back.value()));
  }

  void unpad_refuses_bad_padding() {
    CPPUNIT_ASSERT(!s::unpad_message({}).ok());
    CPPUNIT_ASSERT(!s::unpad_message(unhex("0a02686900")).ok());            // N = 0
    CPPUNIT_ASSERT(!s::unpad_message(unhex("0a0268690303")).ok());          // only two of the three padding bytes are 3
    CPPUNIT_ASSERT(!s::unpad_message(unhex("0a0268690203")).ok());          // bytes differ
    CPPUNIT_ASSERT(!s::unpad_message(unhex("0505")).ok());                  // N > length
    c::Bytes seventeen(20, 17);
    CPPUNIT_ASSERT(!s::unpad_message(seventeen).ok());                      // N > 16
    auto err = s::unpad_message(unhex("0a0268690203"));
    CPPUNIT_ASSERT_EQUAL(s::SignalErrorCode::invalid_message, err.error().code);
    CPPUNIT_ASSERT(s::unpad_message(unhex("01")).ok());                     // only padding
  }

  void pad_with_refuses_out_of_range_lengths() {
    CPPUNIT_ASSERT(!s::pad_message_with(unhex("00"), 0).ok());
    CPPUNIT_ASSERT(!s::pad_message_with(unhex("00"), 17).ok());
    CPPUNIT_ASSERT(s::pad_message_with(unhex("00"), 16).ok());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MessagePaddingTest);
