// SPDX-License-Identifier: GPL-3.0-or-later
// What the host does with loaded plugins: start in order and stop in reverse, deliver events through
// bounded per-plugin queues (drops counted), survive plugins that throw or fail, serve their routes
// (503 once stopped) and run their timers.
#include "fixture_paths.hpp"
#include "log_capture.hpp"
#include "recording_route_registry.hpp"

#include "host/plugins/plugin_manager.hpp"

#include <boost/dll/shared_library.hpp>
#include <cppunit/extensions/HelperMacros.h>

using namespace wabot::plugins;
using namespace wabot::plugins::testing;

namespace {

PluginEvent message_event(const std::string& text, const std::string& agent = "agent-1") {
  PluginEvent e;
  e.kind = WABOT_EVENT_MESSAGE_RECEIVED;
  e.agent_id = agent;
  e.trace_id = "trace-" + text;
  MessageData m;
  m.id = "ID-" + text;
  m.chat_jid = m.sender_jid = "62811@s.whatsapp.net";
  m.type = WABOT_MESSAGE_TEXT;
  m.text = text;
  e.message = m;
  return e;
}

PluginEvent state_event(const std::string& agent) {
  PluginEvent e;
  e.kind = WABOT_EVENT_SESSION_STATE;
  e.agent_id = agent;
  e.session_state = SessionStateData{WABOT_SESSION_STARTING, WABOT_SESSION_CONNECTED, "paired"};
  return e;
}

}  // namespace

class PluginDispatchTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PluginDispatchTest);
  CPPUNIT_TEST(startsInOrderAndStopsInReverse);
  CPPUNIT_TEST(deliversMessagesAndSubscribedEventsOnly);
  CPPUNIT_TEST(throwingOnEventIsLoggedCountedAndHostCarriesOn);
  CPPUNIT_TEST(startErrorMarksOnlyThatPluginFailed);
  CPPUNIT_TEST(slowConsumerQueueIsBoundedAndDropsAreCounted);
  CPPUNIT_TEST(routesCallThePluginAndAnswer503AfterStop);
  CPPUNIT_TEST(timersTickUntilStop);
  CPPUNIT_TEST(poolThreadCountIsFixed);
  CPPUNIT_TEST_SUITE_END();

 public:
  void startsInOrderAndStopsInReverse() {
    LogCapture logs;
    RecordingRouteRegistry routes;
    HostBackends backends;
    backends.routes = &routes;
    {
      PluginManager manager(fixture_config({fixture_spec("recorder_a"), fixture_spec("recorder_b"), fixture_spec("recorder_c")}),
                            backends);
      CPPUNIT_ASSERT_EQUAL(size_t(3), manager.load_all());
      manager.start_all();
      long a = logs.index_of("lifecycle start recorder_a"), b = logs.index_of("lifecycle start recorder_b"),
           c = logs.index_of("lifecycle start recorder_c");
      CPPUNIT_ASSERT(a >= 0 && a < b && b < c);
      manager.stop_all();
      long sa = logs.index_of("lifecycle stop recorder_a"), sb = logs.index_of("lifecycle stop recorder_b"),
           sc = logs.index_of("lifecycle stop recorder_c");
      CPPUNIT_ASSERT(sc > c && sc < sb && sb < sa);
      auto infos = manager.plugins();
      CPPUNIT_ASSERT_EQUAL(size_t(3), infos.size());
      for (const auto& i : infos) CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_PLUGIN_STATE_STOPPED, i.state);
    }
    // The destructor does not stop twice.
    CPPUNIT_ASSERT_EQUAL(size_t(1), logs.count({"lifecycle stop recorder_a"}));
    auto duplicated = logs.with_duplicate_key("plugin");
    CPPUNIT_ASSERT_MESSAGE(duplicated.empty() ? "" : duplicated[0], duplicated.empty());
  }

  void deliversMessagesAndSubscribedEventsOnly() {
    LogCapture logs;
    RecordingRouteRegistry routes;
    HostBackends backends;
    backends.routes = &routes;
    PluginManager manager(fixture_config({fixture_spec("recorder_a")}), backends);
    manager.load_all();
    manager.publish(message_event("before-start"));  // not running yet: not delivered
    manager.start_all();
    manager.publish(message_event("hello"));
    manager.publish(state_event("agent-7"));
    PluginEvent receipt;
    receipt.kind = WABOT_EVENT_RECEIPT;  // not subscribed
    receipt.receipt = ReceiptData{};
    manager.publish(receipt);
    CPPUNIT_ASSERT(manager.wait_idle_ms(5000));
    CPPUNIT_ASSERT_EQUAL(size_t(0), logs.count({"message recorder_a before-start"}));
    auto msg = logs.matching({"message recorder_a hello"});
    CPPUNIT_ASSERT_EQUAL(size_t(1), msg.size());
    // The host tags the plugin's line with the event's trace and agent ids and the plugin's name.
    CPPUNIT_ASSERT(msg[0].find("trace-hello") != std::string::npos);
    CPPUNIT_ASSERT(msg[0].find("agent-1") != std::string::npos);
    CPPUNIT_ASSERT(msg[0].find("\"plugin\":\"recorder_a\"") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(size_t(1), logs.count({"event recorder_a 4 agent-7"}));
    CPPUNIT_ASSERT_EQUAL(size_t(0), logs.count({"event recorder_a 3"}));
    CPPUNIT_ASSERT_EQUAL(uint64_t(2), manager.plugins()[0].delivered);
  }

  void throwingOnEventIsLoggedCountedAndHostCarriesOn() {
    LogCapture logs;
    RecordingRouteRegistry routes;
    HostBackends backends;
    backends.routes = &routes;
    PluginManager manager(fixture_config({fixture_spec("throws_in_event"), fixture_spec("recorder_a")}), backends);
    CPPUNIT_ASSERT_EQUAL(size_t(2), manager.load_all());
    manager.start_all();
    for (int i = 0; i < 3; ++i) manager.publish(state_event("agent-" + std::to_string(i)));
    manager.publish(message_event("m1"));
    CPPUNIT_ASSERT(manager.wait_idle_ms(5000));
    auto thrower = manager.find("throws_in_event");
    CPPUNIT_ASSERT_EQUAL(uint64_t(4), thrower->errors());  // 3 throws + 1 error return
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_PLUGIN_STATE_RUNNING, thrower->run_state());
    CPPUNIT_ASSERT_EQUAL(size_t(3), logs.count({"plugin hook failed", "on_event", "on_event blew up"}));
    CPPUNIT_ASSERT_EQUAL(size_t(1), logs.count({"plugin hook failed", "on_message", "RETRY", "cannot handle messages"}));
    // The other plugin got everything.
    CPPUNIT_ASSERT_EQUAL(size_t(3), logs.count({"event recorder_a 4"}));
    CPPUNIT_ASSERT_EQUAL(size_t(1), logs.count({"message recorder_a m1"}));
    CPPUNIT_ASSERT(logs.with_duplicate_key("plugin").empty());
  }

  void startErrorMarksOnlyThatPluginFailed() {
    LogCapture logs;
    RecordingRouteRegistry routes;
    HostBackends backends;
    backends.routes = &routes;
    PluginManager manager(fixture_config({fixture_spec("start_error"), fixture_spec("recorder_a")}), backends);
    CPPUNIT_ASSERT_EQUAL(size_t(2), manager.load_all());
    manager.start_all();
    auto failed = manager.find("start_error");
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_PLUGIN_STATE_FAILED, failed->run_state());
    CPPUNIT_ASSERT_EQUAL(uint64_t(1), failed->errors());
    CPPUNIT_ASSERT_EQUAL(size_t(1), logs.count({"plugin hook failed", "\"hook\":\"start\"", "CONFIG", "developer_jid is not a JID"}));
    CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_PLUGIN_STATE_RUNNING, manager.find("recorder_a")->run_state());
    manager.stop_all();
    CPPUNIT_ASSERT_EQUAL(size_t(0), logs.count({"stop must not be called"}));
  }

  void slowConsumerQueueIsBoundedAndDropsAreCounted() {
    LogCapture logs;
    constexpr size_t capacity = 4;
    PluginManager manager(fixture_config({fixture_spec("slow_consumer")}, capacity), HostBackends{});
    CPPUNIT_ASSERT_EQUAL(size_t(1), manager.load_all());
    manager.start_all();
    // The same library the manager opened (dlopen shares it), for the fixture's test controls.
    boost::dll::shared_library fixture(fixture_dir() + "/slow_consumer.so");
    auto wait_entered = fixture.get<int(int, int)>("slow_consumer_wait_entered");
    auto release = fixture.get<void()>("slow_consumer_release");
    auto handled = fixture.get<int()>("slow_consumer_handled");

    manager.publish(message_event("first"));
    CPPUNIT_ASSERT_EQUAL(1, wait_entered(1, 5000));  // the first one is now blocked inside the plugin
    for (int i = 0; i < 10; ++i) manager.publish(message_event("more" + std::to_string(i)));
    auto plugin = manager.find("slow_consumer");
    CPPUNIT_ASSERT_EQUAL(capacity, plugin->queue().size());
    CPPUNIT_ASSERT_EQUAL(uint64_t(10 - capacity), plugin->dropped());
    CPPUNIT_ASSERT_EQUAL(size_t(1), logs.count({"plugin queue full, event dropped", "\"dropped\":\"1\""}));
    release();
    CPPUNIT_ASSERT(manager.wait_idle_ms(5000));
    CPPUNIT_ASSERT_EQUAL(int(1 + capacity), handled());
    CPPUNIT_ASSERT_EQUAL(uint64_t(1 + capacity), manager.plugins()[0].delivered);
    CPPUNIT_ASSERT_EQUAL(uint64_t(10 - capacity), manager.plugins()[0].dropped);
  }

  void routesCallThePluginAndAnswer503AfterStop() {
    LogCapture logs;
    RecordingRouteRegistry routes;
    HostBackends backends;
    backends.routes = &routes;
    PluginManager manager(fixture_config({fixture_spec("recorder_a")}), backends);
    manager.load_all();
    manager.start_all();
    auto recorded = routes.routes();
    CPPUNIT_ASSERT_EQUAL(size_t(1), recorded.size());
    CPPUNIT_ASSERT_EQUAL(std::string("recorder_a"), recorded[0].owner);
    wabot::http::Response r = routes.call("GET", "/recorder_a/ping/42", "trace-xyz");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"plugin":"recorder_a","x":"42","trace":"trace-xyz"})"), r.body);
    CPPUNIT_ASSERT_EQUAL(size_t(1), r.headers.size());
    CPPUNIT_ASSERT_EQUAL(std::string("X-Recorder"), r.headers[0].first);
    manager.stop_all();
    r = routes.call("GET", "/recorder_a/ping/42");
    CPPUNIT_ASSERT_EQUAL(503, r.status);
    CPPUNIT_ASSERT(r.body.find("SERVICE_UNAVAILABLE") != std::string::npos);
  }

  void timersTickUntilStop() {
    LogCapture logs;
    RecordingRouteRegistry routes;
    HostBackends backends;
    backends.routes = &routes;
    PluginManager manager(fixture_config({fixture_spec("recorder_a", "tick: 5ms\n")}), backends);
    manager.load_all();
    manager.start_all();
    CPPUNIT_ASSERT(logs.wait_for("tick recorder_a", 3));
    manager.stop_all();
    CPPUNIT_ASSERT_EQUAL(size_t(0), manager.timers().size());
    size_t ticks = logs.count({"tick recorder_a"});
    CPPUNIT_ASSERT(!logs.wait_for("tick recorder_a", ticks + 1, 50));  // no tick after stop
  }

  void poolThreadCountIsFixed() {
    PluginsConfig config = fixture_config({});
    config.dispatch_threads = 3;
    DispatchPool pool(config.dispatch_threads);
    CPPUNIT_ASSERT_EQUAL(size_t(3), pool.thread_count());
    DispatchPool huge(100000);
    CPPUNIT_ASSERT_EQUAL(size_t(64), huge.thread_count());
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(PluginDispatchTest);
