// SPDX-License-Identifier: GPL-3.0-or-later
// The loader's refusals, one fixture each: the plugin is refused with ONE log line naming the reason,
// and the host carries on loading and starting the others.
#include "fixture_paths.hpp"
#include "log_capture.hpp"
#include "recording_route_registry.hpp"

#include "host/plugins/plugin_manager.hpp"

#include <cppunit/extensions/HelperMacros.h>

using namespace wabot::plugins;
using namespace wabot::plugins::testing;

class PluginLoaderTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PluginLoaderTest);
  CPPUNIT_TEST(refusesMissingFile);
  CPPUNIT_TEST(refusesMissingEntrySymbol);
  CPPUNIT_TEST(refusesAbiMajorMismatch);
  CPPUNIT_TEST(refusesNewerAbiMinor);
  CPPUNIT_TEST(refusesShortDescriptorStruct);
  CPPUNIT_TEST(refusesMissingRequiredCallback);
  CPPUNIT_TEST(refusesUndeclaredConfigKeyByName);
  CPPUNIT_TEST(refusesWrongConfigTypeByName);
  CPPUNIT_TEST(refusesNonMapConfig);
  CPPUNIT_TEST(refusesNameMismatchWithExplicitPath);
  CPPUNIT_TEST(refusesDuplicateName);
  CPPUNIT_TEST(refusesPathTraversalName);
  CPPUNIT_TEST(acceptsValidConfigAndPluginReadsIt);
  CPPUNIT_TEST(loadsByExplicitPath);
  CPPUNIT_TEST(skipsDisabledPlugin);
  CPPUNIT_TEST(hostCarriesOnAfterEveryRefusal);
  CPPUNIT_TEST_SUITE_END();

  // Loads [refused, recorder_a] and checks: exactly one "plugin refused" line for `name` whose
  // reason contains `reason`, and recorder_a still loads and starts.
  void expect_refused(const PluginSpec& spec, const std::string& reason) {
    LogCapture logs;
    RecordingRouteRegistry routes;
    HostBackends backends;
    backends.routes = &routes;
    PluginManager manager(fixture_config({spec, fixture_spec("recorder_a")}), backends);
    CPPUNIT_ASSERT_EQUAL(size_t(1), manager.load_all());
    manager.start_all();
    auto lines = logs.matching({"plugin refused", "\"plugin\":\"" + spec.name + "\""});
    CPPUNIT_ASSERT_EQUAL_MESSAGE("one refusal line for " + spec.name, size_t(1), lines.size());
    CPPUNIT_ASSERT_MESSAGE("reason '" + reason + "' in: " + lines[0], lines[0].find(reason) != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(size_t(1), manager.refusals().size());
    CPPUNIT_ASSERT(manager.find(spec.name) == nullptr);
    auto survivor = manager.find("recorder_a");
    CPPUNIT_ASSERT(survivor != nullptr);
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_PLUGIN_STATE_RUNNING, survivor->run_state());
  }

 public:
  void refusesMissingFile() { expect_refused(fixture_spec("no_such_plugin"), "plugin file not found"); }
  void refusesMissingEntrySymbol() { expect_refused(fixture_spec("missing_symbol"), "entry point wabot_plugin_v1 is missing"); }
  void refusesAbiMajorMismatch() { expect_refused(fixture_spec("abi_major_mismatch"), "ABI major 2 differs from the host's 1"); }
  void refusesNewerAbiMinor() {
    const std::string minor = std::to_string(WABOT_ABI_VERSION_MINOR);
    expect_refused(fixture_spec("newer_minor"),
                   "built against ABI 1." + std::to_string(WABOT_ABI_VERSION_MINOR + 1) + ", newer than the host's 1." + minor);
  }
  void refusesShortDescriptorStruct() { expect_refused(fixture_spec("short_struct"), "descriptor struct is too small"); }
  void refusesMissingRequiredCallback() { expect_refused(fixture_spec("missing_callback"), "required callback 'stop' is missing"); }
  void refusesUndeclaredConfigKeyByName() {
    expect_refused(fixture_spec("config_keys", "interval: 5m\nintervall: 10m\n"), "undeclared config key: intervall");
  }
  void refusesWrongConfigTypeByName() {
    expect_refused(fixture_spec("config_keys", "limit: lots\n"), "config key limit is not a int");
  }
  void refusesNonMapConfig() { expect_refused(fixture_spec("config_keys", "[1, 2]"), "must be a map"); }
  void refusesNameMismatchWithExplicitPath() {
    PluginSpec spec = fixture_spec("renamed");
    spec.path = fixture_dir() + "/config_keys.so";
    expect_refused(spec, "descriptor names the plugin 'config_keys'");
  }
  void refusesDuplicateName() {
    LogCapture logs;
    PluginManager manager(fixture_config({fixture_spec("config_keys"), fixture_spec("config_keys")}), HostBackends{});
    CPPUNIT_ASSERT_EQUAL(size_t(1), manager.load_all());
    CPPUNIT_ASSERT_EQUAL(size_t(1), logs.count({"plugin refused", "already loaded"}));
  }
  void refusesPathTraversalName() { expect_refused(fixture_spec("../recorder_a"), "invalid plugin name"); }

  void acceptsValidConfigAndPluginReadsIt() {
    LogCapture logs;
    HostBackends backends;
    backends.shared_config["ai.backend_url"] = "http://ai.local";
    PluginManager manager(fixture_config({fixture_spec("config_keys", "interval: 5m\n")}), backends);
    CPPUNIT_ASSERT_EQUAL(size_t(1), manager.load_all());
    auto lines = logs.matching({"config read"});
    CPPUNIT_ASSERT_EQUAL(size_t(1), lines.size());
    CPPUNIT_ASSERT(lines[0].find("\"interval_ms\":\"300000\"") != std::string::npos);  // given value
    CPPUNIT_ASSERT(lines[0].find("\"limit\":\"10\"") != std::string::npos);            // declared default
    CPPUNIT_ASSERT(lines[0].find("http://ai.local") != std::string::npos);             // shared host key
    CPPUNIT_ASSERT(lines[0].find("\"plugin\":\"config_keys\"") != std::string::npos);  // tagged by the host
  }
  void loadsByExplicitPath() {
    LogCapture logs;
    PluginSpec spec = fixture_spec("recorder_b");
    spec.path = fixture_dir() + "/recorder_b.so";
    PluginsConfig config = fixture_config({spec});
    config.directory = "/nonexistent";
    RecordingRouteRegistry routes;
    HostBackends backends;
    backends.routes = &routes;
    PluginManager manager(config, backends);
    CPPUNIT_ASSERT_EQUAL(size_t(1), manager.load_all());
  }
  void skipsDisabledPlugin() {
    LogCapture logs;
    PluginSpec spec = fixture_spec("recorder_a");
    spec.enabled = false;
    PluginManager manager(fixture_config({spec}), HostBackends{});
    CPPUNIT_ASSERT_EQUAL(size_t(0), manager.load_all());
    CPPUNIT_ASSERT_EQUAL(size_t(0), logs.count({"plugin refused"}));
  }
  void hostCarriesOnAfterEveryRefusal() {
    LogCapture logs;
    RecordingRouteRegistry routes;
    HostBackends backends;
    backends.routes = &routes;
    PluginManager manager(fixture_config({fixture_spec("missing_symbol"), fixture_spec("recorder_a"),
                                          fixture_spec("abi_major_mismatch"), fixture_spec("newer_minor"),
                                          fixture_spec("short_struct"), fixture_spec("missing_callback"),
                                          fixture_spec("config_keys", "bogus: 1\n"), fixture_spec("recorder_b")}),
                          backends);
    CPPUNIT_ASSERT_EQUAL(size_t(2), manager.load_all());
    manager.start_all();
    CPPUNIT_ASSERT_EQUAL(size_t(6), manager.refusals().size());
    CPPUNIT_ASSERT_EQUAL(size_t(6), logs.count({"plugin refused"}));
    CPPUNIT_ASSERT_EQUAL(200, routes.call("GET", "/recorder_b/ping/1").status);
    CPPUNIT_ASSERT(logs.with_duplicate_key("plugin").empty());
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(PluginLoaderTest);
