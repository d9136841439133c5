// SPDX-License-Identifier: GPL-3.0-or-later
// Engine health in /metrics end to end: the built metrics.so on the real PluginManager over the real
// SessionManager (SQLite) and the WhatsApp simulator with a real Baileys peer. Our Signal sessions with
// the peer are deleted, so the peer's next message cannot be decrypted (Baileys then resends it as a
// pkmsg after our retry receipt): wabot_decrypt_failures_total moves by exactly one per such message.
// Sends beyond the limiter's burst wait in its queue: wabot_send_queue_depth shows exactly how many.
#include "base64.hpp"
#include "prometheus_text.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "../support/eventually.hpp"
#include "../support/simulator_settings.hpp"
#include "../support/temp_dir.hpp"
#include "../support/wa_peer_process.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/sessions/session_manager.hpp"
#include "host/store/adapters/database_signal_store.hpp"
#include "log_capture.hpp"
#include "recording_route_registry.hpp"
#include "test_database.hpp"
#include "wa_sim_process.hpp"

using namespace wabot;
using wabot::engine::test::WaSimProcess;
using wabot::test::WaPeerProcess;
using wabot::testing::PrometheusText;
using wabot::test::TempDir;

namespace {

constexpr const char* kBotPhone = "15550001111";
constexpr const char* kPeerPhone = "15550003333";
constexpr std::chrono::milliseconds kWait{60'000};  // each condition below may take a Baileys round trip or two

using wabot::test::eventually;



// "15550003333:5@s.whatsapp.net" → "15550003333"
std::string user_of(const std::string& jid) { return jid.substr(0, jid.find_first_of(":@")); }

// The session layer's counts as the host's health backend (host/app wires SessionManager::counts the same way).
class SessionsHealth final : public plugins::HealthBackend {
 public:
  explicit SessionsHealth(sessions::SessionManager& m) : manager_(m) {}
  plugins::DatabaseHealth database() override { return {WABOT_COMPONENT_HEALTHY, ""}; }
  plugins::SessionCounts sessions() override { return manager_.counts(); }

 private:
  sessions::SessionManager& manager_;
};


}  // namespace

class EngineHealthSimTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(EngineHealthSimTest);
  CPPUNIT_TEST(decryptFailuresAndQueuedSendsAreExact);
  CPPUNIT_TEST_SUITE_END();

  std::unique_ptr<plugins::testing::LogCapture> logs_;
  plugins::testing::RecordingRouteRegistry routes_;
  std::unique_ptr<TempDir> tmp_;
  std::unique_ptr<store::test::TestDatabase> db_;
  std::unique_ptr<WaSimProcess> sim_;
  std::unique_ptr<sessions::SessionManager> sessions_;
  std::unique_ptr<SessionsHealth> health_;
  std::unique_ptr<plugins::PluginManager> plugins_;

 public:
  void setUp() override {
    CPPUNIT_ASSERT_MESSAGE("tests/wa_sim/node_modules is missing: run `npm ci` in tests/wa_sim", WaSimProcess::available());
    logs_ = std::make_unique<plugins::testing::LogCapture>();
    tmp_ = std::make_unique<TempDir>();
    db_ = store::test::TestDatabase::create(store::test::Backend::sqlite);
    sim_ = std::make_unique<WaSimProcess>();
    sessions::SessionManagerOptions o;
    o.engine.server_url = sim_->ws_url();
    const auto& key = sim_->root_key();
    o.engine.server_root_key = wabot::test::base64(std::string(key.begin(), key.end()));
    o.qr_wait_on_create_ms = 20'000;
    // One send at once, then one token per 1000 minutes: every later send waits in the queue.
    o.rate_limit.burst = 1;
    o.rate_limit.per_minute = 0.001;
    o.rate_limit.queue_size = 10;
    std::string error;
    sessions_ = sessions::SessionManager::create(std::shared_ptr<store::Database>(&db_->db(), [](store::Database*) {}), o, error);
    CPPUNIT_ASSERT_MESSAGE(error, sessions_ != nullptr);
    health_ = std::make_unique<SessionsHealth>(*sessions_);
    plugins::HostBackends backends;
    backends.routes = &routes_;
    backends.sessions = sessions_.get();
    backends.messaging = sessions_.get();
    backends.health = health_.get();
    plugins::PluginsConfig config;
    const char* dir = std::getenv("WABOT_PLUGIN_OUTPUT_DIR");
    config.directory = dir ? dir : "plugins";
    plugins::PluginSpec metrics;
    metrics.name = "metrics";
    metrics.config = YAML::Load("per_agent_labels: true");
    config.plugins = {metrics};
    plugins_ = std::make_unique<plugins::PluginManager>(config, backends);
    CPPUNIT_ASSERT_EQUAL(size_t(1), plugins_->load_all());
    plugins_->start_all();
    plugins::PluginManager* pm = plugins_.get();
    sessions_->set_event_sink([pm](const plugins::PluginEvent& e) { pm->publish(e); });
  }

