// SPDX-License-Identifier: GPL-3.0-or-later
// cleanup loads with its declared keys, reads the shared media.temp_dir, refuses a zero interval.
#include <wabot/testing/fake_host.hpp>

#include <cppunit/extensions/HelperMacros.h>

extern "C" const wabot_plugin_descriptor* wabot_plugin_v1(void);

class CleanupPluginTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CleanupPluginTest);
  CPPUNIT_TEST(startsWithDefaultsAndSharedTempDir);
  CPPUNIT_TEST(zeroIntervalFailsStart);
  CPPUNIT_TEST(refusesUndeclaredKey);
  CPPUNIT_TEST_SUITE_END();

 public:
  void startsWithDefaultsAndSharedTempDir() {
    wabot::testing::FakeHost host;
    host.set_shared("media.temp_dir", "/var/tmp/wabot");
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    CPPUNIT_ASSERT(host.logged("cleanup started"));
    const auto& f = host.logs.back().fields;
    CPPUNIT_ASSERT(f[1].second == "1800000");
    CPPUNIT_ASSERT(f[2].second == "86400000");
    CPPUNIT_ASSERT(f[3].second == "/var/tmp/wabot");
    CPPUNIT_ASSERT_EQUAL(size_t(0), host.timer_count());  // sweeping is not implemented yet, so nothing is scheduled
  }
  void zeroIntervalFailsStart() {
    wabot::testing::FakeHost host;
    host.set_config("interval", "0s");
    auto s = host.load(wabot_plugin_v1());
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_CONFIG, s.code());
    CPPUNIT_ASSERT(s.message().find("interval") != std::string::npos);
  }
  void refusesUndeclaredKey() {
    wabot::testing::FakeHost host;
    host.set_config("dir", "/tmp");
    CPPUNIT_ASSERT(!host.load(wabot_plugin_v1()).is_ok());
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(CleanupPluginTest);
