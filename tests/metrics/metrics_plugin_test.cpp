// SPDX-License-Identifier: GPL-3.0-or-later
// metrics: GET /metrics parses as Prometheus text, every required family is there with its type, and
// the counters move by exactly the messages received/sent through the fake host; the SDK 1.2 engine
// health (decrypt failures, send-queue depth) follows the host's snapshot, and a 1.1 host leaves it 0.
#include "prometheus_text.hpp"

#include <wabot/testing/fake_host.hpp>

#include <cppunit/extensions/HelperMacros.h>

#include <cstddef>
#include <string>

extern "C" const wabot_plugin_descriptor* wabot_plugin_v1(void);

using wabot::testing::FakeHost;
using wabot::testing::PrometheusText;

namespace {

void sent(FakeHost& host, const std::string& agent) {
  wabot_message msg{};
  msg.struct_size = sizeof(msg);
  msg.type = WABOT_MESSAGE_TEXT;
  wabot_event ev{};
  ev.struct_size = sizeof(ev);
  ev.kind = WABOT_EVENT_MESSAGE_SENT;
  ev.agent_id = wabot::to_view(agent);
  ev.message = &msg;
  CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_OK, host.deliver_event(ev));
}

void state(FakeHost& host, const std::string& agent, wabot_session_state current) {
  wabot_session_state_change ch{sizeof(wabot_session_state_change), WABOT_SESSION_CONNECTED, current, {}};
  wabot_event ev{};
  ev.struct_size = sizeof(ev);
  ev.kind = WABOT_EVENT_SESSION_STATE;
  ev.agent_id = wabot::to_view(agent);
  ev.session_state = &ch;
  CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_OK, host.deliver_event(ev));
}

void received(FakeHost& host, const std::string& agent) {
  wabot::testing::TestMessage m;
  m.agent_id = agent;
  m.text = "hi";
  CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_OK, host.deliver(m));
}

void ai_call(FakeHost& host, const std::string& agent, int64_t latency_ms, const std::string& error) {
  wabot_ai_execution a{};
  a.struct_size = sizeof(a);
  a.agent_id = wabot::to_view(agent);
  a.latency_ms = latency_ms;
  a.error_code = wabot::to_view(error);
  wabot_event ev{};
  ev.struct_size = sizeof(ev);
  ev.kind = WABOT_EVENT_AI_EXECUTION;
  ev.agent_id = wabot::to_view(agent);
  ev.ai_execution = &a;
  CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_OK, host.deliver_event(ev));
}

void http(FakeHost& host, const std::string& method, const std::string& route, int status, int64_t ms) {
  wabot_http_request_record r{sizeof(wabot_http_request_record), wabot::to_view(method), wabot::to_view(route), status, ms};
  wabot_event ev{};
  ev.struct_size = sizeof(ev);
  ev.kind = WABOT_EVENT_HTTP_REQUEST;
  ev.http_request = &r;
  CPPUNIT_ASSERT_EQUAL((int32_t)WABOT_OK, host.deliver_event(ev));
}

PrometheusText scrape(FakeHost& host) {
  auto r = host.get("/metrics");
  CPPUNIT_ASSERT_EQUAL(200, r.status);
  CPPUNIT_ASSERT(r.content_type.find("text/plain") == 0);
  PrometheusText t = PrometheusText::parse(r.body);
  CPPUNIT_ASSERT_EQUAL(std::string(), t.error);
  return t;
}

}  // namespace

class MetricsPluginTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MetricsPluginTest);
  CPPUNIT_TEST(requiredFamiliesWithTypes);
  CPPUNIT_TEST(countersMoveByExactCounts);
  CPPUNIT_TEST(perAgentLabels);
  CPPUNIT_TEST(engineHealthFromTheSnapshot);
  CPPUNIT_TEST(engineHealthPerAgent);
  CPPUNIT_TEST(engineHealthFromAnOlderHost);
  CPPUNIT_TEST_SUITE_END();

 public:
  void requiredFamiliesWithTypes() {
    FakeHost host;
    host.plugins.push_back({"metrics", "0.2.0", WABOT_PLUGIN_STATE_RUNNING});
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    CPPUNIT_ASSERT(host.has_route("GET", "/metrics"));
    received(host, "a1");
    sent(host, "a1");
    state(host, "a1", WABOT_SESSION_DISCONNECTED);
    http(host, "GET", "/health", 200, 3);
    PrometheusText t = scrape(host);
    const std::map<std::string, std::string> want{
        {"whatsapp_sessions_active", "gauge"},        {"whatsapp_messages_sent_total", "counter"},
        {"whatsapp_messages_received_total", "counter"}, {"whatsapp_errors_total", "counter"},
        {"whatsapp_ai_latency_seconds", "histogram"}, {"whatsapp_reconnects_total", "counter"},
        {"http_requests_total", "counter"}, {"http_request_duration_seconds", "histogram"},
        {"wabot_plugin_queue_dropped_events", "gauge"}, {"wabot_decrypt_failures_total", "counter"},
        {"wabot_send_queue_depth", "gauge"}};
    for (const auto& [name, type] : want) {
      CPPUNIT_ASSERT_MESSAGE(name, t.types.count(name) == 1);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(name, type, t.types.at(name));
    }
    CPPUNIT_ASSERT(t.value("whatsapp_ai_latency_seconds_count"));
  }

  void countersMoveByExactCounts() {
    FakeHost host;
    host.sessions["a1"].connected = true;
    host.sessions["a2"].connected = true;
    host.sessions["a3"].connected = false;
    host.plugins.push_back({"metrics", "0.2.0", WABOT_PLUGIN_STATE_RUNNING});
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    PrometheusText before = scrape(host);
    CPPUNIT_ASSERT_EQUAL(0.0, *before.value("whatsapp_messages_received_total"));
    CPPUNIT_ASSERT_EQUAL(0.0, *before.value("whatsapp_messages_sent_total"));
    for (int i = 0; i < 7; ++i) received(host, i % 2 ? "a1" : "a2");
    for (int i = 0; i < 4; ++i) sent(host, "a1");
    state(host, "a1", WABOT_SESSION_RECONNECTING);
    state(host, "a1", WABOT_SESSION_RECONNECTING);
    state(host, "a2", WABOT_SESSION_LOGGED_OUT);
    PrometheusText t = scrape(host);
    CPPUNIT_ASSERT_EQUAL(7.0, *t.value("whatsapp_messages_received_total"));
    CPPUNIT_ASSERT_EQUAL(4.0, *t.value("whatsapp_messages_sent_total"));
    CPPUNIT_ASSERT_EQUAL(2.0, *t.value("whatsapp_reconnects_total"));
    CPPUNIT_ASSERT_EQUAL(1.0, *t.value("whatsapp_errors_total{type=\"session_logged_out\"}"));
    CPPUNIT_ASSERT_EQUAL(2.0, *t.value("whatsapp_sessions_active"));
    CPPUNIT_ASSERT(t.value("wabot_plugin_queue_dropped_events{plugin=\"metrics\"}"));
    CPPUNIT_ASSERT(!t.value("whatsapp_messages_sent_total{agent=\"a1\"}"));  // no per-agent series by default

    ai_call(host, "a1", 1500, "");
    ai_call(host, "a1", 70, "AI_TIMEOUT");
    ai_call(host, "a2", 300, "AI_DOWNSTREAM_ERROR");
    http(host, "POST", "/agents/{agentId}/run", 200, 20);
    http(host, "POST", "/agents/{agentId}/run", 200, 40);
    http(host, "POST", "/agents/{agentId}/run", 401, 1);
    PrometheusText u = scrape(host);
    CPPUNIT_ASSERT_EQUAL(3.0, *u.value("whatsapp_ai_latency_seconds_count"));
    CPPUNIT_ASSERT_DOUBLES_EQUAL(1.87, *u.value("whatsapp_ai_latency_seconds_sum"), 1e-9);
    CPPUNIT_ASSERT_EQUAL(1.0, *u.value("whatsapp_ai_latency_seconds_bucket{le=\"0.1\"}"));
    CPPUNIT_ASSERT_EQUAL(1.0, *u.value("whatsapp_errors_total{type=\"ai_timeout\"}"));
    CPPUNIT_ASSERT_EQUAL(1.0, *u.value("whatsapp_errors_total{type=\"ai_downstream\"}"));
    CPPUNIT_ASSERT_EQUAL(2.0, *u.value("http_requests_total{code=\"200\",method=\"POST\",route=\"/agents/{agentId}/run\"}"));
    CPPUNIT_ASSERT_EQUAL(1.0, *u.value("http_requests_total{code=\"401\",method=\"POST\",route=\"/agents/{agentId}/run\"}"));
    CPPUNIT_ASSERT_EQUAL(3.0, *u.value("http_request_duration_seconds_count{route=\"/agents/{agentId}/run\"}"));
  }

  void perAgentLabels() {
    FakeHost host;
    host.set_config("per_agent_labels", "true");
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    received(host, "a1");
    received(host, "a1");
    received(host, "b2");
    sent(host, "b2");
    PrometheusText t = scrape(host);
    CPPUNIT_ASSERT_EQUAL(2.0, *t.value("whatsapp_messages_received_total{agent=\"a1\"}"));
    CPPUNIT_ASSERT_EQUAL(1.0, *t.value("whatsapp_messages_received_total{agent=\"b2\"}"));
    CPPUNIT_ASSERT_EQUAL(1.0, *t.value("whatsapp_messages_sent_total{agent=\"b2\"}"));
    CPPUNIT_ASSERT(!t.value("whatsapp_messages_received_total"));
  }

  void engineHealthFromTheSnapshot() {
    FakeHost host;
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    PrometheusText t0 = scrape(host);
    CPPUNIT_ASSERT_EQUAL(0.0, *t0.value("wabot_decrypt_failures_total"));
    CPPUNIT_ASSERT_EQUAL(0.0, *t0.value("wabot_send_queue_depth"));
    host.agent_health["a1"] = {3, 2};
    host.agent_health["a2"] = {1, 5};
    PrometheusText t1 = scrape(host);
    CPPUNIT_ASSERT_EQUAL(4.0, *t1.value("wabot_decrypt_failures_total"));
    CPPUNIT_ASSERT_EQUAL(7.0, *t1.value("wabot_send_queue_depth"));
    // A second scrape without news adds nothing; the host's total moving by 2 moves the counter by 2.
    PrometheusText t2 = scrape(host);
    CPPUNIT_ASSERT_EQUAL(4.0, *t2.value("wabot_decrypt_failures_total"));
    host.agent_health["a2"] = {3, 0};
    host.agent_health["a1"].sends_queued = 0;
    PrometheusText t3 = scrape(host);
    CPPUNIT_ASSERT_EQUAL(6.0, *t3.value("wabot_decrypt_failures_total"));
    CPPUNIT_ASSERT_EQUAL(0.0, *t3.value("wabot_send_queue_depth"));
    CPPUNIT_ASSERT(!t3.value("wabot_send_queue_depth{agent=\"a1\"}"));
  }

  void engineHealthPerAgent() {
    FakeHost host;
    host.set_config("per_agent_labels", "true");
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    host.agent_health["a1"] = {3, 2};
    host.agent_health["b2"] = {0, 4};
    PrometheusText t = scrape(host);
    CPPUNIT_ASSERT_EQUAL(3.0, *t.value("wabot_decrypt_failures_total{agent=\"a1\"}"));
    CPPUNIT_ASSERT(!t.value("wabot_decrypt_failures_total{agent=\"b2\"}"));  // nothing failed there yet
    CPPUNIT_ASSERT_EQUAL(2.0, *t.value("wabot_send_queue_depth{agent=\"a1\"}"));
    CPPUNIT_ASSERT_EQUAL(4.0, *t.value("wabot_send_queue_depth{agent=\"b2\"}"));
    CPPUNIT_ASSERT(!t.value("wabot_send_queue_depth"));
    // b2's session goes away: its queue series drops to 0; a1's counter keeps what it counted.
    host.agent_health.erase("b2");
    host.agent_health["a1"] = {5, 0};
    PrometheusText u = scrape(host);
    CPPUNIT_ASSERT_EQUAL(5.0, *u.value("wabot_decrypt_failures_total{agent=\"a1\"}"));
    CPPUNIT_ASSERT_EQUAL(0.0, *u.value("wabot_send_queue_depth{agent=\"b2\"}"));
    CPPUNIT_ASSERT_EQUAL(0.0, *u.value("wabot_send_queue_depth{agent=\"a1\"}"));
  }

  // A 1.1 host's snapshot ends before the engine health fields: the plugin reads none of them.
  void engineHealthFromAnOlderHost() {
    FakeHost host;
    host.health_struct_size = offsetof(wabot_health, decrypt_failures);
    host.sessions["a1"].connected = true;
    host.agent_health["a1"] = {9, 9};
    CPPUNIT_ASSERT(host.load(wabot_plugin_v1()).is_ok());
    PrometheusText t = scrape(host);
    CPPUNIT_ASSERT_EQUAL(1.0, *t.value("whatsapp_sessions_active"));
    CPPUNIT_ASSERT_EQUAL(0.0, *t.value("wabot_decrypt_failures_total"));
    CPPUNIT_ASSERT_EQUAL(0.0, *t.value("wabot_send_queue_depth"));
    CPPUNIT_ASSERT(!t.value("whatsapp_errors_total{type=\"metrics_health_snapshot\"}"));
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(MetricsPluginTest);
