// SPDX-License-Identifier: GPL-3.0-or-later
// The durable inbound path's hook in the plugin host: PluginEvent::on_dispatched runs once, after the
// last subscribed plugin queue has run the event, and reports who handled, dropped (full queue),
// failed (a hook error or throw) or never ran it (stopped first).
#include "fixture_paths.hpp"
#include "log_capture.hpp"
#include "recording_route_registry.hpp"

#include "host/plugins/plugin_manager.hpp"

#include <boost/dll/shared_library.hpp>
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>

using namespace wabot::plugins;
using namespace wabot::plugins::testing;

namespace {

// Collects the reports of the events it tracks; waits on a condition, never a sleep.
class Reports {
 public:
  DispatchDone track(const std::string& id) {
    return [this, id](const DispatchReport& r) {
      std::lock_guard lock(mutex_);
      calls_[id].push_back(r);
      cv_.notify_all();
    };
  }
  bool wait_for(std::size_t total, int64_t timeout_ms) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return count_locked() >= total; });
  }
  std::vector<DispatchReport> of(const std::string& id) {
    std::lock_guard lock(mutex_);
    return calls_[id];
  }
  std::size_t count() {
    std::lock_guard lock(mutex_);
    return count_locked();
  }

 private:
  std::size_t count_locked() const {
    std::size_t n = 0;
    for (const auto& [_, v] : calls_) n += v.size();
    return n;
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, std::vector<DispatchReport>> calls_;
};

PluginEvent tracked_message(const std::string& text, Reports& reports) {
  PluginEvent e;
  e.kind = WABOT_EVENT_MESSAGE_RECEIVED;
  e.agent_id = "agent-1";
  e.trace_id = "trace-" + text;
  MessageData m;
  m.id = "ID-" + text;
  m.chat_jid = m.sender_jid = "62811@s.whatsapp.net";
  m.type = WABOT_MESSAGE_TEXT;
  m.text = text;
  e.message = m;
  e.on_dispatched = reports.track(text);
  return e;
}

}  // namespace

class DispatchCompletionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DispatchCompletionTest);
  CPPUNIT_TEST(completesOnceAfterEveryPluginHandledIt);
  CPPUNIT_TEST(aFailingHookIsReportedAsFailed);
  CPPUNIT_TEST(aFullQueueIsReportedAsDropped);
  CPPUNIT_TEST(noSubscriberCompletesAtOnce);
  CPPUNIT_TEST(replayedFlagReachesThePlugin);
  CPPUNIT_TEST(trackedEventsBeforeStartWaitForIt);
  CPPUNIT_TEST_SUITE_END();

 public:
  void completesOnceAfterEveryPluginHandledIt() {
    LogCapture logs;
    RecordingRouteRegistry routes;
    HostBackends backends;
    backends.routes = &routes;
    PluginManager manager(fixture_config({fixture_spec("recorder_a"), fixture_spec("recorder_b")}), backends);
    CPPUNIT_ASSERT_EQUAL(size_t(2), manager.load_all());
    manager.start_all();
    Reports reports;
    for (int i = 0; i < 20; ++i) manager.publish(tracked_message("m" + std::to_string(i), reports));
    CPPUNIT_ASSERT(reports.wait_for(20, 5000));
    CPPUNIT_ASSERT(manager.wait_idle_ms(5000));
    for (int i = 0; i < 20; ++i) {
      auto r = reports.of("m" + std::to_string(i));
      CPPUNIT_ASSERT_EQUAL(size_t(1), r.size());  // exactly once
      CPPUNIT_ASSERT(r[0].complete());
      CPPUNIT_ASSERT_EQUAL(size_t(2), r[0].handled.size());
      auto handled = r[0].handled;
      std::sort(handled.begin(), handled.end());
      CPPUNIT_ASSERT((std::vector<std::string>{"recorder_a", "recorder_b"} == handled));
    }
    // Each plugin's line for the message came before the report (the report waits for both).
    CPPUNIT_ASSERT_EQUAL(size_t(1), logs.count({"message recorder_a m19"}));
    CPPUNIT_ASSERT_EQUAL(size_t(1), logs.count({"message recorder_b m19"}));
  }

  void aFailingHookIsReportedAsFailed() {
    LogCapture logs;
    RecordingRouteRegistry routes;
    HostBackends backends;
    backends.routes = &routes;
    PluginManager manager(fixture_config({fixture_spec("throws_in_event"), fixture_spec("recorder_a")}), backends);
    CPPUNIT_ASSERT_EQUAL(size_t(2), manager.load_all());
    manager.start_all();
    Reports reports;
    manager.publish(tracked_message("m1", reports));
    CPPUNIT_ASSERT(reports.wait_for(1, 5000));
    auto r = reports.of("m1");
    CPPUNIT_ASSERT_EQUAL(size_t(1), r.size());
    CPPUNIT_ASSERT(!r[0].complete());
    CPPUNIT_ASSERT((std::vector<std::string>{"throws_in_event"} == r[0].failed));
    CPPUNIT_ASSERT((std::vector<std::string>{"recorder_a"} == r[0].handled));
    CPPUNIT_ASSERT_EQUAL(std::string("handled: recorder_a; failed: throws_in_event"), r[0].summary());
  }

  void aFullQueueIsReportedAsDropped() {
    LogCapture logs;
    constexpr size_t capacity = 2;
    PluginManager manager(fixture_config({fixture_spec("slow_consumer")}, capacity), HostBackends{});
    CPPUNIT_ASSERT_EQUAL(size_t(1), manager.load_all());
    manager.start_all();
    boost::dll::shared_library fixture(fixture_dir() + "/slow_consumer.so");
    auto wait_entered = fixture.get<int(int, int)>("slow_consumer_wait_entered");
    auto release = fixture.get<void()>("slow_consumer_release");
    Reports reports;
    manager.publish(tracked_message("first", reports));
    CPPUNIT_ASSERT_EQUAL(1, wait_entered(1, 5000));  // blocked inside the plugin: not reported yet
    CPPUNIT_ASSERT_EQUAL(size_t(0), reports.count());
    for (int i = 0; i < 5; ++i) manager.publish(tracked_message("more" + std::to_string(i), reports));
    // The 3 the full queue refused are reported at once, as dropped.
    CPPUNIT_ASSERT(reports.wait_for(3, 5000));
    for (int i = capacity; i < 5; ++i) {
      auto r = reports.of("more" + std::to_string(i));
      CPPUNIT_ASSERT_EQUAL(size_t(1), r.size());
      CPPUNIT_ASSERT((std::vector<std::string>{"slow_consumer"} == r[0].dropped));
      CPPUNIT_ASSERT_EQUAL(std::string("dropped: slow_consumer"), r[0].summary());
    }
    CPPUNIT_ASSERT_EQUAL(size_t(0), reports.of("first").size());
    release();
    CPPUNIT_ASSERT(reports.wait_for(6, 5000));
    CPPUNIT_ASSERT(reports.of("first")[0].complete());
    CPPUNIT_ASSERT(reports.of("more0")[0].complete());
    CPPUNIT_ASSERT(reports.of("more1")[0].complete());
  }

  void noSubscriberCompletesAtOnce() {
    LogCapture logs;
    PluginManager manager(fixture_config({}), HostBackends{});
    manager.load_all();
    manager.start_all();
    Reports reports;
    manager.publish(tracked_message("alone", reports));
    auto r = reports.of("alone");  // synchronously, on the publisher's thread
    CPPUNIT_ASSERT_EQUAL(size_t(1), r.size());
    CPPUNIT_ASSERT(r[0].complete());
    CPPUNIT_ASSERT_EQUAL(std::string("no subscriber"), r[0].summary());
  }

  void replayedFlagReachesThePlugin() {
    LogCapture logs;
    RecordingRouteRegistry routes;
    HostBackends backends;
    backends.routes = &routes;
    PluginManager manager(fixture_config({fixture_spec("recorder_a")}), backends);
    manager.load_all();
    manager.start_all();
    Reports reports;
    PluginEvent e = tracked_message("again", reports);
    e.message->flags = WABOT_MESSAGE_FLAG_REPLAYED;
    manager.publish(e);
    manager.publish(tracked_message("fresh", reports));
    CPPUNIT_ASSERT(reports.wait_for(2, 5000));
    CPPUNIT_ASSERT_EQUAL(size_t(1), logs.count({"message recorder_a again", "replayed"}));
    CPPUNIT_ASSERT_EQUAL(size_t(1), logs.count({"message recorder_a fresh"}));
    CPPUNIT_ASSERT_EQUAL(size_t(0), logs.count({"message recorder_a fresh", "replayed"}));
  }

  // The host sets the sink before it loads and starts the plugins: an inbound message published in
  // between must not be reported done by plugins that are not running yet.
  void trackedEventsBeforeStartWaitForIt() {
    LogCapture logs;
    RecordingRouteRegistry routes;
    HostBackends backends;
    backends.routes = &routes;
    PluginManager manager(fixture_config({fixture_spec("recorder_a")}), backends);
    Reports reports;
    manager.publish(tracked_message("early-1", reports));  // before load
    manager.load_all();
    manager.publish(tracked_message("early-2", reports));  // loaded, not started
    CPPUNIT_ASSERT_EQUAL(size_t(0), reports.count());
    manager.start_all();
    CPPUNIT_ASSERT(reports.wait_for(2, 5000));
    CPPUNIT_ASSERT(reports.of("early-1")[0].complete());
    CPPUNIT_ASSERT((std::vector<std::string>{"recorder_a"} == reports.of("early-2")[0].handled));
    CPPUNIT_ASSERT(manager.wait_idle_ms(5000));
    CPPUNIT_ASSERT(logs.index_of("message recorder_a early-1") < logs.index_of("message recorder_a early-2"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DispatchCompletionTest);
