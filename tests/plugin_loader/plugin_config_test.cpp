// SPDX-License-Identifier: GPL-3.0-or-later
// PluginConfig: the declared key table and the YAML subtree, including malformed tables a broken
// plugin could hand the host (refused with a reason, never read out of bounds).
#include "host/plugins/plugin_config.hpp"

#include <cppunit/extensions/HelperMacros.h>

using wabot::plugins::PluginConfig;

namespace {
const wabot_config_key keys[] = {
    {sizeof(wabot_config_key), "interval", WABOT_CONFIG_DURATION, "30m", "how often"},
    {sizeof(wabot_config_key), "limit", WABOT_CONFIG_INT, nullptr, "optional"},
    {sizeof(wabot_config_key), "enabled", WABOT_CONFIG_BOOL, "true", "on/off"},
};
}  // namespace

class PluginConfigTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PluginConfigTest);
  CPPUNIT_TEST(defaultsApplyAndGivenValuesWin);
  CPPUNIT_TEST(refusesTooManyKeys);
  CPPUNIT_TEST(refusesCountWithoutTable);
  CPPUNIT_TEST(refusesBadDeclarations);
  CPPUNIT_TEST(refusesNestedValues);
  CPPUNIT_TEST(wrongTypeErrorNeverEchoesTheValue);
  CPPUNIT_TEST_SUITE_END();

 public:
  void defaultsApplyAndGivenValuesWin() {
    auto c = PluginConfig::validate(YAML::Load("limit: 7\n"), keys, 3);
    CPPUNIT_ASSERT(c.is_ok());
    CPPUNIT_ASSERT_EQUAL(std::string("30m"), *c.value().find("interval")->text);
    CPPUNIT_ASSERT_EQUAL(std::string("7"), *c.value().find("limit")->text);
    auto empty = PluginConfig::validate(YAML::Node(), keys, 3);
    CPPUNIT_ASSERT(empty.is_ok());
    CPPUNIT_ASSERT(!empty.value().find("limit")->text.has_value());  // optional, no default
    CPPUNIT_ASSERT(empty.value().find("nope") == nullptr);
  }
  void refusesTooManyKeys() {
    auto c = PluginConfig::validate(YAML::Node(), keys, 1'000'000'000);
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_ERR_CONFIG, c.status().code());
    CPPUNIT_ASSERT(c.status().message().find("at most 256") != std::string::npos);
  }
  void refusesCountWithoutTable() {
    CPPUNIT_ASSERT(!PluginConfig::validate(YAML::Node(), nullptr, 2).is_ok());
    CPPUNIT_ASSERT(PluginConfig::validate(YAML::Node(), nullptr, 0).is_ok());
  }
  void refusesBadDeclarations() {
    wabot_config_key bad[] = {{sizeof(wabot_config_key), "a", WABOT_CONFIG_INT, "ten", "bad default"}};
    auto c = PluginConfig::validate(YAML::Node(), bad, 1);
    CPPUNIT_ASSERT(c.status().message().find("config key a has a default that is not a int") != std::string::npos);
    wabot_config_key dup[] = {{sizeof(wabot_config_key), "a", WABOT_CONFIG_INT, "1", ""},
                              {sizeof(wabot_config_key), "a", WABOT_CONFIG_INT, "2", ""}};
    CPPUNIT_ASSERT(PluginConfig::validate(YAML::Node(), dup, 2).status().message().find("declared twice") != std::string::npos);
    wabot_config_key untyped[] = {{sizeof(wabot_config_key), "a", WABOT_CONFIG_UNSET, nullptr, ""}};
    CPPUNIT_ASSERT(PluginConfig::validate(YAML::Node(), untyped, 1).status().message().find("unknown type") != std::string::npos);
    wabot_config_key nameless[] = {{sizeof(wabot_config_key), nullptr, WABOT_CONFIG_INT, nullptr, ""}};
    CPPUNIT_ASSERT(!PluginConfig::validate(YAML::Node(), nameless, 1).is_ok());
    wabot_config_key small[] = {{8, "a", WABOT_CONFIG_INT, nullptr, ""}};
    CPPUNIT_ASSERT(PluginConfig::validate(YAML::Node(), small, 1).status().message().find("struct_size") != std::string::npos);
  }
  void refusesNestedValues() {
    auto c = PluginConfig::validate(YAML::Load("interval: {a: 1}\n"), keys, 3);
    CPPUNIT_ASSERT(c.status().message().find("config key interval must be a duration") != std::string::npos);
    c = PluginConfig::validate(YAML::Load("[a, b]\n"), keys, 3);
    CPPUNIT_ASSERT(c.status().message().find("must be a map") != std::string::npos);
  }
  void wrongTypeErrorNeverEchoesTheValue() {
    auto c = PluginConfig::validate(YAML::Load("limit: sk-live-secret\n"), keys, 3);
    CPPUNIT_ASSERT(!c.is_ok());
    CPPUNIT_ASSERT(c.status().message().find("limit") != std::string::npos);
    CPPUNIT_ASSERT(c.status().message().find("sk-live-secret") == std::string::npos);
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(PluginConfigTest);
