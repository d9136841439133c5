// SPDX-License-Identifier: GPL-3.0-or-later
// agentId, phone/JID and quotedMessageId rules of docs/api.md.
#include "identifiers.hpp"

#include <cppunit/extensions/HelperMacros.h>

using rest_api::normalize_jid;
using rest_api::quoted_stanza_id;
using rest_api::valid_agent_id;

class IdentifiersTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(IdentifiersTest);
  CPPUNIT_TEST(agentIdPattern);
  CPPUNIT_TEST(phonesNormalise);
  CPPUNIT_TEST(jidsNormalise);
  CPPUNIT_TEST(badRecipientsRefused);
  CPPUNIT_TEST(quotedIdForms);
  CPPUNIT_TEST_SUITE_END();

 public:
  void agentIdPattern() {
    CPPUNIT_ASSERT(valid_agent_id("support-bot"));
    CPPUNIT_ASSERT(valid_agent_id("A.b_c-9"));
    CPPUNIT_ASSERT(valid_agent_id(std::string(64, 'a')));
    CPPUNIT_ASSERT(!valid_agent_id(std::string(65, 'a')));
    CPPUNIT_ASSERT(!valid_agent_id(""));
    CPPUNIT_ASSERT(!valid_agent_id("a b"));
    CPPUNIT_ASSERT(!valid_agent_id("a/b"));
    CPPUNIT_ASSERT(!valid_agent_id("ä"));
  }
  void phonesNormalise() {
    CPPUNIT_ASSERT_EQUAL(std::string("6281234567890@s.whatsapp.net"), *normalize_jid("+62 812-3456-7890"));
    CPPUNIT_ASSERT_EQUAL(std::string("6281234567890@s.whatsapp.net"), *normalize_jid("6281234567890"));
    CPPUNIT_ASSERT_EQUAL(std::string("14155550123@s.whatsapp.net"), *normalize_jid("+1 (415) 555-0123"));
  }
  void jidsNormalise() {
    CPPUNIT_ASSERT_EQUAL(std::string("6281234567890@s.whatsapp.net"), *normalize_jid("6281234567890@c.us"));
    CPPUNIT_ASSERT_EQUAL(std::string("6281234567890@s.whatsapp.net"), *normalize_jid("6281234567890@s.whatsapp.net"));
    CPPUNIT_ASSERT_EQUAL(std::string("120363025246125486@g.us"), *normalize_jid("120363025246125486@g.us"));
    CPPUNIT_ASSERT_EQUAL(std::string("6281234567890-1600000000@g.us"), *normalize_jid("6281234567890-1600000000@g.us"));
    CPPUNIT_ASSERT_EQUAL(std::string("123456789012345@lid"), *normalize_jid("123456789012345@lid"));
  }
  void badRecipientsRefused() {
    for (const char* bad : {"", "   ", "abc", "+62+812", "62812@example.com", "@s.whatsapp.net", "62812:3@s.whatsapp.net",
                            "status@broadcast", "1234", "6281234567890@g.us.evil", "x@lid", "628 12;drop"})
      CPPUNIT_ASSERT_MESSAGE(bad, !normalize_jid(bad));
    CPPUNIT_ASSERT(!normalize_jid(std::string(10'000, '1')));
  }
  void quotedIdForms() {
    CPPUNIT_ASSERT_EQUAL(std::string("3EB0C431C26A1916E07E"), *quoted_stanza_id("3EB0C431C26A1916E07E"));
    CPPUNIT_ASSERT_EQUAL(std::string("3EB0C431C26A1916E07E"),
                         *quoted_stanza_id("true_6281234567890@c.us_3EB0C431C26A1916E07E"));
    CPPUNIT_ASSERT_EQUAL(std::string("ABCDEF0123"), *quoted_stanza_id("false_120363025246125486@g.us_ABCDEF0123_6281234567890@c.us"));
    for (const char* bad : {"", "maybe_6281@c.us_3EB0", "true_notajid_3EB0", "true_6281234567890@c.us_", "3EB0 1",
                            "true_6281234567890@c.us_3EB0_bad", "../etc/passwd"})
      CPPUNIT_ASSERT_MESSAGE(bad, !quoted_stanza_id(bad));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(IdentifiersTest);
