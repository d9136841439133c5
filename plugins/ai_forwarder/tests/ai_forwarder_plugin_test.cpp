// SPDX-License-Identifier: GPL-3.0-or-later
// ai_forwarder loads with its declared keys (defaults and given values), refuses others, reports start.
#include <wabot/testing/fake_host.hpp>

#include <cppunit/extensions/HelperMacros.h>

extern "C" const wabot_plugin_descriptor* wabot_plugin_v1(void);

class AiForwarderPluginTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AiForwarderPluginTest);
  CPPUNIT_TEST(startsWithDefaults);
  CPPUNIT_TEST(honoursGivenValues);
  CPPUNIT_TEST(refusesUndeclaredKey);
  CPPUNIT_TEST_SUITE_END();

 public:
  void startsWithDefaults() {
    wabot::testing::FakeHost host;
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    CPPUNIT_ASSERT_EQUAL(std::string("ai_forwarder"), std::string(wabot_plugin_v1()->name));
    CPPUNIT_ASSERT(host.logged("ai_forwarder started"));
    const auto& line = host.logs.back();
    CPPUNIT_ASSERT(line.fields[1] == std::make_pair(std::string("developerAlerts"), std::string("off")));
    CPPUNIT_ASSERT(line.fields[2] == std::make_pair(std::string("maxAgeMs"), std::string("600000")));
    CPPUNIT_ASSERT(host.sent_texts.empty() && host.routes().empty());  // it does nothing it does not do yet
  }
  void honoursGivenValues() {
    wabot::testing::FakeHost host;
    host.set_config("developer_jid", "6281234@s.whatsapp.net");
    host.set_config("max_age", "2m");
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    const auto& line = host.logs.back();
    CPPUNIT_ASSERT(line.fields[1].second == "on");
    CPPUNIT_ASSERT(line.fields[2].second == "120000");
  }
  void refusesUndeclaredKey() {
    wabot::testing::FakeHost host;
    host.set_config("developer", "x");
    auto s = host.load(wabot_plugin_v1());
    CPPUNIT_ASSERT(!s.is_ok() && s.message().find("developer") != std::string::npos);
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(AiForwarderPluginTest);
