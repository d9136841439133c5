// SPDX-License-Identifier: GPL-3.0-or-later
// The ABI handshake on descriptors built in memory: every refusal reason, and that an older (shorter)
// descriptor without the optional hooks is accepted.
#include "host/plugins/descriptor_check.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <cstddef>

using wabot::plugins::check_descriptor;

namespace {
wabot_status ok_create(const wabot_host_api*, wabot_host*, wabot_plugin_state**) { return WABOT_OK; }
wabot_status ok_hook(wabot_plugin_state*) { return WABOT_OK; }
void ok_destroy(wabot_plugin_state*) {}

wabot_plugin_descriptor valid() {
  wabot_plugin_descriptor d{};
  d.struct_size = sizeof(d);
  d.abi_major = WABOT_ABI_VERSION_MAJOR;
  d.abi_minor = WABOT_ABI_VERSION_MINOR;
  d.name = "x";
  d.version = "1.0.0";
  d.create = &ok_create;
  d.start = &ok_hook;
  d.stop = &ok_hook;
  d.destroy = &ok_destroy;
  return d;
}
bool has(const std::string& reason, const std::string& part) { return reason.find(part) != std::string::npos; }
}  // namespace

class DescriptorCheckTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DescriptorCheckTest);
  CPPUNIT_TEST(acceptsValidAndShorterWithoutOptionalHooks);
  CPPUNIT_TEST(refusesEachFailureWithItsReason);
  CPPUNIT_TEST_SUITE_END();

 public:
  void acceptsValidAndShorterWithoutOptionalHooks() {
    wabot_plugin_descriptor d = valid();
    CPPUNIT_ASSERT_EQUAL(std::string(), check_descriptor(&d));
    d.struct_size = wabot::plugins::required_descriptor_size;  // no on_message / on_event fields
    CPPUNIT_ASSERT_EQUAL(std::string(), check_descriptor(&d));
    d.abi_minor = 0;  // older minors load
    CPPUNIT_ASSERT_EQUAL(std::string(), check_descriptor(&d));
  }
  void refusesEachFailureWithItsReason() {
    CPPUNIT_ASSERT(has(check_descriptor(nullptr), "no descriptor"));
    wabot_plugin_descriptor d = valid();
    d.struct_size = 4;
    CPPUNIT_ASSERT(has(check_descriptor(&d), "descriptor struct is too small (4 bytes)"));
    d = valid();
    d.abi_major = 0;
    CPPUNIT_ASSERT(has(check_descriptor(&d), "ABI major 0 differs"));
    d = valid();
    d.abi_minor = WABOT_ABI_VERSION_MINOR + 7;
    CPPUNIT_ASSERT(has(check_descriptor(&d), "newer than the host's"));
    d = valid();
    d.struct_size = offsetof(wabot_plugin_descriptor, create);
    CPPUNIT_ASSERT(has(check_descriptor(&d), "needs at least " + std::to_string(wabot::plugins::required_descriptor_size)));
    const char* names[] = {"create", "start", "stop", "destroy"};
    for (int i = 0; i < 4; ++i) {
      d = valid();
      if (i == 0) d.create = nullptr;
      if (i == 1) d.start = nullptr;
      if (i == 2) d.stop = nullptr;
      if (i == 3) d.destroy = nullptr;
      CPPUNIT_ASSERT(has(check_descriptor(&d), std::string("required callback '") + names[i] + "' is missing"));
    }
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(DescriptorCheckTest);
