// SPDX-License-Identifier: GPL-3.0-or-later
// metrics loads with its declared key, refuses others and wrong types, reports start.
#include <wabot/testing/fake_host.hpp>

#include <cppunit/extensions/HelperMacros.h>

extern "C" const wabot_plugin_descriptor* wabot_plugin_v1(void);

class MetricsPluginTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MetricsPluginTest);
  CPPUNIT_TEST(startsWithDefaultAndGivenValue);
  CPPUNIT_TEST(refusesWrongTypeAndUndeclaredKey);
  CPPUNIT_TEST_SUITE_END();

 public:
  void startsWithDefaultAndGivenValue() {
    wabot::testing::FakeHost defaults;
    CPPUNIT_ASSERT(defaults.load(wabot_plugin_v1()).is_ok());
    CPPUNIT_ASSERT(defaults.logged("metrics started"));
    CPPUNIT_ASSERT(defaults.logs.back().fields[1].second == "false");
    wabot::testing::FakeHost given;
    given.set_config("per_agent_labels", "true");
    CPPUNIT_ASSERT(given.load(wabot_plugin_v1()).is_ok());
    CPPUNIT_ASSERT(given.logs.back().fields[1].second == "true");
  }
  void refusesWrongTypeAndUndeclaredKey() {
    wabot::testing::FakeHost wrong;
    wrong.set_config("per_agent_labels", "sometimes");
    auto s = wrong.load(wabot_plugin_v1());
    CPPUNIT_ASSERT(!s.is_ok() && s.message().find("per_agent_labels") != std::string::npos);
    wabot::testing::FakeHost undeclared;
    undeclared.set_config("port", "9100");
    s = undeclared.load(wabot_plugin_v1());
    CPPUNIT_ASSERT(!s.is_ok() && s.message().find("port") != std::string::npos);
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(MetricsPluginTest);
