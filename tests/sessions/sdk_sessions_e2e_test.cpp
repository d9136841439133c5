// SPDX-License-Identifier: GPL-3.0-or-later
// End to end through the SDK: a real plugin (the recorder fixture) loaded by the real PluginManager
// calls the "sessions" and "messaging" services, served by a real SessionManager over SQLite and the
// WhatsApp simulator; the session events reach the plugin through its queue.
#include "eventually.hpp"
#include "simulator_settings.hpp"
#include <cppunit/extensions/HelperMacros.h>

#include <wabot/sdk.hpp>

#include <chrono>
#include <thread>

#include "fixture_paths.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/plugins/services.hpp"
#include "host/sessions/session_manager.hpp"
#include "host/store/message_log_repository.hpp"
#include "log_capture.hpp"
#include "recording_route_registry.hpp"
#include "test_database.hpp"
#include "wa_sim_process.hpp"

using namespace wabot;
using wabot::engine::test::WaSimProcess;
using wabot::plugins::testing::LogCapture;

namespace {

using wabot::test::eventually;

}  // namespace

class SdkSessionsE2eTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SdkSessionsE2eTest);
  CPPUNIT_TEST(plugin_creates_pairs_and_sends_through_the_sdk);
  CPPUNIT_TEST(undispatched_messages_are_replayed_after_login);
  CPPUNIT_TEST_SUITE_END();

  std::unique_ptr<LogCapture> logs_;
  plugins::testing::RecordingRouteRegistry routes_;
  std::unique_ptr<store::test::TestDatabase> db_;
  std::unique_ptr<WaSimProcess> sim_;
  std::unique_ptr<sessions::SessionManager> sessions_;
  std::unique_ptr<plugins::PluginManager> plugins_;

 public:
  void setUp() override {
    if (!WaSimProcess::available()) return;
    logs_ = std::make_unique<LogCapture>();
    db_ = store::test::TestDatabase::create(store::test::Backend::sqlite);
    sim_ = std::make_unique<WaSimProcess>();
    sessions::SessionManagerOptions o;
    wabot::test::SimulatorSettings::of(*sim_).apply(o.engine);
    o.ai_backend_url = "https://ai.example";
    o.qr_wait_on_create_ms = 20'000;
    std::string error;
    sessions_ = sessions::SessionManager::create(
        std::shared_ptr<store::Database>(&db_->db(), [](store::Database*) {}), o, error);
    CPPUNIT_ASSERT_MESSAGE(error, sessions_ != nullptr);
    plugins::HostBackends backends;
    backends.routes = &routes_;  // the recorder adds a route at start
    backends.sessions = sessions_.get();
    backends.messaging = sessions_.get();
    plugins_ = std::make_unique<plugins::PluginManager>(
        plugins::testing::fixture_config({plugins::testing::fixture_spec("recorder_a")}), backends);
    plugins_->load_all();
    plugins_->start_all();
    plugins::PluginManager* pm = plugins_.get();
    sessions_->set_event_sink([pm](const plugins::PluginEvent& e) { pm->publish(e); });
  }

  void tearDown() override {
    // The host's stop order: plugins, then sessions, then the rest.
    if (plugins_) plugins_->stop_all();
    if (sessions_) sessions_->shutdown();
    plugins_.reset();
    sessions_.reset();
    sim_.reset();
    db_.reset();
    logs_.reset();
  }

  std::string plugin_lines() {
    std::string out;
    for (const auto& l : logs_->matching({"recorder"})) out += l.substr(0, 300) + "\n";
    return out;
  }

  void plugin_creates_pairs_and_sends_through_the_sdk() {
    if (!sim_) {
      std::cerr << " [skipped: run `npm ci` in tests/wa_sim]";
      return;
    }
    auto plugin = plugins_->find("recorder_a");
    CPPUNIT_ASSERT(plugin);
    wabot::Host host(plugins::host_api(), plugin->handle());
    wabot::Sessions sdk_sessions(host);
    wabot::Messaging messaging(host);

    auto created = sdk_sessions.create("user-1", "sdk-bot", "SDK bot", "", 0);
    CPPUNIT_ASSERT_MESSAGE(created.status().to_string(), created.is_ok());
    CPPUNIT_ASSERT(created.value().created);
    CPPUNIT_ASSERT(created.value().session.qr.has_value());
    auto qr = sdk_sessions.wait_qr("sdk-bot", 1000);
    CPPUNIT_ASSERT(qr.is_ok() && qr.value().text == created.value().session.qr->text);
    // Before pairing a send is refused as not ready (never a fake success).
    auto early = messaging.send_text(wabot::TextMessage{.agent_id = "sdk-bot", .to = "15550009999", .text = "too early"});
    CPPUNIT_ASSERT_EQUAL(std::string("NOT_READY"), std::string(status_name(early.status().code())));

    auto scanned = sim_->post("/scan", "{\"qr\":" + WaSimProcess::json_string(qr.value().text) + ",\"phone\":\"15550007777\"}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(scanned.second, 200, scanned.first);
    CPPUNIT_ASSERT(eventually([&] {
      auto s = sdk_sessions.get("sdk-bot");
      return s.is_ok() && s.value().is_ready && s.value().status == "connected";
    }));
    auto s = sdk_sessions.get("sdk-bot").value();
    CPPUNIT_ASSERT_EQUAL(std::string("15550007777"), s.me_phone);
    // The plugin saw the state changes (SESSION_STATE = 4) on its queue.
    CPPUNIT_ASSERT_MESSAGE(plugin_lines(), eventually([&] { return logs_->count({"event recorder_a 4 sdk-bot"}) >= 2; }));
    auto page = sdk_sessions.list("user-1");
    CPPUNIT_ASSERT(page.is_ok() && page.value().sessions.size() == 1);
    CPPUNIT_ASSERT(sdk_sessions.remove("sdk-bot", true).value());
    CPPUNIT_ASSERT(!sdk_sessions.get("sdk-bot").is_ok());
  }

  // The durable inbound path at start: inbound messages an earlier process logged ("received") and
  // never saw dispatched are published again, flagged REPLAYED, once the agent's messenger is up;
  // then marked "dispatched". Too old ones (sessions.replay_max_age, 10 min), dispatched ones and
  // other agents' are not.
  void undispatched_messages_are_replayed_after_login() {
    if (!sim_) {
      std::cerr << " [skipped: run `npm ci` in tests/wa_sim]";
      return;
    }
    const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count();
    auto log_at = [&](const std::string& agent, const std::string& id, const std::string& text, std::int64_t logged_at,
                      const std::string& status) {
      store::MessageLogRepository repo(db_->db(), [logged_at] { return logged_at; });
      store::LoggedMessage m;
      m.agent_id = agent;
      m.message_id = id;
      m.chat_jid = m.sender_jid = "15550001111@s.whatsapp.net";
      m.direction = store::MessageDirection::incoming;
      m.type = "text";
      m.text = text;
      m.push_name = "Peer";
      m.timestamp_ms = logged_at;
      m.status = status;
      auto r = repo.append(m);
      CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().message, r.ok() && r.value());
    };
    log_at("sdk-bot", "OLD1", "too-old", now - 11 * 60'000, "received");
    log_at("sdk-bot", "W1", "waiting-1", now - 60'000, "received");
    log_at("sdk-bot", "W2", "waiting-2", now - 59'000, "received");
    log_at("sdk-bot", "D1", "already-done", now - 58'000, "dispatched");
    log_at("other-bot", "X1", "other-agent", now - 57'000, "received");

    auto plugin = plugins_->find("recorder_a");
    wabot::Host host(plugins::host_api(), plugin->handle());
    wabot::Sessions sdk_sessions(host);
    auto created = sdk_sessions.create("user-1", "sdk-bot", "SDK bot", "", 0);
    CPPUNIT_ASSERT_MESSAGE(created.status().to_string(), created.is_ok());
    auto qr = sdk_sessions.wait_qr("sdk-bot", 1000);
    CPPUNIT_ASSERT(qr.is_ok());
    auto scanned = sim_->post("/scan", "{\"qr\":" + WaSimProcess::json_string(qr.value().text) + ",\"phone\":\"15550007778\"}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(scanned.second, 200, scanned.first);
    store::MessageLogRepository repo(db_->db());
    auto status_of = [&](const std::string& agent, const std::string& id) {
      auto found = repo.find(agent, id);
      return found && found.value() ? found.value()->status : std::string("<missing>");
    };
    CPPUNIT_ASSERT_MESSAGE(plugin_lines(), eventually([&] {
      return status_of("sdk-bot", "W1") == "dispatched" && status_of("sdk-bot", "W2") == "dispatched";
    }));
    CPPUNIT_ASSERT(plugins_->wait_idle_ms(5000));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(plugin_lines(), size_t(1), logs_->count({"message recorder_a waiting-1 replayed"}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(plugin_lines(), size_t(1), logs_->count({"message recorder_a waiting-2 replayed"}));
    // In their logged order.
    CPPUNIT_ASSERT(logs_->index_of("message recorder_a waiting-1") < logs_->index_of("message recorder_a waiting-2"));
    for (const char* never : {"too-old", "already-done", "other-agent"})
      CPPUNIT_ASSERT_EQUAL_MESSAGE(never, size_t(0), logs_->count({std::string("message recorder_a ") + never}));
    CPPUNIT_ASSERT_EQUAL(std::string("received"), status_of("sdk-bot", "OLD1"));
    CPPUNIT_ASSERT_EQUAL(std::string("received"), status_of("other-bot", "X1"));
    CPPUNIT_ASSERT_EQUAL(size_t(1), logs_->count({"replayed undispatched messages", "\"count\":\"2\""}));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SdkSessionsE2eTest);
