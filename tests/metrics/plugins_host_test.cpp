// SPDX-License-Identifier: GPL-3.0-or-later
// The built ai_forwarder.so and metrics.so on the real PluginManager (real queues, dispatch pool and
// SDK 1.1 events) with in-memory sessions/messaging/store backends and the real test AI backend:
// an inbound message is answered, /run answers and sends, a slow agent does not delay another, and
// /metrics counts exactly what happened (messages, AI latency, HTTP requests).
#include "prometheus_text.hpp"
#include "test_ai_backend.hpp"

#include "host/plugins/plugin_manager.hpp"
#include "in_memory_backends.hpp"
#include "log_capture.hpp"
#include "recording_route_registry.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <cstdlib>
#include <thread>

using namespace wabot::plugins;
using namespace wabot::plugins::testing;
using wabot::Result;
using wabot::Status;
using wabot::testing::AiScenario;
using wabot::testing::PrometheusText;
using wabot::testing::TestAiBackend;

namespace {

template <class F>
bool eventually(F f, std::chrono::milliseconds limit = std::chrono::milliseconds(10'000)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a condition, not synchronising
  }
  return f();
}

// Sessions with api keys (SDK 1.1 get_api_key / check_api_key).
class KeyedSessions final : public SessionsBackend {
 public:
  std::map<std::string, wabot::SessionInfo> sessions;
  std::map<std::string, std::string> keys;
  Result<wabot::CreatedSession> create(const SessionCreateRequest&) override { return Status::error(WABOT_ERR_UNSUPPORTED, "n/a"); }
  Result<wabot::SessionInfo> get(std::string_view id) override {
    auto it = sessions.find(std::string(id));
    if (it == sessions.end()) return Status::error(WABOT_ERR_NOT_FOUND, "no session " + std::string(id));
    return it->second;
  }
  Result<wabot::SessionPage> list(const SessionFilter&) override { return wabot::SessionPage{}; }
  Result<bool> remove(std::string_view, bool) override { return false; }
  Result<wabot::SessionInfo> reconnect(std::string_view id, int64_t) override { return get(id); }
  Result<wabot::QrCode> wait_qr(std::string_view, int64_t) override { return Status::error(WABOT_ERR_TIMEOUT, "no QR"); }
  Result<bool> check_api_key(std::string_view id, std::string_view token) override {
    auto it = keys.find(std::string(id));
    if (it == keys.end()) return Status::error(WABOT_ERR_NOT_FOUND, "no session");
    return !it->second.empty() && it->second == token;
  }
  Result<std::string> api_key(std::string_view id) override {
    auto it = keys.find(std::string(id));
    if (it == keys.end()) return Status::error(WABOT_ERR_NOT_FOUND, "no session");
    return it->second;
  }
};

PluginEvent inbound(const std::string& agent, const std::string& id, const std::string& text) {
  PluginEvent e;
  e.kind = WABOT_EVENT_MESSAGE_RECEIVED;
  e.agent_id = agent;
  e.trace_id = "trace-" + id;
  e.timestamp_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  MessageData m;
  m.id = id;
  m.chat_jid = m.sender_jid = "6281234567890@s.whatsapp.net";
  m.type = WABOT_MESSAGE_TEXT;
  m.text = text;
  m.timestamp_ms = e.timestamp_ms;
  e.message = m;
  return e;
}

}  // namespace

class PluginsHostTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PluginsHostTest);
  CPPUNIT_TEST(forwarderAndMetricsOnTheRealPluginManager);
  CPPUNIT_TEST_SUITE_END();

 public:
  void forwarderAndMetricsOnTheRealPluginManager() {
    LogCapture logs;
    TestAiBackend ai;
    ai.set_scenario("fast", AiScenario::reply("fast reply"));
    ai.set_scenario("slow", AiScenario::reply("slow reply").slow(1500));
    RecordingRouteRegistry routes;
    KeyedSessions sessions;
    for (const char* id : {"fast", "slow"}) {
      wabot::SessionInfo s;
      s.agent_id = id;
      s.user_id = "u1";
      s.status = "connected";
      s.is_ready = true;
      s.me_jid = "15550001111@s.whatsapp.net";
      sessions.sessions[id] = s;
      sessions.keys[id] = std::string("key-") + id;
    }
    InMemoryMessaging messaging;
    FixedHealth health;
    InMemoryStore store;
    HostBackends backends;
    backends.routes = &routes;
    backends.sessions = &sessions;
    backends.messaging = &messaging;
    backends.health = &health;
    backends.store = &store;
    backends.shared_config = {{"ai.backend_url", ai.base_url()}, {"ai.timeout", "5s"}};
    PluginsConfig config;
    const char* dir = std::getenv("WABOT_PLUGIN_OUTPUT_DIR");
    config.directory = dir ? dir : "plugins";
    PluginSpec forwarder;
    forwarder.name = "ai_forwarder";
    forwarder.config = YAML::Load("workers: 2");
    PluginSpec metrics;
    metrics.name = "metrics";
    config.plugins = {forwarder, metrics};

    PluginManager manager(config, backends);
    CPPUNIT_ASSERT_EQUAL(size_t(2), manager.load_all());
    manager.start_all();

    // The slow agent's message first: the fast agent's reply must not wait for it.
    manager.publish(inbound("slow", "S1", "hello slow"));
    CPPUNIT_ASSERT(ai.wait_for_requests(1, 5000));
    manager.publish(inbound("fast", "F1", "hello fast"));
    auto texts = [&] {
      std::lock_guard<std::mutex> lock(messaging.mutex);
      return messaging.texts;
    };
    CPPUNIT_ASSERT(eventually([&] { return texts().size() >= 1; }));
    CPPUNIT_ASSERT_EQUAL(std::string("fast reply"), texts()[0].text);  // while the slow AI is still working
    CPPUNIT_ASSERT(eventually([&] { return texts().size() >= 2; }));
    CPPUNIT_ASSERT_EQUAL(std::string("slow reply"), texts()[1].text);
    CPPUNIT_ASSERT_EQUAL(std::string("Bearer key-slow"), ai.requests()[0].authorization);

    // /run through the host's HTTP service wrapper (which publishes HTTP_REQUEST events).
    wabot::http::Handler run;
    for (const auto& r : routes.routes())
      if (r.method == "POST" && r.pattern == "/agents/{agentId}/run") run = r.handler;
    CPPUNIT_ASSERT(run);
    wabot::http::Request req;
    req.method = "POST";
    req.path = "/agents/fast/run";
    req.route = "/agents/{agentId}/run";
    req.path_params = {{"agentId", "fast"}};
    req.headers = {{"authorization", "Bearer key-fast"}, {"content-type", "application/json"}};
    req.body = R"({"input":"hi","session_id":"6281234567890"})";
    req.trace_id = "trace-run";
    wabot::http::Response res;
    run(req, res);
    CPPUNIT_ASSERT_EQUAL(200, res.status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"data":{"reply":"fast reply","replySent":true},"traceId":"trace-run"})"), res.body);
    CPPUNIT_ASSERT_EQUAL(size_t(3), texts().size());
    CPPUNIT_ASSERT_EQUAL(size_t(3), store.ai.size());

    PrometheusText t;
    CPPUNIT_ASSERT(eventually([&] {
      wabot::http::Response m = routes.call("GET", "/metrics");
      t = PrometheusText::parse(m.body);
      auto ai_count = t.value("whatsapp_ai_latency_seconds_count");
      auto run_count = t.value(R"(http_requests_total{code="200",method="POST",route="/agents/{agentId}/run"})");
      return m.status == 200 && ai_count && *ai_count == 3 && run_count && *run_count == 1;
    }));
    CPPUNIT_ASSERT_EQUAL(2.0, *t.value("whatsapp_messages_received_total"));
    CPPUNIT_ASSERT_EQUAL(2.0, *t.value("whatsapp_sessions_active"));  // FixedHealth: 3 known, 2 connected
    CPPUNIT_ASSERT(*t.value("whatsapp_ai_latency_seconds_sum") >= 1.5);  // the slow call is in it
    CPPUNIT_ASSERT_EQUAL(std::string("counter"), t.types["http_requests_total"]);
    CPPUNIT_ASSERT_EQUAL(std::string("histogram"), t.types["whatsapp_ai_latency_seconds"]);
    manager.stop_all();
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(PluginsHostTest);