  void tearDown() override {
    if (plugins_) plugins_->stop_all();
    if (sessions_) sessions_->shutdown();
    plugins_.reset();
    health_.reset();
    sessions_.reset();
    sim_.reset();
    db_.reset();
    tmp_.reset();
    logs_.reset();
  }

  PrometheusText scrape() {
    wabot::http::Response r = routes_.call("GET", "/metrics");
    CPPUNIT_ASSERT_EQUAL(200, r.status);
    PrometheusText t = PrometheusText::parse(r.body);
    CPPUNIT_ASSERT_EQUAL(std::string(), t.error);
    return t;
  }
  double sample(const PrometheusText& t, const std::string& series) {
    auto v = t.value(series);
    return v ? *v : 0.0;  // a per-agent series appears with its first count
  }

  void decryptFailuresAndQueuedSendsAreExact() {
    auto created = sessions_->create(plugins::SessionCreateRequest{"user-1", "bot-1", "Bot", "", 20'000});
    CPPUNIT_ASSERT_MESSAGE(created.status().to_string(), created.is_ok() && created.value().session.qr.has_value());
    auto scanned = sim_->post("/scan", "{\"qr\":" + WaSimProcess::json_string(created.value().session.qr->text) +
                                           ",\"phone\":\"" + kBotPhone + "\"}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(scanned.second, 200, scanned.first);
    CPPUNIT_ASSERT(eventually([&] {
      auto s = sessions_->get("bot-1");
      return s.is_ok() && s.value().is_ready;
    }, kWait));
    WaPeerProcess peer(WaSimProcess::sim_dir(), wabot::test::SimulatorSettings::of(*sim_).control_url, sim_->ws_url(), tmp_->file("peer"));
    peer.call("pair", WaPeerProcess::args({{"phone", std::string(kPeerPhone)}}));
    auto me = peer.call("me");
    const std::string peer_pn = user_of(me->optValue<std::string>("jid", ""));
    const std::string peer_lid = user_of(me->optValue<std::string>("lid", ""));
    CPPUNIT_ASSERT(!peer_pn.empty());
    const std::string bot_jid = std::string(kBotPhone) + "@s.whatsapp.net";
    const std::string received = R"(whatsapp_messages_received_total{agent="bot-1"})";
    const std::string failures = R"(wabot_decrypt_failures_total{agent="bot-1"})";
    const std::string queued = R"(wabot_send_queue_depth{agent="bot-1"})";

    // A first message sets up the Signal session: it decrypts.
    peer.call("sendText", WaPeerProcess::args({{"to", bot_jid}, {"text", std::string("hello")}}));
    CPPUNIT_ASSERT(eventually([&] { return sample(scrape(), received) == 1.0; }, kWait));
    CPPUNIT_ASSERT_EQUAL(0.0, sample(scrape(), failures));
    CPPUNIT_ASSERT_EQUAL(0.0, *scrape().value("wabot_send_queue_depth{agent=\"bot-1\"}"));

    // Twice: we lose our sessions with the peer; its next message fails to decrypt once, then arrives
    // again as a pkmsg after our retry receipt.
    store::DatabaseSignalStore signal(db_->db(), "bot-1");
    for (int round = 1; round <= 2; ++round) {
      CPPUNIT_ASSERT(signal.delete_all_sessions(peer_pn).ok());
      if (!peer_lid.empty()) CPPUNIT_ASSERT(signal.delete_all_sessions(peer_lid + "_1").ok());
      peer.call("sendText", WaPeerProcess::args({{"to", bot_jid}, {"text", "after loss " + std::to_string(round)}}));
      CPPUNIT_ASSERT(eventually([&] { return sample(scrape(), received) == 1.0 + round; }, kWait));
      PrometheusText t = scrape();
      CPPUNIT_ASSERT_EQUAL_MESSAGE("round " + std::to_string(round), double(round), sample(t, failures));
    }

    // The burst of one goes out; three more sends wait in the queue.
    auto first = sessions_->send_text({"bot-1", peer_pn, "first", {}, {}, "trace-q", 20'000});
    CPPUNIT_ASSERT_MESSAGE(first.status().to_string(), first.is_ok());
    std::vector<std::thread> waiting;
    std::vector<wabot_status> results(3, WABOT_STATUS_UNSET);
    for (int i = 0; i < 3; ++i)
      waiting.emplace_back([&, i] {
        results[i] = sessions_->send_text({"bot-1", peer_pn, "queued " + std::to_string(i), {}, {}, "trace-q", 20'000}).status().code();
      });
    CPPUNIT_ASSERT(eventually([&] { return sample(scrape(), queued) == 3.0; }, kWait));
    // Removing the agent ends its queued sends; the queue is empty again.
    CPPUNIT_ASSERT(sessions_->remove("bot-1", false).is_ok());
    for (auto& t : waiting) t.join();
    for (wabot_status code : results) CPPUNIT_ASSERT(code != WABOT_OK);
    PrometheusText after = scrape();
    CPPUNIT_ASSERT_EQUAL(0.0, sample(after, queued));
    CPPUNIT_ASSERT_EQUAL(2.0, sample(after, failures));  // a counter keeps what it counted
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(EngineHealthSimTest);
